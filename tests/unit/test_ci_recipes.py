"""The CI recipes in ci/ and the Dockerfile: they parse, use only commands, options and variables
that exist, and keep credentials in the CI system's secret store. Running their commands (three
shards and the merge, the image) is tests/integration/test_ci_recipe_runs.py.
"""

from __future__ import annotations

import argparse
import contextlib
import fnmatch
import io
import json
import re
import shlex
from collections.abc import Iterator, Mapping
from typing import Any

from support.ci_recipes import (
    DOCKERFILE,
    GITHUB,
    GITLAB,
    ROOT,
    TOOL,
    _all_github_commands,
    _commands,
    _dockerfile,
    _github_cells,
    _github_expand,
    _github_jobs,
    _github_resolver,
    _gitlab_cells,
    _gitlab_jobs,
    _gitlab_variables,
    _need_name,
    _option,
    _script,
    _shell_expand,
    _tool_commands,
)

from webapi_contract.cli import SUBCOMMANDS, build_parser
from webapi_contract.config.table import TABLE

README = ROOT / "README.md"
# What the settings table reads, and which of those are credentials.
TABLE_ENV = frozenset(name for setting in TABLE for name in setting.env)
SECRET_ENV = frozenset(name for setting in TABLE if setting.secret for name in setting.env)
SECRET_FLAGS = frozenset(setting.run_flag for setting in TABLE if setting.secret)
DOCKER_INSTRUCTIONS = frozenset(
    {
        "FROM", "RUN", "CMD", "LABEL", "EXPOSE", "ENV", "ADD", "COPY", "ENTRYPOINT", "VOLUME",
        "USER", "WORKDIR", "ARG", "ONBUILD", "STOPSIGNAL", "HEALTHCHECK", "SHELL", "MAINTAINER",
    }
)  # fmt: skip


# --- reading the recipes -------------------------------------------------------------------------


def _steps_using(job: Mapping[str, Any], action: str) -> list[dict[str, Any]]:
    return [step for step in job["steps"] if str(step.get("uses", "")).startswith(action)]


# --- ${{ expressions }} and $VARIABLES -----------------------------------------------------------


# --- every command line: subcommand and options exist --------------------------------------------


def _parse_problem(argv: list[str]) -> str | None:
    """Why the tool's parser refuses argv (None: accepted)."""
    if not argv or argv[0] not in SUBCOMMANDS:
        return f"{argv[:1]} is not a subcommand ({', '.join(SUBCOMMANDS)})"
    parser = build_parser()
    errors = io.StringIO()
    try:
        with contextlib.redirect_stderr(errors), contextlib.redirect_stdout(io.StringIO()):
            parser.parse_args(argv)
    except SystemExit as exc:
        return f"refused (exit {exc.code}): {errors.getvalue().strip()}"
    # argparse takes a prefix of an option too; a recipe spells every option in full.
    subparsers = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    known = subparsers.choices[argv[0]]._option_string_actions
    words = argv[1 : argv.index("--")] if "--" in argv else argv[1:]
    spelled = [w.split("=")[0] for w in words if w.startswith("--")]
    unknown = [option for option in spelled if option not in known]
    return f"not an option of {argv[0]}, in full: {unknown}" if unknown else None


def _all_gitlab_commands(pipeline: Mapping[str, Any]) -> list[list[str]]:
    shard_job, merge_job = _gitlab_jobs(pipeline)
    commands: list[list[str]] = []
    for cell in _gitlab_cells(shard_job):
        for job in (shard_job, merge_job):
            variables = _gitlab_variables(pipeline, job, cell)
            for argv in _tool_commands(_script(job)):
                commands.append([_shell_expand(w, variables, GITLAB.name) for w in argv])
    return commands


def _exec_form(arguments: str) -> list[str]:
    value = json.loads(arguments)
    assert isinstance(value, list), f"not the exec (JSON) form: {arguments}"
    return [str(v) for v in value]


def _final_stage(instructions: list[tuple[str, str]]) -> list[tuple[str, str]]:
    last = max(i for i, (keyword, _) in enumerate(instructions) if keyword == "FROM")
    return instructions[last:]


