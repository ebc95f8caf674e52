"""Test data for the SuperOffice clauses: contacts this run creates, and deletes afterwards."""

from __future__ import annotations

import secrets
import time
import warnings
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from contact_api import JSON_PATCH, SAVE, contact_path, value_of

from webapi_contract.client import ApiClient, NoAnswer
from webapi_contract.config import Settings

NewContact = Callable[..., dict[str, Any]]

# Foundations first. Under `-x` (as `webapi-contract selfcheck` runs the suite) the first failure
# then names the behaviour that broke rather than one that builds on it: creating and reading a
# contact before changing it, the changes before their refusals, the variations after them, and
# the generated tests (which check everything at once, with less specific messages) last.
ORDER = (
    "test_save.py",
    "test_read.py",
    "test_patch_operations.py",
    "test_patch_conditions.py",
    "test_select.py",
    "test_negotiation.py",
    "test_robustness.py",
    "test_headers.py",
    "test_auth.py",
    "test_latency.py",
)
_HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run this folder's clauses in ORDER (stable within a file), leaving other items in place."""
    slots = [n for n, item in enumerate(items) if item.path.parent == _HERE]
    rank = {name: n for n, name in enumerate(ORDER)}
    ordered = sorted((items[n] for n in slots), key=lambda i: rank.get(i.path.name, len(ORDER)))
    for slot, item in zip(slots, ordered, strict=True):
        items[slot] = item


class LeftBehindWarning(UserWarning):
    """The run could not delete contacts it created."""


@pytest.fixture(scope="session")
def run_tag() -> str:
    """A recognisable, unique prefix for the names of everything this run creates."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    return f"webapi-contract {stamp}-{secrets.token_hex(3)}"


@pytest.fixture(scope="session")
def created_ids() -> list[int]:
    """Ids of the contacts this run created, deleted at the end of the session by new_contact."""
    return []


@pytest.fixture(scope="session")
def new_contact(
    api: ApiClient, contract_settings: Settings, run_tag: str, created_ids: list[int]
) -> Iterator[NewContact]:
    """Creates contacts through SaveContactEntity (ContactId 0); deletes them at session end,
    with every other id a clause put in created_ids."""

    def create(label: str = "contact", **fields: Any) -> dict[str, Any]:
        if contract_settings.readonly:
            pytest.fail("harness bug: a clause that creates data ran under --readonly")
        body = {
            "ContactId": 0,
            "Name": f"{run_tag} {label}",
            "Department": "Sales",
            "OrgNr": "1018343",
            "Number1": "398739",
            "Emails": [{"Value": "first@example.com", "Description": "work"}],
            "Category": {"Id": 1},
            **contract_settings.test_contact,
            **fields,
        }
        try:
            exchange = api.post(SAVE, json_body=body)
        except NoAnswer as exc:
            pytest.fail(
                f"test data could not be created: {exc}; the server may still have created "
                f"a contact named {body['Name']!r}, which this run cannot delete",
                pytrace=False,
            )
        if exchange.status != 200:
            pytest.fail(
                f"test data could not be created (SaveContactEntity answered {exchange.status});"
                f" clauses needing a contact cannot run\n{exchange.describe()}",
                pytrace=False,
            )
        entity: dict[str, Any] = exchange.json()
        created_ids.append(int(value_of(entity, "ContactId")))
        return entity

    yield create
    left = [cid for cid in created_ids if _delete(api, cid) not in (204, 200, 404)]
    if left:
        warnings.warn(
            LeftBehindWarning(f"could not delete contacts this run created: {left}"), stacklevel=1
        )


def _delete(api: ApiClient, contact_id: int) -> int | None:
    """The status of deleting a contact this run created (None: no answer)."""
    try:
        return api.delete(contact_path(contact_id)).status
    except NoAnswer:
        return None


@pytest.fixture
def contact(new_contact: NewContact, request: pytest.FixtureRequest) -> dict[str, Any]:
    """A fresh contact created for this test."""
    return new_contact(request.node.name[:60])


@pytest.fixture
def updated_contact(api: ApiClient, contact: dict[str, Any]) -> dict[str, Any]:
    """A fresh contact changed once by a JSON Patch, as the PATCH answered it.

    Clauses about UpdatedDate start from here: nothing documents what a contact nobody has
    changed carries there (a server may leave it null, or at 0001-01-01).
    """
    exchange = api.patch(
        contact_path(contact["ContactId"]),
        headers={"Content-Type": JSON_PATCH},
        json_body=[{"op": "replace", "path": "/Number2", "value": "changed once"}],
    )
    if exchange.status != 200:
        pytest.fail(
            f"test data could not be prepared (a JSON Patch of a new contact answered "
            f"{exchange.status}); clauses needing a changed contact cannot run\n"
            f"{exchange.describe()}",
            pytrace=False,
        )
    changed: dict[str, Any] = exchange.json()
    return changed


@pytest.fixture(scope="session")
def missing_id(api: ApiClient, contract_settings: Settings, new_contact: NewContact) -> int:
    """An id no contact has: one this run created and deleted (safe to touch, since it is
    ours), once GET reports it gone; else (under --readonly, or a server that soft-deletes) a
    huge id confirmed absent by GET. When no id answers 404, the deleted one is used and the
    clauses judge what the server says of it."""
    deleted: int | None = None
    if not contract_settings.readonly:
        entity = new_contact("deleted")
        path = contact_path(entity["ContactId"])
        if api.delete(path).status in (200, 204):
            deleted = int(entity["ContactId"])
            for wait in (0.0, 0.5, 1.0, 2.0):
                time.sleep(wait)
                if api.get(path).status == 404:
                    return deleted
    for candidate in range(2_147_480_000, 2_147_483_000, 1000):
        if api.get(contact_path(candidate)).status == 404:
            return candidate
    if deleted is not None:
        return deleted
    pytest.fail("found no contact id that the server reports as absent (404)", pytrace=False)
