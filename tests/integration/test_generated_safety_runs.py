"""A read-only run's generated cases never read an entity the run did not create (a seeded mock, 40
examples)."""

from __future__ import annotations

import json

from webapi_contract.cli import main
from webapi_contract.mock import MockCredentials, MockServer


def test_read_only_generated_cases_never_read_existing_entities(tmp_path, capsys):
    creds = MockCredentials.generate()
    with MockServer(seed=True, credentials=creds) as mock:
        args = ["--base-url", mock.base_url, f"--token={creds.token}", "--readonly"]
        args += ["--workers", "0", "--no-allure-report"]
        args += ["--generated-examples", "40", "--report-dir", str(tmp_path)]
        code = main(["run", *args])
    capsys.readouterr()
    assert code == 0
    generated = json.loads((tmp_path / "conformance.json").read_text())["generated"]
    statuses = generated["statuses"]
    assert generated["cases"] >= 40
    assert "200" not in statuses, statuses
    assert "304" not in statuses, statuses