def _docker_argv() -> list[str]:
    final = _final_stage(_dockerfile())
    entrypoint = [_exec_form(a) for k, a in final if k == "ENTRYPOINT"][-1]
    command = [_exec_form(a) for k, a in final if k == "CMD"][-1]
    return [*entrypoint, *command]


def _readme_sections() -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index("## Run it in CI")
    many = text.index("## Many tenants", start)
    end = text.find("\n## ", many + 1)
    return text[start : len(text) if end < 0 else end]


def _readme_commands() -> list[list[str]]:
    blocks = re.findall(r"```(?:sh|bash|console)?\n(.*?)```", _readme_sections(), re.S)
    return [argv for block in blocks for argv in _tool_commands(block)]


def test_both_recipes_parse_as_yaml(github: dict[str, Any], gitlab: dict[str, Any]) -> None:
    keys: dict[Any, Any] = github  # YAML 1.1 reads a bare `on` as true
    triggers = keys.get("on", keys.get(True))
    assert isinstance(triggers, dict)
    assert {"schedule", "workflow_dispatch"} <= set(triggers)
    assert triggers["schedule"][0]["cron"]
    _github_jobs(github)
    _gitlab_jobs(gitlab)


def test_every_command_names_a_subcommand_and_options_it_accepts(
    github: dict[str, Any], gitlab: dict[str, Any]
) -> None:
    found = {
        GITHUB.name: _all_github_commands(github),
        GITLAB.name: _all_gitlab_commands(gitlab),
        DOCKERFILE.name: [_docker_argv()[1:]],
        "README.md (Run it in CI, Many tenants)": _readme_commands(),
    }
    for where in (GITHUB.name, GITLAB.name):
        subcommands = {argv[0] for argv in found[where]}
        assert {"run", "merge"} <= subcommands, f"{where}: run and merge commands expected"
    assert found["README.md (Run it in CI, Many tenants)"], "the README sections show no command"
    problems = [
        f"{where}: webapi-contract {shlex.join(argv)}: {problem}"
        for where, commands in found.items()
        for argv in commands
        if (problem := _parse_problem(argv))
    ]
    assert not problems, "\n".join(problems)


def test_shards_named_in_the_commands_match_the_matrix(
    github: dict[str, Any], gitlab: dict[str, Any]
) -> None:
    shard_job, _ = _github_jobs(github)
    github_shards = shard_job["strategy"]["matrix"]["shard"]
    gitlab_shard_job, _ = _gitlab_jobs(gitlab)
    gitlab_shards = sorted({int(c["SHARD"]) for c in _gitlab_cells(gitlab_shard_job)})
    for where, commands, shards in (
        (GITHUB.name, _all_github_commands(github), github_shards),
        (GITLAB.name, _all_gitlab_commands(gitlab), gitlab_shards),
    ):
        assert shards == list(range(1, len(shards) + 1)), f"{where}: shards {shards}"
        named = {
            argv[argv.index("--shard") + 1] for argv in commands if "--shard" in argv
        }  # every I/N of every matrix cell
        wanted = {f"{i}/{len(shards)}" for i in shards}
        assert named == wanted, f"{where}: --shard values {sorted(named)}, matrix {sorted(wanted)}"


def test_every_webapi_variable_named_is_one_the_settings_table_reads() -> None:
    unknown = {
        f"{path.name}: {name}"
        for path in (GITHUB, GITLAB, DOCKERFILE)
        for name in re.findall(r"\bWEBAPI_[A-Z0-9_]+\b", path.read_text(encoding="utf-8"))
        if name not in TABLE_ENV
    }
    unknown |= {
        f"README.md: {name}"
        for name in re.findall(r"\bWEBAPI_[A-Z0-9_]+\b", _readme_sections())
        if name not in TABLE_ENV
    }
    assert not unknown, f"not in config/table.py: {sorted(unknown)}"


