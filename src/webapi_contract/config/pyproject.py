"""The `[tool.webapi-contract]` table of the user's pyproject.toml."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from webapi_contract.config.table import pyproject_keys
from webapi_contract.config.values import ConfigError

__all__ = ["find_pyproject", "read_pyproject"]


def find_pyproject(start: Path) -> Path | None:
    """The nearest pyproject.toml in start or a folder above it (as ruff and black find theirs)."""
    for folder in (start.resolve(), *start.resolve().parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            return candidate
    return None


def read_pyproject(start: Path) -> dict[str, Any]:
    """The `[tool.webapi-contract]` table of the pyproject.toml found from start (empty when there
    is none), keyed by setting name (base_url, test_contact…)."""
    path = find_pyproject(start)
    if path is None:
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from exc
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be read ({exc.strerror})") from exc
    table = data.get("tool", {}).get("webapi-contract", {})
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.webapi-contract] must be a table")
    known = pyproject_keys()
    unknown = sorted(set(table) - known)
    if unknown:
        raise ConfigError(
            f"{path} [tool.webapi-contract]: unknown key(s) {', '.join(unknown)}; "
            f"known: {', '.join(sorted(known))} (credentials belong in the environment)"
        )
    return {key.replace("-", "_"): value for key, value in table.items()}
