"""Test data for the Odyssee clauses: contacts this run creates (a tag in their lastname, a
client-supplied guid), and deletes afterwards; the generated e_password, masked everywhere."""

from __future__ import annotations

import secrets
import warnings
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from webapi_contract.client import MASK, ApiClient, Exchange, NoAnswer
from webapi_contract.config import Settings
from webapi_contract.suites.odyssee.contact_api import (
    COLLECTION,
    COMPANY_FIELDS,
    CREATED,
    NIL_GUID,
    body_of,
    canonical,
    contact_path,
    kind_of,
    new_guid,
    same_id,
    value_of,
)

NewContact = Callable[..., dict[str, Any]]

# Why a clause that reads a contact did not run under --readonly: nobody named one it may read.
READONLY_NEEDS_CONTACT = "not run (read-only: name a contact with --readonly-contact-id)"
# What --readonly may send: requests that change nothing on the server.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# The lastname of every contact the run creates starts with the run's tag; the page's
# "Max length: 50" bounds the whole name.
LASTNAME_MAX = 50
# The e_password the suite sends: exactly the page's Max length (50) of random characters.
E_PASSWORD_LENGTH = 50

# Foundations first. Under `-x` (as `webapi-contract selfcheck` runs the suite) the first failure
# then names the behaviour that broke rather than one that builds on it: creating, updating and
# reading a contact before the rules on its members, the variations after them, and the
# generated tests (which check everything at once, with less specific messages) last.
ORDER = (
    "test_create.py",
    "test_update.py",
    "test_read.py",
    "test_validation.py",
    "test_collection.py",
    "test_negotiation.py",
    "test_robustness.py",
    "test_auth.py",
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
    """The run could not delete what it created."""


class SecretText(str):
    """Text whose repr is the mask: pytest shows arguments (and, with --showlocals, locals) of
    a failing frame by their repr, which no report scrubbing knows to mask."""

    __slots__ = ()

    def __repr__(self) -> str:
        return repr(MASK)


@pytest.fixture(scope="session")
def e_password() -> str:
    """The clear-text e_password the suite sends ("Password in clear text of the contact"):
    random, at the page's Max length. The vendor profile names e_password a secret body field,
    so the client masks its value in every exchange that carries it (`Exchange.secrets`,
    `describe`, the curl line, the Allure attachments), as it masks the credentials."""
    return SecretText("wc" + secrets.token_hex((E_PASSWORD_LENGTH - 2) // 2))


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
    """pytest-base-url's `base_url`: the URL this suite runs against (the embedded mock's when
    none was given), never with user:password@ in it."""
    return contract_settings.base_url


@pytest.fixture(scope="session")
def run_tag() -> str:
    """A recognisable, unique start of the lastname of every contact this run creates (short:
    the lastname holds 50 characters)."""
    stamp = datetime.now(UTC).strftime("%y%m%d%H%M%S")
    return f"wc-{stamp}-{secrets.token_hex(3)}"


def tagged(run_tag: str, label: str, length: int | None = None) -> str:
    """A lastname of this run: the tag and label, within the Max length (or exactly `length`
    characters, padded with `x`)."""
    name = f"{run_tag} {label}"[:LASTNAME_MAX]
    return name if length is None else (name + "x" * length)[:length]


@pytest.fixture(scope="session")
def created_ids() -> list[str]:
    """Guids of the contacts this run created (or may have: a refused POST's client-supplied id),
    deleted at the end of the session by new_contact."""
    return []


def post_contact(
    api: ApiClient, body: dict[str, Any], created_ids: list[str], **kw: Any
) -> Exchange:
    """POST Contact with a client-supplied id (noted for deletion before it is sent, so a
    contact created against a clause's expectation is deleted too); the answered id is noted
    when it differs."""
    body = {"id": new_guid(), **body}
    created_ids.append(str(body["id"]))
    exchange = api.post(COLLECTION, json_body=body, **kw)
    answered = value_of(body_of(exchange), "id")
    own = isinstance(answered, str) and bool(answered.strip())  # a server that made its own id
    if exchange.status in CREATED and own and not same_id(answered, body["id"]):
        created_ids.append(answered)
    return exchange


def _create(api: ApiClient, body: dict[str, Any], created_ids: list[str]) -> dict[str, Any]:
    """A new contact from body, as GET answers it; pytest.fail (one line) when it cannot be."""
    try:
        exchange = post_contact(api, body, created_ids)
    except NoAnswer as exc:
        pytest.fail(f"test data could not be created: {exc}", pytrace=False)
    if exchange.status not in CREATED:
        pytest.fail(
            f"test data could not be created (POST {COLLECTION} answered {exchange.status}); "
            f"clauses needing a contact cannot run\n{exchange.describe()}",
            pytrace=False,
        )
    new_id = value_of(body_of(exchange), "id") or created_ids[-1]
    read = api.get(contact_path(str(new_id)))
    entity = body_of(read)
    if read.status != 200 or not isinstance(entity, dict) or value_of(entity, "id") is None:
        pytest.fail(
            f"test data could not be read back: GET {contact_path(str(new_id))} answered "
            f"{read.status} with {kind_of(entity)}\n{read.describe()}",
            pytrace=False,
        )
    return canonical(entity)


def _company_given(test_contact: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in test_contact.items() if k.lower() in COMPANY_FIELDS}


def _discovered_code(api: ApiClient) -> str | None:
    """The company_code of an existing contact (read only, changing nothing), or None."""
    try:
        listed = api.get(f"{COLLECTION}?$top=20")
    except NoAnswer:
        return None
    found = value_of(body_of(listed), "value") if listed.status == 200 else None
    for contact in found if isinstance(found, list) else []:
        code = value_of(contact, "company_code")
        if isinstance(code, str) and code.strip():
            return code
    return None


@pytest.fixture(scope="session")
def company(
    api: ApiClient, contract_settings: Settings, run_tag: str, created_ids: list[str]
) -> dict[str, Any]:
    """A company the run's contacts belong to, {"id", "code", "own"}: the one the configured
    test-contact fields name; else that of an existing contact (read, not changed); else one this
    run adds as an embedded company with a code of its own (the API documents no way to delete
    it: `own` is then True). Only its company_id must come back: the page describes
    company_code as input, so its code is the one answered, else the one sent (None when
    neither is known)."""
    reference = _company_given(dict(contract_settings.test_contact))
    embedded = False
    if not reference:
        code = _discovered_code(api)
        if code is not None:
            reference = {"company_code": code}
        else:
            embedded = True
            code = f"WC{secrets.token_hex(4).upper()}"
            reference = {"company": {"code": code, "name": f"{run_tag} company"}}
    body = {**contract_settings.test_contact, "lastname": tagged(run_tag, "company"), **reference}
    entity = _create(api, body, created_ids)
    found_id = value_of(entity, "company_id")
    if not (isinstance(found_id, str) and found_id.strip() and found_id != NIL_GUID):
        pytest.fail(
            "test data could not be prepared: a contact created with "
            f"{', '.join(reference)} was answered without its company_id",
            pytrace=False,
        )
    code = _text(value_of(entity, "company_code")) or _sent_code(reference)
    if embedded and not contract_settings.embedded:
        warnings.warn(
            LeftBehindWarning(
                f"this run added the company {code} (no company could be found to "
                "attach test contacts to; name one with the test-contact setting)"
            ),
            stacklevel=1,
        )
    return {"id": found_id, "code": code, "own": embedded}


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _sent_code(reference: dict[str, Any]) -> str | None:
    """The company code a reference names: its company_code, or its embedded company's code."""
    embedded = value_of(value_of(reference, "company"), "code")
    return _text(value_of(reference, "company_code")) or _text(embedded)


def company_reference(company: dict[str, Any]) -> dict[str, str]:
    """How a body names the run's company: by company_code when its code is known, else by
    company_id."""
    if company["code"] is not None:
        return {"company_code": company["code"]}
    return {"company_id": company["id"]}


@pytest.fixture(scope="session")
def new_contact(
    api: ApiClient,
    contract_settings: Settings,
    run_tag: str,
    created_ids: list[str],
    company: dict[str, Any],
) -> Iterator[NewContact]:
    """Creates contacts (POST Contact, a client-supplied id, the run's tag in lastname, the run's
    company by company_code, or by company_id when its code is unknown) as GET answers them;
    deletes them at session end, with every other id a clause put in created_ids. A field given
    as None is left out."""

    def create(label: str = "contact", **fields: Any) -> dict[str, Any]:
        if contract_settings.readonly:
            pytest.fail("harness bug: a clause that creates data ran under --readonly")
        body: dict[str, Any] = {
            **company_reference(company),
            **contract_settings.test_contact,
            "lastname": tagged(run_tag, label),  # the tag marks it ours, whatever else is set
            **fields,
        }
        return _create(api, {k: v for k, v in body.items() if v is not None}, created_ids)

    yield create
    left = [cid for cid in dict.fromkeys(created_ids) if _delete(api, cid) not in (200, 204, 404)]
    if left:
        warnings.warn(
            LeftBehindWarning(f"could not delete contacts this run created: {left}"), stacklevel=1
        )


def _delete(api: ApiClient, contact_id: str) -> int | None:
    """The status of deleting a contact this run created (None: no answer)."""
    try:
        return api.delete(contact_path(contact_id)).status
    except NoAnswer:
        return None


@pytest.fixture
def contact(new_contact: NewContact, request: pytest.FixtureRequest) -> dict[str, Any]:
    """A fresh contact created for this test, as GET answers it."""
    return new_contact(request.node.name[:30])


@pytest.fixture(scope="session")
def named_contact(api: ApiClient, contract_settings: Settings) -> dict[str, Any] | None:
    """Under --readonly: the first contact the user named (--readonly-contact-id) as GET
    answers it, read once; None when none was named."""
    if not contract_settings.readonly or not contract_settings.readonly_contact_ids:
        return None
    path = contact_path(str(contract_settings.readonly_contact_ids[0]))
    try:
        read = api.get(path)
    except NoAnswer as exc:
        pytest.fail(f"the contact named for read-only clauses got no answer: {exc}", pytrace=False)
    body = body_of(read)
    if read.status != 200 or not isinstance(body, dict):
        pytest.fail(
            f"the contact named for read-only clauses cannot be read: GET {path} answered "
            f"{read.status} with {kind_of(body)} (name an existing contact with "
            "--readonly-contact-id)",
            pytrace=False,
        )
    return canonical(body)


@pytest.fixture
def readable_contact(
    contract_settings: Settings,
    named_contact: dict[str, Any] | None,
    request: pytest.FixtureRequest,
) -> dict[str, Any]:
    """A contact a clause may read: under --readonly the one the user named (never changed);
    otherwise a fresh contact created for this test."""
    if not contract_settings.readonly:
        fresh: dict[str, Any] = request.getfixturevalue("contact")
        return fresh
    if named_contact is None:
        pytest.skip(READONLY_NEEDS_CONTACT)
    return named_contact


@pytest.fixture
def missing_id() -> str:
    """A guid no contact has (a fresh random one: guids do not repeat)."""
    return new_guid()