def _github_env_blocks(workflow: Mapping[str, Any]) -> Iterator[tuple[str, Mapping[str, Any]]]:
    yield "env", workflow.get("env", {})
    for job_name, job in workflow["jobs"].items():
        yield f"jobs.{job_name}.env", job.get("env", {})
        for n, step in enumerate(job.get("steps", [])):
            yield f"jobs.{job_name}.steps[{n}].env", step.get("env", {})


def test_github_credentials_come_only_from_the_secret_store(github: dict[str, Any]) -> None:
    problems: list[str] = []
    given: set[str] = set()
    for where, env in _github_env_blocks(github):
        for name, value in env.items():
            if name in SECRET_ENV:
                given.add(name)
                if not re.fullmatch(r"\$\{\{\s*secrets(\.\w+|\[[^\]]+\])\s*\}\}", str(value)):
                    problems.append(f"{where}.{name} = {value!r}: not a secrets.* reference")
    for job_name, job in github["jobs"].items():
        for step in job.get("steps", []):
            script = str(step.get("run", ""))
            if "secrets" in script:
                problems.append(f"jobs.{job_name}: a run script reads secrets (use env)")
            for command in _commands(script):
                flags = SECRET_FLAGS & {word.split("=")[0] for word in command}
                problems += [f"jobs.{job_name}: {flag} on a command line" for flag in flags]
    assert given, "no credential is given to the runs"
    assert not problems, "\n".join(problems)


def test_gitlab_credentials_come_only_from_ci_cd_variables(gitlab: dict[str, Any]) -> None:
    shard_job, merge_job = _gitlab_jobs(gitlab)
    declared = {*gitlab.get("variables", {}), *shard_job.get("variables", {})}
    assert not declared & SECRET_ENV, f"credentials set in the file: {declared & SECRET_ENV}"
    words = {
        word.split("=")[0]
        for job in (shard_job, merge_job)
        for command in _commands(_script(job))
        for word in command
    }
    assert not words & SECRET_FLAGS, f"credentials on a command line: {words & SECRET_FLAGS}"
    exported = re.findall(r"\bexport\s+(WEBAPI_\w+)=(\S*)", _script(shard_job))
    literal = [name for name, value in exported if name in SECRET_ENV and "$" not in value]
    assert not literal, f"credentials as literals: {literal}"
    # The tenant's CI/CD variables reach the shard jobs through its environment scope.
    assert "$TENANT" in shard_job["environment"]["name"]
    assert shard_job["environment"]["action"] in {"access", "prepare", "verify"}  # no deployment
    assert "environment" not in merge_job, "the merge job needs no tenant's credentials"


def test_dockerfile_sets_no_credential() -> None:
    named = {
        name
        for keyword, arguments in _dockerfile()
        if keyword in {"ENV", "ARG"}
        for name in re.findall(r"\b(WEBAPI_\w+)", arguments)
    }
    assert not named & SECRET_ENV, f"credentials in the image: {named & SECRET_ENV}"


# --- how the pieces fit: artefacts, history cache, junit ------------------------------------------


