"""`$select`: keep the named properties, null every other one (names are case-insensitive)."""

from __future__ import annotations

from typing import Any

from webapi_contract.mock import faults

__all__ = ["Selection", "apply_select", "parse_select"]

# property (lower case) -> nested selection; an empty dict keeps the whole property.
Selection = dict[str, "Selection"]


def parse_select(text: str | None) -> Selection | None:
    """The selection tree of `name,department,category/id`; None when nothing is selected."""
    if not text or not text.strip():
        return None
    tree: Selection = {}
    for item in text.split(","):
        parts = [p.strip().lower() for p in item.strip().strip("/").split("/") if p.strip()]
        if not parts:
            continue
        node = tree
        for depth, part in enumerate(parts):
            if part in node and not node[part]:
                break  # the whole property is already selected
            last = depth == len(parts) - 1
            node = node.setdefault(part, {}) if not last else _whole(node, part)
    return tree or None


def _whole(node: Selection, part: str) -> Selection:
    node[part] = {}
    return node[part]


def apply_select(
    entity: dict[str, Any], selection: Selection, keep: frozenset[str] = frozenset()
) -> dict[str, Any]:
    """entity with only selected members; every other top-level property present as null.

    `keep` names (lower case) stay whatever is selected: the entity's identity and links. Unknown
    names are ignored. Inside an object only selected members remain (`category/id` gives
    `{"Id": …}`); inside an array the selection applies to each item.
    """
    out: dict[str, Any] = {}
    for key, value in entity.items():
        lowered = key.lower()
        if lowered in keep:
            out[key] = value
        elif lowered in selection:
            out[key] = _narrow(value, selection[lowered])
        elif not faults.active("select-omits-instead-of-null"):
            out[key] = None
    return out


def _narrow(value: Any, selection: Selection) -> Any:
    if not selection or value is None:
        return value
    if isinstance(value, list):
        return [_narrow(item, selection) for item in value]
    if isinstance(value, dict):
        return {
            k: _narrow(v, selection[k.lower()]) for k, v in value.items() if k.lower() in selection
        }
    return value
