"""`webapi-contract derive [--check]` on the real docs and on edited copies of them."""

from __future__ import annotations

import argparse
import shutil

import pytest

from webapi_contract.derive import command
from webapi_contract.paths import docs_dir, schemas_dir


def main(argv):
    """`webapi-contract derive …` through the derive subcommand alone (as cli.main runs it)."""
    parser = argparse.ArgumentParser(prog="webapi-contract")
    command.register(parser.add_subparsers())
    args = parser.parse_args(argv)
    return args.handler(args)


@pytest.fixture
def copies(tmp_path, monkeypatch):
    """Writable copies of docs/vendor and schemas/, selected through the env overrides."""
    docs, schemas = tmp_path / "docs", tmp_path / "schemas"
    shutil.copytree(docs_dir(), docs)
    shutil.copytree(schemas_dir(), schemas)
    for path in [*docs.rglob("*"), *schemas.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    monkeypatch.setenv("WEBAPI_DOCS_DIR", str(docs))
    monkeypatch.setenv("WEBAPI_SCHEMAS_DIR", str(schemas))
    return docs, schemas


def edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_check_passes_on_the_checked_in_schemas(capsys):
    assert main(["derive", "--check"]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1
    assert out[0].startswith(
        "derive --check: OK, 31 files match 5 pages (superoffice 24, odyssee 7) ("
    )
    assert out[0].endswith(" ms)")


def test_changed_type_cell_fails_naming_file_property_and_row(copies, capsys):
    docs, _ = copies
    edit(
        docs / "superoffice-patch-contact.v1.md",
        "| Department | string |",
        "| Department | int32 |",
    )
    assert main(["derive", "--check"]) == 1
    out = capsys.readouterr().out
    assert (
        "ContactEntity.schema.json: property Department: type changed string -> string | integer"
        " (docs/vendor/superoffice-patch-contact.v1.md:102)"
    ) in out
    assert "openapi.json: components changed: ContactEntity, ContactMergePatch" in out
    assert "is out of date" in out


def test_changed_max_length_cell_fails_naming_the_property(copies, capsys):
    docs, _ = copies
    edit(
        docs / "guid-contact-update.help.txt", "Required Max length: 50", "Required Max length: 60"
    )
    assert main(["derive", "--check"]) == 1
    out = capsys.readouterr().out
    assert (
        "OdysseeContact.schema.json: property lastname: maxLength changed 50 -> 60"
        " (docs/vendor/guid-contact-update.help.txt:19)"
    ) in out


def test_added_row_is_reported_as_an_added_property(copies, capsys):
    docs, _ = copies
    edit(
        docs / "superoffice-save-contact-entity.v2.txt",
        "Domains array Web domains for this contact, ordered in array by rank\n",
        "Domains array Web domains for this contact, ordered in array by rank\n"
        "Rating int32 How good the contact is\n",
    )
    assert main(["derive", "--check"]) == 1
    out = capsys.readouterr().out
    assert (
        "ContactEntity.schema.json: property Rating: added"
        " (docs/vendor/superoffice-save-contact-entity.v2.txt:133)"
    ) in out


def test_a_response_row_in_every_version_is_required_and_drift_names_it(copies, capsys):
    docs, _ = copies
    row, links = "| Rating | int32 | How good the contact is |\n", "| _Links | object |  |\n"
    edit(docs / "superoffice-patch-contact.v1.md", links, row + links)
    assert main(["derive", "--check"]) == 1
    out = capsys.readouterr().out
    assert "ContactEntity.schema.json: property Rating: added" in out
    assert "x-required-any-case changed" not in out  # the newer page does not list it (yet)
    edit(
        docs / "superoffice-patch-contact.v2.txt",
        "| _Links | object |\n",
        f"{row}| _Links | object |\n",
    )
    assert main(["derive", "--check"]) == 1
    out = capsys.readouterr().out
    assert "ContactEntityWithLinks.schema.json: x-required-any-case changed: added Rating" in out
    assert "ContactEntityResponse.schema.json" not in out  # SaveContactEntity's pages say nothing


def test_derive_writes_what_check_then_accepts(copies, capsys):
    docs, schemas = copies
    edit(
        docs / "superoffice-patch-contact.v1.md",
        "| Department | string |",
        "| Department | int32 |",
    )
    (schemas / "Stale.schema.json").write_text("{}\n", encoding="utf-8")
    assert main(["derive"]) == 0
    out = capsys.readouterr().out
    assert "derive: 31 files from 5 pages in " in out
    assert f" changed in {schemas}; 0 changed in {schemas / 'odyssee'}" in out
    assert not (schemas / "Stale.schema.json").exists()
    assert main(["derive", "--check"]) == 0


def test_missing_and_stale_files_are_named(copies, capsys):
    _, schemas = copies
    (schemas / "Person.schema.json").unlink()
    (schemas / "Old.schema.json").write_text("{}\n", encoding="utf-8")
    assert main(["derive", "--check"]) == 1
    out = capsys.readouterr().out
    assert "Person.schema.json: missing (run `webapi-contract derive`)" in out
    assert "Old.schema.json: no longer derived (stale)" in out


def test_unreadable_docs_are_a_clear_error(copies, capsys):
    docs, _ = copies
    (docs / "superoffice-patch-contact.v2.txt").write_text("nothing here\n", encoding="utf-8")
    assert main(["derive", "--check"]) == 2
    err = capsys.readouterr().err
    assert "superoffice-patch-contact.v2.txt: no recognisable endpoint" in err


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("[]", "not the Swagger document expected"),
        ('{"definitions": {}}', "not the Swagger document expected"),
        ('{"paths": {"/api/v1/Contact/{id}": {}}}', "not the Swagger document expected"),
        ("{not json", "not valid JSON"),
    ],
    ids=["array", "no-paths", "empty-operation", "malformed"],
)
def test_a_swagger_file_of_the_wrong_shape_is_a_clear_error(copies, capsys, text, said):
    docs, _ = copies
    (docs / "reference" / "superoffice-swagger-v1-Contact.json").write_text(text)
    assert main(["derive", "--check"]) == 2
    err = capsys.readouterr().err
    assert "superoffice-swagger-v1-Contact.json" in err
    assert said in err
    assert "Traceback" not in err


def test_output_is_byte_stable(copies):
    _, schemas = copies
    before = {p: p.read_bytes() for p in schemas.rglob("*") if p.is_file()}
    assert main(["derive"]) == 0
    after = {p: p.read_bytes() for p in schemas.rglob("*") if p.is_file()}
    assert len(after) == 31
    assert before == after
    assert all(data.endswith(b"}\n") for data in after.values())
