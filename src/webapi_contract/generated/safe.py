"""What generated requests may send to a live tenant (any target but the embedded mock).

Against the embedded mock every valid request Schemathesis can draw is fair game, within what the
docs let a valid body name (EntityApi.references). A live tenant holds other people's data and its
own rules (mandatory fields, the codes it knows), so valid cases there change only the plain,
documented, writable properties (and element arrays) of the run's own entities; they never remove
or null what the test entity was created with (its name, the mandatory fields), never send
foreign ids the run did not create, and send the headers and field selections the vendor
documents only with documented values (EntityApi). Random header values belong to invalid
cases, where a refusal is fine. Every request that lists entities is narrowed to the run's own.
"""

from __future__ import annotations

import string
from collections.abc import Callable, Mapping, MutableMapping
from typing import Any

from hypothesis import strategies as st

from webapi_contract import schemastore
from webapi_contract.generated.entity import EntityApi
from webapi_contract.generated.patches import PLAIN_TEXT, PatchBodies, spellings
from webapi_contract.generated.pool import EntityPool

__all__ = ["LiveSafe", "narrow_list", "own_entity_body", "without_headers"]

Draw = Callable[[st.SearchStrategy[Any]], Any]

_WORD = st.text(string.ascii_lowercase + string.digits, min_size=1, max_size=10)
ELEMENT_VALUES: dict[str, st.SearchStrategy[str]] = {
    "email": _WORD.map(lambda word: f"{word}@example.com"),
    "phone": st.integers(10_000_000, 99_999_999).map(lambda n: f"+47 {n}"),
    "url": _WORD.map(lambda word: f"https://example.com/{word}"),
}


class LiveSafe:
    """The strategies and adjustments that keep valid generated cases safe on a live tenant."""

    def __init__(
        self, api: EntityApi, mandatory: Mapping[str, Any], app_token: str | None = None
    ) -> None:
        """mandatory: the fields every entity the run creates carries (never changed here)."""
        self.api = api
        self.app_token = app_token
        kept = {key.lower() for key in mandatory}
        kept |= {api.name_property.lower(), api.id_property.lower()}
        self.only = frozenset(name for name in api.writable if name.lower() not in kept)
        self.elements = {
            name: ELEMENT_VALUES[kind] for name, kind in api.elements if name.lower() not in kept
        }
        self.selectable = sorted(schemastore.load(api.entity, api.vendor).get("properties", {}))
        self.documented = {name.lower(): values for name, values in api.documented_headers}
        self.dropped = {name.lower() for name in api.dropped_headers}
        self.token_header = (api.app_token_header or "").lower()
        self.name_required = api.name_property in schemastore.load(
            api.entity_of(api.create), api.vendor
        ).get("required", ())
        self._bodies: PatchBodies | None = None
        self._entity: st.SearchStrategy[dict[str, Any]] | None = None
        self._select: st.SearchStrategy[str] | None = None
        self._header_values = {
            name: st.sampled_from([None, *values]) for name, values in self.documented.items()
        }

    def patch_bodies(self) -> PatchBodies:
        """Valid patches that change only the allowed properties of the run's entities (built
        once: every case of the item draws from the same strategies)."""
        if self._bodies is None:
            self._bodies = self._patch_bodies()
        return self._bodies

    def _patch_bodies(self) -> PatchBodies:
        return PatchBodies(
            self.api.entity,
            self.api.stamped,
            vendor=self.api.vendor,
            only=self.only,
            elements=self.elements,
        )

    def entity(self) -> st.SearchStrategy[dict[str, Any]]:
        """A valid entity body with a few allowed properties (id, name and the test contact's
        fields are the caller's to add)."""
        if self._entity is None:
            self._entity = self._entity_strategy()
        return self._entity

    def _entity_strategy(self) -> st.SearchStrategy[dict[str, Any]]:
        bodies = self.patch_bodies()
        optional: dict[str, st.SearchStrategy[Any]] = dict(bodies.scalars)
        for name, values in self.elements.items():
            item = st.fixed_dictionaries({"Value": values}, optional={"Description": PLAIN_TEXT})
            optional[name] = st.lists(item, max_size=2)
        return st.fixed_dictionaries({}, optional=optional)

    def select(self) -> st.SearchStrategy[str]:
        """A field selection of documented property names, in any case, or a nested selection
        the docs show."""
        if self._select is None:
            self._select = self._select_strategy()
        return self._select

    def _select_strategy(self) -> st.SearchStrategy[str]:
        names = st.sampled_from(self.selectable).flatmap(spellings)
        nested = [st.sampled_from(self.api.nested_select)] if self.api.nested_select else []
        return st.lists(st.one_of(names, *nested), min_size=1, max_size=4).map(",".join)

    def tune(self, case: Any, draw: Draw) -> None:
        """Headers and the field selection of a valid case: documented values only, or left
        out."""
        headers = case.headers if isinstance(case.headers, MutableMapping) else {}
        for name in list(headers):
            lowered = name.lower()
            if lowered in self.dropped:
                del headers[name]
            elif self.token_header and lowered == self.token_header:
                if headers[name] != self.app_token:
                    del headers[name]  # the configured token (the credentials' own) or none
            elif lowered in self.documented:
                value = draw(self._header_values[lowered])
                if value is None:
                    del headers[name]
                else:
                    headers[name] = value
        query = case.query if isinstance(case.query, MutableMapping) else {}
        select = self.api.select_parameter
        if select is not None and select in query:
            query[select] = draw(self.select())

    def tag_invalid(self, body: dict[str, Any], tag: str) -> None:
        """An invalid create or update body still carries the run's tag in its name (a wrong
        type is kept: it is the violation; a missing required name too)."""
        name_property = self.api.name_property
        name = body.get(name_property)
        if name is None and self.name_required and name_property not in body:
            return
        if name is None or isinstance(name, str):
            body[name_property] = self.api.tagged(tag, name, invalid=True)

    def without_foreign(self, body: Any) -> Any:
        """An invalid body minus the members that name other entities (an invalid body a server
        accepts anyway must not move someone's persons onto the run's contact); body itself when
        it has none."""
        foreign = {name.lower() for name in self.api.foreign}
        if isinstance(body, dict) and any(key.lower() in foreign for key in body):
            return {k: v for k, v in body.items() if k.lower() not in foreign}
        if isinstance(body, list) and any(_touches(op, foreign) for op in body):
            return [op for op in body if not _touches(op, foreign)]
        return body  # the same object: nothing to leave out


