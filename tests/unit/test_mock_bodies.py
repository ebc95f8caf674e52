"""SaveContactEntity takes XML and form bodies as its docs list them; bad ones are 400."""

from __future__ import annotations

import pytest
from defusedxml import ElementTree
from hypothesis import given, settings
from hypothesis import strategies as st

from webapi_contract import schemastore
from webapi_contract.mock import MockServer
from webapi_contract.mock.bodies import from_form, from_xml
from webapi_contract.mock.errors import ApiError
from webapi_contract.mock.shape import shape_of

SAVE = "Agents/Contact/SaveContactEntity"
ERROR_KEYS = {"Error", "ErrorType", "ErrorMessage", "ErrorSource"}
SERVER_STAMPS = ("UpdatedDate",)
FORM_TYPE = "application/x-www-form-urlencoded"


@pytest.fixture(scope="module")
def mock():
    with MockServer(seed=True) as server:
        yield server


@pytest.fixture(scope="module")
def contact_shape():
    return shape_of("ContactEntity")


def _post(mock, api, data, content_type):
    return api.post(f"{mock.base_url}/{SAVE}", data=data, headers={"Content-Type": content_type})


def _read(mock, api, contact_id, accept="application/json"):
    read = api.get(f"{mock.base_url}/Contact/{contact_id}", headers={"Accept": accept})
    assert read.status_code == 200, read.text
    return read


def _without_stamps(entity):
    return {k: v for k, v in entity.items() if k not in SERVER_STAMPS}


@pytest.mark.parametrize("contact_id", [1, 2, 3])
@pytest.mark.parametrize("content_type", ["application/xml", "text/xml; charset=utf-8"])
def test_the_xml_the_mock_writes_saves_back_to_the_same_contact(
    mock, api, contact_id, content_type
):
    before = _read(mock, api, contact_id).json()
    xml = _read(mock, api, contact_id, accept="application/xml").content
    saved = _post(mock, api, xml, content_type)
    assert saved.status_code == 200, saved.text
    after = _read(mock, api, contact_id).json()
    assert _without_stamps(after) == _without_stamps(before)
    assert after["UpdatedDate"] > before["UpdatedDate"]


def test_an_xml_body_creates_a_contact_with_typed_values(mock, api):
    xml = b"""<?xml version="1.0" encoding="utf-8"?>
    <ContactEntity xmlns="http://schemas.datacontract.org/2004/07/SuperOffice.WebApi.Data"
                   xmlns:i="http://www.w3.org/2001/XMLSchema-instance">
      <contactid>0</contactid>
      <Name>Xml &amp; Co</Name>
      <Department i:nil="true"/>
      <NoMailing>true</NoMailing>
      <Category><Id>4</Id></Category>
      <Emails><EntityElement><Value>xml@example.com</Value></EntityElement></Emails>
      <CustomFields><Entry Key="SuperOffice:1">blue</Entry></CustomFields>
    </ContactEntity>"""
    saved = _post(mock, api, xml, "application/xml")
    assert saved.status_code == 200, saved.text
    entity = saved.json()
    schemastore.validator("ContactEntity").validate(entity)
    assert entity["ContactId"] > 0
    assert entity["Name"] == "Xml & Co"
    assert entity["Department"] is None
    assert entity["NoMailing"] is True
    assert entity["Category"]["Id"] == 4
    assert entity["Emails"][0]["Value"] == "xml@example.com"
    assert entity["CustomFields"] == {"SuperOffice:1": "blue"}
    assert _read(mock, api, entity["ContactId"]).json()["Name"] == "Xml & Co"


def test_form_fields_create_a_contact_with_nested_and_array_members(mock, api):
    form = (
        "ContactId=0&name=Form+%C3%85s&Category.Id=2&Emails[0].Value=a%40example.com"
        "&Emails[1][Value]=b%40example.com&NoMailing=false&Department="
    )
    saved = _post(mock, api, form.encode(), "application/x-www-form-urlencoded")
    assert saved.status_code == 200, saved.text
    entity = saved.json()
    schemastore.validator("ContactEntity").validate(entity)
    assert entity["Name"] == "Form Ås"
    assert entity["Category"]["Id"] == 2
    assert [e["Value"] for e in entity["Emails"]] == ["a@example.com", "b@example.com"]
    assert entity["NoMailing"] is False
    assert entity["Department"] == ""


def test_an_empty_form_field_of_a_carrier_or_array_is_null(mock, api):
    saved = _post(mock, api, b"ContactId=0&Name=Empty&Category=&Emails=", FORM_TYPE)
    assert saved.status_code == 200, saved.text
    assert (saved.json()["Category"], saved.json()["Emails"]) == (None, None)


