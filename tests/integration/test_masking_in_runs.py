"""A whole run against a target echoing the secrets back: no form of a secret reaches a
report or the console."""

from __future__ import annotations

import itertools
import json
import os
import re
import subprocess
import sys

from support.breaking_proxy import Answer, Breaker, BreakingProxy, Call
from support.secret_forms import SECRETS, USER, _every_secret, _squeezed, transformed

from webapi_contract.config import basic
from webapi_contract.mock import MockCredentials, MockServer


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
