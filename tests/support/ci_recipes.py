"""The CI recipes read as a runner would: their jobs, shell lines and the commands of our tool,
with the runners' variables expanded."""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml  # type: ignore[import-untyped, unused-ignore]

ROOT = Path(__file__).resolve().parents[2]


GITHUB = ROOT / "ci" / "github" / "webapi-contract.yml"


GITLAB = ROOT / "ci" / "gitlab" / "webapi-contract.gitlab-ci.yml"


DOCKERFILE = ROOT / "Dockerfile"


TOOL = "webapi-contract"


RUN_ID = "4242"


SHELL_OPERATORS = frozenset({"||", "&&", ";", "|", "&", ";;"})


SHELL_KEYWORDS = frozenset({"if", "then", "else", "elif", "do", "!", "time"})


_ASSIGNMENT = re.compile(r"[A-Za-z_]\w*=")  # NAME=value before a command


GITLAB_RESERVED = frozenset(
    {"variables", "stages", "include", "default", "workflow", "image", "services", "cache"}
)


Resolver = Callable[[str], str]


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


def _dockerfile() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of the Dockerfile, continuation lines joined."""
    instructions: list[tuple[str, str]] = []
    text = re.sub(r"\\\n(\s*#[^\n]*\n)*", " ", DOCKERFILE.read_text(encoding="utf-8"))
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            keyword, _, arguments = line.strip().partition(" ")
            instructions.append((keyword.upper(), arguments.strip()))
    return instructions


def _option(argv: list[str], name: str) -> str:
    assert name in argv, f"webapi-contract {shlex.join(argv)}: no {name}"
    return argv[argv.index(name) + 1]
