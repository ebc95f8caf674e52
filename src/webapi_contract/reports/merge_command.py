"""`webapi-contract merge DIR... --out DIR`: one report from the report folders of CI jobs.

Shards of one run (same target key and run id) become one run, judged as an unsharded run would
be; runs against several targets become a fleet: a tenants x clauses matrix on one page. Writes
OUT/conformance.json, OUT/conformance.html, OUT/junit.xml and appends to OUT/history.jsonl.

Exit codes, as `run`'s: 0 every merged run passed; 1 some run failed; 4 some run could not run
(or checked nothing), or the folders could not be merged (one line on stderr says why).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, NoReturn

from webapi_contract.reports import history, html
from webapi_contract.reports.conformance import write_json
from webapi_contract.reports.merge import (
    Folder,
    MergeError,
    columns,
    combine_junit,
    exit_code,
    fleet,
    group_runs,
    load_folder,
    merge_run,
    rebase_links,
)
from webapi_contract.reports.publish import CONFORMANCE_HTML, CONFORMANCE_JSON, publish
from webapi_contract.reports.summary import render_summary

__all__ = ["EXIT_COULD_NOT_MERGE", "Merged", "merge", "merge_folders", "register"]

EXIT_COULD_NOT_MERGE = 4
JUNIT = "junit.xml"
_PROG = "webapi-contract merge"


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `merge` subcommand."""
    parser = subparsers.add_parser(
        "merge",
        help="merge report folders (CI shards, several tenants) into one report",
        description="Merge the report folders of several runs: the shards of one run (same "
        "target and run id, from `run --shard I/N --run-id ID`) become one run with the "
        "verdicts an unsharded run gives; runs against several targets become one page with "
        "a tenants x clauses matrix. Writes conformance.json, conformance.html and junit.xml "
        "into --out and appends to its history.jsonl. Exit 0 all passed, 1 some failed, 4 "
        "some could not run or the folders cannot be merged.",
    )
    parser.add_argument("dirs", nargs="+", type=Path, metavar="DIR", help="a run's report folder")
    parser.add_argument(
        "--out", type=Path, required=True, metavar="DIR", help="the folder of the merged report"
    )
    parser.set_defaults(handler=merge)

    def error(message: str) -> NoReturn:
        parser.print_usage(sys.stderr)
        print(f"{_PROG}: error: {message}", file=sys.stderr)
        raise SystemExit(EXIT_COULD_NOT_MERGE)

    parser.error = error  # type: ignore[method-assign]


@dataclass
class Merged:
    """What merge wrote: the run documents, the fleet document (several runs), the notes."""

    runs: list[dict[str, Any]]
    fleet: dict[str, Any] | None
    notes: list[str] = field(default_factory=list)
    artefacts: list[Path] = field(default_factory=list)

    @property
    def document(self) -> dict[str, Any]:
        """What out/conformance.json holds."""
        return self.fleet if self.fleet is not None else self.runs[0]

    @property
    def exit_code(self) -> int:
        """0 passed, 1 failed, 4 could not run."""
        return exit_code(self.document)


def _folders(dirs: Sequence[Path], out: Path) -> list[Folder]:
    seen: dict[Path, Path] = {}
    folders = []
    for given in dirs:
        where = given.resolve()
        if where == out.resolve():
            raise MergeError(f"{given}: --out is one of the folders merged; choose another")
        if where in seen:
            raise MergeError(f"{given}: given twice")
        seen[where] = given
        folder = load_folder(given)
        folders.append(replace(folder, data=rebase_links(folder.data, given, out)))
    return folders


def _junit(
    runs: list[list[Folder]], names: list[str] | None
) -> tuple[ET.Element | None, list[str]]:
    """The combined junit.xml (None when no folder has one) and a note per folder without."""
    notes = [
        f"{folder.path}: no {JUNIT}; its tests are not in the merged {JUNIT}"
        for group in runs
        for folder in group
        if folder.junit is None
    ]
    parts: list[tuple[str | None, list[Path]]] = [
        (None if names is None else names[i], [f.junit for f in group if f.junit is not None])
        for i, group in enumerate(runs)
    ]
    if not any(paths for _, paths in parts):
        return None, notes
    return combine_junit([(name, paths) for name, paths in parts if paths]), notes


