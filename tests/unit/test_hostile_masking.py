"""A hostile target echoes every configured secret back, transformed (base64 standard and
URL-safe, padded or not; another letter case; percent-encoded; JSON-escaped; split by
whitespace), in bodies and headers: no report file and no console line holds a secret or any
of those forms."""

from __future__ import annotations

import base64
import itertools
import json
import os
import re
import subprocess
import sys
from urllib.parse import quote

from support.breaking_proxy import Answer, Breaker, BreakingProxy, Call

from webapi_contract.client import MIN_SECRET_LENGTH, redact_text
from webapi_contract.config import basic
from webapi_contract.mock import MockCredentials, MockServer

USER = "echo-user"
SECRETS = {
    # `?>~` give base64 `+` and `/` (the URL-safe alphabet differs); lengths give padding
    "password": "pw-Zq8v~?>Kx31/scret",
    "ticket": "7T~:tk-Hy72PqLm+sec?ret",
    "token": "~bearer-Rt55Nw0c-se>~cret",
    "app_token": "~apptoken-Uu93Jd2e-s?cret",
}


def transformed(secret: str) -> dict[str, str]:
    """Each form of a secret a server may echo."""
    raw = secret.encode()
    standard = base64.b64encode(raw).decode()
    url_safe = base64.urlsafe_b64encode(raw).decode()
    middle = len(secret) // 2
    return {
        "base64": standard,
        "base64-unpadded": standard.rstrip("="),
        "base64url": url_safe,
        "base64url-unpadded": url_safe.rstrip("="),
        "lower": secret.lower(),
        "upper": secret.upper(),
        "casefold": secret.casefold(),
        "percent": quote(secret, safe=""),
        "percent-every-byte": "".join(f"%{byte:02X}" for byte in raw),
        "json-escaped": "".join(f"\\u{ord(char):04x}" for char in secret),
        "json-slashes": json.dumps(secret)[1:-1].replace("/", "\\/"),
        "split": f"{secret[:middle]} \n\t {secret[middle:]}",
        "split-twice": " ".join([secret[:3], secret[3:9], secret[9:]]),
    }


def _every_secret() -> list[str]:
    credential = basic(USER, SECRETS["password"]).authorization
    return [*SECRETS.values(), credential.split(" ", 1)[1]]


def _squeezed(text: str) -> str:
    """Text without whitespace or escaped line breaks, lower case: a split or case-folded echo
    is found here whatever escaping a report gave its line breaks."""
    text = "".join(text.split()).lower()
    for escaped in ("\\n", "\\r", "\\t", "&#10;", "&#13;", "&#9;", "&#xa;", "&#xd;", "&#x9;"):
        text = text.replace(escaped, "")
    return text


def _echoing() -> Breaker:
    """Every answer echoes all forms of one of the secrets (in turn): in a header each, in the
    Content-Type, and in the body (a JSON property, or the whole body as text)."""
    secrets = _every_secret()
    turn = itertools.count()

    def response(call: Call, answer: Answer) -> Answer:
        number = next(turn)
        forms = transformed(secrets[number % len(secrets)])
        headers = {k: v for k, v in answer.headers.items() if k.lower() != "content-type"}
        for name, form in forms.items():
            headers[f"X-Echo-{name}"] = " ".join(form.split())
        kind = "text/plain" if number % 2 else "application/json"
        headers["Content-Type"] = f'{kind}; echo="{forms["base64url"]}"'
        if kind == "text/plain":
            body = " | ".join(forms.values()).encode()
        else:
            try:
                value = answer.json()
            except ValueError:
                value = None
            echoed = {"Echo": forms, "Was": value if isinstance(value, dict) else None}
            body = json.dumps(echoed).encode()
        return Answer(answer.status, headers, body)

    return Breaker("echo-secrets", response=response)


def test_the_echo_forms_are_those_the_brief_names():
    every = [transformed(secret) for secret in _every_secret()]
    assert sum(forms["base64"] != forms["base64url"] for forms in every) >= 4
    assert any(forms["base64"].endswith("=") for forms in every)
    assert every[0]["json-escaped"].startswith("\\u0070")
    assert all(len(secret) >= MIN_SECRET_LENGTH for secret in _every_secret())


def test_every_form_of_every_secret_is_masked_in_text():
    secrets = _every_secret()
    for secret in secrets:
        for name, form in transformed(secret).items():
            text = f"before {form} after"
            masked = redact_text(text, secrets)
            assert masked.startswith("before "), name
            assert masked.endswith(" after"), name
            assert _squeezed(_squeezed(form)) not in _squeezed(masked), (name, masked)


def test_a_base64_echo_inside_a_longer_encoded_value_is_masked():
    secret = SECRETS["token"]
    for prefix in (b"", b"a", b"ab", b"user:"):
        encoded = base64.b64encode(prefix + secret.encode() + b"!tail").decode()
        masked = redact_text(f"x {encoded} y", [secret])
        assert encoded not in masked
        assert masked.count("***") == 1, (prefix, masked)


def test_short_secrets_and_forms_mask_nothing():
    text = "ab abc the quick brown fox jumps: YWJj, %61%62, 616263"
    assert redact_text(text, ["ab", "abc", ""]) == text


def test_no_form_of_a_secret_reaches_a_report_or_the_console(tmp_path):
    credentials = MockCredentials(
        username=USER,
        password=SECRETS["password"],
        ticket=SECRETS["ticket"],
        token=SECRETS["token"],
    )
    reports = tmp_path / "reports"
    authorization = basic(USER, SECRETS["password"]).authorization
    env = {k: v for k, v in os.environ.items() if not k.startswith("WEBAPI_")}
    env["WEBAPI_GENERATED_EXAMPLES"] = "1"
    with (
        MockServer(credentials=credentials) as mock,
        BreakingProxy(mock.base_url, authorization, _echoing()) as proxy,
    ):
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "webapi_contract",
                "run",
                "--base-url",
                proxy.base_url,
                f"--username={USER}",
                f"--password={SECRETS['password']}",
                f"--ticket={SECRETS['ticket']}",
                f"--token={SECRETS['token']}",
                f"--app-token={SECRETS['app_token']}",
                "--workers",
                "0",
                "--report-dir",
                str(reports),
                "--no-allure-report",
                "--",
                "-k",
                "test_read or test_auth",
                "-rA",
            ],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
    console = done.stdout + done.stderr
    assert done.returncode == 1, console[-3000:]  # the echoes break clauses: their text is shown
    files = [p for p in reports.rglob("*") if p.is_file()]
    assert len(files) > 10
    texts = {str(p.relative_to(reports)): p.read_bytes().decode("utf-8", "replace") for p in files}
    texts["(console)"] = console
    assert "***" in texts["junit.xml"]
    assert "***" in console
    attachments = "".join(t for name, t in texts.items() if name.endswith("-attachment.txt"))
    assert "X-Echo" not in attachments or "***" in attachments
    assert re.search(r"Content-Type: (text/plain|application/json); echo=", attachments)

    leaks = []
    for secret in _every_secret():
        for name, form in {"as is": secret, **transformed(secret)}.items():
            needle = _squeezed(form)
            for where, text in texts.items():
                if form in text or needle in _squeezed(text):
                    leaks.append((where, name, secret[:6]))
    assert leaks == []
