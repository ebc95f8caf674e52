"""GET /Contact/{id}: the contact as saved, 404 with the documented body, 304 when unchanged."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime

import pytest

from webapi_contract.contract import clause
from webapi_contract.suites.superoffice.contact_api import (
    FACTS,
    PATCH_DOC,
    WITH_LINKS,
    contact_path,
    judge_every_property,
    parse_instant,
    value_of,
)

GET_RESPONSES = "200 ContactEntityWithLinks; 304 not changed since If-Modified-Since; 404"
NOT_FOUND_BODY = '"ErrorType": "SoNotFoundException"'
SAVED = ("ContactId", "Name", "Department", "OrgNr", "Number1")


@clause(
    "GET of an existing contact answers 200 with a valid ContactEntityWithLinks",
    area="GET",
    doc=FACTS,
    quote=GET_RESPONSES,
)
def test_get_answers_a_valid_contact(api, readable_contact, verdict):
    contact_id = value_of(readable_contact, "ContactId")
    read = api.get(contact_path(contact_id))
    verdict.status(read, 200)
    body = verdict.json_body(read)
    verdict.true(isinstance(body, dict), "a ContactEntityWithLinks object", repr(body), read)
    verdict.schema(body, "ContactEntityWithLinks", read)
    verdict.equal(value_of(body, "ContactId"), contact_id, "ContactId", read)


@clause(
    "GET answers 200 with the contact as saved, a valid ContactEntityWithLinks",
    area="GET",
    doc=FACTS,
    quote=GET_RESPONSES,
    mutating=True,
)
def test_get_answers_the_saved_contact(api, contact, verdict):
    read = api.get(contact_path(contact["ContactId"]))
    verdict.status(read, 200)
    body = verdict.json_body(read)
    verdict.true(isinstance(body, dict), "a ContactEntityWithLinks object", repr(body), read)
    verdict.schema(body, "ContactEntityWithLinks", read)
    for name in SAVED:
        verdict.equal(value_of(body, name), value_of(contact, name), f"{name} as saved", read)


@clause(
    "GET answers every property every version of the docs lists, _Links too (null when empty)",
    area="GET",
    doc=PATCH_DOC,
    quote="Default = show all fields",
)
def test_get_answers_every_documented_property(api, readable_contact, verdict):
    read = api.get(contact_path(value_of(readable_contact, "ContactId")))
    verdict.status(read, 200)
    judge_every_property(verdict, verdict.json_body(read), WITH_LINKS, WITH_LINKS, read)


@clause(
    "GET of an id that does not exist answers 404 with the documented error body",
    area="GET",
    doc=FACTS,
    quote=NOT_FOUND_BODY,
)
def test_missing_contact_answers_documented_404(api, missing_id, verdict):
    read = api.get(contact_path(missing_id))
    verdict.status(read, 404)
    body = verdict.json_body(read)
    verdict.true(isinstance(body, dict), "an error object", repr(body), read)
    verdict.equal(value_of(body, "Error"), True, "Error", read)
    verdict.equal(value_of(body, "ErrorType"), "SoNotFoundException", "ErrorType", read)
    message = value_of(body, "ErrorMessage")
    verdict.true(
        isinstance(message, str) and bool(message.strip()),
        "an ErrorMessage (the docs show 'Contact id 99999 not found')",
        f"ErrorMessage = {message!r}",
        read,
    )


# The longest the 304 clause waits for the server's clock (its Date header, which servers may
# cache for a second or more) to pass the contact's UpdatedDate; beyond it the clocks disagree.
MAX_WAIT_S = 10.0


def _instant(text):
    try:
        return parse_instant(text)
    except (TypeError, ValueError):
        return None


def _http_date(moment):
    """An aware instant as an HTTP-date (GMT), whatever offset it was written with."""
    return format_datetime(moment.astimezone(UTC), usegmt=True)


def _http_instant(text):
    """The instant of an HTTP-date (None when it is not one); `-0000` is GMT too."""
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _not_modified_since(read, readonly):
    """An instant at or after the contact's last update, and not in the server's future.

    Judged by the server's own clock (its Date header), so a skewed local clock can neither send
    a date the server considers in the future nor make the suite wait for hours.
    """
    last_modified = _http_instant(read.response.headers.get("Last-Modified"))
    if last_modified is not None:
        return last_modified
    try:
        body = read.json()
    except ValueError:
        body = None
    stamp = value_of(body, "UpdatedDate") if isinstance(body, dict) else None
    updated = _instant(stamp)
    if readonly:
        # A named contact nobody changed may carry no UpdatedDate (or 0001-01-01): its last
        # update is then undocumented, and so is which dates count as "not modified since".
        created = _instant(value_of(body, "CreatedDate") if isinstance(body, dict) else None)
        if updated is None or (created is not None and updated < created):
            pytest.skip(
                f"not judged: the named contact was never changed (UpdatedDate {stamp!r}) and "
                "the server sends no Last-Modified; name a contact that has been changed"
            )
    if updated is None:
        # Whether the answer is JSON and its UpdatedDate ISO 8601 is other clauses' business.
        pytest.skip(
            f"not judged: no Last-Modified header, and UpdatedDate {stamp!r} is no date-time "
            "to derive an If-Modified-Since date from"
        )
    moment = updated.replace(microsecond=0) + timedelta(seconds=1 if updated.microsecond else 0)
    server_now = _http_instant(read.response.headers.get("Date")) or datetime.now(UTC)
    wait = (moment - server_now).total_seconds()
    if wait > MAX_WAIT_S:
        pytest.skip(
            f"cannot form an If-Modified-Since date: UpdatedDate {updated.isoformat()} is "
            f"{wait:.0f} s ahead of the server's clock ({server_now.isoformat()})"
        )
    time.sleep(max(0.0, wait))
    return moment


@clause(
    "If-Modified-Since at or after the last update answers 304; an older date gives 200",
    area="GET",
    doc=FACTS,
    quote=GET_RESPONSES,
)
def test_if_modified_since_answers_not_modified(
    api, contract_settings, readable_updated_contact, verdict
):
    path = contact_path(value_of(readable_updated_contact, "ContactId"))
    read = api.get(path)
    verdict.status(read, 200)
    since = _not_modified_since(read, contract_settings.readonly)
    unchanged = api.get(path, headers={"If-Modified-Since": _http_date(since)})
    if contract_settings.readonly and unchanged.status == 200 and _stamp(unchanged) != _stamp(read):
        pytest.skip("not judged: someone changed the named contact while the clause read it")
    verdict.status(unchanged, 304)
    verdict.equal(unchanged.response.content, b"", "body of the 304", unchanged)
    older = _http_date(since - timedelta(days=1))
    changed = api.get(path, headers={"If-Modified-Since": older})
    verdict.status(changed, 200)


def _stamp(read):
    """When the server says the contact last changed (Last-Modified, else UpdatedDate)."""
    try:
        body = read.json()
    except ValueError:
        body = None
    updated = value_of(body, "UpdatedDate") if isinstance(body, dict) else None
    return read.response.headers.get("Last-Modified") or updated
