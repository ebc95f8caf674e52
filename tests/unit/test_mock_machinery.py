"""The mock's reusable pieces alone: pointers, merge patch, $select, negotiation, XML, time."""

from __future__ import annotations

import pytest
from defusedxml import ElementTree

from webapi_contract.mock.clock import http_date_seconds, iso_utc, next_instant
from webapi_contract.mock.errors import ApiError
from webapi_contract.mock.negotiation import media_type, response_type
from webapi_contract.mock.shape import Shape, shape_of
from webapi_contract.mock.superoffice.patching import merge_patch_ops
from webapi_contract.mock.superoffice.pointer import canonical_path, split_path
from webapi_contract.mock.superoffice.select import apply_select, parse_select
from webapi_contract.mock.xmlout import to_xml


@pytest.fixture(scope="module")
def contact_shape() -> Shape:
    return shape_of("ContactEntity")


DOC = {"Name": "n", "Emails": [{"Value": "v"}], "CustomFields": {"SuperOffice:1": "x"}}


@pytest.mark.parametrize(
    ("path", "tokens"),
    [("/a/b", ["a", "b"]), ("a/b", ["a", "b"]), ("/a~1b/c~0d", ["a/b", "c~d"]), ("/", [])],
)
def test_split_path_makes_the_leading_slash_optional(path, tokens):
    assert split_path(path) == tokens


@pytest.mark.parametrize(
    ("path", "pointer"),
    [
        ("name", "/Name"),
        ("/EMAILS/0/value", "/Emails/0/Value"),
        ("emails/-", "/Emails/-"),
        ("customfields/superoffice:1", "/CustomFields/SuperOffice:1"),
        ("customfields/new_key", "/CustomFields/new_key"),
        ("department", "/Department"),
        ("category/id", "/Category/Id"),
    ],
)
def test_canonical_path_uses_the_stored_then_the_schema_spelling(contact_shape, path, pointer):
    assert canonical_path(path, DOC, contact_shape) == pointer


def test_canonical_path_refuses_unknown_carrier_members(contact_shape):
    with pytest.raises(ApiError) as caught:
        canonical_path("/Bogus", DOC, contact_shape)
    assert caught.value.status == 400


def test_merge_patch_becomes_operations(contact_shape):
    patch = {"name": None, "emails": {"Value": "w"}, "customfields": {"superoffice:1": None}}
    assert merge_patch_ops(DOC, patch, contact_shape) == [
        {"op": "add", "path": "/Name", "value": None},
        {"op": "add", "path": "/Emails/-", "value": {"Value": "w"}},
        {"op": "remove", "path": "/CustomFields/SuperOffice:1", "value": None},
    ]


def test_merge_patch_array_replaces_the_whole_array(contact_shape):
    patch = {"Emails": [{"Value": "a"}, {"Value": "b"}], "Domains": ["d"]}
    assert merge_patch_ops(DOC, patch, contact_shape) == [
        {"op": "add", "path": "/Emails", "value": [{"Value": "a"}, {"Value": "b"}]},
        {"op": "add", "path": "/Domains", "value": ["d"]},
    ]


def test_shapes_know_which_strings_are_date_times(contact_shape):
    assert contact_shape.props["DbiLastModified"].string_format == "date-time"
    assert contact_shape.props["Name"].string_format is None
    interest = contact_shape.props["Interests"].items
    assert interest is not None
    assert interest.props["LastChanged"].string_format == "date-time"


def test_select_tree_merges_nested_and_whole_selections():
    assert parse_select(" Name , category/id,category/value ") == {
        "name": {},
        "category": {"id": {}, "value": {}},
    }
    assert parse_select("category/id,category") == {"category": {}}
    assert parse_select("category,category/id") == {"category": {}}
    assert parse_select("") is None


def test_apply_select_keeps_identity_and_nulls_the_rest():
    entity = {"Id": 1, "Name": "n", "Category": {"Id": 2, "Value": "v"}, "Other": 3}
    selected = apply_select(entity, parse_select("category/id"), frozenset({"id"}))
    assert selected == {"Id": 1, "Name": None, "Category": {"Id": 2}, "Other": None}


@pytest.mark.parametrize(
    ("accept", "chosen"),
    [
        (None, None),
        ("application/xml", "application/xml"),
        ("TEXT/XML; charset=utf-8", "text/xml"),
        ("application/json, application/xml", None),
        ("application/json;q=0.5, application/xml", "application/xml"),
        ("application/xml;q=0", None),
        ("image/png", None),
        ("*/*", None),
    ],
)
def test_response_type_prefers_the_best_supported_range(accept, chosen):
    assert response_type(accept) == chosen


def test_media_type_drops_parameters():
    assert media_type("Application/JSON; charset=utf-8") == "application/json"
    assert media_type(None) == ""


def test_xml_convention_for_nulls_arrays_and_maps(contact_shape):
    entity = {
        "Name": "a & b",
        "Department": None,
        "Emails": [{"Value": "v"}],
        "BounceEmails": ["x@example.com"],
        "CustomFields": {"SuperOffice:1": "c"},
        "NoMailing": True,
    }
    root = ElementTree.fromstring(to_xml(entity, contact_shape, "ContactEntity"))
    assert root.findtext("Name") == "a & b"
    assert root.find("Department").get("{http://www.w3.org/2001/XMLSchema-instance}nil") == "true"
    assert root.findtext("Emails/EntityElement/Value") == "v"
    assert root.findtext("BounceEmails/string") == "x@example.com"
    assert root.find("CustomFields/Entry").get("Key") == "SuperOffice:1"
    assert root.findtext("NoMailing") == "true"


def test_instants_are_utc_text_and_strictly_increase():
    assert iso_utc(1_540_524_291_505_614) == "2018-10-26T03:24:51.505614Z"
    far_future = 10**17
    assert next_instant(far_future) == far_future + 1


def test_http_dates_parse_to_seconds_or_400():
    assert http_date_seconds("Wed, 21 Oct 2015 07:28:00 GMT", "h") == 1445412480
    with pytest.raises(ApiError) as caught:
        http_date_seconds("21/10/2015", "If-Unmodified-Since")
    assert caught.value.status == 400
