"""Redaction: no credential leaves the client in a message."""

from __future__ import annotations

import json

import requests

from webapi_contract.client import MASK, Exchange, redact_body, redact_headers, redact_text


def _response(status, body):
    response = requests.Response()
    response.status_code = status
    response.reason = "Test"
    response._content = json.dumps(body).encode()
    response.headers["Content-Type"] = "application/json"
    response.headers["Set-Cookie"] = "XSRF-TOKEN=cookie-secret"
    return response


def test_secret_headers_are_masked():
    shown = redact_headers(
        {"Authorization": "Basic abc", "x-xsrf-token": "t", "SO-AppToken": "a", "Accept": "*/*"}
    )
    assert shown == {
        "Authorization": MASK,
        "x-xsrf-token": MASK,
        "SO-AppToken": MASK,
        "Accept": "*/*",
    }


def test_secret_body_fields_are_masked_at_any_depth():
    body = {
        "e_password": "hunter2",
        "company": {"password": "x", "name": "ok"},
        "list": [{"token": "t"}],
    }
    assert redact_body(body) == {
        "e_password": MASK,
        "company": {"password": MASK, "name": "ok"},
        "list": [{"token": MASK}],
    }


def test_known_secrets_are_masked_in_text():
    assert redact_text("ticket 7T:abcdef in text", ["7T:abcdef"]) == f"ticket {MASK} in text"


def test_exchange_description_leaks_nothing():
    exchange = Exchange(
        method="PATCH",
        url="https://user:pw@host/api/v1/Contact/1",
        request_headers={"Authorization": "SoTicket 7T:secret-ticket", "Accept": "x"},
        request_body={"e_password": "hunter2", "Department": "x"},
        response=_response(200, {"Echo": "7T:secret-ticket", "password": "p"}),
        elapsed_ms=3.0,
        secrets=("SoTicket 7T:secret-ticket", "7T:secret-ticket"),
    )
    text = exchange.describe()
    for secret in ("7T:secret-ticket", "hunter2", "user:pw", "cookie-secret"):
        assert secret not in text
    assert "PATCH https://host/api/v1/Contact/1" in text
    assert '"Department": "x"' in text


def test_netrc_and_url_userinfo_never_add_credentials(tmp_path, monkeypatch):
    from webapi_contract.client import ApiClient
    from webapi_contract.config import Settings, basic
    from webapi_contract.mock import MockServer

    with MockServer() as mock:
        host = mock.base_url.split("//", 1)[1].split(":", 1)[0]
        netrc = tmp_path / "netrc"
        user, password = mock.credentials.username, mock.credentials.password
        netrc.write_text(f"machine {host} login {user} password {password}\n")
        netrc.chmod(0o600)
        monkeypatch.setenv("NETRC", str(netrc))
        good = basic(mock.credentials.username, mock.credentials.password)
        client = ApiClient(Settings(base_url=mock.base_url, credentials=(good,)))
        anonymous = client.get("Contact/1", authorization=None)
        assert "Authorization" not in anonymous.request_headers
        assert anonymous.status == 401
        assert client.get("Contact/1").status == 404
        assert anonymous.request_headers["Accept"] == "application/json"
