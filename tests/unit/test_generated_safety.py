"""Generated cases never address entities the run did not create, however the id is spelled."""

from __future__ import annotations

import json

import pytest

from webapi_contract.cli import main
from webapi_contract.generated.pool import (
    ABSENT_ID,
    addresses_an_entity,
    entity_number,
    id_keys,
)
from webapi_contract.mock import MockCredentials, MockServer


@pytest.mark.parametrize(
    ("value", "number"),
    [
        (42, 42),
        ("42", 42),
        (" +42 ", 42),
        (42.0, 42),
        ("42.0", 42),
        ("4.2e1", 42),
        (2**31 - 1, 2**31 - 1),
    ],
)
def test_any_spelling_of_a_positive_int32_names_an_entity(value, number):
    assert entity_number(value) == number
    assert addresses_an_entity(value)


@pytest.mark.parametrize(
    "value", [0, -1, 2**31, 42.5, "4.25e1", "nan", "inf", "abc", "", None, True, [], {}]
)
def test_values_no_entity_can_have(value):
    assert entity_number(value) is None
    assert not addresses_an_entity(value)


def test_id_keys_match_the_id_property_ignoring_case():
    body = {"ContactId": 1, "contactid": 2, "CONTACTID": 3, "ContactIds": 4, "Name": "x"}
    assert id_keys(body, "ContactId") == ["ContactId", "contactid", "CONTACTID"]


def test_the_read_only_id_is_a_valid_positive_int32():
    assert entity_number(ABSENT_ID) == ABSENT_ID


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
