"""The five real doc pages, parsed: the endpoint model each page gives."""

from __future__ import annotations

import pytest

from webapi_contract.derive import Endpoint, parse_pages
from webapi_contract.paths import docs_dir

PATCH_V1 = "docs/vendor/superoffice-patch-contact.v1.md"
PATCH_V2 = "docs/vendor/superoffice-patch-contact.v2.txt"
SAVE_V1 = "docs/vendor/superoffice-save-contact-entity.v1.md"
SAVE_V2 = "docs/vendor/superoffice-save-contact-entity.v2.txt"
ODYSSEE = "docs/vendor/guid-contact-update.help.txt"
HEADERS = [
    "Authorization",
    "X-XSRF-TOKEN",
    "Content-Type",
    "Accept",
    "Accept-Language",
    "SO-Language",
    "SO-Culture",
    "SO-TimeZone",
    "SO-AppToken",
]


@pytest.fixture(scope="module")
def pages() -> dict[str, Endpoint]:
    return {e.file: e for e in parse_pages(docs_dir())}


def names(fields) -> list[str]:
    return [f.name for f in fields]


@pytest.mark.parametrize(
    ("file", "method", "route", "request_props", "response_props"),
    [
        (PATCH_V1, "PATCH", "/api/v1/Contact/{id}", 3, 47),
        (PATCH_V2, "PATCH", "/api/v1/Contact/{id}", 3, 48),
        (SAVE_V1, "POST", "/api/v1/Agents/Contact/SaveContactEntity", 44, 46),
        (SAVE_V2, "POST", "/api/v1/Agents/Contact/SaveContactEntity", 44, 46),
        (ODYSSEE, "PUT", "api/Contact({id})", 25, 0),
    ],
)
def test_each_page_gives_its_endpoint_and_table_sizes(
    pages, file, method, route, request_props, response_props
):
    page = pages[file]
    assert (page.method, page.route) == (method, route)
    assert len(page.request_body) == request_props
    assert len(page.response_body) == response_props


def test_summary_is_the_sentence_after_the_route(pages):
    assert pages[PATCH_V2].summary.startswith("Update a ContactEntity with changes")
    assert pages[SAVE_V2].summary.startswith("Updates the existing ContactEntity")
    assert pages[ODYSSEE].summary == "Updates the contact with the specified key"


@pytest.mark.parametrize("file", [PATCH_V1, PATCH_V2, SAVE_V1, SAVE_V2])
def test_superoffice_pages_list_the_nine_request_headers(pages, file):
    assert names(pages[file].headers) == HEADERS


@pytest.mark.parametrize("file", [PATCH_V1, PATCH_V2])
def test_patch_pages_give_id_select_and_four_responses(pages, file):
    page = pages[file]
    assert [(f.name, f.type, f.required) for f in page.path_params] == [("id", "int32", True)]
    assert names(page.query_params) == ["$select"]
    assert sorted(page.responses) == ["200", "404", "409", "412"]
    assert names(page.request_body) == ["op", "path", "value"]
    assert page.response_body_name == "ContactEntityWithLinks"


def test_whitespace_table_rows_split_name_type_and_description(pages):
    row = next(f for f in pages[SAVE_V2].request_body if f.name == "Interests")
    assert row.type == "Array"
    assert row.description.startswith("The contact's available and selected interests.")
    assert pages[SAVE_V2].responses == {"200": "OK"}
    assert pages[SAVE_V2].response_body_name == "ContactEntity"


def test_utm_parameters_only_in_the_newer_patch_page(pages):
    assert "UtmParameters" in names(pages[PATCH_V2].response_body)
    for file in (PATCH_V1, SAVE_V1, SAVE_V2):
        assert "UtmParameters" not in names(pages[file].response_body)


def test_ns_api_slow_threshold_is_a_note_of_the_newer_patch_page(pages):
    assert pages[PATCH_V2].notes == {"NsApiSlow threshold": "2000 ms"}
    assert pages[PATCH_V1].notes == {}


def test_rows_cite_their_own_line(pages):
    department = next(f for f in pages[PATCH_V1].response_body if f.name == "Department")
    assert str(department.source) == f"{PATCH_V1}:102"
    lines = (docs_dir() / "superoffice-patch-contact.v1.md").read_text().splitlines()
    assert lines[department.source.line - 1].startswith("| Department |")


def test_samples_are_parsed_json_fenced_and_unfenced(pages):
    for file in (PATCH_V1, PATCH_V2, SAVE_V1, SAVE_V2):
        kinds = [s.kind for s in pages[file].samples]
        assert kinds == ["request", "response"]
    assert pages[PATCH_V2].sample("request").body[0] == {"op": "add", "path": "quia", "value": {}}
    assert pages[SAVE_V2].sample("response").body["ContactId"] == 980
    assert pages[ODYSSEE].sample("request").body["company"]["id2"] == 60


def test_odyssee_lastname_is_required_with_max_length_50(pages):
    lastname = next(f for f in pages[ODYSSEE].request_body if f.name == "lastname")
    assert (lastname.type, lastname.required, lastname.max_length) == ("string", True, 50)
    firstname = next(f for f in pages[ODYSSEE].request_body if f.name == "firstname")
    assert (firstname.required, firstname.max_length) == (False, 50)


def test_odyssee_company_fields_are_one_of_required(pages):
    grouped = {f.name: f.one_of_required for f in pages[ODYSSEE].request_body if f.one_of_required}
    group = ("company_id", "company_code", "company")
    assert grouped == dict.fromkeys(group, group)
    assert not any(f.required for f in pages[ODYSSEE].request_body if f.name in group)


def test_odyssee_blank_name_row_is_inferred_as_email_from_the_sample(pages):
    page = pages[ODYSSEE]
    email = next(f for f in page.request_body if f.name == "email")
    assert (email.type, email.max_length, email.source.line) == ("string", 250, 76)
    assert any("inferred as 'email'" in w for w in page.warnings)
    assert "" not in names(page.request_body)


def test_odyssee_help_page_cells_give_description_and_type(pages):
    page = pages[ODYSSEE]
    assert [(f.name, f.type) for f in page.path_params] == [("id", "globally unique identifier")]
    company = next(f for f in page.request_body if f.name == "company")
    assert company.type == "company"
    assert company.description == 'Embedded entity "company" when adding/updating contact'
