"""`webapi-contract run` and `report`: artefacts, exit codes, the pages in Chromium, no secrets."""

from __future__ import annotations

import json
import socket

import pytest

from webapi_contract.cli import main
from webapi_contract.reports import allure as allure_cli


@pytest.mark.parametrize("checkout", [False, True], ids=["installed", "checkout"])
def test_report_without_allure_says_how_to_install(monkeypatch, tmp_path, capsys, checkout):
    import webapi_contract.reports.command as command

    root = tmp_path / "checkout"
    root.mkdir()
    (root / "Makefile").write_text("allure:\n")
    monkeypatch.setattr(command, "find_allure", lambda: None)
    monkeypatch.setattr(allure_cli, "repo_root", lambda: root if checkout else None)
    assert main(["report", "--report-dir", str(tmp_path)]) == command.EXIT_NO_ALLURE
    err = " ".join(capsys.readouterr().err.split())
    assert "no Allure command line found" in err
    # What an installed tool can do: npm (Allure 3), Allure 2 on PATH, or WEBAPI_ALLURE.
    assert "npm install -g allure" in err
    assert "allure-commandline" in err
    assert "on PATH" in err
    assert "WEBAPI_ALLURE" in err
    # `make allure` exists only in a checkout, so only a checkout is told about it.
    assert ("make allure" in err) is checkout
    if checkout:
        assert f"in {root}" in err
    assert "Traceback" not in err


def _closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_unreachable_target_exits_4_with_one_line(tmp_path, capsys):
    url = f"http://127.0.0.1:{_closed_port()}/api/v1"
    code = main(
        ["run", "--base-url", url, "--token", "tok-secret-1", "--report-dir", str(tmp_path)]
    )
    captured = capsys.readouterr()
    assert code == 4
    lines = [line for line in captured.err.splitlines() if line.strip()]
    assert len(lines) == 1, captured.err
    assert f"cannot connect to {url}" in lines[0]
    assert "Traceback" not in captured.out + captured.err
    data = json.loads((tmp_path / "conformance.json").read_text())
    assert data["status"] == "could not run"
    assert "could-not-run" in (tmp_path / "conformance.html").read_text()
    assert "tok-secret-1" not in "".join(p.read_text() for p in tmp_path.iterdir() if p.is_file())


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--workers", "many"], "bad configuration: workers: expected a whole number"),
        (["--bogus"], "pytest options go after --"),
        (["--workers", "-1"], "bad configuration: workers: must be 0 or more"),
        (["--readonly-contact-id", "x"], "readonly-contact-ids: expected a whole number"),
        (["--base-url", "ftp://x"], "bad configuration: base URL"),
        (["--generated-examples", "0"], "bad configuration: generated-examples"),
        (["--base-url", "http://[::1"], "bad configuration: base URL"),
        (["--base-url", "http://u:pw@127.0.0.1:99999/x"], "bad configuration: base URL"),
    ],
)
def test_bad_options_exit_4_with_a_usage_line(args, said, tmp_path, capsys):
    try:
        code = main(["run", "--report-dir", str(tmp_path), *args])
    except SystemExit as stop:
        code = stop.code
    err = capsys.readouterr().err
    assert code == 4
    assert said in err
    assert "Traceback" not in err
