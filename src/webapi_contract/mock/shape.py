"""The shape of an entity as a derived JSON Schema describes it: carriers, maps, arrays, scalars."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import urljoin

from referencing import Registry

from webapi_contract import schemastore
from webapi_contract.paths import DEFAULT_VENDOR

__all__ = ["Shape", "shape_of"]

Kind = Literal["carrier", "map", "array", "scalar"]

# XML item element names of scalar array items, in the .NET spelling the vendor's types use.
_SCALAR_NAMES = {"string": "string", "integer": "int", "number": "double", "boolean": "boolean"}
_SUFFIX = ".schema.json"


@dataclass(eq=False)
class Shape:
    """One node of an entity's shape; carriers know their property names case-insensitively."""

    kind: Kind = "scalar"
    name: str = "item"
    props: dict[str, Shape] = field(default_factory=dict)
    values: Shape | None = None
    items: Shape | None = None
    string_format: str | None = None  # a scalar's JSON Schema format, e.g. date-time
    _lower: dict[str, str] = field(default_factory=dict, repr=False)

    def key(self, name: str) -> str | None:
        """The property spelled as the schema spells it, matched case-insensitively."""
        if name in self.props:
            return name
        return self._lower.get(name.lower())

    def child(self, key: str) -> Shape | None:
        """The shape of a member: a carrier's property, a map's value, an array's item."""
        if self.kind == "carrier":
            return self.props.get(key)
        if self.kind == "map":
            return self.values
        if self.kind == "array":
            return self.items
        return None

    def default(self) -> Any:
        """The value of a property nobody set: an empty array or map, otherwise null."""
        if self.kind == "array":
            return []
        if self.kind == "map":
            return {}
        return None


def shape_of(name: str, registry: Registry | None = None, vendor: str = DEFAULT_VENDOR) -> Shape:
    """The shape of the vendor's derived schema called `name` (e.g. ContactEntity)."""
    builder = _Builder(registry or schemastore.registry(vendor))
    return builder.ref(schemastore.schema_uri(name), "")


class _Builder:
    def __init__(self, registry: Registry) -> None:
        self.registry = registry
        self.done: dict[str, Shape] = {}

    def ref(self, ref: str, base: str) -> Shape:
        document, _, fragment = ref.partition("#")
        uri = urljoin(base, document) if document else base
        if not fragment and uri in self.done:
            return self.done[uri]
        contents = self.registry.resolver(base).lookup(ref).contents
        return self._node(contents, uri, None if fragment else uri)

    def _node(self, node: Any, base: str, uri: str | None = None) -> Shape:
        if not isinstance(node, dict):
            return Shape()
        if "$ref" in node:
            return self.ref(node["$ref"], base)
        for keyword in ("anyOf", "oneOf", "allOf"):
            branches = [b for b in node.get(keyword, []) if not _is_null(b)]
            if len(branches) == 1:
                return self._node(branches[0], base)
            if keyword == "allOf" and branches:
                return self._all_of(node, branches, base, uri)
        types = node.get("type", [])
        types = [types] if isinstance(types, str) else [t for t in types if t != "null"]
        if "array" in types:
            items = self._node(node.get("items", {}), base)
            return Shape(kind="array", items=items, name=f"ArrayOf{items.name}")
        if "object" in types or "properties" in node:
            return self._object(node, base, uri)
        scalar = types[0] if types else "string"
        return Shape(name=_SCALAR_NAMES.get(scalar, scalar), string_format=node.get("format"))

    def _object(self, node: dict[str, Any], base: str, uri: str | None) -> Shape:
        title = node.get("title") or (uri.rsplit("/", 1)[-1].removesuffix(_SUFFIX) if uri else "")
        if "properties" not in node:
            extra = node.get("additionalProperties")
            values = self._node(extra, base) if isinstance(extra, dict) else Shape()
            return Shape(kind="map", values=values, name=title or "item")
        shape = Shape(kind="carrier", name=title or "item")
        if uri is not None:
            self.done[uri] = shape  # registered before the members: carriers may nest themselves
        for key, sub in node["properties"].items():
            shape.props[key] = self._node(sub, base)
            shape._lower[key.lower()] = key
        return shape

    def _all_of(
        self, node: dict[str, Any], branches: list[Any], base: str, uri: str | None
    ) -> Shape:
        # An entity extended by allOf (ContactEntity + _Links): one carrier with every member.
        merged = self._object({**node, "properties": node.get("properties", {})}, base, uri)
        for branch in branches:
            part = self._node(branch, base)
            for key, child in part.props.items():
                merged.props.setdefault(key, child)
                merged._lower.setdefault(key.lower(), key)
        return merged


def _is_null(branch: Any) -> bool:
    return isinstance(branch, dict) and branch.get("type") == "null"
