"""Where the derived contract and its doc inputs live, found relative to this file."""

from __future__ import annotations

import os
import re
from pathlib import Path

__all__ = ["DEFAULT_VENDOR", "docs_dir", "repo_root", "schemas_dir"]

_PACKAGE = Path(__file__).resolve().parent
_DATA = _PACKAGE / "_data"
DEFAULT_VENDOR = "superoffice"  # its contract lives at the root of schemas/, as it always has
_VENDOR_NAME = re.compile(r"[a-z][a-z0-9_]*")


def repo_root() -> Path | None:
    """The source checkout this package runs from, or None when installed from a wheel."""
    root = _PACKAGE.parents[1]
    return root if (root / "pyproject.toml").is_file() else None


def _locate(env: str, relative: str) -> Path:
    override = os.environ.get(env)
    if override:
        return Path(override).resolve()
    root = repo_root()
    if root is not None:
        return root / relative
    return _DATA / relative


def schemas_dir(vendor: str = DEFAULT_VENDOR) -> Path:
    """The folder of a vendor's derived JSON Schemas and `openapi.json`: `schemas/` for
    SuperOffice, `schemas/<vendor>/` for any other (override of `schemas/`: WEBAPI_SCHEMAS_DIR).
    ValueError for a vendor name that is not a plain lowercase name."""
    if not _VENDOR_NAME.fullmatch(vendor):
        raise ValueError(f"not a vendor name: {vendor!r}")
    root = _locate("WEBAPI_SCHEMAS_DIR", "schemas")
    return root if vendor == DEFAULT_VENDOR else root / vendor


def docs_dir() -> Path:
    """The folder of vendor doc pages the schemas are derived from (override: WEBAPI_DOCS_DIR)."""
    return _locate("WEBAPI_DOCS_DIR", "docs/vendor")
