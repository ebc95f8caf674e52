"""Derived documents as files: deterministic text, writing, and what changed against a folder."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

__all__ = ["render", "render_json", "write"]

SUFFIX = ".schema.json"
OPENAPI = "openapi.json"


def render_json(data: Any) -> str:
    """JSON text with sorted keys, two-space indent and a trailing newline."""
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def render(schemas: dict[str, dict[str, Any]], openapi: dict[str, Any]) -> dict[str, str]:
    """File name -> text of every derived file."""
    files = {f"{name}{SUFFIX}": render_json(schema) for name, schema in sorted(schemas.items())}
    files[OPENAPI] = render_json(openapi)
    return files


def write(files: dict[str, str], folder: Path) -> list[str]:
    """Write the files whose text differs; remove stale derived schemas; the names touched."""
    folder.mkdir(parents=True, exist_ok=True)
    touched = []
    for name, text in files.items():
        path = folder / name
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            touched.append(name)
    for path in sorted(folder.glob(f"*{SUFFIX}")):
        if path.name not in files:
            path.unlink()
            touched.append(path.name)
    return touched
