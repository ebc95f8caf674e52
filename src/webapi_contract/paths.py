"""Where the derived contract and its doc inputs live, found relative to this file."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["docs_dir", "repo_root", "schemas_dir"]

_PACKAGE = Path(__file__).resolve().parent
_DATA = _PACKAGE / "_data"


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


def schemas_dir() -> Path:
    """The folder of derived JSON Schemas and `openapi.json` (override: WEBAPI_SCHEMAS_DIR)."""
    return _locate("WEBAPI_SCHEMAS_DIR", "schemas")


def docs_dir() -> Path:
    """The folder of vendor doc pages the schemas are derived from (override: WEBAPI_DOCS_DIR)."""
    return _locate("WEBAPI_DOCS_DIR", "docs/vendor")
