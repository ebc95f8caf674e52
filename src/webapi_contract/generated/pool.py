"""Entities a generated test may change: only ones this run created, deleted at the end."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from webapi_contract.client import ApiClient
from webapi_contract.config import by_name
from webapi_contract.generated.entity import (
    ABSENT_INT32,
    INT32_MAX,
    EntityApi,
    IdKind,
    entity_key,
)

__all__ = [
    "ABSENT_ID",
    "INT32_MAX",
    "EntityPool",
    "TestDataError",
    "addresses_an_entity",
    "entity_number",
    "id_keys",
]

# The int32 id generated read-only requests use (EntityApi.absent_id for any id kind).
ABSENT_ID = ABSENT_INT32


def entity_number(value: Any) -> int | None:
    """The int32 entity id a lenient server could read value as (42, "42", 42.0, "4.2e1")."""
    number = entity_key(value, "int32")
    return number if isinstance(number, int) else None


def addresses_an_entity(value: Any, kind: IdKind = "int32") -> bool:
    """Whether a value could name a real entity (a positive int32 or a guid, however spelled)."""
    return entity_key(value, kind) is not None


def id_keys(body: dict[str, Any], id_property: str) -> list[str]:
    """The keys of body a case-insensitive binder would take as the id property."""
    return [key for key in body if key.lower() == id_property.lower()]


class TestDataError(RuntimeError):
    """The entities a generated test needs could not be created (one line, no traceback)."""

    __test__ = False  # not a test class, whatever pytest thinks of the name


class EntityPool:
    """A few entities created for one test item; generated updates and deletes address only
    these. Ids are kept as EntityApi.key spells them (an int, or a lower-case guid)."""

    def __init__(
        self,
        client: ApiClient,
        api: EntityApi,
        tag: str,
        mandatory: Mapping[str, Any] | None = None,
    ) -> None:
        """mandatory: the fields every entity the run creates carries (a tenant's mandatory
        fields; the test-contact setting when not given)."""
        self.client = client
        self.api = api
        self.tag = tag
        self.mandatory: dict[str, Any] = dict(
            client.settings.test_contact if mandatory is None else mandatory
        )
        self.ids: list[Any] = []
        self.created: list[Any] = []
        self.deleted: set[Any] = set()
        self.missing: Any = None
        self.names: list[str] = []

    def fill(self, size: int) -> EntityPool:
        """Create size entities, plus one created and deleted again to serve as a missing id."""
        self.ids = [self.create(f"pool {n}") for n in range(size)]
        self.missing = self.create("missing")
        self.client.delete(self.api.path_of(self.missing))
        self.deleted.add(self.missing)
        return self

    def create(self, label: str) -> Any:
        """Create one entity with a recognisable name; its id."""
        api = self.api
        name = api.tagged(self.tag, label)
        body = {**self.mandatory, api.id_property: api.new_id, api.name_property: name}
        if api.new_id is None:
            del body[api.id_property]  # the server makes the id
        exchange = self.client.post(api.create_path, json_body=body)
        flag = by_name("test_contact").run_flag
        if exchange.status not in api.create_statuses:
            raise TestDataError(
                f"test data could not be created: the server answered {exchange.status}; "
                f"see {flag}\n{exchange.describe()}"
            )
        try:
            created = exchange.json()
        except ValueError:
            created = {}  # no JSON: no id either (below)
        if created is None and api.create in api.agents:  # a 200 with null: the Agents failure
            raise TestDataError(
                "test data could not be created: the server answered 200 with null "
                f"(Agents failure); see {flag}"
            )
        entity_id = api.key(created.get(api.id_property) if isinstance(created, dict) else None)
        if entity_id is None:
            raise TestDataError(
                f"test data could not be created: the answer carries no {api.id_property}"
                f"\n{exchange.describe()}"
            )
        self.created.append(entity_id)
        self.names.append(name)
        return entity_id

    def choices(self) -> list[Any]:
        """Ids a by-id request may use: the pool and the missing id."""
        return [*self.ids, *([self.missing] if self.missing is not None else [])]

    def owns(self, entity_id: Any) -> bool:
        """Whether an id names an entity this run created."""
        key = self.api.key(entity_id)
        return key is not None and key in self.created

    def alive(self, entity_id: Any) -> bool:
        """Whether an id names an entity this run created and has not deleted: the only ids a
        save may update (saving a deleted one has no documented answer)."""
        key = self.api.key(entity_id)
        return self.owns(key) and key not in self.deleted

    def deleted_one(self, entity_id: Any) -> None:
        """An entity of this run was deleted by a generated request."""
        key = self.api.key(entity_id)
        if key is not None and self.owns(key):
            self.deleted.add(key)

    def adopt(self, entity_id: Any) -> None:
        """Remember an entity a generated request created, to delete it at the end."""
        key = self.api.key(entity_id)
        if key is not None and key not in self.created:
            self.created.append(key)

    def replace(self, entity_id: Any) -> None:
        """A pooled entity was deleted: put a fresh one in its slot."""
        key = self.api.key(entity_id)
        self.deleted_one(key)
        if key in self.ids:
            self.ids[self.ids.index(key)] = self.create("replacement")

    def clear(self) -> list[Any]:
        """Delete every entity this pool created; the ids that could not be deleted."""
        left = []
        for entity_id in self.created:
            status = self.client.delete(self.api.path_of(entity_id)).status
            if status not in (200, 204, 404):
                left.append(entity_id)
        return left