def own_entity_body(
    api: EntityApi, body: dict[str, Any], mandatory: Mapping[str, Any], entity_id: Any, tag: str
) -> None:
    """A valid create or whole-entity update body made the run's: no drawn references (they
    name nothing real), the mandatory fields, entity_id as its id (None: no id) and the run's
    tag in its name."""
    for key in [k for k in body if k.lower() in {r.lower() for r in api.references}]:
        del body[key]
    body.update(mandatory)
    if entity_id is None:
        body.pop(api.id_property, None)
    else:
        body[api.id_property] = entity_id
    body[api.name_property] = api.tagged(tag, body.get(api.name_property))


def narrow_list(api: EntityApi, case: Any, pool: EntityPool | None, tag: str) -> None:
    """A list request narrowed to the run's own entities (by the name of the pool's first one;
    without a pool, a name nobody has), so it never reads others' data."""
    if api.list_filter is None:
        return
    parameter, template = api.list_filter
    name = pool.names[0] if pool is not None and pool.names else api.tagged(tag, "none")
    if not isinstance(case.query, MutableMapping):
        case.query = {}
    case.query[parameter] = template.format(name)


def without_headers(case: Any, names: frozenset[str]) -> None:
    """case without the named headers (any case)."""
    if not names or not isinstance(case.headers, MutableMapping):
        return
    lowered = {name.lower() for name in names}
    for name in [n for n in case.headers if n.lower() in lowered]:
        del case.headers[name]


def _touches(operation: Any, names: set[str]) -> bool:
    if not isinstance(operation, dict):
        return False
    paths = [operation.get("path"), operation.get("from")]
    return any(
        isinstance(p, str) and p.removeprefix("/").split("/")[0].lower() in names for p in paths
    )
