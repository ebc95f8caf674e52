"""Every generated check has a level, every generated item records its findings (issue #11).

Invalid requests are judged by what the docs say is refused (generated/violations.py); each
item's findings reach the JUnit XML as a `webapi_findings` property, with `webapi_level` when the
item failed.
"""

from __future__ import annotations

import pytest

from webapi_contract.generated.findings import Finding, findings_of
from webapi_contract.generated.violations import entity_violations, patch_violations

# The stamps, and the rights members (vendor-facts.md:26) the server computes: never judged.
STAMPED = {"CreatedDate", "UpdatedDate", "TableRight", "FieldProperties"}
JSON_PATCH = "application/json-patch+json"


def _levels(violations):
    return [("must" if v.documented else "should") for v in violations]


@pytest.mark.parametrize(
    ("body", "levels"),
    [
        # vendor-facts.md:26: rights members are the server's, members of carriers too
        ({"TableRight": {"Mask": 5}}, []),
        ({"FieldProperties": {"Name": 7}}, []),
        ({"Business": {"Id": "x", "FieldProperties": {"Id": 1}}}, []),
        ({"Emails": [{"Value": 5, "TableRight": "all"}]}, []),
        ({"CreatedDate": 5}, []),  # stamped: valid requests never send it either
        # the documented refusal: a wrong JSON type for a top-level scalar
        ({"Source": "many"}, ["must"]),
        ({"Department": {"a": 1}}, ["must"]),
        ({"NoMailing": "maybe"}, ["must"]),
        ({"ContactId": [1]}, ["must"]),
        # what a lenient reader converts, and what the docs leave open: a should
        ({"Department": 5}, ["should"]),
        ({"Source": "12"}, ["should"]),
        ({"Source": 2**40}, ["should"]),
        ({"Business": "x"}, ["should"]),
        ({"Emails": 5}, ["should"]),
        ({"Emails": [5]}, ["should"]),
        ({"CustomFields": {"a": [1]}}, ["should"]),
        ([1], ["should"]),
        ({"Department": "x", "Source": 3}, []),
    ],
)
def test_an_invalid_entity_is_judged_by_what_the_docs_refuse(body, levels):
    assert (
        _levels(entity_violations("ContactEntity", body, STAMPED, vendor="superoffice")) == levels
    )


@pytest.mark.parametrize(
    ("body", "media_type", "levels"),
    [
        ([{"op": "move", "from": "/Name", "path": "/Department"}], JSON_PATCH, ["must"]),
        ([{"op": "copy", "from": "/Name", "path": "/Department"}], JSON_PATCH, ["must"]),
        ([{"op": "merge", "path": "/Name", "value": 1}], JSON_PATCH, ["must"]),
        # how a server reads a malformed operation the page does not say (ASP.NET's JsonPatch
        # reads a missing value as null): a should; an op spelled in another case is an op
        ([{"op": "replace", "value": 1}], JSON_PATCH, ["should"]),
        ([{"op": "add", "path": "/Name"}], JSON_PATCH, ["should"]),
        ([1], JSON_PATCH, ["should"]),
        ([{"op": "Replace", "path": "/Department", "value": "x"}], JSON_PATCH, []),
        ([{"op": "add", "path": "/TableRight"}], JSON_PATCH, []),
        ({"op": "replace", "path": "/Name", "value": "x"}, JSON_PATCH, ["must"]),
        ("patch", "application/json", ["must"]),
        ([{"op": "replace", "path": "source", "value": "many"}], JSON_PATCH, ["must"]),
        ([{"op": "replace", "path": "/NoSuchThing", "value": "x"}], JSON_PATCH, ["should"]),
        ([{"op": "replace", "path": "/TableRight", "value": 5}], JSON_PATCH, []),
        ([{"op": "remove", "path": "/Department"}], "application/json", []),
        ({"Phones": {"Value": "1"}}, "application/merge-patch+json", []),  # appended
        ({"Business": {"FieldProperties": 5}}, "application/merge-patch+json", []),
        ({"Source": "many"}, "application/merge-patch+json", ["must"]),
        ([], "application/merge-patch+json", ["should"]),
    ],
)
def test_an_invalid_patch_is_judged_by_what_the_docs_refuse(body, media_type, levels):
    found = patch_violations("ContactMergePatch", body, media_type, STAMPED, vendor="superoffice")
    assert _levels(found) == levels


def test_findings_are_distinct_and_errors_of_the_harness_count_as_must():
    one = Finding("response_schema_conformance", True, "GET /Contact/{id}", 200, "/x", "m", "c")
    group = ExceptionGroup("two", [ValueError("a"), ValueError("b")])
    group.webapi_findings = [one, one]  # as the runner attaches them
    assert findings_of(group) == [one]
    (harness,) = findings_of(RuntimeError("no answer\nfrom the server"), "GET /Contact/{id}")
    assert (harness.check, harness.documented, harness.message) == (
        "RuntimeError",
        True,
        "no answer",
    )
    record = one.record("must", "should")
    assert list(record) == ["check", "level", "operation", "status", "location", "message", "curl"]
    assert record["level"] == "must"
