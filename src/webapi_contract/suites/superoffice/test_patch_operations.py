"""PATCH /Contact/{id}: JSON Patch and JSON Merge Patch change the contact as documented."""

from __future__ import annotations

import time

import pytest

from webapi_contract.contract import clause
from webapi_contract.suites.superoffice.contact_api import (
    FACTS,
    JSON_PATCH,
    MERGE_PATCH,
    PATCH_DOC,
    WITH_LINKS,
    contact_path,
    judge_every_property,
    parse_instant,
    value_of,
)

OPS = "JSON PATCH supports operations 'add', 'replace', 'remove' and 'test'."
PATHS = "The path is case insensitive, and the leading slash is optional"
MERGE_APPENDS = "an object given where an array is expected is appended"
MERGE_REPLACES = "an array replaces the whole array"


def _patch(api, contact_id, body, content_type=JSON_PATCH, **kwargs):
    headers = {"Content-Type": content_type, **kwargs.pop("headers", {})}
    return api.patch(contact_path(contact_id), json_body=body, headers=headers, **kwargs)


@clause(
    "a JSON Patch replace answers 200 with the updated ContactEntityWithLinks, persisted",
    area="PATCH",
    doc=PATCH_DOC,
    quote=OPS,
    mutating=True,
)
def test_replace_answers_updated_entity_and_persists(api, contact, verdict):
    cid = contact["ContactId"]
    sent = _patch(api, cid, [{"op": "replace", "path": "/Department", "value": "Replaced"}])
    verdict.status(sent, 200)
    body = verdict.json_body(sent)
    verdict.schema(body, "ContactEntityWithLinks", sent)
    verdict.equal(value_of(body, "Department"), "Replaced", "Department in the response", sent)
    read = api.get(contact_path(cid))
    verdict.status(read, 200)
    verdict.equal(value_of(read.json(), "Department"), "Replaced", "Department on GET", read)


@clause(
    "PATCH answers every property every version of the docs lists, _Links too (null when empty)",
    area="PATCH",
    doc=PATCH_DOC,
    quote="Response body: ContactEntityWithLinks",
    mutating=True,
)
def test_patch_answers_every_documented_property(api, contact, verdict):
    sent = _patch(
        api, value_of(contact, "ContactId"), [{"op": "replace", "path": "/Number2", "value": "x"}]
    )
    verdict.status(sent, 200)
    judge_every_property(verdict, verdict.json_body(sent), WITH_LINKS, WITH_LINKS, sent)


@clause(
    "a JSON Merge Patch makes the same change as the equivalent JSON Patch",
    area="PATCH",
    doc=PATCH_DOC,
    quote="or as a JSON MERGE PATCH, which describes the change",
    mutating=True,
)
def test_merge_patch_changes_like_json_patch(api, new_contact, verdict):
    via_patch, via_merge = new_contact("via-patch"), new_contact("via-merge")
    first = _patch(
        api, via_patch["ContactId"], [{"op": "replace", "path": "/Department", "value": "Merged"}]
    )
    second = _patch(api, via_merge["ContactId"], {"Department": "Merged"}, MERGE_PATCH)
    verdict.status(first, 200)
    verdict.status(second, 200)
    verdict.schema(second.json(), "ContactEntityWithLinks", second)
    verdict.equal(
        value_of(second.json(), "Department"),
        value_of(first.json(), "Department"),
        "Department after merge patch vs JSON Patch",
        second,
    )
    read = api.get(contact_path(via_merge["ContactId"]))
    verdict.equal(value_of(read.json(), "Department"), "Merged", "Department on GET", read)


@clause(
    "a null in a JSON Merge Patch clears the property (RFC 7396)",
    area="PATCH",
    doc=PATCH_DOC,
    quote="See RFC6902 and RFC 7396",
    mutating=True,
)
def test_merge_null_clears(api, contact, verdict):
    sent = _patch(api, contact["ContactId"], {"Department": None}, MERGE_PATCH)
    verdict.status(sent, 200)
    cleared = value_of(verdict.json_body(sent), "Department")
    verdict.true(
        cleared in (None, ""),
        "Department null or empty after a merge patch null",
        f"Department = {cleared!r}",
        sent,
    )
    read = api.get(contact_path(contact["ContactId"]))
    verdict.true(
        value_of(read.json(), "Department") in (None, ""),
        "the clearing persisted",
        f"Department on GET = {value_of(read.json(), 'Department')!r}",
        read,
    )


def _email_values(body):
    """The Values of a contact's Emails, in order."""
    emails = value_of(body, "Emails") if isinstance(body, dict) else None
    if not isinstance(emails, list):
        return emails  # not an array: shown as it is
    return [value_of(e, "Value") if isinstance(e, dict) else e for e in emails]


@clause(
    "a JSON Merge Patch object given for an array property (Emails) is appended to it",
    area="PATCH",
    doc=FACTS,
    quote=MERGE_APPENDS,
    mutating=True,
)
def test_merge_object_for_an_array_appends(api, contact, verdict):
    before = _email_values(contact) or []
    element = {"Value": "merged@example.com", "Description": "appended by a merge patch"}
    cid = value_of(contact, "ContactId")
    sent = _patch(api, cid, {"Emails": element}, MERGE_PATCH)
    verdict.status(sent, 200)
    expected = [*before, element["Value"]]
    after = _email_values(verdict.json_body(sent))
    verdict.equal(after, expected, "Emails[].Value after the merge", sent)
    read = api.get(contact_path(cid))
    persisted = _email_values(verdict.json_body(read))
    verdict.equal(persisted, expected, "Emails[].Value on GET", read)


