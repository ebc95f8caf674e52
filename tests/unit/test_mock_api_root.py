"""The mock's API root (`GET /api`) and version root (`GET /api/v1`), as vendor-facts describes."""

from __future__ import annotations

import re

import pytest
import requests
from defusedxml import ElementTree

from webapi_contract import __version__
from webapi_contract.mock import MockServer
from webapi_contract.mock.negotiation import prefers_json

ROOT_KEYS = ["v1", "Version", "NetServerVersion", "NetServerDate", "NetServer"]


@pytest.fixture
def anonymous():
    """A session that sends no credentials and ignores ~/.netrc."""
    with requests.Session() as session:
        session.trust_env = False
        yield session


def origin(server):
    return server.base_url.removesuffix(server.prefix)


@pytest.mark.parametrize("accept", ["application/json", "text/json", "text/html;q=0.5, text/json"])
def test_api_root_answers_versions_as_json_without_credentials(mock, anonymous, accept):
    answer = anonymous.get(f"{origin(mock)}/api", headers={"Accept": accept})
    assert answer.status_code == 200, answer.text
    assert answer.headers["Content-Type"].startswith("application/json")
    block = answer.json()
    assert list(block) == ROOT_KEYS
    assert block["v1"] == mock.base_url
    assert block["Version"] == "v1"
    assert block["NetServerVersion"] == __version__
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", block["NetServerDate"])
    assert __version__ in block["NetServer"]


@pytest.mark.parametrize("accept", [None, "*/*", "text/html", "text/html, application/json"])
def test_api_root_answers_an_html_page_unless_json_is_asked_for(mock, anonymous, accept):
    headers = {"Accept": accept} if accept else {}
    if accept is None:
        anonymous.headers.pop("Accept")
    answer = anonymous.get(f"{origin(mock)}/api", headers=headers)
    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == "text/html; charset=utf-8"
    page = answer.text
    assert page.startswith("<!DOCTYPE html>")
    for shown in ("<dt>NetServerVersion</dt>", f"<dd>{__version__}</dd>", f"<dd>{mock.base_url}"):
        assert shown in page


def test_version_root_lists_each_url_with_its_methods(mock, anonymous):
    answer = anonymous.get(mock.base_url, headers={"Accept": "application/json"})
    assert answer.status_code == 200, answer.text
    assert answer.headers["Content-Type"].startswith("application/json")
    listing = answer.json()
    assert listing["Version"] == "v1"
    methods = {entry["Url"]: entry["Methods"] for entry in listing["Urls"]}
    assert methods == {
        f"{mock.base_url}/Agents/Contact/SaveContactEntity": ["POST"],
        f"{mock.base_url}/Contact/{{id}}": ["DELETE", "GET", "PATCH"],
    }


def test_version_root_answers_xml_when_asked(mock, anonymous):
    answer = anonymous.get(mock.base_url, headers={"Accept": "application/xml"})
    assert answer.headers["Content-Type"] == "application/xml; charset=utf-8"
    root = ElementTree.fromstring(answer.content)
    assert root.tag == "ApiVersion"
    assert root.findtext("Version") == "v1"


@pytest.mark.parametrize("path", ["/API", "/Api/", "/API/V1", "/api/v1/"])
def test_roots_match_ignoring_case_and_a_trailing_slash(mock, anonymous, path):
    answer = anonymous.get(f"{origin(mock)}{path}", headers={"Accept": "application/json"})
    assert answer.status_code == 200
    assert "Version" in answer.json()


def test_roots_take_only_get_and_everything_else_still_needs_credentials(mock, anonymous):
    posted = anonymous.post(f"{origin(mock)}/api")
    assert posted.status_code == 405
    assert posted.headers["Allow"] == "GET"
    for path in ("/api/v1/Contact/1", "/api/v2", "/api/v1/Contact", "/"):
        assert anonymous.get(f"{origin(mock)}{path}").status_code == 401, path


def test_roots_follow_the_prefix(anonymous):
    with MockServer(prefix="Cust1/api/v2") as server:
        base = origin(server)
        json_accept = {"Accept": "application/json"}
        block = anonymous.get(f"{base}/Cust1/api", headers=json_accept).json()
        assert block["Version"] == "v2"
        assert block["v2"] == f"{base}/Cust1/api/v2"
        listing = anonymous.get(f"{base}/Cust1/api/v2", headers=json_accept).json()
        assert all(e["Url"].startswith(f"{base}/Cust1/api/v2/") for e in listing["Urls"])
        assert anonymous.get(f"{base}/api", headers=json_accept).status_code == 401


@pytest.mark.parametrize(
    ("accept", "wanted"),
    [
        (None, False),
        ("", False),
        ("*/*", False),
        ("application/*", False),
        ("application/xml", False),
        ("application/json", True),
        ("TEXT/JSON; charset=utf-8", True),
        ("application/json;q=0", False),
        ("text/html, application/json", False),
        ("application/json, text/html", True),
        ("text/html;q=0.9, application/json", True),
        ("application/xhtml+xml, text/json;q=0.8", False),
    ],
)
def test_prefers_json(accept, wanted):
    assert prefers_json(accept) is wanted
