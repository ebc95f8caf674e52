"""The derived JSON Schemas: conventions others rely on, and every doc sample validating."""

from __future__ import annotations

import copy
import re

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from webapi_contract import schemastore
from webapi_contract.derive import Derivation
from webapi_contract.derive.profiles import derive_all
from webapi_contract.derive.schema import schema_uri
from webapi_contract.paths import docs_dir

CARRIERS = [
    "Associate",
    "Business",
    "Category",
    "Country",
    "Person",
    "Address",
    "StructuredAddress",
    "LocalizedField",
    "EntityElement",
    "SelectableMDOListItem",
    "SavedUtmParameters",
    "TicketPriority",
    "CustomerLanguage",
    "TableRight",
    "FieldProperty",
    "FieldRight",
]
INT32 = {"type": ["integer", "null"], "minimum": -(2**31), "maximum": 2**31 - 1}
# (method of the page, sample kind) -> the schema the sample must satisfy
PLACES = {
    ("PATCH", "request"): "JsonPatchDocument",
    ("PATCH", "response"): "ContactEntityWithLinks",
    ("POST", "request"): "ContactEntity",
    ("POST", "response"): "ContactEntityResponse",
    ("PUT", "request"): "OdysseeContact",
}


@pytest.fixture(scope="module")
def derivations() -> dict[str, Derivation]:
    return derive_all(docs_dir())


@pytest.fixture(scope="module")
def derived(derivations) -> Derivation:
    """Every vendor's pages and schemas in one (schema names are unique across vendors)."""
    schemas = {n: s for d in derivations.values() for n, s in d.schemas.items()}
    assert len(schemas) == sum(len(d.schemas) for d in derivations.values())
    endpoints = [e for d in derivations.values() for e in d.endpoints]
    return Derivation(endpoints, schemas, {})


@pytest.fixture(scope="module")
def validator(derived):
    registry = Registry().with_resources(
        (schema_uri(n), Resource.from_contents(s, default_specification=DRAFT202012))
        for n, s in derived.schemas.items()
    )

    def make(name: str) -> Draft202012Validator:
        return Draft202012Validator(
            derived.schemas[name],
            registry=registry,
            format_checker=Draft202012Validator.FORMAT_CHECKER,
        )

    return make


def props(derived, name):
    return derived.schemas[name]["properties"]


def test_every_agreed_schema_is_derived(derived):
    expected = {
        "ContactEntity",
        "ContactEntityWithLinks",
        "ContactEntityResponse",
        "ContactMergePatch",
        "JsonPatchOperation",
        "JsonPatchDocument",
        "ErrorBody",
        "OdysseeContact",
        "OdysseeCompany",
        "OdysseeContactCreate",
        "OdysseeContactCollection",
        "OdysseeContactId",
        "OdysseeError",
        *CARRIERS,
    }
    assert set(derived.schemas) == expected


def test_documents_carry_dialect_and_the_schemastore_id(derived):
    for name, schema in derived.schemas.items():
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        assert schema["$id"] == schemastore.schema_uri(name)
        Draft202012Validator.check_schema(schema)


def test_refs_between_files_are_relative_and_resolve(derived):
    refs = set(re.findall(r'"\$ref": "([^"]+)"', str(derived.schemas).replace("'", '"')))
    assert refs
    for ref in refs:
        assert re.fullmatch(r"[A-Za-z]+\.schema\.json", ref), ref
        assert ref.removesuffix(".schema.json") in derived.schemas


def test_contact_entity_has_the_union_of_documented_properties(derived):
    contact = props(derived, "ContactEntity")
    assert len(contact) == 47  # 46 in every version + UtmParameters from the newer one
    assert "_Links" not in contact
    assert "required" not in derived.schemas["ContactEntity"]
    assert "additionalProperties" not in derived.schemas["ContactEntity"]


def test_every_contact_and_carrier_property_admits_null(derived, validator):
    for name in ["ContactEntity", *CARRIERS]:
        check = validator(name)
        for prop in props(derived, name):
            assert check.is_valid({prop: None}), f"{name}.{prop}"


@pytest.mark.parametrize(
    ("prop", "expected"),
    [
        ("ContactId", INT32),
        ("Name", {"type": ["string", "null"]}),
        ("UpdatedDate", {"type": ["string", "null"], "format": "date-time"}),
        ("NoMailing", {"type": ["boolean", "null"]}),
        ("Emails", {"type": ["array", "null"], "items": {"$ref": "EntityElement.schema.json"}}),
        (
            "Interests",
            {"type": ["array", "null"], "items": {"$ref": "SelectableMDOListItem.schema.json"}},
        ),
        ("Persons", {"type": ["array", "null"], "items": {"$ref": "Person.schema.json"}}),
        ("Domains", {"type": ["array", "null"], "items": {"type": "string"}}),
        ("CustomFields", {"type": ["object", "null"], "additionalProperties": {"type": "string"}}),
        (
            "FieldProperties",
            {
                "type": ["object", "null"],
                "additionalProperties": {"$ref": "FieldProperty.schema.json"},
            },
        ),
        ("Category", {"anyOf": [{"$ref": "Category.schema.json"}, {"type": "null"}]}),
        (
            "UtmParameters",
            {"anyOf": [{"$ref": "SavedUtmParameters.schema.json"}, {"type": "null"}]},
        ),
    ],
)
def test_contact_entity_type_mapping(derived, prop, expected):
    schema = props(derived, "ContactEntity")[prop]
    assert {k: v for k, v in schema.items() if k in expected} == expected


