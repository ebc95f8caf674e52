"""The CI recipes in ci/ and the Dockerfile: they parse, use only commands, options and variables
that exist, keep credentials in the CI system's secret store, and their commands really run.

The slow tests take each recipe's own `webapi-contract` command lines, put in one tenant (the
embedded mock: no base URL, no credentials) and shards 1..3 of 3, run them the way the CI system
would (each shard's report folder carried to the merge job as an artefact, the history restored
from the cache), then run its merge command. The image test builds the Dockerfile and runs it
where a container runtime answers (`docker info`); elsewhere it skips and says why
(WEBAPI_REQUIRE_CONTAINER=1 makes it fail instead).
"""

from __future__ import annotations

import argparse
import contextlib
import fnmatch
import io
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
import uuid
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml  # type: ignore[import-untyped, unused-ignore]

from webapi_contract.cli import SUBCOMMANDS, build_parser
from webapi_contract.config.table import TABLE

ROOT = Path(__file__).resolve().parents[2]
GITHUB = ROOT / "ci" / "github" / "webapi-contract.yml"
GITLAB = ROOT / "ci" / "gitlab" / "webapi-contract.gitlab-ci.yml"
DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"
README = ROOT / "README.md"
TOOL = "webapi-contract"
RUN_ID = "4242"
MOCK_TENANT = "mock"
# What the settings table reads, and which of those are credentials.
TABLE_ENV = frozenset(name for setting in TABLE for name in setting.env)
SECRET_ENV = frozenset(name for setting in TABLE if setting.secret for name in setting.env)
SECRET_FLAGS = frozenset(setting.run_flag for setting in TABLE if setting.secret)
SHELL_OPERATORS = frozenset({"||", "&&", ";", "|", "&", ";;"})
SHELL_KEYWORDS = frozenset({"if", "then", "else", "elif", "do", "!", "time"})
_ASSIGNMENT = re.compile(r"[A-Za-z_]\w*=")  # NAME=value before a command
GITLAB_RESERVED = frozenset(
    {"variables", "stages", "include", "default", "workflow", "image", "services", "cache"}
)
DOCKER_INSTRUCTIONS = frozenset(
    {
        "FROM", "RUN", "CMD", "LABEL", "EXPOSE", "ENV", "ADD", "COPY", "ENTRYPOINT", "VOLUME",
        "USER", "WORKDIR", "ARG", "ONBUILD", "STOPSIGNAL", "HEALTHCHECK", "SHELL", "MAINTAINER",
    }
)  # fmt: skip

Resolver = Callable[[str], str]


# --- reading the recipes -------------------------------------------------------------------------


def _yaml(path: Path) -> dict[str, Any]:
    loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict), f"{path.name}: not a YAML mapping"
    return loaded


@pytest.fixture(scope="module")
def github() -> dict[str, Any]:
    return _yaml(GITHUB)


@pytest.fixture(scope="module")
def gitlab() -> dict[str, Any]:
    return _yaml(GITLAB)


