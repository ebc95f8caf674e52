"""What the generated tests need to know of one vendor's entity: its operations, its id, who
creates and changes it, and what a live tenant allows. Each vendor's suite holds its instance."""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass
from typing import Any, Literal

__all__ = ["ABSENT_INT32", "ABSENT_UUID", "INT32_MAX", "EntityApi", "IdKind", "entity_key"]

IdKind = Literal["int32", "uuid"]
INT32_MAX = 2**31 - 1
# The ids generated read-only requests use when no entity of the run's own is at hand: valid ids
# (so positive cases stay valid) that the run confirms absent before using them.
ABSENT_INT32 = INT32_MAX
ABSENT_UUID = "00000000-0000-4000-8000-0000000a85e7"
_UUID_WRAPPERS = (("guid'", "'"), ("'", "'"), ("{", "}"))


def _int32_key(value: Any) -> int | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        number = value
    else:
        try:
            parsed = float(str(value).strip())
        except ValueError:
            return None
        if not math.isfinite(parsed) or not parsed.is_integer():
            return None
        number = int(parsed)
    return number if 0 < number <= INT32_MAX else None


def _uuid_key(value: Any) -> str | None:
    if not isinstance(value, str | uuid.UUID):
        return None
    text = str(value).strip()
    for opening, closing in _UUID_WRAPPERS:
        if text.lower().startswith(opening) and text.endswith(closing) and len(text) > 2:
            text = text[len(opening) : -len(closing)]
    try:
        return str(uuid.UUID(text))
    except ValueError:
        return None


def entity_key(value: Any, kind: IdKind = "int32") -> int | str | None:
    """The id a lenient server could read value as, canonical (42 for "42", 42.0, "4.2e1"; a
    lower-case guid for any spelling of one, OData's `guid'…'` and quotes included), else None."""
    return _int32_key(value) if kind == "int32" else _uuid_key(value)


@dataclass(frozen=True)
class EntityApi:
    """One entity's operations, as the vendor's derived OpenAPI document names them."""

    vendor: str  # whose derived documents (schemastore's `vendor`)
    entity: str
    id_property: str
    # Properties the server stamps; generated requests leave them out rather than judge a server
    # for ignoring or refusing them.
    stamped: frozenset[str]
    create: str
    read: str
    update: str
    delete: str
    create_path: str
    item_path: str
    # The operation listing entities, if any, and how a list is narrowed to the run's own
    # entities: (query parameter, template of its value with `{}` for a name).
    list_all: str | None = None
    list_filter: tuple[str, str] | None = None
    id_kind: IdKind = "int32"
    # The schema of a create body when it is not the entity's (a POST without the required id).
    create_schema: str | None = None
    # Headers never sent on a create: they may leave the new id out of the answer, and the run
    # could not delete what it made (e.g. `Prefer: return=minimal`).
    create_without: frozenset[str] = frozenset()
    # The statuses a successful create answers (an RPC-style save: 200; a REST POST: 201).
    create_statuses: frozenset[int] = frozenset({200})
    # "patch": the update takes JSON Patch / merge patch bodies (PATCH); "entity": the whole
    # entity (PUT), judged as a create body is.
    update_body: Literal["patch", "entity"] = "patch"
    # Statuses the vendor's pages give for every route rather than per operation.
    global_statuses: frozenset[int] = frozenset({400, 401})
    # The merge-patch schema (by name) when the docs let an object stand for an array item
    # (appended) where the derived schema only admits the array.
    merge_patch_appends: str | None = None
    id_parameter: str = "id"
    name_property: str = "Name"
    # The longest name the server stores (its maxLength), so the run's tag always fits.
    name_limit: int | None = None
    # Operations that report a failure as 200 with a `null` body instead of an HTTP error.
    agents: frozenset[str] = frozenset()
    # What generated requests may change on a live tenant: plain, documented, writable scalar
    # properties, and element arrays by the kind of value their items' `Value` holds.
    writable: frozenset[str] = frozenset()
    elements: tuple[tuple[str, str], ...] = ()
    # Members the server computes and may ignore whatever a client sends: never judged.
    unjudged: frozenset[str] = frozenset()
    # A null sent for a member stands for its default (the vendor stores no nulls).
    null_is_default: bool = False
    # Members whose values name other entities (persons, ...) a save could move or change:
    # never sent to a live tenant, not even in an invalid body.
    foreign: frozenset[str] = frozenset()
    # Members naming other entities that a drawn value does not resolve (a documented refusal):
    # left out of valid bodies everywhere (the suite's mandatory fields name a real one).
    references: frozenset[str] = frozenset()
    # Headers with documented values (a valid case on a live tenant sends only these values),
    # headers a valid case never sends, the field-selection query parameter and the nested
    # selections its docs show.
    documented_headers: tuple[tuple[str, tuple[str, ...]], ...] = ()
    dropped_headers: frozenset[str] = frozenset()
    select_parameter: str | None = None
    nested_select: tuple[str, ...] = ()
    # The header carrying the application token setting, if the vendor has one.
    app_token_header: str | None = None

    def path_of(self, entity_id: Any) -> str:
        """The by-id path of one entity, below the base URL."""
        return self.item_path.format(**{self.id_parameter: entity_id})

    def key(self, value: Any) -> int | str | None:
        """The entity id value names (see entity_key), else None."""
        return entity_key(value, self.id_kind)

    def addresses(self, value: Any) -> bool:
        """Whether value could name a real entity, however spelled."""
        return self.key(value) is not None

    @property
    def absent_id(self) -> int | str:
        """A valid id for read-only cases, confirmed absent by the suite before use."""
        return ABSENT_INT32 if self.id_kind == "int32" else ABSENT_UUID

    @property
    def new_id(self) -> int | None:
        """The id value a create body carries for a new entity; None: the body carries none."""
        return 0 if self.id_kind == "int32" else None

    def tagged(self, tag: str, name: Any, *, invalid: bool = False) -> str:
        """A name marking data as the run's: tag first, cut to the name limit (invalid: a name
        already over the limit stays over it, the violation an invalid case is about)."""
        text = f"{tag} {name if isinstance(name, str) else ''}"
        over = isinstance(name, str) and self.name_limit is not None and len(name) > self.name_limit
        if self.name_limit is None or (invalid and over):
            return text
        return text[: self.name_limit]

    def entity_of(self, operation_id: str) -> str:
        """The schema of operation_id's entity body (create or whole-entity update)."""
        if operation_id == self.create and self.create_schema:
            return self.create_schema
        return self.entity

    @property
    def mutating(self) -> frozenset[str]:
        """Operation ids that change data."""
        return frozenset({self.create, self.update, self.delete})

    @property
    def by_id(self) -> frozenset[str]:
        """Operation ids that address one existing entity through the path."""
        return frozenset({self.read, self.update, self.delete})

    @property
    def entity_bodies(self) -> frozenset[str]:
        """Operation ids whose body is a whole entity."""
        if self.update_body == "entity":
            return frozenset({self.create, self.update})
        return frozenset({self.create})
