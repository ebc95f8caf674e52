"""Content negotiation: JSON and XML responses; the documented request content types."""

from __future__ import annotations

import pytest
from defusedxml import ElementTree

from webapi_contract.contract import clause
from webapi_contract.suites.superoffice.contact_api import PATCH_DOC, contact_path, value_of

ACCEPT = "Content-type(s) you would like the response in:"
CONTENT_TYPE = "JSON-Patch array of operations+path+value, or a MERGE-PATCH object"
JSON_PATCH_BODY = [{"op": "replace", "path": "/Department", "value": "negotiated"}]
MERGE_BODY = {"Department": "negotiated"}

CONTENT_TYPES = [
    ("application/json", JSON_PATCH_BODY),
    ("application/json; charset=utf-8", JSON_PATCH_BODY),
    ("text/json", JSON_PATCH_BODY),
    ("application/json-patch+json", JSON_PATCH_BODY),
    ("application/json-patch+json; charset=utf-8", JSON_PATCH_BODY),
    ("application/merge-patch+json", MERGE_BODY),
    ("application/merge-patch+json; charset=UTF-8", MERGE_BODY),
    ("application/json", MERGE_BODY),
]


def _media_type(exchange):
    return exchange.response.headers.get("Content-Type", "").split(";")[0].strip().lower()


@pytest.mark.parametrize("accept", ["application/json", "text/json"])
@clause(
    "Accept: application/json and text/json give JSON",
    area="content negotiation",
    doc=PATCH_DOC,
    quote=ACCEPT,
)
def test_json_accept_gives_json(api, readable_contact, verdict, accept):
    contact_id = value_of(readable_contact, "ContactId")
    read = api.get(contact_path(contact_id), headers={"Accept": accept})
    verdict.status(read, 200)
    verdict.true(
        _media_type(read) in {"application/json", "text/json"},
        "a JSON content type",
        f"Content-Type {read.response.headers.get('Content-Type')!r}",
        read,
    )
    verdict.equal(value_of(verdict.json_body(read), "ContactId"), contact_id, "ContactId", read)


def _local(tag):
    return tag.rsplit("}", 1)[-1]


@pytest.mark.parametrize("accept", ["application/xml", "text/xml"])
@clause(
    "Accept: application/xml and text/xml give XML carrying the same values",
    area="content negotiation",
    doc=PATCH_DOC,
    quote=ACCEPT,
)
def test_xml_accept_gives_same_values(api, readable_contact, verdict, accept):
    path = contact_path(value_of(readable_contact, "ContactId"))
    as_json = api.get(path).json()
    read = api.get(path, headers={"Accept": accept})
    verdict.status(read, 200)
    verdict.true(
        _media_type(read) in {"application/xml", "text/xml"},
        "an XML content type",
        f"Content-Type {read.response.headers.get('Content-Type')!r}",
        read,
    )
    try:
        root = ElementTree.fromstring(read.response.content)
    except ElementTree.ParseError as exc:
        verdict.fail("a well-formed XML body", f"unparseable XML ({exc})", read)
    children = {_local(child.tag).lower(): child for child in root}
    for name in ("ContactId", "Name", "Department", "OrgNr"):
        expected = value_of(as_json, name)
        element = children.get(name.lower())
        if expected is None and element is None:
            continue  # a null (an existing contact may lack a value) may be left out of XML
        verdict.true(element is not None, f"element <{name}>", "no such element", read)
        assert element is not None  # verdict.true failed the test otherwise
        shown = "" if expected is None else str(expected).strip()
        verdict.equal((element.text or "").strip(), shown, f"<{name}> text", read)


@pytest.mark.parametrize(
    ("content_type", "body"),
    CONTENT_TYPES,
    ids=[f"{c}-{type(b).__name__}" for c, b in CONTENT_TYPES],
)
@clause(
    "PATCH accepts every documented JSON content type, with or without charset",
    area="content negotiation",
    doc=PATCH_DOC,
    quote=CONTENT_TYPE,
    mutating=True,
)
def test_patch_content_types_are_accepted(api, contact, verdict, content_type, body):
    sent = api.patch(
        contact_path(contact["ContactId"]), json_body=body, headers={"Content-Type": content_type}
    )
    verdict.status(sent, 200)
    verdict.equal(value_of(sent.json(), "Department"), "negotiated", "Department", sent)
