"""The contract suites shipped with the package, one folder (a pytest package) per vendor.

A suite is found through this package, never by guessing paths: `suite_dir("superoffice")` is
the folder pytest collects, wherever the package is installed.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

__all__ = ["SuiteNotFound", "shipped_vendors", "suite_dir"]


class SuiteNotFound(LookupError):
    """No shipped suite by that name (or the package is installed somewhere pytest can't read)."""


def suite_dir(vendor: str) -> Path:
    """The folder of the shipped contract suite for vendor."""
    folder = resources.files(__name__) / vendor
    path = Path(str(folder))
    if not (path / "conftest.py").is_file():
        raise SuiteNotFound(
            f"no contract suite for vendor {vendor!r} in {path.parent} "
            f"(shipped: {', '.join(shipped_vendors()) or 'none'})"
        )
    return path


def shipped_vendors() -> list[str]:
    """The vendors with a suite in this package."""
    here = Path(str(resources.files(__name__)))
    return sorted(p.name for p in here.iterdir() if (p / "conftest.py").is_file())
