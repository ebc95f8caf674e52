"""`webapi-contract derive [--check]`: regenerate `schemas/` from the doc pages, or verify it."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from webapi_contract.derive.check import differences
from webapi_contract.derive.output import render, write
from webapi_contract.derive.pages import PageError
from webapi_contract.derive.profiles import derive
from webapi_contract.paths import docs_dir, schemas_dir

__all__ = ["register", "run"]


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `derive` subcommand."""
    parser = subparsers.add_parser(
        "derive",
        help="derive schemas/ from the vendor doc pages",
        description="Derive JSON Schemas and openapi.json from docs/vendor into schemas/.",
    )
    parser.add_argument(
        "--check", action="store_true", help="exit 1 when schemas/ differs from what the docs give"
    )
    parser.add_argument("--docs", type=Path, help="doc pages folder (default: docs/vendor)")
    parser.add_argument("--schemas", type=Path, help="schemas folder (default: schemas/)")
    parser.add_argument("-v", "--verbose", action="store_true", help="print derivation warnings")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Derive, then write or check; the exit code (0 ok, 1 differences, 2 unreadable docs)."""
    started = time.perf_counter()
    docs = args.docs or docs_dir()
    folder = args.schemas or schemas_dir()
    try:
        derivation = derive(docs)
    except (PageError, OSError, ValueError) as exc:
        print(f"webapi-contract derive: {exc}", file=sys.stderr)
        return 2
    if args.verbose:
        for warning in derivation.warnings:
            print(f"warning: {warning}", file=sys.stderr)
    elif derivation.warnings:
        count = len(derivation.warnings)
        print(
            f"derive: {count} warning{'s' if count != 1 else ''} about the doc pages "
            "(-v shows them)",
            file=sys.stderr,
        )
    files = render(derivation.schemas, derivation.openapi)
    pages = len(derivation.endpoints)
    if args.check:
        found = differences(files, folder)
        elapsed = (time.perf_counter() - started) * 1000
        for line in found:
            print(line)
        if found:
            print(
                f"derive --check: {folder} is out of date ({len(found)} differences, "
                f"{elapsed:.0f} ms); run `webapi-contract derive`"
            )
            return 1
        print(f"derive --check: OK, {len(files)} files match {pages} pages ({elapsed:.0f} ms)")
        return 0
    touched = write(files, folder)
    elapsed = (time.perf_counter() - started) * 1000
    print(
        f"derive: {len(files)} files from {pages} pages in {elapsed:.0f} ms "
        f"(parse+build {derivation.seconds * 1000:.0f} ms); {len(touched)} changed in {folder}"
    )
    return 0
