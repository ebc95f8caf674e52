"""JSON Patch and Merge Patch bodies built from an entity's schema: meaningful and malformed.

Valid operations address real properties (any case, leading slash optional) with values of the
property's type, so a conformant server applies them; malformed ones break one documented rule.
"""

from __future__ import annotations

import string
from collections.abc import Callable, Mapping
from functools import cache
from typing import Any

from hypothesis import strategies as st

from webapi_contract import schemastore

__all__ = ["PLAIN_TEXT", "PatchBodies", "spellings"]

Strategy = st.SearchStrategy[Any]
INT32 = (-(2**31), 2**31 - 1)
_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), max_size=24)
_KEY = st.text("abcdefghijklmnopqrstuvwxyz0123456789_", min_size=1, max_size=12)
# Text a live tenant stores as sent: letters, digits, spaces and a little punctuation.
PLAIN_TEXT = st.text(string.ascii_letters + string.digits + " .-", max_size=24)


def _types(spec: dict[str, Any]) -> set[str]:
    kind = spec.get("type")
    return {kind} if isinstance(kind, str) else set(kind or ())


def _ref_name(spec: dict[str, Any]) -> str | None:
    for option in [spec, *spec.get("anyOf", ()), *spec.get("oneOf", ())]:
        ref = option.get("$ref") if isinstance(option, dict) else None
        if isinstance(ref, str):
            return ref.rsplit("/", 1)[-1].removesuffix(".schema.json")
    return None


def _scalar(spec: dict[str, Any], text: Strategy | None = None) -> Strategy | None:
    """Values of a scalar property's own type (null only when the schema allows it)."""
    types = _types(spec)
    if "enum" in spec:
        return st.sampled_from(spec["enum"])
    options: list[Strategy] = []
    if "integer" in types:
        low, high = spec.get("minimum", INT32[0]), spec.get("maximum", INT32[1])
        options.append(st.integers(max(low, -1000), min(high, 100_000)))
    if "boolean" in types:
        options.append(st.booleans())
    if "string" in types:
        if spec.get("format") == "date-time":
            options.append(st.datetimes().map(lambda moment: moment.isoformat() + "Z"))
        else:
            options.append(_TEXT if text is None else text)
    if not options:
        return None
    if "null" in types:
        options.append(st.none())
    return st.one_of(options)


@cache
def _object(name: str, vendor: str) -> Strategy:
    """An object of one referenced schema, filled with a few of its scalar members (built once:
    strategies are immutable)."""
    properties = schemastore.load(name, vendor).get("properties", {})
    members = {key: s for key, spec in properties.items() if (s := _scalar(spec)) is not None}
    return st.fixed_dictionaries({}, optional=members)


@cache
def spellings(name: str) -> Strategy:
    """The ways a client may spell a property name: the docs say paths ignore case."""
    return st.sampled_from([name, name.lower(), name.upper(), name.swapcase()])


_SET_OPS = st.sampled_from(["replace", "add"])


@cache
def _path_to(name: str, last: str | None = "") -> Strategy:
    """The path of a property in any spelling, then `last` ("-": the end of an array; None: a
    drawn map key; "": nothing), built once per property."""
    segments = [spellings(name)]
    if last is None:
        segments.append(_KEY)
    elif last:
        segments.append(st.just(last))
    return _path(segments)


def _path(segments: list[Strategy]) -> Strategy:
    """A JSON Pointer from segment strategies, with or without the leading slash."""
    return st.tuples(st.booleans(), *segments).map(
        lambda parts: ("/" if parts[0] else "") + "/".join(parts[1:])
    )


