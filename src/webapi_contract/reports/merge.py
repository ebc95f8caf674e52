"""Merging report folders: the shards of one run into one run, several runs into a fleet.

`webapi-contract merge DIR... --out DIR` (merge_command) reads each folder with `load_folder`,
groups them by (target key, run id) with `group_runs` (which refuses incomplete, duplicated or
inconsistent shards), turns each group into one run document with `merge_run` (shards are
re-judged by `Collector.build`, so the verdicts and totals are those an unsharded run gives), and,
for several runs, builds the fleet document with `fleet`. `combine_junit` joins the folders'
junit.xml files. Everything here is data in, data out; nothing is read from the environment.
"""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from webapi_contract.reports.conformance import (
    FORMAT,
    MUST,
    Collector,
    could_not_run,
    now_iso,
    read_json,
)
from webapi_contract.reports.history import target_key

__all__ = [
    "COULD_NOT_RUN",
    "FLEET_FORMAT",
    "Folder",
    "MergeError",
    "columns",
    "combine_junit",
    "exit_code",
    "fleet",
    "group_runs",
    "load_folder",
    "merge_run",
    "read_junit",
    "rebase_links",
    "run_label",
]

FLEET_FORMAT = "webapi-contract/fleet/1"
COULD_NOT_RUN = "could not run"
JUNIT = "junit.xml"
CONFORMANCE = "conformance.json"
# Worst first: the fleet's status is the worst of its runs'.
_STATUS_ORDER = ("failed", COULD_NOT_RUN, "nothing run", "passed")
# pytest's exit statuses that say nothing beyond the verdicts: ok, failed, nothing collected.
_PLAIN_EXIT = (0, 1, 5)


class MergeError(Exception):
    """The folders cannot be merged; the message is one line naming what is wrong."""


@dataclass(frozen=True)
class Folder:
    """One report folder given to merge: its path as given, its run document, its junit.xml."""

    path: Path
    data: dict[str, Any]
    junit: Path | None

    @property
    def key(self) -> str:
        """The target key the run was made against."""
        return target_key(self.data) or "unnamed target"

    @property
    def run_id(self) -> str | None:
        """The run id (None for a report written before runs had ids)."""
        run = self.data.get("run")
        value = run.get("id") if isinstance(run, Mapping) else None
        return None if value is None else str(value)

    @property
    def shard(self) -> tuple[int, int] | None:
        """(index, total) of a shard, None for an unsharded run."""
        run = self.data.get("run")
        shard = run.get("shard") if isinstance(run, Mapping) else None
        if shard is None:
            return None
        if not isinstance(shard, Mapping):
            raise MergeError(f"{self.path / CONFORMANCE}: run.shard is not {{index, total}}")
        index, total = shard.get("index"), shard.get("total")
        if not (
            isinstance(index, int)
            and isinstance(total, int)
            and not isinstance(index, bool)
            and not isinstance(total, bool)
            and 1 <= index <= total
        ):
            raise MergeError(f"{self.path / CONFORMANCE}: run.shard {index}/{total} is no shard")
        return index, total


def run_label(key: str, run_id: str | None) -> str:
    """How messages name a run: "run <id> on <target key>"."""
    return f"run {run_id} on {key}" if run_id is not None else f"the run on {key}"