def _github_jobs(workflow: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(the shard job, the merge job): the job with a shard matrix, the job that needs it."""
    jobs: dict[str, dict[str, Any]] = workflow["jobs"]
    shard = [j for j in jobs.values() if "shard" in j.get("strategy", {}).get("matrix", {})]
    assert len(shard) == 1, "expected one job with strategy.matrix.shard"
    name = next(n for n, j in jobs.items() if j is shard[0])
    merge = [j for j in jobs.values() if name in _as_list(j.get("needs"))]
    assert len(merge) == 1, f"expected one job that needs {name!r}"
    return shard[0], merge[0]


def _gitlab_jobs(pipeline: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(the shard job, the merge job), templates (`extends`) merged in."""
    jobs = {
        name: _extended(pipeline, job)
        for name, job in pipeline.items()
        if name not in GITLAB_RESERVED and not name.startswith(".") and isinstance(job, dict)
    }
    shard = [n for n, j in jobs.items() if "parallel" in j]
    assert len(shard) == 1, "expected one job with parallel:matrix"
    merge = [
        n
        for n, j in jobs.items()
        if any(_need_name(need) == shard[0] for need in j.get("needs", []))
    ]
    assert len(merge) == 1, f"expected one job that needs {shard[0]!r}"
    return jobs[shard[0]], jobs[merge[0]]


def _extended(pipeline: Mapping[str, Any], job: Mapping[str, Any]) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for parent in _as_list(job.get("extends")):
        merged.update(_extended(pipeline, pipeline[parent]))
    merged.update({k: v for k, v in job.items() if k != "extends"})
    return merged


def _need_name(need: Any) -> str:
    return str(need["job"] if isinstance(need, dict) else need)


def _steps_using(job: Mapping[str, Any], action: str) -> list[dict[str, Any]]:
    return [step for step in job["steps"] if str(step.get("uses", "")).startswith(action)]


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _shell_lines(script: str) -> list[str]:
    """The logical lines of a script: backslash continuations joined."""
    return script.replace("\\\n", " ").splitlines()


def _commands(script: str) -> list[list[str]]:
    """The simple commands of a script (split at ; && || |), each as its words."""
    found: list[list[str]] = []
    for line in _shell_lines(script):
        lexer = shlex.shlex(line, posix=True, punctuation_chars=";&|")
        lexer.whitespace_split = True
        lexer.commenters = "#"
        current: list[str] = []
        for token in lexer:
            if token in SHELL_OPERATORS:
                found.append(current)
                current = []
            elif current or not (token in SHELL_KEYWORDS or _ASSIGNMENT.match(token)):
                current.append(token)
        found.append(current)
    return [command for command in found if command]


def _tool_commands(script: str) -> list[list[str]]:
    """The `webapi-contract` command lines of a script, without the program name."""
    return [command[1:] for command in _commands(script) if command[0] == TOOL]


# --- ${{ expressions }} and $VARIABLES -----------------------------------------------------------

_EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
_SECRET_STORE = re.compile(r"(secrets|vars)(\.\w+|\[[^\]]+\])")
_VARIABLE = re.compile(r"\$(\w+)|\$\{(\w+)\}")


def _github_resolver(shard: int, tenant: Mapping[str, Any]) -> Resolver:
    """The values of the workflow's expressions in one matrix cell; the secret store is empty
    (the embedded mock needs no base URL and no credentials)."""
    fixed = {"matrix.shard": str(shard), "github.run_id": RUN_ID, "github.run_attempt": "1"}

    def resolve(expression: str) -> str:
        if expression in fixed:
            return fixed[expression]
        if expression.startswith("matrix.tenant."):
            value = tenant.get(expression.removeprefix("matrix.tenant."))
            return "" if value is None else str(value).lower() if isinstance(value, bool) else value
        if _SECRET_STORE.fullmatch(expression):
            return ""
        pytest.fail(f"{GITHUB.name}: the test knows no value for ${{{{ {expression} }}}}")

    return resolve


def _github_expand(text: str, resolve: Resolver) -> str:
    return _EXPRESSION.sub(lambda m: resolve(m.group(1)), text)


def _shell_expand(word: str, variables: Mapping[str, str], where: str) -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group(1) or match.group(2)
        if name not in variables:
            pytest.fail(f"{where}: the test knows no value for ${name}")
        return variables[name]

    return _VARIABLE.sub(value, word)


def _gitlab_variables(
    pipeline: Mapping[str, Any], job: Mapping[str, Any], cell: Mapping[str, str]
) -> dict[str, str]:
    """The variables a job of one matrix cell sees (no CI/CD variables: the embedded mock)."""
    found = {"CI_PIPELINE_ID": RUN_ID, "CI_COMMIT_REF_SLUG": "main"}
    found.update({k: str(v) for k, v in pipeline.get("variables", {}).items()})
    found.update({k: str(v) for k, v in job.get("variables", {}).items()})
    found.update(cell)
    return found


def _gitlab_cells(job: Mapping[str, Any]) -> list[dict[str, str]]:
    """Every cell of a parallel:matrix."""
    cells: list[dict[str, str]] = []
    for entry in job["parallel"]["matrix"]:
        grid: list[dict[str, str]] = [{}]
        for name, values in entry.items():
            grid = [{**cell, name: str(v)} for cell in grid for v in _as_list(values)]
        cells.extend(grid)
    return cells


def _github_cells(job: Mapping[str, Any]) -> list[tuple[int, dict[str, Any]]]:
    matrix = job["strategy"]["matrix"]
    return [(shard, tenant) for tenant in matrix["tenant"] for shard in matrix["shard"]]


def _script(job: Mapping[str, Any]) -> str:
    parts = [*_as_list(job.get("before_script")), *_as_list(job.get("script"))]
    return "\n".join(str(part) for part in parts)


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


def _all_github_commands(workflow: Mapping[str, Any]) -> list[list[str]]:
    shard_job, merge_job = _github_jobs(workflow)
    commands: list[list[str]] = []
    for shard, tenant in _github_cells(shard_job):
        resolve = _github_resolver(shard, tenant)
        for job in (shard_job, merge_job):
            for step in job["steps"]:
                if "run" in step:
                    commands += _tool_commands(_github_expand(step["run"], resolve))
    return commands


def _all_gitlab_commands(pipeline: Mapping[str, Any]) -> list[list[str]]:
    shard_job, merge_job = _gitlab_jobs(pipeline)
    commands: list[list[str]] = []
    for cell in _gitlab_cells(shard_job):
        for job in (shard_job, merge_job):
            variables = _gitlab_variables(pipeline, job, cell)
            for argv in _tool_commands(_script(job)):
                commands.append([_shell_expand(w, variables, GITLAB.name) for w in argv])
    return commands


def _dockerfile() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of the Dockerfile, continuation lines joined."""
    instructions: list[tuple[str, str]] = []
    text = re.sub(r"\\\n(\s*#[^\n]*\n)*", " ", DOCKERFILE.read_text(encoding="utf-8"))
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            keyword, _, arguments = line.strip().partition(" ")
            instructions.append((keyword.upper(), arguments.strip()))
    return instructions


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


def _option(argv: list[str], name: str) -> str:
    assert name in argv, f"webapi-contract {shlex.join(argv)}: no {name}"
    return argv[argv.index(name) + 1]


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


def _ignored(path: str, patterns: list[str]) -> bool:
    ignored = False
    for pattern in patterns:
        negate = pattern.startswith("!")
        bare = pattern.removeprefix("!").strip("/")
        parts = path.split("/")
        prefixes = ["/".join(parts[: n + 1]) for n in range(len(parts))]
        for prefix in prefixes:
            if fnmatch.fnmatchcase(prefix, bare) or fnmatch.fnmatchcase(prefix, f"**/{bare}"):
                ignored = not negate
    return ignored


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


def test_the_image_build_copies_everything_the_wheel_needs() -> None:
    """What hatch packs (the package, the force-included data, the readme) is copied into the
    build stage and not excluded by .dockerignore; secrets-prone folders are excluded."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    wheel = project["tool"]["hatch"]["build"]["targets"]["wheel"]
    needed = [*wheel["packages"], *wheel.get("force-include", {}), project["project"]["readme"]]
    copied = [
        source
        for keyword, arguments in _dockerfile()
        if keyword == "COPY" and "--from" not in arguments
        for source in arguments.split()[:-1]
    ]
    missing = [n for n in needed if not any(n == c or n.startswith(f"{c}/") for c in copied)]
    assert not missing, f"the build stage does not copy {missing}"
    patterns = [
        line.strip()
        for line in DOCKERIGNORE.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    excluded = [c for c in copied if _ignored(c, patterns) or not (ROOT / c).exists()]
    assert not excluded, f"copied but excluded by .dockerignore or absent: {excluded}"
    for kept_out in (".venv", ".git", "reports", ".mypy_cache", "src/x/__pycache__"):
        assert _ignored(kept_out, patterns), f".dockerignore lets {kept_out} in"


# --- slow: the recipes' commands, run ------------------------------------------------------------


def _tool_env() -> dict[str, str]:
    """This environment without anything a CI system or the user set for the tool."""
    dropped = ("WEBAPI_", "PYTEST_", "GITHUB_", "GITLAB_", "CI_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(dropped) and k != "CI"}
    # Bounded: 3 generated examples per variant, no Allure HTML.
    env.update({"WEBAPI_GENERATED_EXAMPLES": "3", "WEBAPI_NO_ALLURE_REPORT": "1"})
    return env


def _execute(
    argv: list[str], cwd: Path, env: Mapping[str, str]
) -> subprocess.CompletedProcess[str]:
    """One `webapi-contract` command line as a shell would run it (globs expanded in cwd)."""
    words: list[str] = []
    for word in argv:
        matches = sorted(str(p.relative_to(cwd)) for p in cwd.glob(word)) if "*" in word else []
        words += matches or [word]
    program = Path(sys.executable).with_name(TOOL)
    command = [str(program)] if program.exists() else [sys.executable, "-m", "webapi_contract"]
    return subprocess.run(
        [*command, *words],
        cwd=cwd,
        env={**_tool_env(), **env},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def _checked(done: subprocess.CompletedProcess[str], argv: list[str]) -> None:
    output = (done.stdout[-4000:] + done.stderr[-4000:]).strip()
    command = f"webapi-contract {shlex.join(argv)}"
    assert done.returncode == 0, f"{command}: exit {done.returncode}\n{output}"


def _copy_tree(source: Path, target: Path) -> None:
    assert source.is_dir(), f"{source} was not written"
    shutil.copytree(source, target, dirs_exist_ok=True)


EARLIER = {"time": "2026-01-01T02:00:00Z", "target": MOCK_TENANT, "run_id": "1", "shard": None}
EARLIER_LINE = json.dumps({**EARLIER, "status": "passed", "passed": 1, "failed": 0, "skipped": 0})


def _run_github(workflow: Mapping[str, Any], work: Path) -> Path:
    """The workflow with one tenant (the embedded mock): shards, artefacts, cache, merge."""
    shard_job, merge_job = _github_jobs(workflow)
    shards = shard_job["strategy"]["matrix"]["shard"]
    artefacts = work / "artefacts"
    for shard in shards:
        resolve = _github_resolver(shard, {"name": MOCK_TENANT})
        job_dir = work / f"shard-{shard}"
        job_dir.mkdir()
        env: dict[str, str] = {}
        for step in shard_job["steps"]:
            step_env = {
                **workflow.get("env", {}),
                **shard_job.get("env", {}),
                **step.get("env", {}),
            }
            env = {k: _github_expand(str(v), resolve) for k, v in step_env.items()}
            for argv in _tool_commands(_github_expand(str(step.get("run", "")), resolve)):
                _checked(_execute(argv, job_dir, env), argv)
            if str(step.get("uses", "")).startswith("actions/upload-artifact@"):
                upload = {k: _github_expand(str(v), resolve) for k, v in step["with"].items()}
                _copy_tree(job_dir / upload["path"], artefacts / upload["name"])
    merge_dir = work / "merge"
    merge_dir.mkdir()
    resolve = _github_resolver(0, {})
    for step in merge_job["steps"]:
        uses = str(step.get("uses", ""))
        if uses.startswith("actions/download-artifact@"):
            pattern, into = step["with"]["pattern"], merge_dir / step["with"]["path"]
            for artefact in sorted(artefacts.iterdir()):
                if fnmatch.fnmatchcase(artefact.name, pattern):
                    _copy_tree(artefact, into / artefact.name)
        if uses.startswith("actions/cache/restore@"):  # last night's history, from the cache
            restored = merge_dir / step["with"]["path"]
            restored.parent.mkdir(parents=True)
            restored.write_text(EARLIER_LINE + "\n", encoding="utf-8")
        for argv in _tool_commands(_github_expand(str(step.get("run", "")), resolve)):
            _checked(_execute(argv, merge_dir, {}), argv)
    merge_argv = next(a for a in _all_github_commands(workflow) if a[0] == "merge")
    return merge_dir / _option(merge_argv, "--out")


def _run_gitlab(pipeline: Mapping[str, Any], work: Path) -> Path:
    """The pipeline with one tenant (the embedded mock): shard jobs, artefacts, cache, merge."""
    shard_job, merge_job = _gitlab_jobs(pipeline)
    shards = sorted({c["SHARD"] for c in _gitlab_cells(shard_job)}, key=int)
    merge_dir = work / "merge"
    for shard in shards:
        cell = {"TENANT": MOCK_TENANT, "SHARD": shard}
        variables = _gitlab_variables(pipeline, shard_job, cell)
        job_dir = work / f"shard-{shard}"
        job_dir.mkdir()
        for argv in _tool_commands(_script(shard_job)):
            expanded = [_shell_expand(w, variables, GITLAB.name) for w in argv]
            _checked(_execute(expanded, job_dir, {}), expanded)
        for path in shard_job["artifacts"]["paths"]:  # artefacts land at the same paths
            relative = _shell_expand(path, variables, GITLAB.name).rstrip("/")
            _copy_tree(job_dir / relative, merge_dir / relative)
    history = merge_dir / merge_job["cache"]["paths"][0]  # last night's history, from the cache
    history.parent.mkdir(parents=True)
    history.write_text(EARLIER_LINE + "\n", encoding="utf-8")
    variables = _gitlab_variables(pipeline, merge_job, {})
    out: Path | None = None
    for argv in _tool_commands(_script(merge_job)):
        expanded = [_shell_expand(w, variables, GITLAB.name) for w in argv]
        _checked(_execute(expanded, merge_dir, {}), expanded)
        if expanded[0] == "merge":
            out = merge_dir / _option(expanded, "--out")
    assert out is not None, "no merge command"
    return out


@pytest.mark.slow
@pytest.mark.parametrize("recipe", ["github", "gitlab"])
def test_recipe_commands_run_three_shards_and_merge_them(
    recipe: str, github: dict[str, Any], gitlab: dict[str, Any], tmp_path: Path
) -> None:
    merged = _run_github(github, tmp_path) if recipe == "github" else _run_gitlab(gitlab, tmp_path)

    document = json.loads((merged / "conformance.json").read_text(encoding="utf-8"))
    assert document["format"] == "webapi-contract/conformance/1"  # one target: one run document
    assert document["status"] == "passed"
    assert document["exit_status"] == 0
    assert document["target"]["key"] == MOCK_TENANT
    assert document["run"]["id"] == RUN_ID
    assert document["run"]["shard"] is None
    assert sorted(m["shard"]["index"] for m in document["run"]["merged_from"]) == [1, 2, 3]

    shard_docs = [
        json.loads(path.read_text(encoding="utf-8"))
        for path in sorted(tmp_path.glob("shard-*/**/conformance.json"))
    ]
    assert len(shard_docs) == 3
    by_shard = [
        {c["id"] for c in doc["clauses"] if c["verdict"] != "not run"} for doc in shard_docs
    ]
    ids = [c["id"] for c in document["clauses"]]
    assert len(ids) == len(set(ids)), "a clause appears twice in the merged run"
    assert sum(map(len, by_shard)) == len(set().union(*by_shard)), "a clause ran in two shards"
    assert set(ids) == set().union(*by_shard), "the merged run lost or invented a clause"
    assert all(c["verdict"] == "passed" for c in document["clauses"])
    assert document["totals"]["clauses"] == len(ids) >= 25

    lines = (merged / "history.jsonl").read_text(encoding="utf-8").splitlines()
    runs = [json.loads(line) for line in lines]
    assert [(r["time"], r["target"], r["run_id"]) for r in runs[:1]] == [
        (EARLIER["time"], MOCK_TENANT, "1")
    ], "the restored history was not kept"
    assert [(r["target"], r["run_id"]) for r in runs[1:]] == [(MOCK_TENANT, RUN_ID)]
    assert (merged / "junit.xml").is_file()
    assert (merged / "conformance.html").is_file()


# --- slow: the image, where a container runtime answers ------------------------------------------


def _container_runtime() -> str:
    problems: list[str] = []
    for name in ("docker", "podman"):
        program = shutil.which(name)
        if program is None:
            problems.append(f"no {name}")
            continue
        info = subprocess.run(
            [program, "info"], capture_output=True, text=True, timeout=60, check=False
        )
        if info.returncode == 0:
            return program
        last = (info.stderr.strip().splitlines() or ["failed"])[-1]
        problems.append(f"`{name} info`: {last}")
    reason = "no usable container runtime (" + "; ".join(problems) + ")"
    if os.environ.get("WEBAPI_REQUIRE_CONTAINER") == "1":
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def image() -> Iterator[tuple[str, str]]:
    runtime = _container_runtime()
    tag = f"webapi-contract-test:{uuid.uuid4().hex[:12]}"
    built = subprocess.run(
        [runtime, "build", "--tag", tag, str(ROOT)],
        capture_output=True,
        text=True,
        timeout=1200,
        check=False,
    )
    output = built.stdout[-3000:] + built.stderr[-3000:]
    assert built.returncode == 0, f"{runtime} build failed:\n{output}"
    yield runtime, tag
    subprocess.run([runtime, "rmi", "--force", tag], capture_output=True, timeout=120, check=False)


def _in_container(runtime: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [runtime, "run", "--rm", *args], capture_output=True, text=True, timeout=900, check=False
    )


@pytest.mark.slow
def test_image_shows_run_help(image: tuple[str, str]) -> None:
    runtime, tag = image
    done = _in_container(runtime, tag, "run", "--help")
    assert done.returncode == 0, done.stderr
    assert "--shard I/N" in done.stdout
    user = _in_container(runtime, "--entrypoint", "id", tag, "-u")
    assert user.returncode == 0, user.stderr
    assert user.stdout.strip() != "0", "the image runs as root"


@pytest.mark.slow
def test_image_runs_the_suite_into_a_mounted_folder(image: tuple[str, str], tmp_path: Path) -> None:
    runtime, tag = image
    reports = tmp_path / "reports"
    reports.mkdir()
    reports.chmod(0o777)  # the image's own non-root user writes here
    done = _in_container(
        runtime,
        "--volume",
        f"{reports}:/reports",
        "--env",
        "WEBAPI_GENERATED_EXAMPLES=3",
        tag,  # the image's default command: run --report-dir /reports
    )
    assert done.returncode == 0, f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    document = json.loads((reports / "conformance.json").read_text(encoding="utf-8"))
    assert document["status"] == "passed"
    assert document["target"]["embedded"] is True
    assert (reports / "junit.xml").is_file()
