"""What differs between derived files and the checked-in ones, property by property."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from webapi_contract.derive.schema import SOURCE_KEY

__all__ = ["describe", "differences"]

_SKIP = {SOURCE_KEY, "description"}
# keywords `describe` already summarises as the type
_TYPE_KEYWORDS = {"type", "anyOf", "$ref", "items", "format", "additionalProperties", "enum"}
_TYPE_KEYWORDS |= {"minimum", "maximum"}


def describe(schema: Any) -> str:
    """A short type description of a schema: `string`, `integer`, `Person`, `array of X`…"""
    if not isinstance(schema, dict):
        return json.dumps(schema)
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1].removesuffix(".schema.json")
    if "anyOf" in schema:
        parts = [describe(b) for b in schema["anyOf"] if b.get("type") != "null"]
        return " | ".join(parts)
    if "enum" in schema:
        return "enum(" + ", ".join(str(v) for v in schema["enum"] if v is not None) + ")"
    kinds = schema.get("type", "any")
    kinds = [kinds] if isinstance(kinds, str) else [k for k in kinds if k != "null"]
    text = "|".join(kinds)
    if "format" in schema:
        text += f" ({schema['format']})"
    if "items" in schema:
        text += f" of {describe(schema['items'])}"
    if isinstance(schema.get("additionalProperties"), dict):
        text = f"map of {describe(schema['additionalProperties'])}"
    return text


def _sources(schema: dict[str, Any], old: dict[str, Any]) -> str:
    """The citations of a changed property: those of its newly accepted kinds, else all."""
    before = set(describe(old).split(" | ")) if old else set()
    fresh = [
        s
        for b in schema.get("anyOf", [])
        if describe(b) not in before
        for s in b.get(SOURCE_KEY, [])
    ]
    cited = fresh or schema.get(SOURCE_KEY, [])
    return ", ".join(f"{s['file']}:{s['line']}" for s in cited)


def _property(name: str, old: dict[str, Any], new: dict[str, Any]) -> str:
    changes = []
    if describe(old) != describe(new):
        changes.append(f"type changed {describe(old)} -> {describe(new)}")
    for key in sorted((set(old) | set(new)) - _SKIP - _TYPE_KEYWORDS):
        if old.get(key) != new.get(key):
            changes.append(f"{key} changed {old.get(key)} -> {new.get(key)}")
    if not changes and old.get(SOURCE_KEY) != new.get(SOURCE_KEY):
        changes.append("doc source moved")
    if not changes:
        changes.append("description changed")
    return f"property {name}: {'; '.join(changes)} ({_sources(new, old)})"


def _schema_changes(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    messages = []
    old_props, new_props = old.get("properties", {}), new.get("properties", {})
    for name in sorted(set(old_props) | set(new_props)):
        before, after = old_props.get(name), new_props.get(name)
        if before == after:
            continue
        if before is None:
            messages.append(f"property {name}: added ({_sources(after, {})})")
        elif after is None:
            messages.append(f"property {name}: removed")
        else:
            messages.append(_property(name, before, after))
    for key in sorted((set(old) | set(new)) - {"properties"}):
        if old.get(key) != new.get(key):
            messages.append(f"{key} changed{_names_changed(old.get(key), new.get(key))}")
    return messages


def _names_changed(old: Any, new: Any) -> str:
    """For two lists of names (`required`, x-required-any-case): which were added and removed."""
    old, new = [] if old is None else old, [] if new is None else new
    if not all(isinstance(v, list) and all(isinstance(n, str) for n in v) for v in (old, new)):
        return ""
    added = ", ".join(n for n in new if n not in old)
    removed = ", ".join(n for n in old if n not in new)
    parts = ([f"added {added}"] if added else []) + ([f"removed {removed}"] if removed else [])
    return f": {'; '.join(parts)}" if parts else ": reordered"


def _openapi_changes(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    messages = []
    for section in ("paths", "components", "servers", "security", "info"):
        if old.get(section) == new.get(section):
            continue
        if section == "components":
            olds = old.get(section, {}).get("schemas", {})
            news = new.get(section, {}).get("schemas", {})
            changed = sorted(n for n in set(olds) | set(news) if olds.get(n) != news.get(n))
            messages.append(f"components changed: {', '.join(changed) or 'securitySchemes'}")
        else:
            messages.append(f"{section} changed")
    return messages or ["changed"]


def differences(files: dict[str, str], folder: Path) -> list[str]:
    """One line per difference between the derived files and `folder`; empty when identical."""
    messages = []
    for name, text in sorted(files.items()):
        path = folder / name
        if not path.is_file():
            messages.append(f"{name}: missing (run `webapi-contract derive`)")
            continue
        current = path.read_text(encoding="utf-8")
        if current == text:
            continue
        try:
            old = json.loads(current)
        except ValueError:
            messages.append(f"{name}: not valid JSON")
            continue
        new = json.loads(text)
        found = _openapi_changes(old, new) if name == "openapi.json" else _schema_changes(old, new)
        messages.extend(f"{name}: {m}" for m in found or ["formatting differs"])
    for path in sorted(folder.glob("*.schema.json")):
        if path.name not in files:
            messages.append(f"{path.name}: no longer derived (stale)")
    return messages
