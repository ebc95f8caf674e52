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

from webapi_contract.client import ApiClient, NoAnswer
from webapi_contract.config import Settings, by_name
from webapi_contract.suites.superoffice.contact_api import JSON_PATCH, SAVE, contact_path, value_of

NewContact = Callable[..., dict[str, Any]]

# Why a clause that reads a contact did not run under --readonly: nobody named one it may read.
READONLY_NEEDS_CONTACT = "not run (read-only: name a contact with --readonly-contact-id)"
# What --readonly may send: requests that change nothing on the server.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

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


@pytest.fixture(scope="session", autouse=True)
def writes_refused_under_readonly(api: ApiClient, contract_settings: Settings) -> Iterator[None]:
    """Under --readonly the suite's client refuses, before sending, any request that could
    change data: a clause or fixture that tries fails (a harness bug) and nothing is written."""
    if not contract_settings.readonly:
        yield
        return
    send = api.request

    def refuse_writes(method: str, path: str, **kwargs: Any) -> Any:
        if method.upper() not in SAFE_METHODS:
            pytest.fail(f"harness bug: {method} {path} under --readonly (not sent)", pytrace=False)
        return send(method, path, **kwargs)

    api.request = refuse_writes  # type: ignore[method-assign]
    yield
    del api.request


@pytest.fixture(scope="session")
def base_url(contract_settings: Settings) -> str | None:
    """pytest-base-url's `base_url`, overridden as its docs suggest for a harness that starts its
    own server: the URL this suite runs against (the embedded mock's when none was given),
    never with user:password@ in it."""
    return contract_settings.base_url


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
        try:
            entity = exchange.json()
        except ValueError:
            entity = "unreadable"
        contact_id = value_of(entity, "ContactId") if isinstance(entity, dict) else None
        if entity is None:
            # Agents "do not return HTTP errors": a failed save is a 200 with a null body.
            option = by_name("test_contact")
            pytest.fail(
                "test data could not be created: the server answered 200 with null (Agents "
                f"failure); see {option.run_flag} ({option.pytest_flag}) for the fields a "
                f"tenant requires\n{exchange.describe()}",
                pytrace=False,
            )
        try:
            new_id = int(float(str(contact_id)))  # its JSON type: the schema clauses judge it
        except (ValueError, OverflowError):
            new_id = 0
        if new_id < 1:
            pytest.fail(
                f"test data could not be created: SaveContactEntity answered 200 without a "
                f"ContactId of the new contact\n{exchange.describe()}",
                pytrace=False,
            )
        created_ids.append(new_id)
        return dict(entity)

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


@pytest.fixture(scope="session")
def named_contact(api: ApiClient, contract_settings: Settings) -> dict[str, Any] | None:
    """Under --readonly: the first contact the user named (--readonly-contact-id) as GET
    answers it, read once; None when none was named. Fails (one line, for every clause that
    needs it) when it cannot be read."""
    if not contract_settings.readonly or not contract_settings.readonly_contact_ids:
        return None
    contact_id = contract_settings.readonly_contact_ids[0]
    path = contact_path(contact_id)
    try:
        read = api.get(path)
    except NoAnswer as exc:
        pytest.fail(f"the contact named for read-only clauses got no answer: {exc}", pytrace=False)
    if read.status != 200:
        pytest.fail(
            f"the contact named for read-only clauses cannot be read: GET {path} answered "
            f"{read.status} (name an existing contact with --readonly-contact-id)",
            pytrace=False,
        )
    try:
        body = read.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        pytest.fail(
            f"the contact named for read-only clauses: GET {path} answered no ContactEntity "
            f"object but {_shown(body)}",
            pytrace=False,
        )
    return body


def _shown(value: Any, limit: int = 80) -> str:
    text = repr(value)
    return text if len(text) <= limit else f"{text[: limit - 1]}…"


@pytest.fixture
def readable_contact(
    contract_settings: Settings,
    named_contact: dict[str, Any] | None,
    request: pytest.FixtureRequest,
) -> dict[str, Any]:
    """A contact a clause may read. Under --readonly the first contact the user named, as GET
    answered it (never changed); otherwise a fresh contact created for this test, like
    `contact` (which a clause may then also change, outside --readonly)."""
    if not contract_settings.readonly:
        fresh: dict[str, Any] = request.getfixturevalue("contact")
        return fresh
    if named_contact is None:
        pytest.skip(READONLY_NEEDS_CONTACT)
    return named_contact


@pytest.fixture
def readable_updated_contact(
    contract_settings: Settings, request: pytest.FixtureRequest
) -> dict[str, Any]:
    """Like readable_contact, but outside --readonly a contact changed once (updated_contact).
    Under --readonly the named contact may never have been changed: no UpdatedDate, or 0001-01-01
    (clauses judge what it carries)."""
    name = "readable_contact" if contract_settings.readonly else "updated_contact"
    found: dict[str, Any] = request.getfixturevalue(name)
    return found


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