def test_xml_answer_to_an_xml_save(mock, api):
    xml = b"<ContactEntity><ContactId>0</ContactId><Name>Both ways</Name></ContactEntity>"
    saved = api.post(
        f"{mock.base_url}/{SAVE}",
        data=xml,
        headers={"Content-Type": "text/xml", "Accept": "text/xml"},
    )
    assert saved.status_code == 200, saved.text
    assert ElementTree.fromstring(saved.content).findtext("Name") == "Both ways"


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<ContactEntity><Name>&lol2;</Name></ContactEntity>"""
EXTERNAL = b"""<?xml version="1.0"?>
<!DOCTYPE c [<!ENTITY x SYSTEM "file:///etc/passwd">]><ContactEntity><Name>&x;</Name></ContactEntity>"""


@pytest.mark.parametrize(
    ("content_type", "data", "words"),
    [
        ("application/xml", b"<ContactEntity><Name>open", "malformed XML"),
        ("application/xml", b"", "empty"),
        ("application/xml", BILLION_LAUGHS, "DTD"),
        ("application/xml", EXTERNAL, "DTD"),
        ("application/xml", b"<Person><Name>x</Name></Person>", "root must be <ContactEntity>"),
        ("application/xml", b"<ContactEntity>text</ContactEntity>", "child elements"),
        (
            "application/xml",
            b'<ContactEntity xmlns:i="http://www.w3.org/2001/XMLSchema-instance" i:nil="true"/>',
            "nil",
        ),
        (
            "application/xml",
            b"<ContactEntity><ContactId>abc</ContactId></ContactEntity>",
            "not a int",
        ),
        (
            "application/xml",
            b"<ContactEntity><NoMailing>maybe</NoMailing></ContactEntity>",
            "boolean",
        ),
        ("application/xml", b"<ContactEntity><Bogus>1</Bogus></ContactEntity>", "Bogus"),
        (
            "application/xml",
            b"<ContactEntity><Name><a>1</a></Name></ContactEntity>",
            "single value",
        ),
        (
            "application/xml",
            b"<ContactEntity>" + b"<Category>" * 200 + b"</Category>" * 200 + b"</ContactEntity>",
            "deeper",
        ),
        ("application/x-www-form-urlencoded", b"", "empty"),
        ("application/x-www-form-urlencoded", b"Name=%ff", "malformed form"),
        ("application/x-www-form-urlencoded", b"Name", "malformed form"),
        ("application/x-www-form-urlencoded", b"Category..Id=1", "malformed form field name"),
        ("application/x-www-form-urlencoded", b".Name=1", "malformed form field name"),
        ("application/x-www-form-urlencoded", b"Emails[99999999].Value=a", "array index"),
        ("application/x-www-form-urlencoded", b"Emails[x].Value=a", "array index"),
        ("application/x-www-form-urlencoded", b"Category=1&Category.Id=2", "single value"),
        ("application/x-www-form-urlencoded", b"Category.Id=2&Category=1", "holds members"),
        ("application/x-www-form-urlencoded", b"Bogus=1", "Bogus"),
        ("application/x-www-form-urlencoded", b"ContactId=1.5", "not a int"),
        ("application/x-www-form-urlencoded", b"ContactId=1_0", "not a int"),
        ("application/x-www-form-urlencoded", b"Emails[%C2%B2].Value=a", "array index"),
        ("application/x-www-form-urlencoded", b"Address.Wgs84Latitude=nan", "not a double"),
        ("application/x-www-form-urlencoded", b"Address.Wgs84Latitude=1e999", "not a double"),
        ("application/xml", b"<ContactEntity><Emails>oops</Emails></ContactEntity>", "child"),
    ],
)
def test_bad_xml_and_form_bodies_are_400_with_a_reason(mock, api, content_type, data, words):
    sent = _post(mock, api, data, content_type)
    assert sent.status_code == 400, sent.text
    body = sent.json()
    assert set(body) == ERROR_KEYS
    assert words in body["ErrorMessage"], body["ErrorMessage"]


@pytest.mark.parametrize(
    ("content_type", "data"),
    [("application/xml", b"<ContactEntity/>"), ("application/x-www-form-urlencoded", b"Name=x")],
)
def test_patch_takes_json_only(mock, api, content_type, data):
    sent = api.patch(
        f"{mock.base_url}/Contact/1", data=data, headers={"Content-Type": content_type}
    )
    assert sent.status_code == 415, sent.text
    assert set(sent.json()) == ERROR_KEYS


XML_TOKENS = [
    "<ContactEntity>",
    "</ContactEntity>",
    "<Name>",
    "</Name>",
    "<Emails>",
    "</Emails>",
    "<EntityElement>",
    "</EntityElement>",
    "<Value>",
    "</Value>",
    "<CustomFields>",
    "</CustomFields>",
    "<Entry Key='SuperOffice:1'>",
    "</Entry>",
    "<Category>",
    "</Category>",
    "<Id>",
    "</Id>",
    "<ContactId>",
    "</ContactId>",
    '<NoMailing xmlns:i="http://www.w3.org/2001/XMLSchema-instance" i:nil="true"/>',
    "x",
    "7",
    "true",
    "&amp;",
    "&bogus;",
    "<!DOCTYPE c>",
    " ",
]
FORM_TOKENS = ["Name", "Emails", "Category", "Id", "Value", "ContactId", "NoMailing", "=", "&"]
FORM_TOKENS += ["[", "]", "0", "1", ".", "%", "ff", "C3%85", "+", "true", "x", "%C2%B2", "_"]
FORM_TOKENS += ["Address.Wgs84Latitude", "nan", "1e999", "-2.5"]


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(
    st.one_of(
        st.tuples(st.just("xml"), st.lists(st.sampled_from(XML_TOKENS), max_size=14)),
        st.tuples(st.just("form"), st.lists(st.sampled_from(FORM_TOKENS), max_size=14)),
    )
)
def test_any_xml_or_form_body_reads_as_an_entity_or_a_400(contact_shape, drawn):
    kind, tokens = drawn
    data = "".join(tokens).encode()
    read = from_xml if kind == "xml" else from_form
    args = (data, contact_shape, "ContactEntity") if kind == "xml" else (data, contact_shape)
    outcome: dict | ApiError
    try:
        outcome = read(*args)
    except ApiError as refused:
        outcome = refused
    if isinstance(outcome, ApiError):
        assert (outcome.status, bool(outcome.message)) == (400, True)
    else:
        assert isinstance(outcome, dict)
