"""PUT Contact({id}): "Updates the contact with the specified key" (the page's operation)."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from webapi_contract.contract import SHOULD, clause
from webapi_contract.suites.odyssee.conftest import company_reference, post_contact, tagged
from webapi_contract.suites.odyssee.contact_api import (
    CREATED,
    FACTS,
    HELP,
    REFUSED,
    UPDATED,
    body_of,
    contact_path,
    judge_contact,
    kind_of,
    minimal_exchange,
    read_back,
    replacement,
    value_of,
)

UPDATES = "Updates the contact with the specified key"
READONLY_FIELD = "Readonly system field managed by database"
STAMPED = "filled with GetUtcDate when adding,updating"
# A modified_dateutc no server would stamp: a sent value the server must ignore.
SENT_STAMP = "2001-02-03T04:05:06.000Z"


def _put(api, contact_id, body, **kwargs):
    return api.request("PUT", contact_path(contact_id), json_body=body, **kwargs)


def _judge_update(api, verdict, put, contact_id, changes):
    """An accepted PUT (200 with the contact, or 204), then GET reads the changes back."""
    verdict.status(put, *UPDATED)
    if put.status == 200 and put.response.content:
        answered = judge_contact(verdict, put, contact_id)
        for name, value in changes.items():
            verdict.equal(value_of(answered, name), value, f"{name} in the PUT's answer", put)
    read = read_back(api, verdict, contact_id)
    for name, value in changes.items():
        verdict.equal(value_of(read, name), value, f"{name} on GET after the PUT", api.last)
    return read


@clause(
    "PUT Contact({id}) updates the contact: the changes persist and GET reads them back",
    area="update",
    doc=HELP,
    quote=UPDATES,
    mutating=True,
)
def test_put_persists(api, contact, run_tag, verdict):
    changes = {
        "firstname": "Updated",
        "lastname": tagged(run_tag, "updated"),
        "functions": "ServiceManager",
        "notes": "changed by PUT",
        "archived": True,
    }
    put = _put(api, contact["id"], replacement(contact, **changes))
    _judge_update(api, verdict, put, contact["id"], changes)


@clause(
    "a PUT labelled Content-Type: text/json is taken like application/json",
    area="update",
    doc=HELP,
    quote="application/json, text/json",
    mutating=True,
)
def test_put_takes_text_json(api, contact, verdict):
    changes = {"notes": "sent as text/json"}
    put = _put(
        api, contact["id"], replacement(contact, **changes), headers={"Content-Type": "text/json"}
    )
    _judge_update(api, verdict, put, contact["id"], changes)


@clause(
    "a PUT whose body id is not the URI's is refused (400/422) and changes neither contact",
    area="update",
    doc=HELP,
    quote=UPDATES,
    mutating=True,
    # The page requires both ids; what a server does when they differ, it does not say.
    level=SHOULD,
)
def test_put_with_another_body_id_is_refused(api, new_contact, verdict):
    target, other = new_contact("uri id"), new_contact("body id")
    body = replacement(target, id=other["id"], notes="sent under another id")
    put = _put(api, target["id"], body)
    verdict.status(put, *REFUSED)
    for entity in (target, other):
        read = read_back(api, verdict, entity["id"])
        verdict.equal(value_of(read, "notes"), value_of(entity, "notes"), "notes", api.last)


def _instant(verdict, text, exchange):
    """text as an instant: a date-time without an offset is taken as UTC (modified_dateutc's)."""
    try:
        found = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError:
        verdict.fail("modified_dateutc as a date-time", repr(text), exchange)
    return found if found.tzinfo is not None else found.replace(tzinfo=UTC)


@clause(
    "modified_dateutc is the server's: a value sent in a PUT is ignored",
    area="system fields",
    doc=HELP,
    quote=READONLY_FIELD,
    mutating=True,
)
def test_modified_date_sent_is_ignored(api, contact, verdict):
    put = _put(api, contact["id"], {**replacement(contact), "modified_dateutc": SENT_STAMP})
    verdict.status(put, *UPDATED)
    read = read_back(api, verdict, contact["id"])
    stamp = value_of(read, "modified_dateutc")
    verdict.true(
        _instant(verdict, stamp, api.last) != _instant(verdict, SENT_STAMP, api.last),
        f"modified_dateutc stamped by the server, not the {SENT_STAMP} sent",
        f"modified_dateutc = {stamp!r}",
        api.last,
    )


@clause(
    "modified_dateutc moves forward on every update",
    area="system fields",
    doc=HELP,
    quote=STAMPED,
    mutating=True,
)
def test_modified_date_moves_forward(api, contact, verdict):
    before = contact
    for round_ in (1, 2):
        time.sleep(0.02)  # past a database clock's resolution (SQL Server's datetime: 3 ms)
        put = _put(api, contact["id"], replacement(before, notes=f"update {round_}"))
        verdict.status(put, *UPDATED)
        after = read_back(api, verdict, contact["id"])
        old, new = value_of(before, "modified_dateutc"), value_of(after, "modified_dateutc")
        verdict.true(
            _instant(verdict, new, api.last) > _instant(verdict, old, api.last),
            f"modified_dateutc after update {round_} later than {old!r}",
            f"modified_dateutc = {new!r}",
            api.last,
        )
        before = after


MINIMAL = {"Prefer": "return=minimal"}
# Where a bodiless 201/204 may name the new contact (OData's header, or HTTP's).
ID_HEADERS = ("OData-EntityId", "Location")


@clause(
    "Prefer: return=minimal: POST and PUT answer no body, or only the id",
    area="Prefer",
    doc=FACTS,
    quote="will only return you the id",
    mutating=True,
)
def test_prefer_minimal(api, contact, company, created_ids, run_tag, verdict):
    # Every reading of "will only return you the id": a POST answers 201 or 200 with no body,
    # the id alone (a JSON object or string, or the bare guid as text), or 204 with the id in
    # OData-EntityId or Location; a PUT 204, or 200 with no body or the id alone.
    posted = post_contact(
        api,
        {"lastname": tagged(run_tag, "minimal"), **company_reference(company)},
        created_ids,
        headers=MINIMAL,
    )
    verdict.status(posted, *CREATED, 204)
    new_id = posted.request_body["id"]
    verdict.true(
        minimal_exchange(posted, new_id),
        "no body, or only the id",
        f"{len(posted.response.content)} bytes: {kind_of(body_of(posted))}",
        posted,
    )
    named = [posted.response.headers.get(h) for h in ID_HEADERS if posted.response.headers.get(h)]
    verdict.true(
        all(new_id.lower() in str(link).lower() for link in named),
        f"{' or '.join(ID_HEADERS)}, when given, naming {new_id}",
        f"{named!r}",
        posted,
    )
    put = _put(api, contact["id"], replacement(contact, notes="minimal"), headers=MINIMAL)
    verdict.status(put, *UPDATED)
    verdict.true(
        minimal_exchange(put, contact["id"]),
        "no body, or only the id",
        f"{len(put.response.content)} bytes: {kind_of(body_of(put))}",
        put,
    )
    read = read_back(api, verdict, contact["id"])
    verdict.equal(value_of(read, "notes"), "minimal", "notes on GET after the PUT", api.last)
