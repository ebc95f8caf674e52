"""The settings table is the one place a setting is declared: run's options, pytest's options,
environment variables and pyproject keys all come from it."""

from __future__ import annotations

import argparse
import ast
import json
from pathlib import Path

import pytest

from webapi_contract import cli
from webapi_contract.config import TABLE, ConfigError, read_pyproject, resolve, resolve_values
from webapi_contract.config.frontends import add_run_options, given_to_run
from webapi_contract.config.table import BORROWED

SRC = Path(__file__).resolve().parents[2] / "src" / "webapi_contract"
TABLE_MODULE = SRC / "config" / "table.py"


# Other commands' own options that share a spelling with a setting of the run: the mock's
# vendor and accepted credentials (serve), the vendor derive writes, selfcheck's vendor, parallel
# runs and suite, report's folder.
OTHER_COMMANDS = {
    ("mock/command.py", "--vendor"),
    ("mock/command.py", "--domain"),
    ("mock/command.py", "--ticket"),
    ("mock/command.py", "--token"),
    ("derive/command.py", "--vendor"),
    ("selfcheck/command.py", "--vendor"),
    ("selfcheck/command.py", "--workers"),
    ("selfcheck/command.py", "--suite"),
    ("selfcheck/command.py", "--generated-examples"),
    ("reports/command.py", "--report-dir"),
}


def _declarations() -> dict[str, str]:
    """Every option spelling and variable of the table -> its setting."""
    found: dict[str, str] = {}
    for setting in TABLE:
        for name in [*setting.env, setting.run_flag, setting.pytest_flag]:
            if name and name != BORROWED:
                found[name] = setting.name
    return found


def _strings(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    ]


def test_no_setting_is_declared_outside_the_table():
    declared = _declarations()
    assert len(declared) > 30  # the scan below looks for something
    offences = []
    for path in sorted(SRC.rglob("*.py")):
        if path == TABLE_MODULE:
            continue
        relative = str(path.relative_to(SRC))
        for line, text in _strings(path):
            for name, setting in declared.items():
                # the name itself, or an option spelled with its value (--name=…)
                if (relative, name) in OTHER_COMMANDS:
                    continue
                if text == name or text.startswith(f"{name}="):
                    offences.append(f"{relative}:{line} names {name} ({setting})")
    assert offences == []


@pytest.mark.parametrize("module", ["run.py", "plugin.py"])
def test_run_and_the_plugin_declare_no_option_of_their_own(module):
    tree = ast.parse((SRC / module).read_text(encoding="utf-8"))
    calls = [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in {"add_argument", "addoption", "addini"}
        and node.args
        and isinstance(node.args[0], ast.Constant)
        and str(node.args[0].value).startswith("-")
    ]
    assert calls == [], f"{module} declares options itself at lines {calls}"


def test_every_pytest_option_is_namespaced():
    for setting in TABLE:
        if setting.pytest_flag and setting.pytest_flag != BORROWED:
            assert setting.pytest_flag.startswith("--webapi-"), setting.name
        assert not (setting.secret and setting.in_pyproject), setting.name


def test_run_options_come_from_the_table():
    parser = argparse.ArgumentParser()
    add_run_options(parser)
    args = parser.parse_args(
        ["--request-timeout=5", "--readonly", "--readonly-contact-id=3", "--readonly-contact-id=4"]
    )
    given = given_to_run(args)
    assert given["timeout"] == "5"
    assert given["readonly"] is True
    assert given["readonly_contact_ids"] == ["3", "4"]
    help_text = parser.format_help()
    for setting in TABLE:
        if setting.run_flag:
            assert setting.run_flag in help_text


def test_pytest_options_come_from_the_table(pytester):
    result = pytester.runpytest_subprocess("--help")
    out = result.stdout.str()
    for setting in TABLE:
        if setting.pytest_flag and setting.pytest_flag != BORROWED:
            assert setting.pytest_flag in out
    # the plain names other plugins use are not ours
    for taken in ("--auth=", "--username=", "--password=", "--token="):
        assert f"  {taken}" not in out


