"""Malformed input is a client's error (400/422), never a server error."""

from __future__ import annotations

import pytest

from webapi_contract.contract import SHOULD, clause
from webapi_contract.suites.odyssee.contact_api import FACTS, HELP, REFUSED, contact_path

STATUSES = "Status codes it uses: 200, 201, 204, 400"
NOT_GUIDS = ["abc", "12345", "93498506-9dde-4593-b844-e3c51c0e2bcZ", "''"]


@pytest.mark.parametrize("key", NOT_GUIDS, ids=["word", "number", "bad-hex", "empty-quotes"])
@clause(
    "a key that is no guid (Contact(abc)) answers 400 or 404, never a server error",
    area="robustness",
    doc=FACTS,
    quote=STATUSES,
    # The vendor lists 400; a 5xx for a client's typo is a bug the pages do not rule out.
    level=SHOULD,
)
def test_malformed_key_is_a_client_error(api, verdict, key):
    verdict.status(api.get(contact_path(key)), 400, 404)


@clause(
    "a PUT body that is not JSON answers 400 (or 415/422), never a server error",
    area="robustness",
    doc=HELP,
    quote="Request Formats",
    mutating=True,
    level=SHOULD,
)
def test_malformed_json_is_a_client_error(api, contact, verdict):
    put = api.request(
        "PUT",
        contact_path(contact["id"]),
        data=b'{"id": "' + contact["id"].encode() + b'", "lastname": ',
        headers={"Content-Type": "application/json"},
    )
    verdict.status(put, *REFUSED, 415)
