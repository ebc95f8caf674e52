"""The vendor setting end to end: the embedded mock, the preflight, the suite, the reports and
the masking follow `--vendor`; SuperOffice stays as it was."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from support.odyssee_runs import _cli

from webapi_contract.client import ApiClient, body_secrets, masker
from webapi_contract.config import ConfigError, Settings, basic, resolve
from webapi_contract.mock import MockCredentials, MockServer
from webapi_contract.reports.history import entry_from
from webapi_contract.suites import suite_dir
from webapi_contract.target import embedded_facts, preflight, start_embedded, target_facts

GUID = "3f2504e0-4f89-11d3-9a0c-0305e82c3301"


# --- the embedded mock of each vendor ------------------------------------------------------


def test_the_embedded_odyssee_mock_has_its_vendors_credentials_only():
    target = start_embedded("odyssee")
    try:
        creds = target.server.credentials
        assert [c.scheme for c in target.credentials] == ["Basic"]
        assert target.credentials[0] == basic(creds.username, f"{creds.password}@{creds.domain}")
        assert target.domain == creds.domain
        assert (target.xsrf_token, target.xsrf_cookie) == (None, None)
        settings = Settings(base_url=None, vendor="odyssee").with_target(
            target.base_url, target.credentials, domain=target.domain
        )
        assert creds.password in settings.secrets()  # the bare password, without @domain
        client = ApiClient(settings)
        try:
            assert client.get("Contact?$top=1").status == 200
            assert client.get("Contact?$top=1", authorization=None).status == 401
        finally:
            client.close()
    finally:
        target.stop()


def test_the_embedded_superoffice_mock_is_as_it_was():
    target = start_embedded()
    try:
        creds = target.server.credentials
        schemes = [c.scheme for c in target.credentials]
        assert schemes == ["Basic", "SoTicket", "Bearer"]
        assert target.credentials[0] == basic(creds.username, creds.password)
        assert target.domain is None
        assert target.xsrf_token == creds.xsrf_token
        assert target.xsrf_cookie == creds.xsrf_cookie
    finally:
        target.stop()


# --- preflight and the target facts follow the vendor --------------------------------------


def _odyssee_settings(server: MockServer, domain: str | None = None, **more) -> Settings:
    creds = server.credentials
    given = creds.domain if domain is None else domain
    return Settings(
        base_url=server.base_url,
        credentials=(basic(creds.username, f"{creds.password}@{given}"),),
        vendor="odyssee",
        domain=given,
        timeout=10,
        **more,
    )


def test_preflight_probes_the_vendors_path(odyssee):
    assert preflight(_odyssee_settings(odyssee)) is None


def test_refused_credentials_name_the_vendors_credential_options(odyssee):
    problem = preflight(_odyssee_settings(odyssee, domain="elsewhere"))
    assert problem is not None
    assert "refused the credentials (Basic) with 401" in problem
    assert problem.endswith("check --auth/--username/--password and --domain")
    with MockServer(credentials=MockCredentials.generate()) as superoffice:
        refused = preflight(Settings(base_url=superoffice.base_url, credentials=(basic("x", "y"),)))
    assert refused is not None
    assert refused.endswith("check --auth/--username/--password/--ticket/--token and --app-token")


@contextmanager
def recording() -> Iterator[tuple[str, list[dict[str, str]]]]:
    """A loopback API answering every GET 200 with JSON; yields its URL and the headers seen."""
    seen: list[dict[str, str]] = []

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            seen.append(dict(self.headers.items()))
            body = b'{"value": []}'
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/api", seen
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.mark.parametrize(
    ("vendor", "path", "header"),
    [("superoffice", "/api/Contact/0", "SO-AppToken"), ("odyssee", "/api/Contact?$top=1", None)],
)
def test_the_app_token_header_goes_only_to_a_vendor_that_has_one(vendor, path, header):
    with recording() as (url, seen):
        settings = Settings(base_url=url, vendor=vendor, app_token="app-token-value-1")
        assert preflight(settings) is None
        target_facts(settings)
    assert len(seen) == 2
    for headers in seen:
        tokens = [k for k, v in headers.items() if v == "app-token-value-1"]
        assert tokens == ([header] if header else []), headers


def test_the_reports_key_the_embedded_mock_of_each_vendor_apart():
    odyssee = embedded_facts(Settings(base_url=None, vendor="odyssee"))
    superoffice = embedded_facts(Settings(base_url=None))
    assert (odyssee["vendor"], odyssee["key"]) == ("odyssee", "odyssee: embedded mock")
    assert (superoffice["vendor"], superoffice["key"]) == ("superoffice", "embedded mock")
    assert odyssee["label"] == superoffice["label"] == "embedded mock"
    named = embedded_facts(Settings(base_url=None, vendor="odyssee", target_name="ody test"))
    assert named["key"] == "ody test"
    live = target_facts(Settings(base_url="https://t.example/api", vendor="odyssee"), probe=False)
    assert (live["key"], live["vendor"]) == ("https://t.example/api", "odyssee")
    line = entry_from({"vendor": "odyssee", "target": odyssee})
    assert (line["target"], line["vendor"]) == ("odyssee: embedded mock", "odyssee")


# --- ids and secret body fields of the vendor ----------------------------------------------


def test_readonly_ids_are_of_the_vendors_kind():
    ids = {"readonly_contact_ids": [GUID.upper()], "vendor": "odyssee"}
    assert resolve(ids, {}, {}).readonly_contact_ids == (GUID,)
    with pytest.raises(ConfigError, match="readonly-contact-ids: expected a whole number"):
        resolve({"readonly_contact_ids": [GUID]}, {}, {})
    with pytest.raises(ConfigError, match="odyssee's ids are guids"):
        resolve({"readonly_contact_ids": ["42"], "vendor": "odyssee"}, {}, {})


def test_body_secrets_finds_the_named_members_at_any_depth_in_json_and_xml():
    body = {"E_Password": "top-secret-1", "company": {"e_password": "nested-2"}, "n": 1}
    assert body_secrets(["e_password"], body) == ["top-secret-1", "nested-2"]
    assert body_secrets(["e_password"], json.dumps([body]).encode()) == ["top-secret-1", "nested-2"]
    xml = (
        "<Contact><e_password>x&amp;y-secret</e_password><d:E_PASSWORD>z9</d:E_PASSWORD></Contact>"
    )
    assert body_secrets(["e_password"], xml) == ["x&y-secret", "z9"]
    assert body_secrets([], body) == []
    assert body_secrets(["e_password"], None, b"", "plain text") == []


def _contact(value: str) -> dict[str, object]:
    return {"id": GUID, "lastname": "plumbing", "company_code": "ACME", "e_password": value}


def test_the_client_masks_the_vendors_secret_body_fields(odyssee):
    value = "clear-text-e-password-123"
    client = ApiClient(_odyssee_settings(odyssee))
    try:
        created = client.post("Contact", json_body=_contact(value))
        read = client.get(f"Contact({GUID})")
        client.delete(f"Contact({GUID})")
    finally:
        client.close()
    assert created.status == 201, created.describe()
    assert value in created.secrets  # from the request body
    assert value in read.secrets  # from the response body the GET answered
    assert value in read.response.text
    for exchange in (created, read):
        assert value not in exchange.describe()
        assert value not in masker(exchange.secrets).text(exchange.as_curl())


def test_a_vendor_without_secret_body_fields_adds_none():
    with recording() as (url, _):
        client = ApiClient(Settings(base_url=url))
        try:
            exchange = client.post("Contact", json_body=_contact("some-value-456"))
        finally:
            client.close()
    assert "some-value-456" not in exchange.secrets
    assert set(exchange.secrets) == set(Settings(base_url=url).secrets())


# --- `webapi-contract run --vendor odyssee` --------------------------------------------------


def test_run_with_the_wrong_domain_could_not_run_naming_the_option(tmp_path, odyssee):
    creds = odyssee.credentials
    done = _cli(
        "run",
        "--vendor=odyssee",
        f"--base-url={odyssee.base_url}",
        f"--username={creds.username}",
        "--domain=elsewhere",
        f"--report-dir={tmp_path / 'reports'}",
        cwd=tmp_path,
        env={"WEBAPI_PASSWORD": creds.password},
    )
    assert done.returncode == 4, done.stdout + done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, done.stderr
    assert "refused the credentials (Basic) with 401" in lines[0]
    assert "--domain" in lines[0]
    assert "--ticket" not in lines[0]
    assert creds.password not in done.stdout + done.stderr


def test_run_refuses_an_id_of_another_kind_with_one_line(tmp_path):
    done = _cli(
        "run", "--vendor", "odyssee", "--readonly", "--readonly-contact-id", "42", cwd=tmp_path
    )
    assert done.returncode == 4
    assert "bad configuration: readonly-contact-ids: odyssee's ids are guids" in done.stderr


def test_a_suite_run_as_another_vendor_is_a_usage_error(pytester):
    result = pytester.runpytest_inprocess(str(suite_dir("odyssee")), "-p", "no:cacheprovider")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert (
        "the odyssee suite runs against the odyssee vendor, but the vendor setting is "
        "superoffice: give --webapi-vendor odyssee (WEBAPI_VENDOR)"
    ) in result.stderr.str()
