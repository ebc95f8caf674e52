"""The CI recipes' commands really run. Each recipe's own `webapi-contract` command lines, with
one tenant (the embedded mock: no base URL, no credentials) and shards 1..3 of 3, run the way the
CI system would (each shard's report folder carried to the merge job as an artefact, the history
restored from the cache), then its merge command. The image test builds the Dockerfile and runs
it where a container runtime answers (`docker info`); elsewhere it skips and says why
(WEBAPI_REQUIRE_CONTAINER=1 makes it fail instead).
"""

from __future__ import annotations

import fnmatch
import json
import os
import shlex
import shutil
import subprocess
import sys
import tomllib
import uuid
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from support.ci_recipes import (
    GITLAB,
    ROOT,
    RUN_ID,
    TOOL,
    _all_github_commands,
    _dockerfile,
    _github_expand,
    _github_jobs,
    _github_resolver,
    _gitlab_cells,
    _gitlab_jobs,
    _gitlab_variables,
    _option,
    _script,
    _shell_expand,
    _tool_commands,
)

DOCKERIGNORE = ROOT / ".dockerignore"


MOCK_TENANT = "mock"


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


def _tool_env() -> dict[str, str]:
    """This environment without anything a CI system or the user set for the tool."""
    dropped = ("WEBAPI_", "PYTEST_", "GITHUB_", "GITLAB_", "CI_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(dropped) and k != "CI"}
    # Bounded: the clauses only (the commands, the shards and the merge are under test here,
    # not the generated tests, whose sharded merge test_merge_runs.py proves), no Allure HTML,
    # each shard in one process (the recipes leave --workers to the runner; xdist under xdist
    # would only share the same cores).
    env.update(
        {
            "PYTEST_ADDOPTS": "-m 'not generated'",
            "WEBAPI_NO_ALLURE_REPORT": "1",
            "WEBAPI_WORKERS": "0",
        }
    )
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