class PatchBodies:
    """Strategies for bodies that change an entity described by a derived JSON Schema, each
    built once per instance (a strategy built per case costs more than drawing from it).

    `only` (for a live tenant) keeps valid bodies to those properties: scalars with values of
    their type, and the element arrays of `elements` with items whose Value that strategy draws;
    nothing else is set, added to or removed, so a tenant's mandatory fields and the records other
    entities point to stay as they are. Malformed bodies still name any property.
    """

    def __init__(
        self,
        entity: str,
        excluded: frozenset[str] = frozenset(),
        *,
        vendor: str,
        only: frozenset[str] | None = None,
        elements: Mapping[str, Strategy] | None = None,
    ) -> None:
        self.vendor = vendor
        properties = schemastore.load(entity, vendor).get("properties", {})
        self.everything = {k: v for k, v in properties.items() if k not in excluded}
        self.elements = dict(elements or {})
        if only is None:
            self.properties = dict(self.everything)
        else:
            allowed = only | self.elements.keys()
            self.properties = {k: v for k, v in self.everything.items() if k in allowed}
        self.scalars = {k: s for k, v in self.properties.items() if (s := _scalar(v)) is not None}
        if only is not None:
            self.scalars = {
                k: s
                for k, v in self.properties.items()
                if k in only and (s := _scalar(v, PLAIN_TEXT)) is not None
            }
        self.carriers = {
            k: name
            for k, v in self.properties.items()
            if "anyOf" in v and (name := _ref_name(v)) is not None and only is None
        }
        self.lists = {
            k: v["items"]
            for k, v in self.properties.items()
            if "array" in _types(v) and "items" in v and (only is None or k in self.elements)
        }
        self.maps = {
            k: v["additionalProperties"]
            for k, v in self.properties.items()
            if "object" in _types(v)
            and isinstance(v.get("additionalProperties"), dict)
            and only is None
        }
        self.removable = sorted(self.properties)
        self._built: dict[str, Strategy] = {}
        self._items: dict[str, Strategy] = {}

    def _once(self, name: str, build: Callable[[], Strategy]) -> Strategy:
        if name not in self._built:
            self._built[name] = build()
        return self._built[name]

    def _item_of(self, kind: str, key: str) -> Strategy:
        """The item strategy of a list (kind "list") or map ("map") property, built once."""
        slot = f"{kind}:{key}"
        if slot not in self._items:
            if kind == "list":
                self._items[slot] = self._item(self.lists[key], key)
            else:
                self._items[slot] = self._item(self.maps[key])
        return self._items[slot]

    def _item(self, spec: dict[str, Any], key: str = "") -> Strategy:
        if key in self.elements:
            return st.fixed_dictionaries(
                {"Value": self.elements[key]}, optional={"Description": PLAIN_TEXT}
            )
        name = _ref_name(spec)
        if name:
            return _object(name, self.vendor)
        scalar = _scalar(spec)
        return scalar if scalar is not None else st.none()

    def _sets(self) -> Strategy:
        """(name, value) pairs a replace or merge may set."""
        return self._once("sets", self._build_sets)

    def _build_sets(self) -> Strategy:
        options = [st.tuples(st.just(k), s) for k, s in self.scalars.items()]
        options += [
            st.tuples(st.just(k), st.one_of(st.none(), _object(n, self.vendor)))
            for k, n in self.carriers.items()
        ]
        options += [
            st.tuples(st.just(k), st.lists(self._item_of("list", k), max_size=2))
            for k in self.lists
        ]
        return st.one_of(options)

    def _operation(self) -> Strategy:
        return self._once("operation", self._build_operation)

    def _build_operation(self) -> Strategy:
        replace = self._sets().flatmap(
            lambda kv: st.fixed_dictionaries({"op": _SET_OPS, "path": _path_to(kv[0])}).map(
                lambda op: {**op, "value": kv[1]}
            )
        )
        append = st.sampled_from(sorted(self.lists)).flatmap(
            lambda k: st.fixed_dictionaries(
                {
                    "op": st.just("add"),
                    "path": _path_to(k, "-"),
                    "value": self._item_of("list", k),
                }
            )
        )
        operations = [replace, append]
        if self.maps:
            operations.append(
                st.sampled_from(sorted(self.maps)).flatmap(
                    lambda k: st.fixed_dictionaries(
                        {
                            "op": st.just("add"),
                            "path": _path_to(k, None),
                            "value": self._item_of("map", k),
                        }
                    )
                )
            )
        if self.removable:
            operations.append(
                st.sampled_from(self.removable).flatmap(
                    lambda k: st.fixed_dictionaries({"op": st.just("remove"), "path": _path_to(k)})
                )
            )
        return st.one_of(operations)

    def json_patch(self) -> Strategy:
        """A JSON Patch document a conformant server applies; a passing `test` may follow a set."""
        return self._once("json_patch", self._build_json_patch)

    def _build_json_patch(self) -> Strategy:
        checked = st.tuples(self._sets(), spellings_pair()).map(_set_then_test)
        singles = st.lists(self._operation(), min_size=1, max_size=4)
        return st.one_of(singles, singles.flatmap(lambda ops: checked.map(lambda t: ops + t)))

    def merge_patch(self) -> Strategy:
        """A JSON Merge Patch: a few properties set to values of their type."""
        return self._once("merge_patch", self._build_merge_patch)

    def _build_merge_patch(self) -> Strategy:
        return st.lists(self._sets(), min_size=1, max_size=4, unique_by=lambda kv: kv[0]).map(dict)

    def malformed(self) -> Strategy:
        """A JSON Patch document that breaks one documented rule, and must be refused."""
        return self._once("malformed", self._build_malformed)

    def _build_malformed(self) -> Strategy:
        name = st.sampled_from(sorted(self.everything))
        integers = sorted(k for k, v in self.everything.items() if "integer" in _types(v))
        booleans = sorted(k for k, v in self.everything.items() if "boolean" in _types(v))
        op = st.sampled_from(["add", "replace", "test"])
        kinds: list[Strategy] = [
            # move and copy are documented as not supported
            st.builds(
                lambda o, a, b: [{"op": o, "from": f"/{a}", "path": f"/{b}"}],
                st.sampled_from(["move", "copy"]),
                name,
                name,
            ),
            st.builds(lambda o, p: [{"op": o, "path": f"/{p}", "value": 1}], _unknown_op(), name),
            st.builds(lambda o, p: [{"op": o, "path": f"/{p}"}], op, name),
            st.builds(lambda p: [{"op": "replace", "value": p}], _TEXT),
            st.builds(lambda k: [{"op": "replace", "path": f"/NoSuch{k}", "value": "x"}], _KEY),
            st.builds(lambda p: {"op": "replace", "path": f"/{p}", "value": None}, name),
            st.sampled_from([[1], ["replace"], [None], "patch"]),
        ]
        if integers:
            kinds.append(_wrong(integers, st.sampled_from(["not a number", 2**40, [1]])))
        if booleans:
            kinds.append(_wrong(booleans, st.sampled_from(["maybe", {"v": True}])))
        return st.one_of(kinds)


def spellings_pair() -> Strategy:
    """Whether the `set` and the `test` that checks it spell the path with a leading slash."""
    return st.tuples(st.booleans(), st.booleans())


def _set_then_test(args: tuple[tuple[str, Any], tuple[bool, bool]]) -> list[dict[str, Any]]:
    (name, value), (slash_set, slash_test) = args
    return [
        {"op": "replace", "path": ("/" if slash_set else "") + name, "value": value},
        {"op": "test", "path": ("/" if slash_test else "") + name.lower(), "value": value},
    ]


def _unknown_op() -> Strategy:
    return st.sampled_from(["merge", "set", "delete", "", "REPLACEALL"])


def _wrong(names: list[str], values: Strategy) -> Strategy:
    build: Callable[[str, Any], list[dict[str, Any]]] = lambda p, v: [  # noqa: E731
        {"op": "replace", "path": f"/{p}", "value": v}
    ]
    return st.builds(build, st.sampled_from(names), values)