def load_folder(path: Path) -> Folder:
    """The report folder at path; MergeError when it holds no run document of ours."""
    if not path.is_dir():
        raise MergeError(f"{path}: no such folder")
    document = path / CONFORMANCE
    if not document.is_file():
        raise MergeError(f"{path}: no {CONFORMANCE} (not a webapi-contract report folder)")
    try:
        data = read_json(document)
    except (OSError, UnicodeDecodeError, ValueError, RecursionError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "not readable JSON"
        raise MergeError(f"{document}: {reason}") from exc
    if not isinstance(data, dict):
        raise MergeError(f"{document}: not a conformance report (a JSON {type(data).__name__})")
    if data.get("format") == FLEET_FORMAT:
        raise MergeError(
            f"{document}: is a merged fleet report; merge the report folders it was made from"
        )
    if data.get("format") != FORMAT:
        raise MergeError(f"{document}: format {data.get('format')!r}, expected {FORMAT!r}")
    shapes = {"target": dict, "clauses": list, "generated": dict, "totals": dict}
    wrong = [name for name, kind in shapes.items() if not isinstance(data.get(name), kind)]
    if wrong or not isinstance(data.get("run", {}), dict):
        raise MergeError(
            f"{document}: not a run as webapi-contract writes it ({(wrong or ['run'])[0]})"
        )
    data.pop("history", None)  # the source folder's history, not the merged one's
    junit = path / JUNIT
    return Folder(path, data, junit if junit.is_file() else None)


def rebase_links(data: dict[str, Any], source: Path, out: Path) -> dict[str, Any]:
    """data with each relative doc link (written relative to the source folder) made relative to
    the out folder; absolute URLs are kept."""
    rebased = dict(data)
    clauses = []
    for clause in data.get("clauses", []):
        doc = clause.get("doc") if isinstance(clause, Mapping) else None
        url = doc.get("url") if isinstance(doc, Mapping) else None
        if isinstance(doc, Mapping) and isinstance(url, str) and url and _relative(url):
            path, _, fragment = url.partition("#")
            moved = os.path.relpath(source.resolve() / path, out.resolve())
            url = Path(moved).as_posix() + (f"#{fragment}" if fragment else "")
            clause = {**clause, "doc": {**doc, "url": url}}
        clauses.append(clause)
    rebased["clauses"] = clauses
    return rebased


def _relative(url: str) -> bool:
    parts = urlsplit(url)
    return not parts.scheme and not parts.netloc and not url.startswith(("#", "/"))


def group_runs(folders: Sequence[Folder]) -> list[list[Folder]]:
    """The folders grouped into runs: the shards of one (target key, run id) in shard order, or
    one unsharded folder. MergeError when the shards of a run are not exactly 1..N of one N, a
    run is given twice, or its shards disagree on --readonly/--strict."""
    groups: dict[tuple[str, str], list[Folder]] = {}
    alone: list[list[Folder]] = []
    for folder in folders:
        if folder.run_id is None:
            if folder.shard is not None:
                raise MergeError(f"{folder.path / CONFORMANCE}: a shard without a run id")
            alone.append([folder])
            continue
        groups.setdefault((folder.key, str(folder.run_id)), []).append(folder)
    runs = [_shards_of(key, run_id, members) for (key, run_id), members in groups.items()]
    return sorted([*runs, *alone], key=lambda run: (run[0].key, str(run[0].data.get("started"))))


def _shards_of(key: str, run_id: str, members: list[Folder]) -> list[Folder]:
    label = run_label(key, run_id)
    whole = [m for m in members if m.shard is None]
    if whole:
        if len(members) > 1:
            given = ", ".join(str(m.path) for m in members)
            raise MergeError(f"{label}: given more than once ({given})")
        return members
    totals = sorted({m.shard[1] for m in members if m.shard})
    if len(totals) > 1:
        splits = ", ".join(f"{m.shard[0]}/{m.shard[1]} in {m.path}" for m in members if m.shard)
        raise MergeError(f"{label}: shards of different splits ({splits})")
    total = totals[0]
    by_index: dict[int, list[Folder]] = {}
    for member in members:
        assert member.shard is not None
        by_index.setdefault(member.shard[0], []).append(member)
    for index, twice in sorted(by_index.items()):
        if len(twice) > 1:
            where = ", ".join(str(m.path) for m in twice)
            raise MergeError(f"{label}: shard {index}/{total} given more than once ({where})")
    missing = [i for i in range(1, total + 1) if i not in by_index]
    if missing:
        shards = ", ".join(f"{i}/{total}" for i in missing)
        raise MergeError(f"{label}: shard {shards} missing")
    # a shard that could not run never read its settings: it says readonly/strict false
    ran = [m for m in sorted(members, key=lambda m: m.shard or (0, 0)) if not _could_not(m)]
    for setting in ("readonly", "strict"):
        seen = {bool(m.data.get(setting)) for m in ran}
        if len(seen) > 1:
            said = ", ".join(
                f"{m.shard[0]}/{total} {setting}={bool(m.data.get(setting))}"
                for m in ran
                if m.shard
            )
            raise MergeError(f"{label}: shards disagree on {setting} ({said})")
    return [by_index[i][0] for i in range(1, total + 1)]


def _could_not(folder: Folder) -> bool:
    return folder.data.get("status") == COULD_NOT_RUN


def merge_run(shards: Sequence[Folder]) -> dict[str, Any]:
    """One run document from the shards of a run (as `group_runs` returns them); an unsharded
    run is returned as it is."""
    first = shards[0]
    if first.shard is None:
        return dict(first.data)
    label = run_label(first.key, first.run_id)
    total = len(shards)
    numbered = list(enumerate(shards, start=1))
    failed_to_run = [(i, s) for i, s in numbered if _could_not(s)]
    ran = [(i, s) for i, s in numbered if not _could_not(s)]
    started = min(str(s.data.get("started") or "") for s in shards) or now_iso()
    finished = max(str(s.data.get("finished") or "") for s in shards) or now_iso()
    durations = [_seconds(s.data.get("duration_s")) for s in shards]
    run = {
        "id": first.run_id,
        "shard": None,
        "merged_from": [
            {"dir": str(s.path), "shard": {"index": i, "total": total}}
            for i, s in enumerate(shards, start=1)
        ],
        "shards_duration_s": durations,
    }
    if ran:
        collector = Collector()
        owner: dict[str, int] = {}
        for index, shard in ran:
            try:
                part = Collector.from_conformance(shard.data)
            except ValueError as exc:
                raise MergeError(f"{shard.path / CONFORMANCE}: {exc}") from exc
            for nodeid, case in part.cases.items():
                if nodeid in owner:
                    raise MergeError(
                        f"{label}: test {nodeid} ran in shard {owner[nodeid]}/{total} and "
                        f"{index}/{total} (the shards overlap)"
                    )
                owner[nodeid] = index
                collector.cases[nodeid] = case
        settings = ran[0][1].data  # they agree (group_runs checked)
        built = collector.build(
            target=first.data["target"],
            started=started,
            duration=max(durations),
            exit_status=0,
            readonly=bool(settings.get("readonly")),
            strict=bool(settings.get("strict")),
        )
    else:
        built = could_not_run(target=first.data["target"], started=started, problem="")
    # keys a shard carries that the build does not make (vendor, ...) come from the first shard
    merged = {
        **{k: v for k, v in first.data.items() if k not in built},
        **built,
        "finished": finished,
        "run": run,
    }
    merged["exit_status"] = _merged_exit(merged["status"], [s.data for _, s in ran])
    if failed_to_run:
        merged["status"] = COULD_NOT_RUN
        merged["exit_status"] = 4
        merged["problem"] = "; ".join(
            f"shard {i}/{total}: {s.data.get('problem') or 'could not run'}"
            for i, s in failed_to_run
        )
    return merged


def _seconds(value: Any) -> float:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0.0


def _merged_exit(status: str, shards: Iterable[Mapping[str, Any]]) -> int:
    """The pytest-like exit status of merged shards: 1 when the merged verdicts fail the run,
    else a shard's own abnormal status (stopped, interrupted), else 0, or 5 when nothing ran."""
    if status == "failed":
        return 1
    for shard in shards:
        code = shard.get("exit_status")
        if isinstance(code, int) and code not in _PLAIN_EXIT:
            return code
    return 0 if status == "passed" else 5


def exit_code(data: Mapping[str, Any]) -> int:
    """What `merge` exits with for a run (or fleet) document: 0 passed, 1 failed, 4 otherwise
    (could not run or finish, nothing checked)."""
    status, code = data.get("status"), data.get("exit_status")
    if status == "failed":
        return 1
    if status == "passed" and code == 0:
        return 0
    if status == "passed" and code == 1:
        return 1
    return 4


def columns(runs: Sequence[Mapping[str, Any]]) -> list[str]:
    """A name for each run (its JUnit suite, its summary line): its target key, with the run id
    when a target has several runs."""
    keys = [target_key(run) or "unnamed target" for run in runs]
    named = []
    for key, run in zip(keys, runs, strict=True):
        if keys.count(key) > 1:
            run_id = (run.get("run") or {}).get("id")
            key = f"{key} (run {run_id or run.get('started')})"
        named.append(key)
    return named


def fleet(runs: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The fleet document (format fleet/1) of several runs, sorted by target key then start.
    The matrix has a column per target key; a target with several runs shows its latest."""
    ordered = sorted(runs, key=lambda r: (target_key(r) or "", str(r.get("started") or "")))
    clauses: dict[str, dict[str, Any]] = {}
    verdicts: dict[str, dict[str, str]] = {}
    for run in ordered:
        column = verdicts[target_key(run) or "unnamed target"] = {}  # the latest run wins
        for clause in run.get("clauses", []):
            clauses.setdefault(
                clause["id"],
                {
                    "id": clause["id"],
                    "title": clause.get("title"),
                    "area": clause.get("area"),
                    "level": clause.get("level") or MUST,
                    "doc": clause.get("doc"),
                },
            )
            column[clause["id"]] = clause.get("verdict")
    codes = [exit_code(run) for run in ordered]
    statuses = [str(run.get("status")) for run in ordered]
    rank = {status: i for i, status in enumerate(_STATUS_ORDER)}
    return {
        "format": FLEET_FORMAT,
        "status": min(statuses, key=lambda s: rank.get(s, 1)) if statuses else "nothing run",
        "generated": now_iso(),
        "exit_status": 1 if 1 in codes else (4 if 4 in codes else 0),
        "targets": [dict(run) for run in ordered],
        "matrix": {
            "clauses": sorted(
                clauses.values(),
                key=lambda c: (str(c["area"] or ""), str(c["title"] or ""), c["id"]),
            ),
            "verdicts": verdicts,
        },
    }


def read_junit(path: Path) -> list[ET.Element]:
    """The <testsuite> elements of a junit.xml (pytest writes them inside <testsuites>)."""
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as exc:
        raise MergeError(f"{path}: not readable JUnit XML ({exc})") from exc
    except OSError as exc:
        raise MergeError(f"{path}: {exc.strerror}") from exc
    if root.tag == "testsuite":
        return [root]
    if root.tag == "testsuites":
        return list(root.iter("testsuite"))
    raise MergeError(f"{path}: not JUnit XML (root element <{root.tag}>)")


def _time(value: str | None) -> float:
    try:
        return float(value or 0)
    except ValueError:
        return 0.0


def _counted(suite: ET.Element) -> ET.Element:
    """suite with tests/failures/errors/skipped/time recomputed from its testcases."""
    cases = suite.findall("testcase")
    suite.set("tests", str(len(cases)))
    for attribute, child in (("failures", "failure"), ("errors", "error"), ("skipped", "skipped")):
        suite.set(attribute, str(sum(1 for c in cases if c.find(child) is not None)))
    suite.set("time", f"{sum(_time(c.get('time')) for c in cases):.3f}")
    return suite


def combine_junit(parts: Sequence[tuple[str | None, Sequence[Path]]]) -> ET.Element:
    """One <testsuites> from junit.xml files: per (name, files) one <testsuite> holding every
    testcase of the files, named name (None: the name the first file gave its suite)."""
    root = ET.Element("testsuites")
    for name, paths in parts:
        suites = [suite for path in paths for suite in read_junit(path)]
        merged = ET.SubElement(root, "testsuite")
        merged.set("name", name or (suites[0].get("name") if suites else None) or "webapi-contract")
        stamps = sorted(s.get("timestamp", "") for s in suites if s.get("timestamp"))
        if stamps:
            merged.set("timestamp", stamps[0])
        properties: list[tuple[str | None, str | None]] = []
        for suite in suites:
            for prop in suite.iterfind("properties/property"):
                pair = (prop.get("name"), prop.get("value"))
                if pair not in properties:
                    properties.append(pair)
        if properties:
            holder = ET.SubElement(merged, "properties")
            for prop_name, value in properties:
                ET.SubElement(holder, "property", name=prop_name or "", value=value or "")
        for suite in suites:
            merged.extend(suite.findall("testcase"))
        _counted(merged)
    for attribute in ("tests", "failures", "errors", "skipped"):
        root.set(attribute, str(sum(int(s.get(attribute, "0")) for s in root)))
    root.set("time", f"{sum(_time(s.get('time')) for s in root):.3f}")
    return root
