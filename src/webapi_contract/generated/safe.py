"""What generated requests may send to a live tenant (any target but the embedded mock).

Against the embedded mock every valid request Schemathesis can draw is fair game. A live tenant
holds other people's data and its own rules (mandatory fields, the time-zone codes it knows), so
valid cases there change only plain, documented, writable scalar properties and the values of
element arrays of the run's own contacts; they never remove or null what the test contact was
created with (Name, the test-contact setting's fields), never send foreign ids the run did not
create (persons, associates, countries, list items), and send the tuning headers and `$select` only
with documented values. Random header and `$select` values belong to invalid cases, where a
refusal is fine.
"""

from __future__ import annotations

import string
from collections.abc import Callable, Mapping, MutableMapping
from typing import Any

from hypothesis import strategies as st

from webapi_contract import schemastore
from webapi_contract.generated.patches import PLAIN_TEXT, PatchBodies, spellings
from webapi_contract.generated.vendor import EntityApi

__all__ = ["DOCUMENTED_HEADERS", "LiveSafe"]

Draw = Callable[[st.SearchStrategy[Any]], Any]

# The documented values of the tuning headers (docs/vendor/reference/vendor-facts.md:36-39):
# SO-TimeZone "takes a zone id or code such as `UTC`, `NO`, `DK`, `FR`, `US-NY`, `US-CA`; suffix
# `, includeTZOffset` adds offsets"; SO-Language "`*` or `x` switches translation off"; language
# and culture are iso2 codes.
_ZONES = ("UTC", "NO", "DK", "FR", "US-NY", "US-CA")
DOCUMENTED_HEADERS: dict[str, tuple[str, ...]] = {
    "so-timezone": (*_ZONES, "UTC, includeTZOffset", "NO, includeTZOffset"),
    "so-language": ("en", "nb", "*", "x"),
    "so-culture": ("en", "nb"),
    "accept-language": ("en", "nb"),
}
# X-XSRF-TOKEN's only documented value is the one from the session cookie, which a run that
# authenticates with the Authorization header has none of.
_DROPPED = frozenset({"x-xsrf-token"})
_SELECT = "$select"
# vendor-facts.md:46: `$select` examples `name,department,category/id`, `Name,Department,Emails`.
_NESTED_SELECT = ("category/id",)

_WORD = st.text(string.ascii_lowercase + string.digits, min_size=1, max_size=10)
ELEMENT_VALUES: dict[str, st.SearchStrategy[str]] = {
    "email": _WORD.map(lambda word: f"{word}@example.com"),
    "phone": st.integers(10_000_000, 99_999_999).map(lambda n: f"+47 {n}"),
    "url": _WORD.map(lambda word: f"https://example.com/{word}"),
}


class LiveSafe:
    """The strategies and adjustments that keep valid generated cases safe on a live tenant."""

    def __init__(
        self, api: EntityApi, test_contact: Mapping[str, Any], app_token: str | None = None
    ) -> None:
        self.api = api
        self.app_token = app_token
        kept = {key.lower() for key in test_contact}
        kept |= {api.name_property.lower(), api.id_property.lower()}
        self.only = frozenset(name for name in api.writable if name.lower() not in kept)
        self.elements = {
            name: ELEMENT_VALUES[kind] for name, kind in api.elements if name.lower() not in kept
        }
        self.selectable = sorted(schemastore.load(api.entity).get("properties", {}))

    def patch_bodies(self) -> PatchBodies:
        """Valid patches that change only the allowed properties of the run's contacts."""
        return PatchBodies(
            self.api.entity, self.api.stamped, only=self.only, elements=self.elements
        )

    def entity(self) -> st.SearchStrategy[dict[str, Any]]:
        """A valid entity body with a few allowed properties (id, name and the test contact's
        fields are the caller's to add)."""
        bodies = self.patch_bodies()
        optional: dict[str, st.SearchStrategy[Any]] = dict(bodies.scalars)
        for name, values in self.elements.items():
            item = st.fixed_dictionaries({"Value": values}, optional={"Description": PLAIN_TEXT})
            optional[name] = st.lists(item, max_size=2)
        return st.fixed_dictionaries({}, optional=optional)

    def select(self) -> st.SearchStrategy[str]:
        """A `$select` of documented property names, in any case (vendor-facts.md:46)."""
        names = st.sampled_from(self.selectable).flatmap(spellings)
        nested = st.sampled_from(_NESTED_SELECT)
        return st.lists(st.one_of(names, nested), min_size=1, max_size=4).map(",".join)

    def tune(self, case: Any, draw: Draw) -> None:
        """Headers and `$select` of a valid case: documented values only, or left out."""
        headers = case.headers if isinstance(case.headers, MutableMapping) else {}
        for name in list(headers):
            lowered = name.lower()
            if lowered in _DROPPED:
                del headers[name]
            elif lowered == "so-apptoken" and headers[name] != self.app_token:
                del headers[name]  # the configured token (the credentials' own) or none
            elif lowered in DOCUMENTED_HEADERS:
                value = draw(st.sampled_from([None, *DOCUMENTED_HEADERS[lowered]]))
                if value is None:
                    del headers[name]
                else:
                    headers[name] = value
        query = case.query if isinstance(case.query, MutableMapping) else {}
        if _SELECT in query:
            query[_SELECT] = draw(self.select())

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


def _touches(operation: Any, names: set[str]) -> bool:
    if not isinstance(operation, dict):
        return False
    paths = [operation.get("path"), operation.get("from")]
    return any(
        isinstance(p, str) and p.removeprefix("/").split("/")[0].lower() in names for p in paths
    )
