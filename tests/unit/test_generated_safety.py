"""Generated cases never address entities the run did not create, however the id is spelled."""

from __future__ import annotations

import json

import pytest

from webapi_contract.generated.pool import (
    ABSENT_ID,
    addresses_an_entity,
    entity_number,
    id_keys,
)


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


def _live_safe(test_contact):
    from webapi_contract.generated import LiveSafe
    from webapi_contract.suites.superoffice.entity_api import SUPEROFFICE_CONTACT

    return LiveSafe(SUPEROFFICE_CONTACT, test_contact, app_token=None)


def _names(body):
    """The top-level property names a patch or entity body touches, lower-cased."""
    if isinstance(body, dict):
        return {key.lower() for key in body}
    return {str(op["path"]).lstrip("/").split("/")[0].lower() for op in body}


def test_live_valid_bodies_change_only_plain_writable_properties():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    safe = _live_safe({"Category": {"Id": 3}, "Department": "Sales"})
    bodies = safe.patch_bodies()
    allowed = {"description", "number1", "number2", "orgnr", "emails", "phones", "urls", "faxes"}
    seen = set()

    @settings(max_examples=300, database=None, derandomize=True)
    @given(st.one_of(bodies.json_patch(), bodies.merge_patch(), safe.entity()))
    def check(body):
        touched = _names(body)
        seen.update(touched)
        assert touched <= allowed, body
        for item in body if isinstance(body, list) else []:
            value = item.get("value")
            if isinstance(value, list | dict):
                assert "personid" not in json.dumps(value).lower(), body

    check()
    assert seen == allowed  # every allowed property is exercised


def test_live_valid_cases_send_documented_tuning_values_only():
    from types import SimpleNamespace

    from hypothesis import given, settings
    from hypothesis import strategies as st
    from requests.structures import CaseInsensitiveDict

    from webapi_contract.suites.superoffice.entity_api import DOCUMENTED_HEADERS as LISTED

    DOCUMENTED_HEADERS = dict(LISTED)

    safe = _live_safe({})
    properties = {p.lower() for p in safe.selectable} | {"category/id"}
    sent = set()

    @settings(max_examples=100, database=None, derandomize=True)
    @given(st.data())
    def check(data):
        headers = CaseInsensitiveDict(
            {
                "SO-TimeZone": "Mars/Olympus",
                "so-culture": "\x00",
                "SO-Language": "zz",
                "Accept-Language": "??",
                "X-XSRF-TOKEN": "random",
                "SO-AppToken": "random",
                "Authorization": "kept",
            }
        )
        case = SimpleNamespace(headers=headers, query={"$select": "\u2603,,", "fk": "true"})
        safe.tune(case, data.draw)
        assert "X-XSRF-TOKEN" not in headers
        assert "SO-AppToken" not in headers  # none configured: none sent
        assert headers["Authorization"] == "kept"
        for name, value in headers.items():
            if name.lower() in DOCUMENTED_HEADERS:
                sent.add(name.lower())
                assert value in DOCUMENTED_HEADERS[name.lower()], (name, value)
        assert {n.lower() for n in case.query["$select"].split(",")} <= properties
        assert case.query["fk"] == "true"

    check()
    assert sent == set(DOCUMENTED_HEADERS)
