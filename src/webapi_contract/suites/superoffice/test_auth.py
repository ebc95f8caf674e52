"""Authentication: every configured scheme works; no or wrong credentials answer 401."""

from __future__ import annotations

import base64

import pytest

from webapi_contract.config import by_name
from webapi_contract.contract import SHOULD, clause
from webapi_contract.suites.superoffice.contact_api import (
    FACTS,
    JSON_PATCH,
    PATCH_DOC,
    SAVE,
    contact_path,
    value_of,
)

SCHEMES = "Supports 'Basic', 'SoTicket' and 'Bearer' schemes, depending on installation type."
NO_AUTH = "A request with neither Authorization nor X-XSRF-TOKEN gets 401"
XSRF = "If not using Authorization header, you must provide XSRF value from cookie"

# The read is its own clause (it runs under --readonly); these write when wrongly accepted.
WRITE_ROUTES = [
    ("PATCH", "contact", [{"op": "replace", "path": "/Department", "value": "no auth"}]),
    ("DELETE", "contact", None),
    ("POST", "save", {"ContactId": 0, "Name": "unauthenticated"}),
]


def _route(method, which, contact_id):
    return SAVE if which == "save" else contact_path(contact_id)


@clause(
    "each configured auth scheme authenticates",
    area="auth",
    doc=PATCH_DOC,
    quote=SCHEMES,
)
def test_each_configured_scheme_authenticates(api, contract_settings, readable_contact, verdict):
    verdict.true(
        bool(contract_settings.credentials),
        "at least one credential configured",
        "none (use --auth, --username/--password, --ticket or --token)",
    )
    path = contact_path(value_of(readable_contact, "ContactId"))
    for credential in contract_settings.credentials:
        read = api.get(path, authorization=credential.authorization)
        verdict.true(
            read.status == 200,
            f"{credential.scheme} answered 200",
            f"{credential.scheme} answered {read.status}",
            read,
        )


@clause(
    "a read (GET of a contact) without credentials answers 401",
    area="auth",
    doc=FACTS,
    quote=NO_AUTH,
)
def test_no_credentials_read_is_unauthorized(api, readable_contact, verdict):
    path = contact_path(value_of(readable_contact, "ContactId"))
    verdict.status(api.get(path, authorization=None), 401)


@pytest.mark.parametrize(
    ("method", "which", "body"), WRITE_ROUTES, ids=[r[0] for r in WRITE_ROUTES]
)
@clause(
    "a write (PATCH, DELETE, save) without credentials answers 401 and changes nothing",
    area="auth",
    doc=FACTS,
    quote=NO_AUTH,
    mutating=True,
)
def test_no_credentials_is_unauthorized(api, contact, verdict, run_tag, method, which, body):
    headers = {"Content-Type": JSON_PATCH} if method == "PATCH" else {}
    if which == "save":
        body = {**body, "Name": f"{run_tag} {body['Name']}"}  # recognisably ours if accepted
    sent = api.request(
        method,
        _route(method, which, contact["ContactId"]),
        json_body=body,
        headers=headers,
        authorization=None,
    )
    if which == "save" and sent.status == 200:
        _delete_if_created(api, sent)
    verdict.status(sent, 401)
    verdict.true(
        api.get(contact_path(contact["ContactId"])).status == 200,
        "the contact untouched",
        "an unauthenticated request changed it",
        api.last,
    )


def _delete_if_created(api, sent):
    """A server that wrongly accepted the anonymous save still gets its contact removed."""
    try:
        created = value_of(sent.json(), "ContactId")
    except ValueError:
        return
    if isinstance(created, int) and created > 0:
        api.delete(contact_path(created))


def _basic_user(credential):
    """The user name of a Basic credential (also one given whole with --auth), or None."""
    if credential.username:
        return credential.username
    try:
        decoded = base64.b64decode(credential.authorization.partition(" ")[2], validate=True)
    except ValueError:
        return None
    user, colon, _ = decoded.decode("utf-8", "replace").partition(":")
    return user if colon else None


def _tampered(credential):
    """The same credential with a wrong secret: for Basic, the right user and a wrong password
    (still valid base64, so only the password is wrong)."""
    user = _basic_user(credential) if credential.scheme.lower() == "basic" else None
    if user is not None:
        token = base64.b64encode(f"{user}:wrong-password".encode()).decode()
        return f"Basic {token}"
    scheme, _, secret = credential.authorization.partition(" ")
    return f"{scheme} {secret[::-1]}x"


@clause(
    "wrong credentials (a wrong password) answer 401",
    area="auth",
    doc=PATCH_DOC,
    quote=SCHEMES,
)
def test_wrong_credentials_are_unauthorized(api, contract_settings, readable_contact, verdict):
    path = contact_path(value_of(readable_contact, "ContactId"))
    for credential in contract_settings.credentials:
        read = api.get(path, authorization=_tampered(credential))
        verdict.true(
            read.status == 401,
            f"wrong {credential.scheme} answered 401",
            f"wrong {credential.scheme} answered {read.status}",
            read,
        )


@clause(
    "X-XSRF-TOKEN with its session cookie authenticates without Authorization",
    area="auth",
    doc=PATCH_DOC,
    quote=XSRF,
    # The PATCH page documents the header; a GET's, and a pasted session's lifetime, it does not.
    level=SHOULD,
)
def test_xsrf_token_with_its_cookie_authenticates(
    api, contract_settings, readable_contact, verdict
):
    token, cookie = contract_settings.xsrf_token, contract_settings.xsrf_cookie
    if not (token and cookie):
        given = [by_name(name) for name in ("xsrf_token", "xsrf_cookie")]
        options = " and ".join(f"{s.run_flag} ({s.pytest_flag}, {s.env[0]})" for s in given)
        pytest.skip(f"not run: no logged-in session to authenticate with; give {options}")
    contact_id = value_of(readable_contact, "ContactId")
    read = api.get(
        contact_path(contact_id),
        authorization=None,
        headers={"X-XSRF-TOKEN": token, "Cookie": cookie},
    )
    verdict.status(read, 200)
    body = verdict.json_body(read)
    verdict.true(isinstance(body, dict), "a ContactEntityWithLinks object", repr(body), read)
    verdict.equal(value_of(body, "ContactId"), contact_id, "ContactId", read)