@clause(
    "a JSON Merge Patch array replaces the whole array (Emails)",
    area="PATCH",
    doc=FACTS,
    quote=MERGE_REPLACES,
    mutating=True,
)
def test_merge_array_replaces_the_array(api, contact, verdict):
    emails = [
        {"Value": "one@example.com", "Description": "replaced by a merge patch"},
        {"Value": "two@example.com", "Description": "replaced by a merge patch"},
    ]
    cid = value_of(contact, "ContactId")
    sent = _patch(api, cid, {"Emails": emails}, MERGE_PATCH)
    verdict.status(sent, 200)
    expected = [e["Value"] for e in emails]
    after = _email_values(verdict.json_body(sent))
    verdict.equal(after, expected, "Emails[].Value after the merge", sent)
    read = api.get(contact_path(cid))
    persisted = _email_values(verdict.json_body(read))
    verdict.equal(persisted, expected, "Emails[].Value on GET", read)


@pytest.mark.parametrize(
    "path", ["/department", "/Department", "/DEPARTMENT", "Department", "department", "dEpArTmEnT"]
)
@clause(
    "JSON Patch paths are case-insensitive and the leading slash is optional",
    area="PATCH",
    doc=PATCH_DOC,
    quote=PATHS,
    mutating=True,
)
def test_path_spelling_is_free(api, contact, verdict, path):
    value = f"via {path}"
    sent = _patch(api, contact["ContactId"], [{"op": "replace", "path": path, "value": value}])
    verdict.status(sent, 200)
    verdict.equal(
        value_of(sent.json(), "Department"), value, f"Department after path {path!r}", sent
    )


@clause(
    "add to /Emails/- appends an element",
    area="PATCH",
    doc=PATCH_DOC,
    quote='"/users/0/email", "/users/-"',
    mutating=True,
)
def test_add_to_array_end_appends(api, contact, verdict):
    before = value_of(contact, "Emails") or []
    element = {"Value": "appended@example.com", "Description": "added by add"}
    sent = _patch(api, contact["ContactId"], [{"op": "add", "path": "/Emails/-", "value": element}])
    verdict.status(sent, 200)
    emails = value_of(sent.json(), "Emails") or []
    verdict.equal(len(emails), len(before) + 1, "number of Emails after add", sent)
    verdict.equal(value_of(emails[-1], "Value"), element["Value"], "last Emails[].Value", sent)


@clause(
    "add to a nested array index path (/Emails/0/Value) changes that element",
    area="PATCH",
    doc=PATCH_DOC,
    quote='"/users/0/email", "/users/-"',
    mutating=True,
)
def test_nested_index_path_changes_element(api, contact, verdict):
    sent = _patch(
        api,
        contact["ContactId"],
        [{"op": "replace", "path": "/Emails/0/Value", "value": "nested@example.com"}],
    )
    verdict.status(sent, 200)
    emails = value_of(sent.json(), "Emails") or []
    verdict.true(bool(emails), "Emails kept", "no Emails", sent)
    verdict.equal(value_of(emails[0], "Value"), "nested@example.com", "Emails[0].Value", sent)


@clause("remove clears the property", area="PATCH", doc=PATCH_DOC, quote=OPS, mutating=True)
def test_remove_clears(api, contact, verdict):
    sent = _patch(api, contact["ContactId"], [{"op": "remove", "path": "/Department"}])
    verdict.status(sent, 200)
    cleared = value_of(sent.json(), "Department")
    verdict.true(
        cleared in (None, ""),
        "Department null or empty after remove",
        f"Department = {cleared!r}",
        sent,
    )
    read = api.get(contact_path(contact["ContactId"]))
    verdict.true(
        value_of(read.json(), "Department") in (None, ""),
        "removal persisted",
        f"Department on GET = {value_of(read.json(), 'Department')!r}",
        read,
    )


@clause(
    "a passing test lets the following operations apply",
    area="PATCH",
    doc=PATCH_DOC,
    quote=OPS,
    mutating=True,
)
def test_passing_test_lets_rest_apply(api, contact, verdict):
    current = value_of(contact, "Department")
    sent = _patch(
        api,
        contact["ContactId"],
        [
            {"op": "test", "path": "/Department", "value": current},
            {"op": "replace", "path": "/Department", "value": "After test"},
        ],
    )
    verdict.status(sent, 200)
    verdict.equal(value_of(sent.json(), "Department"), "After test", "Department", sent)


@clause(
    "UpdatedDate moves forward on every successful change",
    area="PATCH",
    doc=PATCH_DOC,
    quote="Date last updated in UTC.",
    mutating=True,
)
def test_updated_date_moves_forward(api, updated_contact, verdict):
    previous = parse_instant(value_of(updated_contact, "UpdatedDate"))
    for step in range(2):
        # A server may store second precision: wait past the next second so equal is a fault.
        time.sleep(1.05)
        sent = _patch(
            api,
            updated_contact["ContactId"],
            [{"op": "replace", "path": "/Number2", "value": f"step {step}"}],
        )
        verdict.status(sent, 200)
        now = parse_instant(value_of(sent.json(), "UpdatedDate"))
        verdict.true(
            now > previous,
            f"UpdatedDate after {previous.isoformat()}",
            f"UpdatedDate {now.isoformat()}",
            sent,
        )
        previous = now
