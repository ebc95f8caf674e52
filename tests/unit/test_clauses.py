"""Clauses cite real doc lines; violations render clause, citation, expectation, exchange."""

from __future__ import annotations

import pytest

from webapi_contract.contract import Clause, ContractViolation, Verdict, cite
from webapi_contract.paths import docs_dir


def test_citation_finds_the_quoted_line():
    citation = cite("superoffice-patch-contact.v1.md", "The path is case insensitive")
    lines = (docs_dir() / "superoffice-patch-contact.v1.md").read_text().splitlines()
    assert "The path is case insensitive" in lines[citation.line - 1]
    assert str(citation) == f"docs/vendor/superoffice-patch-contact.v1.md:{citation.line}"


def test_citation_ignores_markup_and_spacing():
    citation = cite("superoffice-patch-contact.v1.md", "Date last updated in UTC.")
    line = (docs_dir() / citation.file.removeprefix("docs/vendor/")).read_text().splitlines()
    assert "UpdatedDate" in line[citation.line - 1]


def test_a_quote_the_doc_no_longer_says_is_an_error():
    with pytest.raises(LookupError, match="no longer says"):
        cite("superoffice-patch-contact.v1.md", "move and copy are fully supported")


def test_a_missing_doc_is_an_error():
    with pytest.raises(LookupError, match="does not exist"):
        cite("nope.md", "anything")


def test_violation_message_names_clause_citation_and_gap():
    found = Clause(
        "409 on a failing test",
        "PATCH",
        cite("superoffice-patch-contact.v1.md", "Update blocked"),
        True,
    )
    with pytest.raises(ContractViolation) as caught:
        Verdict(found).equal(200, 409, "status")
    message = str(caught.value)
    assert message.splitlines()[0] == (f"Clause broken: 409 on a failing test [{found.citation}]")
    assert "Expected: status = 409" in message
    assert "Received: status = 200" in message


def test_schema_verdict_reports_the_property():
    with pytest.raises(ContractViolation, match="ContactId"):
        Verdict(None).schema({"ContactId": "not a number"}, "ContactEntity")
