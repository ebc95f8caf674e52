"""PATCH /Contact/{id}: the documented refusals — 404, 409, 412, and unsupported operations."""

from __future__ import annotations

from datetime import UTC, timedelta
from email.utils import format_datetime

import pytest

from webapi_contract.contract import clause
from webapi_contract.suites.superoffice.contact_api import (
    JSON_PATCH,
    MERGE_PATCH,
    PATCH_DOC,
    contact_path,
    parse_instant,
    value_of,
)

# Properties whose values show whether anything from a refused document was applied.
WATCHED = ("Name", "Department", "Number1", "Number2", "UpdatedDate")


def _snapshot(api, contact_id):
    body = api.get(contact_path(contact_id)).json()
    return {name: value_of(body, name) for name in WATCHED}


def _unchanged(api, verdict, contact_id, before, why):
    after = _snapshot(api, contact_id)
    verdict.equal(after, before, f"contact after {why} (nothing applied)", api.last)


@clause(
    "a failing test answers 409 and applies nothing, not even earlier operations",
    area="PATCH",
    doc=PATCH_DOC,
    quote="Update blocked because a 'test' operation has detected a conflict",
    mutating=True,
)
def test_failing_test_conflicts_and_applies_nothing(api, contact, verdict):
    cid = contact["ContactId"]
    before = _snapshot(api, cid)
    sent = api.patch(
        contact_path(cid),
        headers={"Content-Type": JSON_PATCH},
        json_body=[
            {"op": "replace", "path": "/Number1", "value": "applied before the test"},
            {"op": "test", "path": "/Department", "value": "certainly not the department"},
            {"op": "replace", "path": "/Department", "value": "applied after the test"},
        ],
    )
    verdict.status(sent, 409)
    _unchanged(api, verdict, cid, before, "a failed test")


@pytest.mark.parametrize("op", ["move", "copy"])
@clause(
    "move and copy are refused and change nothing",
    area="PATCH",
    doc=PATCH_DOC,
    quote='"move" and "copy" not supported',
    mutating=True,
)
def test_move_and_copy_are_refused(api, contact, verdict, op):
    cid = contact["ContactId"]
    before = _snapshot(api, cid)
    sent = api.patch(
        contact_path(cid),
        headers={"Content-Type": JSON_PATCH},
        json_body=[{"op": op, "from": "/Department", "path": "/Number2"}],
    )
    verdict.true(400 <= sent.status < 500, f"a 4xx refusal of {op}", f"status {sent.status}", sent)
    _unchanged(api, verdict, cid, before, f"a refused {op}")


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        (JSON_PATCH, [{"op": "replace", "path": "/Department", "value": "x"}]),
        (MERGE_PATCH, {"Department": "x"}),
    ],
    ids=["json-patch", "merge-patch"],
)
@clause(
    "PATCH of an id that does not exist answers 404",
    area="PATCH",
    doc=PATCH_DOC,
    quote="ContactEntity with given id does not exist in the db.",
    mutating=True,  # on a server that wrongly upserts, a PATCH to an absent id writes
)
def test_missing_contact_is_not_found(api, missing_id, verdict, content_type, body):
    sent = api.patch(
        contact_path(missing_id), headers={"Content-Type": content_type}, json_body=body
    )
    verdict.status(sent, 404)
    verdict.true(
        api.get(contact_path(missing_id)).status == 404,
        "the id still absent",
        "PATCH created the contact",
        api.last,
    )


def _http_date(moment):
    return format_datetime(moment.astimezone(UTC), usegmt=True)


@clause(
    "If-Unmodified-Since before the last update answers 412 and applies nothing",
    area="PATCH",
    doc=PATCH_DOC,
    quote="Update aborted because ContactEntity has changed since the requested",
    mutating=True,
)
def test_stale_if_unmodified_since_is_refused(api, updated_contact, verdict):
    cid = updated_contact["ContactId"]
    before = _snapshot(api, cid)
    updated = parse_instant(before["UpdatedDate"]).replace(microsecond=0)
    stale = _http_date(updated - timedelta(seconds=5))
    sent = api.patch(
        contact_path(cid),
        json_body={"Department": "stale write"},
        headers={"Content-Type": MERGE_PATCH, "If-Unmodified-Since": stale},
    )
    verdict.status(sent, 412)
    _unchanged(api, verdict, cid, before, "a 412")


@clause(
    "If-Unmodified-Since at or after the last update lets the change apply",
    area="PATCH",
    doc=PATCH_DOC,
    quote="Update aborted because ContactEntity has changed since the requested",
    mutating=True,
)
def test_current_if_unmodified_since_applies(api, updated_contact, verdict):
    cid = updated_contact["ContactId"]
    updated = parse_instant(value_of(api.get(contact_path(cid)).json(), "UpdatedDate"))
    # HTTP dates carry whole seconds: round up so the date is at or after the update.
    current = _http_date(updated.replace(microsecond=0) + timedelta(seconds=1))
    sent = api.patch(
        contact_path(cid),
        json_body={"Department": "fresh write"},
        headers={"Content-Type": MERGE_PATCH, "If-Unmodified-Since": current},
    )
    verdict.status(sent, 200)
    verdict.equal(value_of(sent.json(), "Department"), "fresh write", "Department", sent)
