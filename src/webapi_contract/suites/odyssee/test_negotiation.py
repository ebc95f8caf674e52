"""Formats: JSON answers labelled as the page lists them, XML when asked for."""

from __future__ import annotations

from xml.etree import ElementTree

from webapi_contract.contract import clause
from webapi_contract.suites.odyssee.contact_api import FACTS, HELP, contact_path, value_of

JSON_TYPES = ("application/json", "text/json")


def _media_type(exchange):
    return (exchange.response.headers.get("Content-Type") or "").split(";")[0].strip().lower()


@clause(
    "JSON answers are labelled application/json or text/json",
    area="formats",
    doc=HELP,
    quote="Response Formats",
)
def test_json_answers_are_labelled_json(api, readable_contact, verdict):
    for path in (contact_path(str(value_of(readable_contact, "id"))), "Contact?$top=1"):
        read = api.get(path, headers={"Accept": "application/json"})
        verdict.status(read, 200)
        verdict.true(
            _media_type(read) in JSON_TYPES,
            f"Content-Type {' or '.join(JSON_TYPES)}",
            f"Content-Type {read.response.headers.get('Content-Type')!r}",
            read,
        )
        verdict.json_body(read)


@clause(
    "Accept: application/xml gets the contact as XML",
    area="formats",
    doc=FACTS,
    quote="XML with `Accept`/`Content-Type: application/xml`",
)
def test_xml_on_accept(api, readable_contact, verdict):
    contact_id = str(value_of(readable_contact, "id"))
    read = api.get(contact_path(contact_id), headers={"Accept": "application/xml"})
    verdict.status(read, 200)
    verdict.true(
        _media_type(read) in ("application/xml", "text/xml"),
        "Content-Type application/xml (or text/xml)",
        f"Content-Type {read.response.headers.get('Content-Type')!r}",
        read,
    )
    try:
        root = ElementTree.fromstring(read.response.content)
    except ElementTree.ParseError as exc:
        verdict.fail("a well-formed XML document", f"not XML: {exc}", read)
    ids = [e.text for e in root.iter() if e.tag.rsplit("}", 1)[-1].lower() == "id" and e.text]
    verdict.true(
        any(text.strip().lower() == contact_id.lower() for text in ids),
        f"the contact's id {contact_id} in an <id> element",
        f"<id> elements: {', '.join(ids[:3]) or 'none'}",
        read,
    )
