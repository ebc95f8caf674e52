"""What the derived contract says about one entity: its properties, defaults and validity."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

from webapi_contract import schemastore
from webapi_contract.mock.errors import ApiError
from webapi_contract.mock.shape import Shape, shape_of
from webapi_contract.paths import DEFAULT_VENDOR

__all__ = ["EntityContract"]

_MESSAGE_LIMIT = 300


class EntityContract:
    """One entity schema of a vendor's derived contract, read once; validators are built once
    and cached. A body that does not fit is refused with `invalid_status` (400, or 422 for a
    vendor that reports validation so)."""

    def __init__(
        self,
        name: str,
        with_links: str | None = None,
        vendor: str = DEFAULT_VENDOR,
        invalid_status: int = 400,
    ) -> None:
        self.name = name
        self.vendor = vendor
        self.invalid_status = invalid_status
        self.shape: Shape = shape_of(name, vendor=vendor)
        self.links_shape: Shape = shape_of(with_links, vendor=vendor) if with_links else self.shape
        self._validator = schemastore.validator(name, vendor)
        self._members: dict[str, Draft202012Validator] = {}
        properties = schemastore.load(name, vendor).get("properties", {})
        self._string_maps = frozenset(k for k, v in properties.items() if _is_string_map(v))
        self._plain = {k: check for k, v in properties.items() if (check := _plain_check(v))}

    def defaults(self) -> dict[str, Any]:
        """An entity nobody has filled in: every property present, arrays and maps empty."""
        return {key: shape.default() for key, shape in self.shape.props.items()}

    def complete(self, entity: dict[str, Any]) -> None:
        """Put back, as their default, top-level properties a patch removed."""
        if self.shape.props.keys() <= entity.keys():
            return  # none was (most patches)
        for key, shape in self.shape.props.items():
            if key not in entity:
                entity[key] = shape.default()

    def canonical(self, body: dict[str, Any]) -> dict[str, Any]:
        """body with carrier member names spelled as the schema spells them, and integral
        numbers of integer members (3.0) as integers.

        Raises ApiError(400) for a member the entity or one of its carriers does not have.
        """
        canonical: dict[str, Any] = _canonical(body, self.shape, "")
        return canonical

    def validate(
        self,
        entity: dict[str, Any],
        members: set[str] | None = None,
        ignoring: frozenset[str] = frozenset(),
    ) -> None:
        """Raise ApiError(invalid_status) unless entity (or only its `members`) fits the
        schema; failures of the keywords in `ignoring` (e.g. maxLength) do not count."""
        status = self.invalid_status
        if members is None or ignoring:
            _raise_first(self._validator, entity, "", status, ignoring)
            return
        properties = schemastore.load(self.name, self.vendor).get("properties", {})
        if not members <= properties.keys():
            _raise_first(self._validator, entity, "", status)  # members kept elsewhere
            return
        for key in members:
            value = entity.get(key)
            if key in self._string_maps and _all_strings(value):
                continue  # valid, as jsonschema would find it at some µs per entry (see below)
            plain = self._plain.get(key)
            if plain is not None and plain(value):
                continue  # valid, as jsonschema would find it (see _plain_check)
            _raise_first(self._member(key), value, f"{key}", status)

    def _member(self, key: str) -> Draft202012Validator:
        validator = self._members.get(key)
        if validator is None:
            # The member's own subschema, given the entity's $id so its relative $refs resolve;
            # cheaper per call than a {"$ref": "…#/properties/…"} wrapper.
            entity = schemastore.load(self.name, self.vendor)
            member = {**entity["properties"][key], "$id": schemastore.schema_uri(self.name)}
            validator = Draft202012Validator(
                member,
                registry=schemastore.registry(self.vendor),
                format_checker=schemastore.FORMATS,
            )
            self._members[key] = validator
        return validator


_ANNOTATIONS = frozenset({"description", "title", "$comment", "examples", "deprecated"})


def _is_string_map(schema: Any) -> bool:
    """Whether schema (annotations aside) says exactly: an object of strings (or null).

    A merge patch may put 50,000 entries into such a map (CustomFields): checking them here
    costs a hundredth of jsonschema's descent into each, and is exact for this schema only;
    any other schema, and any value that is not such an object, is left to jsonschema.
    """
    if not isinstance(schema, dict):
        return False
    rest = {k: v for k, v in schema.items() if k not in _ANNOTATIONS and not k.startswith("x-")}
    values = rest.get("additionalProperties")
    return (
        set(rest) == {"type", "additionalProperties"}
        and rest["type"] in ("object", ["object", "null"], ["null", "object"])
        and isinstance(values, dict)
        and {k: v for k, v in values.items() if k not in _ANNOTATIONS} == {"type": "string"}
    )


_PLAIN_TYPES: dict[str, type | None] = {"string": str, "boolean": bool, "null": None}


def _plain_check(schema: Any) -> Callable[[Any], bool] | None:
    """For a schema that (annotations aside) says only a type of string, boolean or null, or an
    integer between a minimum and a maximum: a check that is True for exactly the values it
    accepts of a JSON-parsed document, a hundredth of jsonschema's cost. A value it refuses is
    left to jsonschema (which words the error). None for any other schema."""
    if not isinstance(schema, dict):
        return None
    rest = {k: v for k, v in schema.items() if k not in _ANNOTATIONS and not k.startswith("x-")}
    kinds = rest.pop("type", None)
    kinds = [kinds] if isinstance(kinds, str) else kinds
    if not isinstance(kinds, list) or not kinds:
        return None
    nullable = "null" in kinds
    named = [kind for kind in kinds if kind != "null"]
    if not rest and all(kind in _PLAIN_TYPES for kind in named):
        types = tuple(t for t in (_PLAIN_TYPES[kind] for kind in named) if t is not None)
        return lambda value: (
            (value is None and nullable) or (value is not None and type(value) in types)
        )
    low, high = rest.pop("minimum", None), rest.pop("maximum", None)
    if named == ["integer"] and not rest and type(low) is int and type(high) is int:
        return lambda value: (
            (value is None and nullable) or (type(value) is int and low <= value <= high)
        )
    return None


def _all_strings(value: Any) -> bool:
    return isinstance(value, dict) and all(isinstance(item, str) for item in value.values())


def _raise_first(
    validator: Draft202012Validator,
    instance: Any,
    prefix: str,
    status: int = 400,
    ignoring: frozenset[str] = frozenset(),
) -> None:
    errors = validator.iter_errors(instance)
    error = best_match(e for e in errors if e.validator not in ignoring)
    if error is None:
        return
    where = "/".join([prefix, *(str(p) for p in error.absolute_path)]).strip("/") or "entity"
    message = error.message
    if len(message) > _MESSAGE_LIMIT:
        message = f"{message[:_MESSAGE_LIMIT]}…"
    raise ApiError(status, "ValidationError", f"{where}: {message}")


def _canonical(value: Any, shape: Shape | None, where: str) -> Any:
    if shape is None:
        return value
    if shape.kind == "scalar" and shape.name == "int" and isinstance(value, float):
        # JSON Schema (and a .NET binder) takes 3.0 as the integer 3: store it as one.
        return int(value) if value.is_integer() and abs(value) < 2**63 else value
    if shape.kind == "carrier" and isinstance(value, dict):
        out: dict[str, Any] = {}
        for raw, member in value.items():
            key = shape.key(raw)
            if key is None:
                raise ApiError.bad_request(f"unknown property {where}{raw}", "InvalidProperty")
            out[key] = _canonical(member, shape.props[key], f"{where}{key}/")
        return out
    if shape.kind == "array" and isinstance(value, list):
        return [_canonical(item, shape.items, f"{where}{n}/") for n, item in enumerate(value)]
    if shape.kind == "map" and isinstance(value, dict):
        return {k: _canonical(v, shape.values, f"{where}{k}/") for k, v in value.items()}
    return value
