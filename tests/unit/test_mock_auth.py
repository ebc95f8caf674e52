"""Authentication on the mock: Basic, Bearer, SoTicket, session cookie + XSRF; else 401."""

from __future__ import annotations

import base64

import pytest
import requests
from support import plugin_options

from webapi_contract.mock import MockCredentials, MockServer

ROUTES = [
    ("POST", "Agents/Contact/SaveContactEntity"),
    ("GET", "Contact/1"),
    ("PATCH", "Contact/1"),
    ("DELETE", "Contact/1"),
    ("GET", "No/Such/Route"),
]


@pytest.fixture(scope="module")
def mock():
    with MockServer(credentials=MockCredentials.generate()) as server:
        yield server


def basic(user, password):
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def authorizations(creds):
    return {
        "basic": basic(creds.username, creds.password),
        "basic-ticket-as-password": basic(creds.username, creds.ticket),
        "bearer": f"Bearer {creds.token}",
        "BEARER": f"BEARER {creds.token}",
        "soticket": f"SoTicket {creds.ticket}",
        "SOTicket": f"SOTicket {creds.ticket}",
        "soticket-lower": f"soticket {creds.ticket}",
    }


@pytest.mark.parametrize("name", list(authorizations(MockCredentials("u", "p", "t", "k"))))
def test_every_scheme_spelling_authenticates(mock, name):
    header = authorizations(mock.credentials)[name]
    sent = requests.get(f"{mock.base_url}/Contact/1", headers={"Authorization": header})
    assert sent.status_code == 404  # authenticated; no contact 1 in an empty database


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_no_credentials_is_401_on_every_route(mock, method, path):
    sent = requests.request(method, f"{mock.base_url}/{path}", json={})
    assert sent.status_code == 401
    assert sent.headers["WWW-Authenticate"].startswith("Basic")
    assert set(sent.json()) == {"Error", "ErrorType", "ErrorMessage", "ErrorSource"}


@pytest.mark.parametrize(
    "header",
    [
        "Bearer wrong",
        "SoTicket 7T:wrong",
        "Negotiate abc",
        "Basic !!!not-base64",
        "Bearer",
        "",
    ],
)
def test_wrong_credentials_are_401(mock, header):
    sent = requests.get(f"{mock.base_url}/Contact/1", headers={"Authorization": header})
    assert sent.status_code == 401


def test_wrong_basic_password_is_401(mock):
    header = basic(mock.credentials.username, "not-the-password")
    assert (
        requests.get(f"{mock.base_url}/Contact/1", headers={"Authorization": header}).status_code
        == 401
    )


def test_session_cookie_with_matching_xsrf_header_authenticates(mock):
    session = requests.Session()
    first = session.get(
        f"{mock.base_url}/Contact/1", headers={"Authorization": f"Bearer {mock.credentials.token}"}
    )
    xsrf = first.cookies["XSRF-TOKEN"]
    assert len(first.cookies) == 2
    ok = session.get(f"{mock.base_url}/Contact/1", headers={"X-XSRF-TOKEN": xsrf})
    assert ok.status_code == 404
    assert "set-cookie" not in ok.headers
    assert session.get(f"{mock.base_url}/Contact/1").status_code == 401
    wrong = session.get(
        f"{mock.base_url}/Contact/1",
        headers={"X-XSRF-TOKEN": xsrf[:-1] + ("1" if xsrf.endswith("0") else "0")},
    )
    assert wrong.status_code == 401


def test_the_credentials_xsrf_session_authenticates_without_authorization(mock):
    creds = mock.credentials
    path = f"{mock.base_url}/Contact/1"
    cookie = creds.xsrf_cookie
    assert cookie == f"webapi_mock_session={creds.xsrf_session}; XSRF-TOKEN={creds.xsrf_token}"
    ok = requests.get(path, headers={"X-XSRF-TOKEN": creds.xsrf_token, "Cookie": cookie})
    assert ok.status_code == 404  # authenticated; no contact 1
    assert "set-cookie" not in ok.headers
    wrong_token = {"X-XSRF-TOKEN": creds.xsrf_token[::-1], "Cookie": cookie}
    only_session = {"X-XSRF-TOKEN": creds.xsrf_token, "Cookie": cookie.split(";")[0]}
    only_token = {"X-XSRF-TOKEN": creds.xsrf_token}
    for headers in (wrong_token, only_session, only_token, {"Cookie": cookie}):
        assert requests.get(path, headers=headers).status_code == 401, headers


def test_credentials_without_an_xsrf_session_accept_none():
    creds = MockCredentials("u", "p", "7T:t", "k")
    assert creds.xsrf_cookie == ""
    with MockServer(credentials=creds) as server:
        headers = {"X-XSRF-TOKEN": "", "Cookie": "webapi_mock_session=; XSRF-TOKEN="}
        assert requests.get(f"{server.base_url}/Contact/1", headers=headers).status_code == 401


def test_xsrf_header_without_session_cookie_is_401(mock):
    sent = requests.get(f"{mock.base_url}/Contact/1", headers={"X-XSRF-TOKEN": "abc"})
    assert sent.status_code == 401


def test_credentials_are_per_server():
    with MockServer() as one, MockServer() as two:
        header = {"Authorization": f"Bearer {one.credentials.token}"}
        assert requests.get(f"{one.base_url}/Contact/1", headers=header).status_code == 404
        assert requests.get(f"{two.base_url}/Contact/1", headers=header).status_code == 401


def test_generated_secrets_never_look_like_options():
    # One in 64 URL-safe tokens begins with "-"; 300 draws of three secrets would hit that
    # about 14 times if the guard were gone.
    for _ in range(300):
        creds = MockCredentials.generate()
        secrets = (creds.password, creds.ticket.removeprefix("7T:"), creds.token)
        for secret in (*secrets, creds.xsrf_session, creds.xsrf_token):
            assert secret[0].isalnum(), secret


def test_credential_options_survive_a_secret_starting_with_a_dash(pytester):
    creds = MockCredentials("u", password="-qpw", ticket="7T:-t", token="-x")
    with MockServer(credentials=creds) as server:
        pytester.makepyfile(
            test_x="def test_auth(api):\n    assert api.get('/Contact/1').status == 404\n"
        )
        result = pytester.runpytest_inprocess(
            f"--base-url={server.base_url}", *plugin_options(creds), "-p", "no:cacheprovider"
        )
    result.assert_outcomes(passed=1)
