"""Odyssee's generated tests: guid ids, PUT bodies, the company every contact needs, max lengths
(issue #13). The generated layer is vendor-neutral; Odyssee is only its EntityApi."""

from __future__ import annotations

import pytest
from schemathesis import GenerationMode

from webapi_contract.generated import variants
from webapi_contract.generated.entity import entity_key
from webapi_contract.generated.loading import request_document
from webapi_contract.generated.violations import entity_violations
from webapi_contract.schemastore import openapi
from webapi_contract.suites.odyssee.entity_api import ODYSSEE_CONTACT as API

GUID = "9a3b5c7d-1e2f-4a6b-8c9d-0e1f2a3b4c5d"


@pytest.mark.parametrize(
    "value",
    [GUID, GUID.upper(), f"guid'{GUID}'", f"'{GUID}'", f"{{{GUID}}}", GUID.replace("-", "")],
)
def test_any_spelling_of_a_guid_names_the_same_contact(value):
    assert entity_key(value, "uuid") == GUID
    assert API.addresses(value)


@pytest.mark.parametrize("value", ["abc", "", None, 42, GUID[:-1], f"guid'{GUID}", [GUID]])
def test_values_no_contact_can_have(value):
    assert entity_key(value, "uuid") is None


def test_the_tag_fits_the_lastname_limit_unless_the_name_is_the_violation():
    tag = "wc-261201180114-afbcc5 gen"
    assert len(API.tagged(tag, "x" * 40)) == 50
    assert API.tagged(tag, "pool 0") == f"{tag} pool 0"
    assert len(API.tagged(tag, "x" * 51, invalid=True)) > 51


def test_every_operation_in_both_modes_put_drawn_like_a_create():
    found = {(v.operation_id, v.mode, v.body) for v in variants(API)}
    ops = ("listContacts", "getContact", "createContact", "updateContact", "deleteContact")
    assert found == {(op, mode, None) for op in ops for mode in GenerationMode}
    assert {v.operation_id for v in variants(API) if v.mutating} == set(API.mutating)


def test_generated_bodies_are_json_only():
    document = request_document(openapi("odyssee"), API, closed=True)
    content = document["paths"]["/Contact"]["post"]["requestBody"]["content"]
    assert set(content) == {"application/json", "text/json"}


def _levels(body, schema="OdysseeContactCreate"):
    found = entity_violations(schema, body, {"modified_dateutc"}, vendor="odyssee", **NULLS)
    return sorted("must" if v.documented else "should" for v in found)


NULLS = {"null_is_default": True}
VALID = {"lastname": "x", "company_code": "ACME"}


@pytest.mark.parametrize(
    ("body", "levels"),
    [
        (VALID, []),
        ({**VALID, "firstname": None, "archived": None}, []),  # no nulls stored: the default
        ({**VALID, "lastname": "x" * 50, "functions": "y" * 64}, []),
        # help.txt: "Required Max length: 50", functions "Max length: 64"
        ({**VALID, "lastname": "x" * 51}, ["must"]),
        ({**VALID, "functions": "y" * 65}, ["must"]),
        ({"company_code": "ACME"}, ["must"]),  # lastname required
        ({"company_code": "ACME", "lastname": None}, ["must"]),
        ({"lastname": "x"}, ["must"]),  # none of company_id, company_code, company
        ({**VALID, "archived": "maybe"}, ["must"]),  # a wrong JSON type
        ({**VALID, "firstname": 5}, ["should"]),  # a lenient reader converts it
    ],
)
def test_an_invalid_contact_is_judged_by_what_the_docs_refuse(body, levels):
    assert _levels(body) == levels


def test_a_put_body_needs_its_id():
    assert _levels(VALID, "OdysseeContact") == ["must"]
    assert _levels({**VALID, "id": GUID}, "OdysseeContact") == []