def _write_text(path: Path, text: str) -> None:
    """Write text atomically."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with open(handle, "w", encoding="utf-8") as out:
            out.write(text)
        Path(temporary).chmod(0o644)
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _started(run: Mapping[str, Any]) -> str:
    return str(run.get("started") or "")


def merge_folders(dirs: Sequence[Path], out: Path) -> Merged:
    """Merge the report folders dirs into out; MergeError (nothing written) when they cannot be
    merged."""
    merged_runs = [(group, merge_run(group)) for group in group_runs(_folders(dirs, out))]
    merged_runs.sort(key=lambda pair: (history.target_key(pair[1]) or "", _started(pair[1])))
    groups = [group for group, _ in merged_runs]
    runs = [run for _, run in merged_runs]
    several = len(runs) > 1
    # a JUnit suite per run: its target key (with the run id when a target ran more than once)
    names = columns(runs) if several else None
    tree, notes = _junit(groups, names)
    out.mkdir(parents=True, exist_ok=True)
    if several:
        document = fleet(runs)
        path = out / history.HISTORY_FILE
        for run in sorted(runs, key=_started):
            history.append(path, history.entry_from(run))
        recorded = history.load(path, history.KEEP * history.MAX_TARGETS)
        runs_by_target = {
            key: history.for_target(recorded, key)
            for key in dict.fromkeys(history.target_key(run) for run in document["targets"])
            if key is not None
        }
        write_json(out / CONFORMANCE_JSON, document)
        _write_text(out / CONFORMANCE_HTML, html.render_fleet(document, runs_by_target))
        merged = Merged(runs, document, notes)
    else:
        publish(out, runs[0])
        merged = Merged(runs, None, notes)
    junit = out / JUNIT
    if tree is None:
        junit.unlink(missing_ok=True)
    else:
        ET.indent(tree)
        _write_text(junit, ET.tostring(tree, encoding="unicode", xml_declaration=True) + "\n")
    merged.artefacts = [
        out / name
        for name in (CONFORMANCE_HTML, CONFORMANCE_JSON, JUNIT, history.HISTORY_FILE)
        if (out / name).exists()
    ]
    return merged


def _fleet_summary(document: Mapping[str, Any], artefacts: Sequence[str]) -> str:
    targets = document.get("targets", [])
    counts: dict[str, int] = {}
    for run in targets:
        counts[str(run.get("status"))] = counts.get(str(run.get("status")), 0) + 1
    told = ", ".join(f"{n} {status}" for status, n in counts.items())
    names = columns(targets)
    width = max((len(name) for name in names), default=0) + 2
    lines = [
        "",
        "=" * 78,
        f"{_PROG}: {str(document.get('status')).upper()} — {len(targets)} runs: {told}",
    ]
    for name, run in zip(names, targets, strict=True):
        totals = run.get("totals", {})
        line = (
            f"  {name.ljust(width)}{str(run.get('status')).upper():<14}"
            f"{totals.get('passed', 0)}/{totals.get('clauses', 0)} clauses passed, "
            f"{totals.get('failed', 0)} failed"
        )
        if run.get("problem"):
            line += f"; {run.get('problem')}"
        failed = [c.get("title") for c in run.get("clauses", []) if c.get("verdict") == "failed"]
        if failed:
            line += f": {'; '.join(map(str, failed[:3]))}" + (" …" if len(failed) > 3 else "")
        lines.append(line)
    if artefacts:
        lines.append(f"  reports   {', '.join(artefacts)}")
    lines.append("=" * 78)
    return "\n".join(lines)


def merge(args: argparse.Namespace) -> int:
    """Merge the folders; print the summary; the exit code."""
    try:
        merged = merge_folders(list(args.dirs), args.out)
    except MergeError as exc:
        print(f"{_PROG}: could not merge: {exc}", file=sys.stderr)
        return EXIT_COULD_NOT_MERGE
    except OSError as exc:
        print(
            f"{_PROG}: could not write {exc.filename or args.out}: {exc.strerror}", file=sys.stderr
        )
        return EXIT_COULD_NOT_MERGE
    for note in merged.notes:
        print(f"{_PROG}: note: {note}", file=sys.stderr)
    artefacts = [str(path) for path in merged.artefacts]
    if merged.fleet is None:
        print(render_summary(merged.runs[0], artefacts))
    else:
        print(_fleet_summary(merged.fleet, artefacts))
    return merged.exit_code