def test_option_beats_environment_beats_pyproject_for_every_kind():
    environ = {
        "WEBAPI_READONLY_CONTACT_IDS": "5, 6",
        "WEBAPI_GENERATED_EXAMPLES": "9",
        "WEBAPI_WORKERS": "0",
    }
    pyproject = {"generated_examples": 3, "readonly_contact_ids": [1], "workers": 4}
    values = resolve_values({"readonly_contact_ids": ["7"]}, environ, pyproject)
    assert values["readonly_contact_ids"] == ("7",)  # text: the vendor says what an id is
    assert values["generated_examples"] == 9
    assert values["workers"] == 0
    assert resolve_values({}, environ, pyproject)["readonly_contact_ids"] == ("5", "6")
    values = resolve_values({}, {}, pyproject)
    assert values["readonly_contact_ids"] == ("1",)
    assert values["generated_examples"] == 3
    assert resolve_values({}, {}, {})["generated_examples"] == 20


@pytest.mark.parametrize(
    ("given", "words"),
    [
        ({"generated_examples": "0"}, "generated-examples: must be at least 1"),
        ({"workers": "-1"}, "workers: must be 0 or more"),
        ({"timeout": "nan"}, "timeout: must be positive"),
    ],
)
def test_bad_values_name_the_setting(given, words):
    with pytest.raises(ConfigError, match=words):
        resolve_values(given, {}, {})


@pytest.mark.parametrize(
    ("given", "words"),
    [
        (
            {"readonly_contact_ids": ["x"]},
            "readonly-contact-ids: expected a whole number",
        ),
        ({"readonly_contact_ids": ["0"]}, "ids are positive"),
        (
            {"readonly_contact_ids": ["12"], "vendor": "odyssee"},
            "readonly-contact-ids: odyssee's ids are guids .* got '12'",
        ),
        (
            {"readonly_contact_ids": ["guid'nope'"], "vendor": "odyssee"},
            "ids are guids",
        ),
    ],
)
def test_ids_of_another_kind_than_the_vendors_are_refused(given, words):
    with pytest.raises(ConfigError, match=words):
        resolve(given, {}, {})


def test_ids_follow_the_vendors_kind():
    assert resolve({"readonly_contact_ids": ["12, 13", "12"]}, {}, {}).readonly_contact_ids == (
        12,
        13,
    )
    guid = "3F2504E0-4F89-11D3-9A0C-0305E82C3301"
    odyssee = resolve(
        {"vendor": "odyssee", "readonly_contact_ids": [guid, f"guid'{guid.lower()}'", f"'{guid}'"]},
        {},
        {},
    )
    assert odyssee.readonly_contact_ids == (guid.lower(),)


def test_pyproject_is_found_above_the_working_folder(tmp_path):
    (tmp_path / "pyproject.toml").write_text(
        "[tool.webapi-contract]\nreadonly-contact-ids = [12, 13]\ngenerated-examples = 4\n"
    )
    below = tmp_path / "a" / "b"
    below.mkdir(parents=True)
    settings = resolve({}, {}, read_pyproject(below))
    assert settings.readonly_contact_ids == (12, 13)
    assert settings.generated_examples == 4


def test_credentials_are_refused_in_pyproject(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.webapi-contract]\npassword = "x"\n')
    with pytest.raises(ConfigError, match="unknown key"):
        read_pyproject(tmp_path)


def test_version(capsys):
    with pytest.raises(SystemExit) as stop:
        cli.main(["--version"])
    assert stop.value.code == 0
    out = capsys.readouterr().out.strip()
    assert out.startswith("webapi-contract ")
    assert out.split()[1][0].isdigit()


def test_every_setting_reaches_the_suite_or_run():
    from dataclasses import fields

    from webapi_contract.config import Settings

    run_only = {"workers", "suite", "suite_only", "no_allure_report"}
    credentials = {"auth", "username", "password", "ticket", "token"}
    suite = {f.name for f in fields(Settings)}
    for setting in TABLE:
        assert setting.name in suite | run_only | credentials, setting.name
        assert json.dumps(setting.default) is not None
