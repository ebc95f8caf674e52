"""The derived OpenAPI 3.1 document: valid, and shaped as the suite and the mock expect."""

from __future__ import annotations

import pytest
from openapi_spec_validator import validate
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

from webapi_contract import schemastore
from webapi_contract.derive import derive
from webapi_contract.paths import docs_dir


@pytest.fixture(scope="module")
def api():
    return derive(docs_dir()).openapi


def operation(api, path, method):
    return api["paths"][path][method]


def param_names(op, where):
    return [p["name"] for p in op.get("parameters", []) if p["in"] == where]


def test_derived_document_passes_the_openapi_validator(api):
    validate(api)


def test_checked_in_document_passes_the_openapi_validator_and_matches(api):
    document = schemastore.openapi()
    validate(document)
    assert document == api


def test_validator_rejects_a_broken_document(api):
    broken = {**api, "paths": {"/Contact/{id}": {"get": {"responses": {}}}}}
    with pytest.raises(OpenAPIValidationError):
        validate(broken)


def test_server_url_is_a_variable_over_the_api_root(api):
    assert api["openapi"].startswith("3.1")
    assert api["servers"] == [
        {"url": "{baseUrl}", "variables": {"baseUrl": {"default": "http://127.0.0.1:8000/api/v1"}}}
    ]
    assert sorted(api["paths"]) == ["/Agents/Contact/SaveContactEntity", "/Contact/{id}"]


def test_operation_ids_and_methods(api):
    ids = {
        (path, method): op["operationId"]
        for path, item in api["paths"].items()
        for method, op in item.items()
        if method != "parameters"
    }
    assert ids == {
        ("/Agents/Contact/SaveContactEntity", "post"): "SaveContactEntity",
        ("/Contact/{id}", "get"): "GetContact",
        ("/Contact/{id}", "patch"): "PatchContact",
        ("/Contact/{id}", "delete"): "DeleteContact",
    }


def test_patch_bodies_by_content_type(api):
    content = operation(api, "/Contact/{id}", "patch")["requestBody"]["content"]
    assert content["application/json-patch+json"]["schema"] == {
        "$ref": "#/components/schemas/JsonPatchDocument"
    }
    assert content["application/merge-patch+json"]["schema"] == {
        "$ref": "#/components/schemas/ContactMergePatch"
    }
    assert content["application/json"]["schema"]["oneOf"] == [
        {"$ref": "#/components/schemas/JsonPatchDocument"},
        {"$ref": "#/components/schemas/ContactMergePatch"},
    ]


@pytest.mark.parametrize(
    ("path", "method", "statuses", "body_200"),
    [
        ("/Contact/{id}", "patch", ["200", "404", "409", "412"], "ContactEntityWithLinks"),
        ("/Contact/{id}", "get", ["200", "304", "404"], "ContactEntityWithLinks"),
        ("/Contact/{id}", "delete", ["204", "404", "412"], None),
        ("/Agents/Contact/SaveContactEntity", "post", ["200"], "ContactEntityResponse"),
    ],
)
def test_documented_responses(api, path, method, statuses, body_200):
    responses = operation(api, path, method)["responses"]
    assert sorted(responses) == statuses
    if body_200:
        schema = responses["200"]["content"]["application/json"]["schema"]
        assert schema == {"$ref": f"#/components/schemas/{body_200}"}
    if "404" in responses:
        schema = responses["404"]["content"]["application/json"]["schema"]
        assert schema == {"$ref": "#/components/schemas/ErrorBody"}


def test_parameters_headers_and_conditions(api):
    patch = operation(api, "/Contact/{id}", "patch")
    assert param_names(patch, "query") == ["$select"]
    headers = param_names(patch, "header")
    assert "If-Unmodified-Since" in headers
    assert "SO-TimeZone" in headers
    assert not {"Authorization", "Accept", "Content-Type"} & set(headers)
    assert all(not p["required"] for p in patch["parameters"])
    assert "If-Modified-Since" in param_names(operation(api, "/Contact/{id}", "get"), "header")
    assert "If-Unmodified-Since" in param_names(operation(api, "/Contact/{id}", "delete"), "header")
    (path_id,) = api["paths"]["/Contact/{id}"]["parameters"]
    assert (path_id["name"], path_id["required"], path_id["schema"]["type"]) == (
        "id",
        True,
        "integer",
    )


def test_save_takes_a_contact_entity_and_answers_one_with_every_documented_property(api):
    save = operation(api, "/Agents/Contact/SaveContactEntity", "post")
    body = save["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/ContactEntity"}  # may leave anything out
    answer = api["components"]["schemas"]["ContactEntityResponse"]
    assert answer["allOf"][0] == {"$ref": "#/components/schemas/ContactEntity"}
    assert "Interests" in answer["x-required-any-case"]


def test_save_links_to_get_patch_and_delete_by_contact_id(api):
    links = operation(api, "/Agents/Contact/SaveContactEntity", "post")["responses"]["200"]["links"]
    assert sorted(links) == ["DeleteContact", "GetContact", "PatchContact"]
    for name, link in links.items():
        assert link == {"operationId": name, "parameters": {"id": "$response.body#/ContactId"}}


def test_security_basic_bearer_and_soticket(api):
    schemes = api["components"]["securitySchemes"]
    assert schemes["basic"] == {**schemes["basic"], "type": "http", "scheme": "basic"}
    assert schemes["bearer"] == {**schemes["bearer"], "type": "http", "scheme": "bearer"}
    assert schemes["soTicket"] == {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
        "description": "SoTicket <ticket>",
    }
    assert api["security"] == [{"basic": []}, {"bearer": []}, {"soTicket": []}]


def test_components_inline_the_schemas_with_component_refs(api):
    schemas = api["components"]["schemas"]
    assert "OdysseeContact" not in schemas
    assert "$id" not in schemas["ContactEntity"]
    assert schemas["ContactEntity"]["properties"]["Category"]["anyOf"][0] == {
        "$ref": "#/components/schemas/Category"
    }
    assert ".schema.json" not in str(schemas)
