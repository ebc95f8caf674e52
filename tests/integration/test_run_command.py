"""`webapi-contract run` end to end: the main job's artefacts, a failing run's exit and message,
the page in Chromium."""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from support import browser
from support.breakers import missing_is_200
from support.breaking_proxy import BreakingProxy

from webapi_contract.cli import main
from webapi_contract.config import basic
from webapi_contract.mock import MockCredentials, MockServer
from webapi_contract.reports import allure as allure_cli

ROOT = Path(__file__).resolve().parents[2]


EARLIER_RUNS = [
    {"time": "2026-01-01T02:00:00Z", "status": "passed", "passed": 30, "failed": 0, "skipped": 0},
    {"time": "2026-01-02T02:00:00Z", "status": "failed", "passed": 28, "failed": 2, "skipped": 0},
    {"time": "2026-01-03T02:00:00Z", "status": "could not run", "passed": 0, "failed": 0},
]


def _cli(*args: str, cwd: Path, timeout: int = 300) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WEBAPI_")}
    env["WEBAPI_GENERATED_EXAMPLES"] = "1"
    return subprocess.run(
        [sys.executable, "-m", "webapi_contract", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@pytest.fixture(scope="module")
def main_job(tmp_path_factory):
    """One `webapi-contract run` against the embedded mock, with three earlier runs recorded."""
    reports = tmp_path_factory.mktemp("main-job") / "reports"
    reports.mkdir()
    (reports / "history.jsonl").write_text("".join(json.dumps(r) + "\n" for r in EARLIER_RUNS))
    done = _cli("run", "--report-dir", str(reports), "--workers", "2", cwd=reports.parent)
    return reports, done


LEAKY_CLAUSE = """
import json
import logging
import sys

from webapi_contract.contract import clause

ODYSSEE_PASSWORD = "{odyssee}"


@clause("a clause that leaks on purpose", area="leaks", doc="superoffice-patch-contact.v1.md",
        quote="Update a ContactEntity")
def test_leaks_everywhere(api, contract_settings, verdict):
    secrets = contract_settings.secrets()
    print("stdout:", secrets, contract_settings.primary.authorization)
    sys.stderr.write(f"stderr: {{secrets}}\\n")
    logging.getLogger("leak").warning("log: %s", secrets)
    body = {{"ContactId": 0, "Name": "leak", "e_password": ODYSSEE_PASSWORD,
             "Password": ODYSSEE_PASSWORD}}
    sent = api.post("Agents/Contact/SaveContactEntity", json_body=body)
    verdict.fail("a refusal", f"it answered to {{json.dumps(body)}}", sent)


def test_plain_assert_leaks(contract_settings):
    assert contract_settings.primary.authorization == "something else"
"""


def test_main_job_writes_every_artefact(main_job):
    reports, done = main_job
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "webapi-contract run: PASSED" in done.stdout
    assert "generated cases" in done.stdout
    assert "[100%]" in done.stdout  # pytest's progress

    suite = ET.parse(reports / "junit.xml").getroot().find("testsuite")
    assert suite is not None
    assert int(suite.get("tests", 0)) >= 40
    assert suite.get("failures") == "0"
    assert suite.get("name") == "webapi-contract"

    data = json.loads((reports / "conformance.json").read_text())
    totals = data["totals"]
    assert data["status"] == "passed"
    assert totals["clauses"] >= 25
    assert totals["passed"] == totals["clauses"]
    assert totals["generated_tests"] >= 10
    assert totals["generated_cases"] >= 1
    assert data["target"]["embedded"] is True
    assert data["target"]["api_version"] == "v1"
    clause = data["clauses"][0]
    assert clause["doc"]["file"].startswith("docs/vendor/")
    assert isinstance(clause["doc"]["line"], int)

    runs = [json.loads(line) for line in (reports / "history.jsonl").read_text().splitlines()]
    assert len(runs) == len(EARLIER_RUNS) + 1
    assert runs[-1]["passed"] == totals["passed"]

    found = (reports / "allure-results").glob("*-result.json")
    results = [json.loads(p.read_text()) for p in found]
    clauses = [r for r in results if any(lab["name"] == "story" for lab in r["labels"])]
    assert len(clauses) >= 25
    saved = "test_get_answers_the_saved_contact"
    sample = next(r for r in clauses if r["fullName"].endswith(saved))
    assert sample["name"].startswith("GET answers 200 with the contact as saved")
    assert {"name": "feature", "value": "GET"} in sample["labels"]
    assert sample["links"][0]["name"].startswith("docs/vendor/reference/vendor-facts.md:")
    assert any(a["name"].startswith("1. POST ") for a in sample["attachments"])
    attachment = next(a for a in sample["attachments"] if " GET " in a["name"])
    text = (reports / "allure-results" / attachment["source"]).read_text()
    assert "Request: GET " in text
    assert "Authorization: ***" in text


def test_conformance_page_renders_in_chromium(main_job):
    reports, done = main_job
    assert done.returncode == 0
    page = reports / "conformance.html"
    dom = browser.dump_dom(page)
    data = json.loads((reports / "conformance.json").read_text())
    assert 'id="matrix"' in dom
    assert dom.count('class="clause verdict-passed"') == data["totals"]["clauses"]
    assert '<svg id="trend-chart"' in dom
    assert dom.count('<g class="run"') == len(EARLIER_RUNS) + 1
    assert 'class="bar-failed"' in dom  # the earlier failing run
    assert 'class="bar-norun"' in dom  # the earlier run that could not start
    assert "PASSED" in dom
    shot = browser.screenshot(page, reports / "conformance.png")
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 20_000
    keep = ROOT / "reports" / "screenshots"
    keep.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(shot, keep / "conformance.png")


def test_a_run_that_checks_nothing_is_not_a_pass(tmp_path, capsys):
    suite = tmp_path / "suite"
    suite.mkdir()
    (suite / "test_skips.py").write_text(
        "import pytest\n\ndef test_a():\n    pytest.skip('not here')\n"
    )
    reports = tmp_path / "reports"
    args = ["--suite", str(suite), "--suite-only", "--workers", "0", "--no-allure-report"]
    code = main(["run", *args, "--report-dir", str(reports)])
    err = capsys.readouterr().err
    assert code == 4
    assert "nothing was checked" in err
    assert json.loads((reports / "conformance.json").read_text())["status"] == "nothing run"


def test_failing_run_exits_1_names_the_clause_and_leaks_no_secret(tmp_path):
    secrets = {
        "password": "pw-Zq8vKx31-secret",
        "ticket": "7T:tk-Hy72PqLm-secret",
        "token": "bearer-Rt55Nw0c-secret",
        "app_token": "apptoken-Uu93Jd2e-secret",
        "odyssee": "odyssee-Ee41Bb7y-secret",
    }
    user = "leaky-user"
    leaky = tmp_path / "leaky_clauses.py"
    leaky.write_text(LEAKY_CLAUSE.format(odyssee=secrets["odyssee"]))
    reports = tmp_path / "reports"
    credentials = MockCredentials(
        username=user,
        password=secrets["password"],
        ticket=secrets["ticket"],
        token=secrets["token"],
    )
    with (
        MockServer(credentials=credentials) as mock,
        BreakingProxy(
            mock.base_url, basic(user, secrets["password"]).authorization, missing_is_200
        ) as proxy,
    ):
        done = _cli(
            "run",
            "--base-url",
            proxy.base_url,
            "--username",
            user,
            "--password",
            secrets["password"],
            "--ticket",
            secrets["ticket"],
            "--token",
            secrets["token"],
            "--app-token",
            secrets["app_token"],
            "--report-dir",
            str(reports),
            "--",
            str(leaky),
            cwd=tmp_path,
        )
    output = done.stdout + done.stderr
    assert done.returncode == 1, output[-3000:]
    assert "webapi-contract run: FAILED" in done.stdout

    data = json.loads((reports / "conformance.json").read_text())
    by_title = {c["title"]: c for c in data["clauses"]}
    broken = by_title["PATCH of an id that does not exist answers 404"]
    assert broken["verdict"] == "failed"
    failure = next(r for r in broken["results"] if r["outcome"] == "failed")
    assert failure["expected"] == "status 404"
    assert failure["received"] == "status 200"
    assert broken["doc"]["file"] == "docs/vendor/superoffice-patch-contact.v1.md"
    assert by_title["each configured auth scheme authenticates"]["verdict"] == "passed"
    assert by_title["a clause that leaks on purpose"]["verdict"] == "failed"
    page = (reports / "conformance.html").read_text()
    assert re.search(r'data-clause-id="[\w/]*test_patch_conditions\.py::', page)
    assert "FAILED" in page
    assert '<pre class="received">status 200</pre>' in page
    assert "new failure in this run" in page

    # the secrets test: not one hit in any file of the report folder, nor on the console
    basic_token = base64.b64encode(f"{user}:{secrets['password']}".encode()).decode()
    searched = [*secrets.values(), basic_token]
    files = [p for p in reports.rglob("*") if p.is_file()]
    assert len(files) > 50
    hits = [
        (str(path.relative_to(reports)), secret)
        for path in files
        for secret in searched
        if secret.encode() in path.read_bytes()
    ]
    assert hits == []
    assert [s for s in searched if s in output] == []
    # nor a recognisable part of one (a repr cut short shows its head and tail)
    fragments = {s[i : i + 10] for s in searched for i in range(len(s) - 9)}
    everything = b"".join(path.read_bytes() for path in files) + output.encode()
    assert sorted(f for f in fragments if f.encode() in everything) == []
    junit = (reports / "junit.xml").read_text()
    assert "***" in junit  # the leaky test's failure is there, masked
    assert 'name="clause_expected" value="status 404"' in junit


def test_allure_report_is_one_file_that_renders_in_chromium(main_job, tmp_path):
    if allure_cli.find_allure() is None:
        message = f"no Allure command line: {allure_cli.INSTALL_HINT}"
        if os.environ.get("WEBAPI_REQUIRE_ALLURE") == "1":
            pytest.fail(f"{message}, and WEBAPI_REQUIRE_ALLURE=1", pytrace=False)
        pytest.skip(message)
    reports, _ = main_job
    done = _cli("report", "--report-dir", str(reports), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    index = reports / "allure-report" / "index.html"
    assert index.is_file()
    assert [p.name for p in index.parent.iterdir() if p.suffix in (".js", ".css")] == []
    dom = browser.dump_dom_until(index, lambda dom: "Passed" in dom, budget_ms=5000)
    assert "webapi-contract" in dom
    assert "Passed" in dom
    browser.screenshot(index, reports / "allure-report.png")