def test_github_artefacts_reach_the_merge_and_the_history_is_kept(
    github: dict[str, Any],
) -> None:
    shard_job, merge_job = _github_jobs(github)
    assert shard_job["strategy"]["fail-fast"] is False
    assert re.search(r"always\(\)|!cancelled\(\)", str(merge_job["if"])), "merge must always run"
    run_steps = [s for s in shard_job["steps"] if _tool_commands(str(s.get("run", "")))]
    assert run_steps, "no webapi-contract run step"
    assert all(s.get("continue-on-error") is True for s in run_steps), (
        "a failed clause must not stop the shard's upload (continue-on-error)"
    )
    uploads = _steps_using(shard_job, "actions/upload-artifact@v4")
    assert len(uploads) == 1
    assert re.search(r"always\(\)|!cancelled\(\)", str(uploads[0]["if"]))
    downloads = _steps_using(merge_job, "actions/download-artifact@v4")
    assert len(downloads) == 1
    assert downloads[0]["with"]["merge-multiple"] is False
    names: set[str] = set()
    for shard, tenant in _github_cells(shard_job):
        resolve = _github_resolver(shard, tenant)
        argv = next(a for s in run_steps for a in _tool_commands(_github_expand(s["run"], resolve)))
        upload = {k: _github_expand(str(v), resolve) for k, v in uploads[0]["with"].items()}
        assert upload["path"].rstrip("/") == _option(argv, "--report-dir").rstrip("/")
        assert fnmatch.fnmatchcase(upload["name"], downloads[0]["with"]["pattern"])
        names.add(upload["name"])
    assert len(names) == len(_github_cells(shard_job)), "artefact names must be unique"

    merge_argv = _all_github_commands(github)[-1]
    assert merge_argv[0] == "merge"
    out = _option(merge_argv, "--out").rstrip("/")
    uses = {str(s.get("uses", "")).split("@")[0]: s for s in merge_job["steps"]}
    restore, save = uses["actions/cache/restore"], uses["actions/cache/save"]
    assert restore["with"]["path"] == save["with"]["path"] == f"{out}/history.jsonl"
    assert "github.ref_name" in restore["with"]["key"]
    assert str(save["with"]["key"]).startswith(str(restore["with"]["restore-keys"]))
    assert re.search(r"always\(\)|!cancelled\(\)", str(save["if"])), "save a failing night too"
    junit = uses["mikepenz/action-junit-report"]
    assert junit["with"]["report_paths"] == f"{out}/junit.xml"
    assert merge_job["permissions"]["checks"] == "write"


def test_gitlab_artefacts_reach_the_merge_and_the_history_is_kept(
    gitlab: dict[str, Any],
) -> None:
    shard_job, merge_job = _gitlab_jobs(gitlab)
    assert shard_job["artifacts"]["when"] == "always"
    for cell in _gitlab_cells(shard_job):
        variables = _gitlab_variables(gitlab, shard_job, cell)
        argv = next(a for a in _tool_commands(_script(shard_job)) if a[0] == "run")
        report_dir = _shell_expand(_option(argv, "--report-dir"), variables, GITLAB.name)
        paths = [_shell_expand(p, variables, GITLAB.name) for p in shard_job["artifacts"]["paths"]]
        assert report_dir.rstrip("/") in [p.rstrip("/") for p in paths]
    assert any(r.get("when") == "always" for r in merge_job["rules"]), "merge must always run"
    assert all(_need_name(n) for n in merge_job["needs"])
    merge_argv = next(a for a in _tool_commands(_script(merge_job)) if a[0] == "merge")
    out = _option(merge_argv, "--out").rstrip("/")
    assert f"{out}/history.jsonl" in merge_job["cache"]["paths"]
    assert merge_job["cache"]["when"] == "always"
    assert merge_job["artifacts"]["reports"]["junit"] == f"{out}/junit.xml"
    assert merge_job["artifacts"]["when"] == "always"


# --- the Dockerfile ------------------------------------------------------------------------------


def test_dockerfile_builds_the_wheel_and_runs_the_tool_as_non_root() -> None:
    instructions = _dockerfile()
    unknown = [keyword for keyword, _ in instructions if keyword not in DOCKER_INSTRUCTIONS]
    assert not unknown, f"unknown instructions: {unknown}"
    bases = [arguments.split()[0] for keyword, arguments in instructions if keyword == "FROM"]
    assert bases == ["python:3.12-slim", "python:3.12-slim"], bases
    final = _final_stage(instructions)
    assert [_exec_form(a) for k, a in final if k == "ENTRYPOINT"] == [[TOOL]]
    users = [a for k, a in final if k == "USER"]
    assert users, "no USER: the tool would run as root"
    assert users[-1].split(":")[0] not in {"root", "0"}, users[-1]
    volumes = [a for k, a in final if k == "VOLUME"]
    argv = _docker_argv()[1:]
    assert argv[0] == "run"
    assert volumes == [_option(argv, "--report-dir")], (volumes, argv)


# --- slow: the recipes' commands, run ------------------------------------------------------------


# --- slow: the image, where a container runtime answers ------------------------------------------
