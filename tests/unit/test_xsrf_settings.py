"""The XSRF session (X-XSRF-TOKEN and its cookie): settings, masking, and the embedded mock's."""

from __future__ import annotations

import requests

from webapi_contract.config import by_name, resolve
from webapi_contract.target import start_embedded

TOKEN = "xsrf-token-1234567890"
COOKIE = f"ASP.NET_SessionId=session-abcdefgh12; XSRF-TOKEN={TOKEN}; lang=en-GB"


def test_the_session_is_two_secret_settings_of_the_table():
    for name, env, flag in (
        ("xsrf_token", "WEBAPI_XSRF_TOKEN", "--xsrf-token"),
        ("xsrf_cookie", "WEBAPI_XSRF_COOKIE", "--xsrf-cookie"),
    ):
        setting = by_name(name)
        assert (setting.env, setting.run_flag, setting.pytest_flag) == (
            (env,),
            flag,
            f"--webapi-{flag[2:]}",
        )
        assert setting.secret
        assert not setting.in_pyproject


def test_option_beats_environment_and_every_part_is_masked():
    environ = {"WEBAPI_XSRF_TOKEN": "from-env", "WEBAPI_XSRF_COOKIE": COOKIE}
    settings = resolve({"xsrf_token": TOKEN}, environ, {})
    assert (settings.xsrf_token, settings.xsrf_cookie) == (TOKEN, COOKIE)
    secrets = settings.secrets()
    assert {TOKEN, COOKIE, "session-abcdefgh12"} <= set(secrets)
    assert "en-GB" not in secrets  # a short cookie value would mask words all over a report
    assert TOKEN not in repr(settings)
    assert "session-abcdefgh12" not in repr(settings)


def test_the_embedded_mock_hands_its_session_to_the_suite():
    target = start_embedded()
    try:
        assert target.xsrf_token
        assert target.xsrf_cookie
        settings = resolve({}, {}, {}).with_target(
            target.base_url, target.credentials, target.xsrf_token, target.xsrf_cookie
        )
        assert settings.embedded
        assert target.xsrf_token in settings.secrets()
        headers = {"X-XSRF-TOKEN": settings.xsrf_token, "Cookie": settings.xsrf_cookie}
        sent = requests.get(f"{settings.base_url}/Contact/1", headers=headers, timeout=10)
        assert sent.status_code == 404  # authenticated, without Authorization; no contact 1
        assert requests.get(f"{settings.base_url}/Contact/1", timeout=10).status_code == 401
    finally:
        target.stop()
