"""Names a page left blank, recovered from its sample body when the evidence is unambiguous."""

from __future__ import annotations

from typing import Any

from webapi_contract.derive.model import Endpoint, Field

__all__ = ["infer_blank_names", "json_kind"]

_KINDS: dict[type, str] = {str: "string", bool: "boolean", int: "integer", float: "number"}


def json_kind(value: Any) -> str:
    """The JSON type name of a parsed value."""
    if value is None:
        return "null"
    if isinstance(value, dict):
        return "object"
    if isinstance(value, list):
        return "array"
    return _KINDS.get(type(value), "string")


def _fits(field: Field, value: Any) -> bool:
    kind = field.type.lower()
    actual = json_kind(value)
    if kind in ("string", "globally unique identifier", "date"):
        return actual == "string"
    if kind == "boolean":
        return actual == "boolean"
    return True


def infer_blank_names(endpoint: Endpoint) -> None:
    """Name blank request-body rows from the request sample, or drop them with a warning."""
    sample = endpoint.sample("request")
    body = sample.body if sample is not None and isinstance(sample.body, dict) else {}
    named = [f.name for f in endpoint.request_body if f.name]
    keys = list(body)
    kept: list[Field] = []
    for index, field in enumerate(endpoint.request_body):
        if field.name:
            kept.append(field)
            continue
        before = next((f.name for f in reversed(endpoint.request_body[:index]) if f.name), None)
        after = next((f.name for f in endpoint.request_body[index + 1 :] if f.name), None)
        candidates = [
            k
            for k in keys
            if k not in named
            and _fits(field, body[k])
            and (before is None or before not in keys or keys.index(before) < keys.index(k))
            and (after is None or after not in keys or keys.index(k) < keys.index(after))
        ]
        if len(candidates) == 1:
            field.name = candidates[0]
            named.append(field.name)
            kept.append(field)
            endpoint.warnings.append(
                f"{field.source}: blank name inferred as {field.name!r} from the sample body"
            )
        else:
            endpoint.warnings.append(f"{field.source}: row without a name ignored")
    endpoint.request_body = kept