def test_carrier_shapes_follow_the_reference_list(derived):
    associate = props(derived, "Associate")
    assert associate["Type"]["enum"][:2] == ["Unknown", "InternalAssociate"]
    assert associate["Deleted"]["type"] == ["boolean", "null"]
    address = props(derived, "Address")
    assert address["Wgs84Latitude"]["type"] == ["number", "null"]
    assert address["LocalizedAddress"]["items"] == {
        "type": "array",
        "items": {"$ref": "LocalizedField.schema.json"},
    }
    assert address["Street"]["anyOf"][0] == {"$ref": "StructuredAddress.schema.json"}
    assert props(derived, "FieldProperty")["FieldRight"]["anyOf"][0] == {
        "$ref": "FieldRight.schema.json"
    }
    assert props(derived, "SelectableMDOListItem")["LastChanged"]["format"] == "date-time"


def test_person_is_the_sample_fields_plus_person_number(derived):
    person = props(derived, "Person")
    assert len(person) == 43
    assert person["PersonId"]["minimum"] == -(2**31)
    assert person["UsePersonAddress"]["type"] == ["boolean", "null"]
    cited = {s["file"] for s in person["PersonNumber"]["x-doc-source"]}
    assert cited == {
        "docs/vendor/reference/vendor-facts.md",
        "docs/vendor/superoffice-patch-contact.v2.txt",
        "docs/vendor/superoffice-save-contact-entity.v2.txt",
    }


def test_with_links_extends_contact_entity_with_a_string_map(derived, validator):
    schema = derived.schemas["ContactEntityWithLinks"]
    assert schema["allOf"][0] == {"$ref": "ContactEntity.schema.json"}
    links = schema["allOf"][1]["properties"]["_Links"]
    assert links["additionalProperties"] == {"type": "string"}
    assert not validator("ContactEntityWithLinks").is_valid({"_Links": {"Self": 1}})
    assert not validator("ContactEntityWithLinks").is_valid({"ContactId": "1"})


@pytest.mark.parametrize(
    ("name", "tables"),
    [
        (
            "ContactEntityWithLinks",
            ["superoffice-patch-contact.v1.md", "superoffice-patch-contact.v2.txt"],
        ),
        (
            "ContactEntityResponse",
            ["superoffice-save-contact-entity.v1.md", "superoffice-save-contact-entity.v2.txt"],
        ),
    ],
)
def test_responses_carry_what_every_version_documents_in_any_key_case(
    derived, validator, name, tables
):
    schema = derived.schemas[name]
    present = schema["x-required-any-case"]
    contact = set(props(derived, "ContactEntity"))
    links = {"_Links"} if name == "ContactEntityWithLinks" else set()
    assert set(present) == contact - {"UtmParameters"} | links  # UtmParameters: the newer only
    assert [s["file"] for s in schema["x-doc-source"]] == [f"docs/vendor/{t}" for t in tables]
    check = validator(name)
    full = dict.fromkeys(present)  # every property present, null when empty
    assert check.is_valid(full)
    assert check.is_valid({k.lower(): v for k, v in full.items()})  # keys in another case
    assert check.is_valid({**full, "Rating": 5})  # an added property
    without = {k: v for k, v in full.items() if k != "Interests"}
    assert [e.message for e in check.iter_errors(without)] == ["'Interests' is a required property"]


def test_request_bodies_require_nothing(derived, validator):
    assert validator("ContactEntity").is_valid({})
    assert validator("ContactMergePatch").is_valid({})
    assert not validator("ContactEntityResponse").is_valid({})


def test_json_patch_operations_are_the_documented_four(derived, validator):
    assert props(derived, "JsonPatchOperation")["op"]["enum"] == [
        "add",
        "replace",
        "remove",
        "test",
    ]
    check = validator("JsonPatchDocument")
    assert check.is_valid([{"op": "remove", "path": "/Department"}])
    assert check.is_valid([{"op": "replace", "path": "Department", "value": None}])
    assert not check.is_valid([{"op": "replace", "path": "/Department"}])
    assert not check.is_valid([{"op": "move", "from": "/a", "path": "/b"}])
    assert not check.is_valid({"op": "add", "path": "/a", "value": 1})


