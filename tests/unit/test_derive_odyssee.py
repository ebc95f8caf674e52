"""Odyssee Mobile's derived contract: its schemas folder, OpenAPI document and drift check."""

from __future__ import annotations

import argparse
import ast
import shutil
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from openapi_spec_validator import validate

from webapi_contract import schemastore
from webapi_contract.derive import command, profiles
from webapi_contract.derive.profiles import derive
from webapi_contract.paths import docs_dir, schemas_dir

ITEM = "/Contact({id})"
GUID = "93498506-9dde-4593-b844-e3c51c0e2bc2"
JSON_TYPES = ["application/json", "text/json"]


def main(argv):
    """`webapi-contract derive …` through the derive subcommand alone."""
    parser = argparse.ArgumentParser(prog="webapi-contract")
    command.register(parser.add_subparsers())
    args = parser.parse_args(argv)
    return args.handler(args)


@pytest.fixture(scope="module")
def api():
    return derive(docs_dir(), "odyssee").openapi


@pytest.fixture
def copies(tmp_path, monkeypatch):
    docs, schemas = tmp_path / "docs", tmp_path / "schemas"
    shutil.copytree(docs_dir(), docs)
    shutil.copytree(schemas_dir(), schemas)
    for path in [*docs.rglob("*"), *schemas.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    monkeypatch.setenv("WEBAPI_DOCS_DIR", str(docs))
    monkeypatch.setenv("WEBAPI_SCHEMAS_DIR", str(schemas))
    return docs, schemas


def edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def operations(api):
    return {
        (path, method): op
        for path, item in api["paths"].items()
        for method, op in item.items()
        if method != "parameters"
    }


def test_schemas_live_in_their_own_folder():
    assert schemas_dir("odyssee") == schemas_dir() / "odyssee"
    assert schemastore.available(vendor="odyssee") == [
        "OdysseeCompany",
        "OdysseeContact",
        "OdysseeContactCollection",
        "OdysseeContactCreate",
        "OdysseeContactId",
        "OdysseeError",
    ]
    assert not [n for n in schemastore.available() if n.startswith("Odyssee")]
    assert "OdysseeContact" not in schemastore.openapi()["components"]["schemas"]


@pytest.mark.parametrize("name", ["", "../x", "Odyssee", "a/b"])
def test_a_vendor_that_is_no_plain_name_is_refused(name):
    with pytest.raises(ValueError, match="not a vendor name"):
        schemas_dir(name)
    with pytest.raises(ValueError, match="unknown vendor"):
        profiles.vendor_package(name or "nobody")


def test_derived_document_is_valid_and_checked_in(api):
    validate(api)
    assert schemastore.openapi("odyssee") == api
    assert api["servers"][0]["variables"]["baseUrl"]["default"] == "http://127.0.0.1:8000/api"


def test_routes_and_operation_ids(api):
    assert {key: op["operationId"] for key, op in operations(api).items()} == {
        ("/Contact", "get"): "listContacts",
        ("/Contact", "post"): "createContact",
        (ITEM, "get"): "getContact",
        (ITEM, "put"): "updateContact",
        (ITEM, "delete"): "deleteContact",
    }
    (key,) = api["paths"][ITEM]["parameters"]
    assert (key["name"], key["in"], key["required"]) == ("id", "path", True)
    assert key["schema"] == {"type": "string", "format": "uuid"}


@pytest.mark.parametrize(
    ("path", "method", "statuses"),
    [
        ("/Contact", "get", ["200", "400", "401"]),
        ("/Contact", "post", ["200", "201", "400", "401", "409", "422"]),
        (ITEM, "get", ["200", "400", "401", "404"]),
        (ITEM, "put", ["200", "204", "400", "401", "404", "422"]),
        (ITEM, "delete", ["200", "204", "400", "401", "404"]),
    ],
)
def test_statuses_are_among_those_the_vendor_lists(api, path, method, statuses):
    responses = operations(api)[(path, method)]["responses"]
    assert sorted(responses) == statuses
    for status in ("400", "404", "422"):
        if status in responses:
            schema = responses[status]["content"]["application/json"]["schema"]
            assert schema == {"$ref": "#/components/schemas/OdysseeError"}
    assert "content" not in responses["401"]


def test_request_and_response_media_types(api):
    for key in [("/Contact", "post"), (ITEM, "put")]:
        op = operations(api)[key]
        assert list(op["requestBody"]["content"]) == [*JSON_TYPES, "application/xml"]
        assert [p["name"] for p in op["parameters"]] == ["Prefer"]
    ok = operations(api)[(ITEM, "get")]["responses"]["200"]["content"]
    assert list(ok) == [*JSON_TYPES, "application/xml"]


def test_list_pages_with_filter_top_and_skip(api):
    op = operations(api)[("/Contact", "get")]
    assert [p["name"] for p in op["parameters"]] == ["$filter", "$top", "$skip"]
    assert "20 contacts" in op["description"]
    page = api["components"]["schemas"]["OdysseeContactCollection"]
    assert page["required"] == ["value"]
    assert page["properties"]["@odata.nextLink"]["format"] == "uri-reference"


def test_create_may_leave_out_the_id_and_answers_the_contact_or_only_its_id(api):
    schemas = api["components"]["schemas"]
    create, contact = schemas["OdysseeContactCreate"], schemas["OdysseeContact"]
    assert contact["required"] == ["id", "lastname"]
    assert create["required"] == ["lastname"]
    assert create["anyOf"] == contact["anyOf"]  # one of company_id, company_code, company
    post = operations(api)[("/Contact", "post")]
    assert post["requestBody"]["content"]["text/json"]["schema"]["$ref"].endswith("Create")
    created = post["responses"]["201"]["content"]["application/json"]["schema"]
    assert created == {
        "anyOf": [
            {"$ref": "#/components/schemas/OdysseeContact"},
            {"$ref": "#/components/schemas/OdysseeContactId"},
        ]
    }
    minimal = schemastore.validator("OdysseeContactId", "odyssee")
    assert minimal.is_valid({"id": GUID})
    assert not minimal.is_valid({"id": GUID, "lastname": "L"})


def test_create_links_to_get_update_and_delete_by_id(api):
    for created in ("200", "201"):
        links = operations(api)[("/Contact", "post")]["responses"][created]["links"]
        assert sorted(links) == ["deleteContact", "getContact", "updateContact"]
        for name, link in links.items():
            assert link == {"operationId": name, "parameters": {"id": "$response.body#/id"}}


def test_contact_fields_as_the_page_types_them():
    contact = schemastore.load("OdysseeContact", "odyssee")
    props = contact["properties"]
    assert props["modified_dateutc"]["readOnly"] is True
    assert "writeOnly" not in props["e_password"]  # the page does not say it is not returned
    assert {n: props[n]["maxLength"] for n in ("functions", "lastname", "skype")} == {
        "functions": 64,
        "lastname": 50,
        "skype": 250,
    }
    assert props["company_id"]["format"] == "uuid"
    # "date" on the page is .NET's DateTime: the wire carries date-times (see odyssee/schemas.py)
    check = schemastore.validator("OdysseeContact", "odyssee")
    base = {"id": GUID, "lastname": "L", "company_code": "C"}
    assert check.is_valid({**base, "birthdate": "1980-01-01T00:00:00.000Z"})
    assert not check.is_valid({**base, "birthdate": "1980-01-01"})
    assert not check.is_valid({**base, "notes": None})  # no nulls stored


def test_no_odyssee_schema_admits_null():
    for name in schemastore.available(vendor="odyssee"):
        assert "null" not in str(schemastore.load(name, "odyssee")), name


def test_security_is_basic_over_user_password_at_domain(api):
    assert api["security"] == [{"basic": []}]
    basic = api["components"]["securitySchemes"]["basic"]
    assert (basic["type"], basic["scheme"]) == ("http", "basic")
    assert "username:password@domain" in basic["description"]


def test_the_error_body_is_said_to_be_the_mocks_choice(api):
    error = api["components"]["schemas"]["OdysseeError"]
    assert error["required"] == ["error"]
    assert error["properties"]["error"]["required"] == ["code", "message"]
    assert "not the vendor's promise" in error["description"]


def test_schemathesis_generates_every_operation_and_the_link_transitions(api):
    schema = schemathesis.openapi.from_dict(api)
    urls = {}

    def generate(operation):
        @given(operation.as_strategy())
        @settings(
            max_examples=1,
            suppress_health_check=list(HealthCheck),
            deadline=None,
            database=None,
        )
        def one(case):
            kwargs = case.as_transport_kwargs(base_url="http://127.0.0.1:9/api")
            urls[(operation.method.upper(), operation.path)] = kwargs["url"]

        one()

    for result in schema.get_all_operations():
        generate(result.ok())
    assert sorted(urls) == [
        ("DELETE", ITEM),
        ("GET", "/Contact"),
        ("GET", ITEM),
        ("POST", "/Contact"),
        ("PUT", ITEM),
    ]
    assert urls[("GET", ITEM)].startswith("http://127.0.0.1:9/api/Contact(")
    assert urls[("GET", ITEM)].endswith(")")
    machine = schema.as_state_machine()
    transitions = [n for n in vars(machine) if n.startswith("POST_Contact___201_")]
    assert len(transitions) == 3


def test_drift_names_the_vendor_and_the_property(copies, capsys):
    docs, schemas = copies
    edit(docs / "guid-contact-update.help.txt", "Max length: 64", "Max length: 80")
    assert main(["derive", "--check"]) == 1
    out = capsys.readouterr().out
    assert (
        "odyssee: OdysseeContact.schema.json: property functions: maxLength changed 64 -> 80"
        " (docs/vendor/guid-contact-update.help.txt:47)"
    ) in out
    assert "odyssee: openapi.json: components changed: OdysseeContact, OdysseeContactCreate" in out
    assert f"{schemas / 'odyssee'} is out of date for odyssee" in out
    assert "superoffice" not in out
    assert main(["derive"]) == 0
    assert main(["derive", "--check"]) == 0


def test_a_route_dropped_from_the_facts_is_drift_in_the_paths(copies, capsys):
    docs, _ = copies
    edit(docs / "reference" / "vendor-facts.md", ", `DELETE api/Contact({id})` exist", " exist")
    assert main(["derive", "--check"]) == 1
    assert "odyssee: openapi.json: paths changed" in capsys.readouterr().out


def test_a_status_the_vendor_does_not_list_is_a_clear_error(copies, capsys):
    docs, _ = copies
    edit(docs / "reference" / "vendor-facts.md", "404, 409, 417, 422", "404, 409, 417")
    assert main(["derive", "--check"]) == 2
    err = capsys.readouterr().err
    assert "answers 422, which the vendor does not list" in err
    assert "Traceback" not in err


def test_only_one_vendor_can_be_derived(copies, capsys):
    _, schemas = copies
    shutil.rmtree(schemas / "odyssee")
    assert main(["derive", "--check", "--vendor", "superoffice"]) == 0
    assert main(["derive", "--check"]) == 1
    assert "odyssee: openapi.json: missing" in capsys.readouterr().out


def test_shared_derive_modules_reach_vendor_packages_only_by_name():
    package = Path(profiles.__file__).parent
    vendors = {f"webapi_contract.derive.{v}" for v in profiles.VENDORS}
    for path in package.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            else:
                continue
            hits = [n for n in names if any(n == v or n.startswith(f"{v}.") for v in vendors)]
            assert not hits, f"{path.name} imports {hits}"
