"""Settings resolution: option > environment > pyproject, with clear errors."""

from __future__ import annotations

import json

import pytest

from webapi_contract.config import (
    ConfigError,
    basic,
    read_pyproject,
    resolve,
    strip_userinfo,
)


def test_option_beats_environment_beats_pyproject():
    options = {"base_url": "https://option.example/api/v1"}
    environ = {"WEBAPI_BASE_URL": "https://env.example/api/v1", "WEBAPI_TIMEOUT": "7"}
    pyproject = {"base_url": "https://file.example/api/v1", "timeout": 3, "readonly": True}
    settings = resolve(options, environ, pyproject)
    assert settings.base_url == "https://option.example/api/v1"
    assert settings.timeout == 7.0
    assert settings.readonly is True


def test_environment_used_when_option_absent():
    settings = resolve({}, {"WEBAPI_BASE_URL": "https://env.example/api/v1/"}, {})
    assert settings.base_url == "https://env.example/api/v1"


def test_no_base_url_means_embedded_target():
    assert resolve({}, {}, {}).base_url is None


def test_credentials_in_documented_order():
    settings = resolve(
        {"auth": "SoTicket 7T:abc", "username": "u", "password": "p", "token": "tok"}, {}, {}
    )
    assert [c.scheme for c in settings.credentials] == ["SoTicket", "Basic", "Bearer"]
    assert settings.credentials[1].authorization == "Basic dTpw"
    assert settings.primary is not None
    assert settings.primary.authorization == "SoTicket 7T:abc"


def test_credential_repr_hides_secret():
    settings = resolve({"token": "very-secret-token"}, {}, {})
    assert "very-secret-token" not in repr(settings)


def test_username_without_password_is_an_error():
    with pytest.raises(ConfigError, match="go together"):
        resolve({"username": "u"}, {}, {})


@pytest.mark.parametrize("url", ["ftp://host/api", "not a url", "http://"])
def test_non_http_base_url_is_an_error(url):
    with pytest.raises(ConfigError, match="not an http"):
        resolve({"base_url": url}, {}, {})


def test_bad_timeout_is_an_error():
    with pytest.raises(ConfigError, match="timeout"):
        resolve({}, {"WEBAPI_TIMEOUT": "soon"}, {})


@pytest.mark.parametrize("given", [0, 0.0, -1, "0"])
def test_zero_or_negative_timeout_is_an_error_not_the_default(given):
    with pytest.raises(ConfigError, match="must be positive"):
        resolve({"timeout": given}, {"WEBAPI_TIMEOUT": "5"}, {})


def test_pyproject_refuses_unknown_and_secret_keys(tmp_path):
    (tmp_path / "pyproject.toml").write_text(
        '[tool.webapi-contract]\nbase-url = "https://x.example"\npassword = "oops"\n'
    )
    with pytest.raises(ConfigError, match="password"):
        read_pyproject(tmp_path)


def test_pyproject_table_read(tmp_path):
    (tmp_path / "pyproject.toml").write_text(
        '[tool.webapi-contract]\nbase-url = "https://x.example/api/v1"\ntimeout = 5\n'
    )
    assert read_pyproject(tmp_path) == {"base_url": "https://x.example/api/v1", "timeout": 5}


def test_userinfo_is_stripped():
    assert strip_userinfo("https://u:p@host:8443/a/b") == "https://host:8443/a/b"
    assert strip_userinfo("https://host/a") == "https://host/a"


def test_userinfo_in_base_url_becomes_a_basic_credential_and_leaves_the_url():
    settings = resolve({"base_url": "https://a%40b:p%3Aw@host/api/v1", "ticket": "7T:x"}, {}, {})
    assert settings.base_url == "https://host/api/v1"
    assert [c.scheme for c in settings.credentials] == ["SoTicket", "Basic"]
    assert settings.credentials[1].authorization == basic("a@b", "p:w").authorization
    assert "p:w" in settings.secrets()


def test_userinfo_and_basic_credentials_together_are_an_error():
    with pytest.raises(ConfigError, match="give one"):
        resolve({"base_url": "https://u:p@host", "username": "u", "password": "q"}, {}, {})


@pytest.mark.parametrize("url", ["http://[::1", "http://u:pw@127.0.0.1:99999/x", "http://h:port/"])
def test_malformed_base_url_is_a_config_error_without_the_password(url):
    with pytest.raises(ConfigError, match="malformed") as caught:
        resolve({"base_url": url}, {}, {})
    assert "pw" not in str(caught.value)


def test_strip_userinfo_copes_with_a_malformed_url():
    assert strip_userinfo("http://u:pw@127.0.0.1:99999/x") == "http://127.0.0.1:99999/x"


def test_test_contact_from_option_environment_or_pyproject_table():
    table = {"Business": {"Id": 4}}
    assert resolve({}, {}, {"test_contact": table}).test_contact == table
    environ = {"WEBAPI_TEST_CONTACT": '{"Category": {"Id": 3}}'}
    assert resolve({}, environ, {"test_contact": table}).test_contact == {"Category": {"Id": 3}}
    option = {"test_contact": '{"OrgNr": "1"}'}
    assert resolve(option, environ, {}).test_contact == {"OrgNr": "1"}
    assert resolve({}, {}, {}).test_contact == {}


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("{not json", "not valid JSON"),
        ("[1, 2]", "expected a JSON object"),
        ('"Sales"', "expected a JSON object"),
        ('{"contactId": 5}', "ContactId is not a field to set"),
        ('{"name": "Mine"}', "Name is set by the suite"),
    ],
)
def test_bad_test_contact_is_a_clear_error(value, words):
    with pytest.raises(ConfigError, match=words):
        resolve({"test_contact": value}, {}, {})


def test_test_contact_is_a_known_pyproject_key(tmp_path):
    (tmp_path / "pyproject.toml").write_text(
        "[tool.webapi-contract]\ntest-contact = { Category = { Id = 3 } }\n"
    )
    assert read_pyproject(tmp_path) == {"test_contact": {"Category": {"Id": 3}}}


def test_settings_reach_xdist_workers_whole():
    from dataclasses import fields

    from webapi_contract.config import Credential, Settings, from_wire, to_wire

    settings = Settings(
        base_url="https://tenant.example/api/v1",
        credentials=(Credential("Basic", "Basic dTpw", "u"), Credential("Bearer", "Bearer t")),
        vendor="odyssee",
        domain="corp",
        app_token="app",
        timeout=7.5,
        readonly=True,
        strict=True,
        embedded=True,
        test_contact={"Category": {"Id": 3}},
        readonly_contact_ids=(7, 8),
        generated_examples=3,
        report_dir="/tmp/reports",
        doc_base_url="https://git.example/blob/main/",
        xsrf_token="xsrf-t",
        xsrf_cookie="ASP.NET_SessionId=s; XSRF-TOKEN=xsrf-t",
        proxy="http://proxy.example:3128",
        max_response_mb=5,
        no_answer_limit=7,
        shard=(2, 3),
        run_id="run-42",
        target_name="customer 12",
        preflighted=True,
    )
    defaults = Settings(base_url=None)
    unset = [
        f.name for f in fields(Settings) if getattr(settings, f.name) == getattr(defaults, f.name)
    ]
    assert unset == [], "give every field a non-default value here"
    wire = json.loads(json.dumps(to_wire(settings)))  # what execnet carries
    assert set(wire) == {f.name for f in fields(Settings)}
    assert from_wire(wire) == settings