def test_merge_patch_takes_any_subset_nulls_and_a_single_item_to_append(validator):
    check = validator("ContactMergePatch")
    assert check.is_valid({"Department": None, "Name": "n"})
    assert check.is_valid({"Phones": {"Value": "+47 1"}})
    assert not check.is_valid({"ContactId": "seven"})
    assert not check.is_valid([])


def test_error_body_is_the_documented_404(validator):
    body = {
        "Error": True,
        "ErrorType": "SoNotFoundException",
        "ErrorMessage": "Contact id 99999 not found",
        "ErrorSource": "SuperOffice.Services.Implementation",
    }
    assert validator("ErrorBody").is_valid(body)
    assert not validator("ErrorBody").is_valid({**body, "Error": "yes"})


def test_odyssee_contact_lengths_required_and_one_of_company(derived, validator):
    schema = derived.schemas["OdysseeContact"]
    assert schema["required"] == ["id", "lastname"]
    assert schema["properties"]["lastname"]["maxLength"] == 50
    assert schema["properties"]["email"]["maxLength"] == 250
    assert schema["properties"]["id"] == {**schema["properties"]["id"], "format": "uuid"}
    check = validator("OdysseeContact")
    base = {"id": "93498506-9dde-4593-b844-e3c51c0e2bc2", "lastname": "L", "company_code": "C"}
    assert check.is_valid(base)
    assert not check.is_valid({k: v for k, v in base.items() if k != "company_code"})
    assert not check.is_valid({**base, "lastname": "x" * 51})
    assert not check.is_valid({**base, "id": "not-a-guid"})


def test_odyssee_company_types_come_from_the_sample(derived):
    company = props(derived, "OdysseeCompany")
    assert company["id"]["format"] == "uuid"
    assert company["create_date"]["format"] == "date-time"
    assert company["latitude"]["type"] == "number"
    assert company["is_client"]["type"] == "boolean"


def test_every_doc_source_points_at_a_line_naming_the_property(derived):
    root = docs_dir().parents[1]
    blank = {
        ("OdysseeContact", "email"),  # the help page's row without a name (inferred)
        ("OdysseeContactCreate", "email"),
        ("OdysseeError", "error"),  # the mock's error body: the vendor documents none
    }
    for name, schema in derived.schemas.items():
        for prop, spec in schema.get("properties", {}).items():
            assert spec["x-doc-source"], f"{name}.{prop}"
            for source in spec["x-doc-source"]:
                lines = (root / source["file"]).read_text(encoding="utf-8").splitlines()
                line = lines[source["line"] - 1]
                assert prop in line or (name, prop) in blank, (
                    f"{name}.{prop} cites {source}: {line!r}"
                )


def test_every_doc_sample_validates_against_the_schema_for_its_place(derived, validator):
    checked = 0
    for page in derived.endpoints:
        for sample in page.samples:
            name = PLACES[(page.method, sample.kind)]
            errors = [e.message for e in validator(name).iter_errors(sample.body)]
            assert errors == [], f"{sample.source} against {name}"
            checked += 1
    assert checked == 9


def test_a_sample_with_a_wrong_type_fails(derived, validator):
    page = next(p for p in derived.endpoints if p.method == "POST")
    body = copy.deepcopy(page.sample("response").body)
    body["Persons"][0]["PersonId"] = "141"
    assert not validator("ContactEntity").is_valid(body)
    body["Persons"][0]["PersonId"] = 2**31
    assert not validator("ContactEntity").is_valid(body)


def test_seven_digit_fractions_and_offsets_are_valid_date_times(validator):
    check = validator("ContactEntity")
    assert check.is_valid({"UpdatedDate": "2018-10-26T03:24:51.5056149+02:00"})
    assert not check.is_valid({"UpdatedDate": "26.10.2018"})


def test_checked_in_schemas_are_what_the_docs_give(derivations):
    for vendor, derivation in derivations.items():
        for name, schema in derivation.schemas.items():
            assert schemastore.load(name, vendor) == schema, (vendor, name)


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("2024-05-01T10:00:00", True),  # SuperOffice's default: no offset, documented UTC
        ("2024-05-01T10:00:00.1234567", True),
        ("2018-10-26T03:24:51.5056149+02:00", True),
        ("2024-05-01T10:00:00Z", True),
        ("2023-02-30T10:00:00", False),  # no such day, with or without an offset
        ("2024-05-01T10:00:00\n", False),
        ("2024-05-01", False),
        ("yesterday", False),
    ],
)
def test_date_time_format_admits_a_missing_offset_only(value, valid):
    from webapi_contract import schemastore

    assert schemastore.validator("ContactEntity").is_valid({"UpdatedDate": value}) is valid
