"""The clause that catches a mock fault says, in its failure, which behaviour broke."""

from __future__ import annotations

import pytest

from webapi_contract.mock import MockCredentials, MockServer
from webapi_contract.suites import suite_dir

CONTRACT = suite_dir("superoffice")

# fault -> (suite file, -k selection, words the failure must contain: clause title, then detail)
CASES = {
    "dates-local-time": (
        "test_save.py",
        "stamps",
        [
            "Clause broken: CreatedDate and UpdatedDate are UTC: a new contact's stamps match "
            "the server's Date header [docs/vendor/superoffice-save-contact-entity.v1.md:49]",
            "within 0:05:00 of the response's Date",
        ],
    ),
    "404-wrong-error-body": (
        "test_read.py",
        "missing",
        [
            "Clause broken: GET of an id that does not exist answers 404 with the documented "
            "error body [docs/vendor/reference/vendor-facts.md:31]",
            "Content-Type: application/problem+json",
        ],
    ),
    "merge-null-ignored": (
        "test_patch_operations.py",
        "merge_null",
        [
            "Clause broken: a null in a JSON Merge Patch clears the property (RFC 7396)",
            "Department null or empty after a merge patch null",
        ],
    ),
    "patch-not-atomic": (
        "test_patch_conditions.py",
        "failing_test",
        [
            "Clause broken: a failing test answers 409 and applies nothing",
            "contact after a failed test (nothing applied)",
        ],
    ),
    "save-xml-form-415": (
        "test_save.py",
        "xml_and_form",
        [
            "Clause broken: SaveContactEntity takes the XML and form bodies its docs list "
            "(not 415, never 5xx) [docs/vendor/superoffice-save-contact-entity.v1.md:28]",
            "415 Unsupported Media Type",
        ],
    ),
    "wrong-type-500": (
        "test_robustness.py",
        "text-for-int32",
        ["Clause broken: a bad body is refused as the client's fault: a 4xx", "status 500"],
    ),
    "if-modified-since-ignored": (
        "test_read.py",
        "if_modified",
        ["Clause broken: If-Modified-Since at or after the last update answers 304", "status 304"],
    ),
    "merge-object-replaces-array": (
        "test_patch_operations.py",
        "merge_object_for_an_array",
        [
            "Clause broken: a JSON Merge Patch object given for an array property (Emails) is "
            "appended to it [docs/vendor/reference/vendor-facts.md:44]",
            'Received: Emails[].Value after the merge = ["merged@example.com"]',
        ],
    ),
    "merge-array-appends": (
        "test_patch_operations.py",
        "merge_array_replaces",
        [
            "Clause broken: a JSON Merge Patch array replaces the whole array (Emails)",
            'Received: Emails[].Value after the merge = ["first@example.com", "one@example.com"',
        ],
    ),
    "interests-omitted": (
        "test_read.py",
        "every_documented_property",
        [
            "Clause broken: GET answers every property every version of the docs lists, _Links "
            "too (null when empty) [docs/vendor/superoffice-patch-contact.v1.md:54]",
            "Received: absent: Interests",
        ],
    ),
    "patch-answer-without-links": (
        "test_patch_operations.py",
        "every_documented_property",
        [
            "Clause broken: PATCH answers every property every version of the docs lists, "
            "_Links too (null when empty) [docs/vendor/superoffice-patch-contact.v1.md:96]",
            "Received: absent: _Links",
        ],
    ),
    "save-answer-omits-nulls": (
        "test_save.py",
        "every_documented_property",
        [
            "Clause broken: SaveContactEntity answers every property every version of the docs "
            "lists (null when empty) [docs/vendor/superoffice-save-contact-entity.v1.md:95]",
            "Received: absent: Number2, Description, UpdatedBy",
        ],
    ),
    "zoned-dates-labelled-utc": (
        "test_headers.py",
        "offsets_keep_every_instant",
        [
            "Clause broken: SO-TimeZone with includeTZOffset: every date-time the same instant, "
            "written with the zone's offset; CreatedDate and UpdatedDate stay UTC "
            "[docs/vendor/reference/vendor-facts.md:39]",
            "Expected: DbiLastModified with the offset of NO (+1 h or +2 h)",
            "Received: DbiLastModified = 2024-01-15T11:30:00+00:00 (+0 h)",
        ],
    ),
    "xsrf-ignored": (
        "test_auth.py",
        "xsrf",
        [
            "Clause broken: X-XSRF-TOKEN with its session cookie authenticates without "
            "Authorization [docs/vendor/superoffice-patch-contact.v1.md:66]",
            "Received: status 401",
        ],
    ),
    "save-without-id-refused": (
        "test_save.py",
        "without_contact_id",
        [
            "Clause broken: a body without ContactId creates a contact, as ContactId 0 does",
            "Received: status 400",
        ],
    ),
    "save-text-json-415": (
        "test_save.py",
        "text_json",
        [
            "Clause broken: SaveContactEntity takes a JSON body labelled Content-Type: text/json",
            "Received: status 415",
        ],
    ),
}


@pytest.mark.parametrize("fault", list(CASES))
def test_fault_fails_its_clause_with_a_message_naming_the_behaviour(pytester, fault):
    suite_file, selection, words = CASES[fault]
    creds = MockCredentials.generate()
    with MockServer(credentials=creds, fault=fault) as server:
        result = pytester.runpytest_inprocess(
            str(CONTRACT / suite_file),
            "-k",
            selection,
            "--base-url",
            server.base_url,
            f"--webapi-username={creds.username}",
            f"--webapi-password={creds.password}",
            f"--webapi-xsrf-token={creds.xsrf_token}",
            f"--webapi-xsrf-cookie={creds.xsrf_cookie}",
            "--webapi-strict",  # as selfcheck runs it: a `should` clause's failure counts too
            "-p",
            "no:cacheprovider",
            "-q",
        )
    output = result.stdout.str()
    assert result.ret == 1, f"{fault} went unnoticed:\n{output[-3000:]}"
    for word in words:
        assert word in output, f"{word!r} missing:\n{output[-3000:]}"
    assert creds.password not in output
    assert creds.xsrf_token not in output


def test_wrong_password_is_caught_when_basic_is_given_whole_with_auth(pytester):
    from webapi_contract.config import basic

    creds = MockCredentials.generate()
    whole = basic(creds.username, creds.password).authorization
    with MockServer(credentials=creds, fault="wrong-password-accepted") as server:
        result = pytester.runpytest_inprocess(
            str(CONTRACT / "test_auth.py"),
            "-k",
            "wrong_credentials",
            f"--base-url={server.base_url}",
            f"--webapi-auth={whole}",
            "-p",
            "no:cacheprovider",
            "-q",
        )
    output = result.stdout.str()
    assert result.ret == 1, output[-3000:]
    assert "wrong Basic answered 200" in output
