"""Bad input is the client's fault: refused with a 4xx, never a 5xx, and nothing applied."""

from __future__ import annotations

import json

import pytest

from webapi_contract.contract import SHOULD, clause
from webapi_contract.suites.superoffice.contact_api import (
    JSON_PATCH,
    MERGE_PATCH,
    PATCH_DOC,
    contact_path,
    value_of,
)

BODY = "JSON-Patch array of operations+path+value, or a MERGE-PATCH object"
WATCHED = ("Department", "Source", "UpdatedDate")

BAD_BODIES = [
    ("not-json", JSON_PATCH, '[{"op": "replace", "path": "/Department", "value": }]'),
    ("truncated-json", MERGE_PATCH, '{"Department": "half'),
    (
        "text-for-int32",
        JSON_PATCH,
        json.dumps(
            [
                {"op": "replace", "path": "/Department", "value": "applied with bad Source"},
                {"op": "replace", "path": "/Source", "value": "not a number"},
            ]
        ),
    ),
    ("merge-text-for-int32", MERGE_PATCH, json.dumps({"Source": "many"})),
]


def _watched(api, contact_id):
    body = api.get(contact_path(contact_id)).json()
    return {name: value_of(body, name) for name in WATCHED}


@pytest.mark.parametrize(
    ("content_type", "text"), [b[1:] for b in BAD_BODIES], ids=[b[0] for b in BAD_BODIES]
)
@clause(
    "a body that is not JSON, or a value of the wrong type, is refused and applies nothing",
    area="robustness",
    doc=PATCH_DOC,
    quote=BODY,
    mutating=True,
)
def test_bad_body_is_refused(api, contact, verdict, content_type, text):
    cid = value_of(contact, "ContactId")
    before = _watched(api, cid)
    sent = api.patch(contact_path(cid), data=text, headers={"Content-Type": content_type})
    verdict.true(
        not 200 <= sent.status < 300, "a refusal of the bad body", f"status {sent.status}", sent
    )
    verdict.equal(_watched(api, cid), before, "contact after a refused body (nothing applied)")


@pytest.mark.parametrize(
    ("content_type", "text"), [b[1:] for b in BAD_BODIES], ids=[b[0] for b in BAD_BODIES]
)
@clause(
    "a bad body is refused as the client's fault: a 4xx, never a 5xx",
    area="robustness",
    doc=PATCH_DOC,
    quote=BODY,
    mutating=True,
    # The page documents the body; which status answers a broken one, it does not say.
    level=SHOULD,
)
def test_bad_body_is_a_client_error(api, contact, verdict, content_type, text):
    sent = api.patch(
        contact_path(value_of(contact, "ContactId")),
        data=text,
        headers={"Content-Type": content_type},
    )
    verdict.true(400 <= sent.status < 500, "a 4xx", f"status {sent.status}", sent)
