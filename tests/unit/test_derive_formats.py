"""Page formats in small: tables with and without pipes, multi-line cells, samples, bad input."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from webapi_contract.derive import PageError, parse_page, parse_text

DOCS = Path(__file__).resolve().parents[2] / "docs" / "vendor"

WHITESPACE_PAGE = """\
POST /api/v1/Things/Save
Saves a thing
Nonsense line that is no table | at all
Request Body: thing

Property Name Type Description
ThingId Integer Primary key
Name String The thing's name, with spaces
!!! not a row !!!

Response Description
200 OK
Sample request
POST /api/v1/Things/{id}
{"ThingId": 1,
 "Name": "x"}
"""

HELP_PAGE = """\
Updates the thing with the specified key
Body Parameters :
thing| Name | Description | Type | Additional information |
|---|---|---|---|
| code |
Code of the thing |
string |
Required Max length: 20 |
|
|
string |
Max length: 99 |
|
| parent_id |
Parent |
globally unique identifier |
Optionally required : parent_id or parent_code must be provided |
Request Formats :
application/json
{"code": "a", "label": "b", "parent_id": "00000000-0000-0000-0000-000000000000"}
"""


def test_whitespace_rows_give_name_type_and_the_rest_as_description():
    page = parse_text(WHITESPACE_PAGE, "things.txt")
    assert (page.method, page.route, page.summary) == (
        "POST",
        "/api/v1/Things/Save",
        "Saves a thing",
    )
    fields = [(f.name, f.type, f.description) for f in page.request_body]
    assert fields == [
        ("ThingId", "Integer", "Primary key"),
        ("Name", "String", "The thing's name, with spaces"),
    ]
    assert page.responses == {"200": "OK"}


def test_unfenced_sample_spanning_lines_is_found_after_its_marker():
    page = parse_text(WHITESPACE_PAGE, "things.txt")
    sample = page.sample("request")
    assert sample.body == {"ThingId": 1, "Name": "x"}
    assert sample.source.line == 15
    assert sample.key_lines == {("ThingId",): 15, ("Name",): 16}


def test_help_page_multi_line_cells_and_a_blank_name_inferred():
    page = parse_text(HELP_PAGE, "help.txt", method="PUT", route="api/Thing({id})")
    got = [(f.name, f.type, f.required, f.max_length) for f in page.request_body]
    assert got == [
        ("code", "string", True, 20),
        ("label", "string", False, 99),
        ("parent_id", "globally unique identifier", False, None),
    ]
    assert page.request_body[2].one_of_required == ("parent_id", "parent_code")
    assert page.request_body_name == "thing"


def test_blank_name_without_unambiguous_sample_key_is_a_warning_not_a_crash():
    text = HELP_PAGE.replace('"label": "b", ', '"label": "b", "other": "c", ')
    page = parse_text(text, "help.txt", method="PUT", route="api/Thing({id})")
    assert [f.name for f in page.request_body] == ["code", "parent_id"]
    assert any("row without a name ignored" in w for w in page.warnings)


def test_help_page_without_route_needs_the_callers_method_and_route():
    with pytest.raises(PageError, match=r"help\.txt: no recognisable endpoint"):
        parse_text(HELP_PAGE, "help.txt")


def test_page_without_endpoint_is_an_error_naming_the_file(tmp_path):
    page = tmp_path / "notes.md"
    page.write_text("# Release notes\n\nNothing to see | here\n", encoding="utf-8")
    with pytest.raises(PageError, match=r"notes\.md: no recognisable endpoint"):
        parse_page(page)


def test_route_without_tables_is_an_error():
    with pytest.raises(PageError, match="no parameter or body tables"):
        parse_text("GET /api/v1/Nothing\nJust prose.\n", "prose.txt")


def test_malformed_sample_is_a_warning():
    text = WHITESPACE_PAGE.replace('"Name": "x"}', '"Name": }')
    page = parse_text(text, "things.txt")
    assert page.sample("request") is None
    assert any("sample request body is not JSON" in w for w in page.warnings)


def test_unknown_table_is_ignored_with_a_warning():
    text = "GET /api/v1/X\n## Trivia\n| A | B |\n|---|---|\n| 1 | 2 |\n"
    page = parse_text(text, "x.md")
    assert page.request_body == page.response_body == []
    assert page.warnings == ["x.md:5: table under 'trivia' ignored"]


def test_pipe_row_with_missing_and_extra_cells_is_padded_or_joined():
    text = "GET /api/v1/X\n## Response body: X\n| Property Name | Type | Description |\n"
    text += "|---|---|---|\n| Short | string |\n| Long | string | a | b |\n"
    page = parse_text(text, "x.md")
    got = [(f.name, f.type, f.description) for f in page.response_body]
    assert got == [("Short", "string", ""), ("Long", "string", "a | b")]


BODY_TABLE = (
    "GET /api/v1/X\n## Response body: X\n| Property Name | Type | Description |\n|---|---|---|\n"
)


def test_row_missing_the_pipe_after_its_name_is_repaired_with_a_warning():
    page = parse_text(BODY_TABLE + "| OrgNr string | VAT number |\n| Name | string | n |\n", "x.md")
    got = [(f.name, f.type, f.description) for f in page.response_body]
    assert got == [("OrgNr", "string", "VAT number"), ("Name", "string", "n")]
    assert page.warnings == [
        "x.md:5: 'OrgNr string' read as 'OrgNr' | 'string' (a '|' missing between them)"
    ]


@pytest.mark.parametrize(
    "row", ["| OrgNr string VAT number |", "| Org Nr | string | VAT number |", "| a/b | x |"]
)
def test_row_whose_name_is_no_name_is_skipped_with_a_warning(row):
    page = parse_text(BODY_TABLE + row + "\n| Name | string | n |\n", "x.md")
    assert [f.name for f in page.response_body] == ["Name"]
    assert len(page.warnings) == 1
    assert page.warnings[0].startswith("x.md:5: row skipped: ")
    assert "is not a name" in page.warnings[0]


def test_derive_command_counts_warnings_and_shows_them_with_v(tmp_path, capsys):
    import argparse

    from webapi_contract.derive import command

    def main(argv):
        parser = argparse.ArgumentParser()
        command.register(parser.add_subparsers())
        args = parser.parse_args(argv)
        return args.handler(args)

    docs = tmp_path / "docs"
    shutil.copytree(DOCS, docs)
    page = docs / "superoffice-patch-contact.v1.md"
    page.write_text(page.read_text().replace("| OrgNr | string |", "| OrgNr string |"))
    assert main(["derive", "--check", "--docs", str(docs)]) == 0
    assert "derive: 2 warnings about the doc pages (-v shows them)" in capsys.readouterr().err
    assert main(["derive", "--check", "--docs", str(docs), "-v"]) == 0
    assert "'OrgNr string' read as 'OrgNr' | 'string'" in capsys.readouterr().err


def test_derive_imports_only_the_standard_library_paths_and_itself():
    import ast
    import sys
    from pathlib import Path

    import webapi_contract.derive as package

    allowed = {"webapi_contract.paths"}
    for path in Path(package.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            for name in names:
                ours = name.startswith("webapi_contract.derive") or name in allowed
                stdlib = name.split(".")[0] in sys.stdlib_module_names or name == "__future__"
                assert ours or stdlib, f"{path.name} imports {name}"
