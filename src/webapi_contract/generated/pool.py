"""Entities a generated test may change: only ones this run created, deleted at the end."""

from __future__ import annotations

import math
from typing import Any

from webapi_contract.client import ApiClient
from webapi_contract.config import by_name
from webapi_contract.generated.vendor import EntityApi

__all__ = [
    "ABSENT_ID",
    "INT32_MAX",
    "EntityPool",
    "TestDataError",
    "addresses_an_entity",
    "entity_number",
    "id_keys",
]

INT32_MAX = 2**31 - 1


# The id generated read-only requests use: a positive int32 (so positive cases stay valid) that
# the run confirms absent before using it, so they never read someone else's entity.
ABSENT_ID = INT32_MAX


def entity_number(value: Any) -> int | None:
    """The entity id a lenient server could read value as (42, "42", 42.0, "4.2e1"), else None."""
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


def addresses_an_entity(value: Any) -> bool:
    """Whether a value could name a real entity (a positive int32, however spelled)."""
    return entity_number(value) is not None


def id_keys(body: dict[str, Any], id_property: str) -> list[str]:
    """The keys of body a case-insensitive binder would take as the id property."""
    return [key for key in body if key.lower() == id_property.lower()]


class TestDataError(RuntimeError):
    """The entities a generated test needs could not be created (one line, no traceback)."""

    __test__ = False  # not a test class, whatever pytest thinks of the name


class EntityPool:
    """A few entities created for one test item; generated PATCH/DELETE address only these."""

    def __init__(self, client: ApiClient, api: EntityApi, tag: str) -> None:
        self.client = client
        self.api = api
        self.tag = tag
        self.ids: list[int] = []
        self.created: list[int] = []
        self.deleted: set[int] = set()
        self.missing: int | None = None

    def fill(self, size: int) -> EntityPool:
        """Create size entities, plus one created and deleted again to serve as a missing id."""
        self.ids = [self.create(f"pool {n}") for n in range(size)]
        self.missing = self.create("missing")
        self.client.delete(self.api.path_of(self.missing))
        self.deleted.add(self.missing)
        return self

    def create(self, label: str) -> int:
        """Create one entity with a recognisable name; its id."""
        body = {
            **self.client.settings.test_contact,  # a tenant's mandatory fields, if configured
            self.api.id_property: 0,
            self.api.name_property: f"{self.tag} {label}",
        }
        exchange = self.client.post(self.api.create_path, json_body=body)
        flag = by_name("test_contact").run_flag
        if exchange.status != 200:
            raise TestDataError(
                f"test data could not be created: the server answered {exchange.status}; "
                f"see {flag}\n{exchange.describe()}"
            )
        try:
            created = exchange.json()
        except ValueError:
            created = {}  # no JSON: no id either (below)
        if created is None:  # vendor-facts.md:18: Agents "do not return HTTP errors"
            raise TestDataError(
                "test data could not be created: the server answered 200 with null "
                f"(Agents failure); see {flag}"
            )
        entity_id = entity_number(
            created.get(self.api.id_property) if isinstance(created, dict) else None
        )
        if entity_id is None:
            raise TestDataError(
                f"test data could not be created: the answer carries no {self.api.id_property}"
                f"\n{exchange.describe()}"
            )
        self.created.append(entity_id)
        return entity_id

    def choices(self) -> list[int]:
        """Ids a by-id request may use: the pool and the missing id."""
        return [*self.ids, *([self.missing] if self.missing is not None else [])]

    def owns(self, entity_id: Any) -> bool:
        """Whether an id names an entity this run created."""
        number = entity_number(entity_id)
        return number is not None and number in self.created

    def alive(self, entity_id: Any) -> bool:
        """Whether an id names an entity this run created and has not deleted: the only ids a
        save may update (saving a deleted one has no documented answer)."""
        number = entity_number(entity_id)
        return self.owns(number) and number not in self.deleted

    def deleted_one(self, entity_id: Any) -> None:
        """An entity of this run was deleted by a generated request."""
        number = entity_number(entity_id)
        if number is not None and self.owns(number):
            self.deleted.add(number)

    def adopt(self, entity_id: Any) -> None:
        """Remember an entity a generated request created, to delete it at the end."""
        number = entity_number(entity_id)
        if number is not None and number not in self.created:
            self.created.append(number)

    def replace(self, entity_id: int) -> None:
        """A pooled entity was deleted: put a fresh one in its slot."""
        self.deleted_one(entity_id)
        if entity_id in self.ids:
            self.ids[self.ids.index(entity_id)] = self.create("replacement")

    def clear(self) -> list[int]:
        """Delete every entity this pool created; the ids that could not be deleted."""
        left = []
        for entity_id in self.created:
            status = self.client.delete(self.api.path_of(entity_id)).status
            if status not in (200, 204, 404):
                left.append(entity_id)
        return left
