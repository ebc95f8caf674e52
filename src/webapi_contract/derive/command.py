"""`webapi-contract derive [--check]`: regenerate every vendor's schemas from the doc pages, or
verify them (SuperOffice's in `schemas/`, any other vendor's in `schemas/<vendor>/`)."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from webapi_contract.derive.check import differences
from webapi_contract.derive.output import render, write
from webapi_contract.derive.pages import PageError
from webapi_contract.derive.profiles import DEFAULT_VENDOR, VENDORS, Derivation, derive
from webapi_contract.paths import docs_dir, schemas_dir

__all__ = ["register", "run"]


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `derive` subcommand."""
    parser = subparsers.add_parser(
        "derive",
        help="derive schemas/ from the vendor doc pages",
        description="Derive JSON Schemas and openapi.json from docs/vendor into schemas/ "
        "(SuperOffice) and schemas/<vendor>/ (every other vendor).",
    )
    parser.add_argument(
        "--check", action="store_true", help="exit 1 when schemas/ differs from what the docs give"
    )
    parser.add_argument("--docs", type=Path, help="doc pages folder (default: docs/vendor)")
    parser.add_argument(
        "--schemas",
        type=Path,
        help="schemas folder (default: schemas/); other vendors' go to <folder>/<vendor>/",
    )
    parser.add_argument(
        "--vendor", choices=VENDORS, help="derive only this vendor (default: every vendor)"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="print derivation warnings")
    parser.set_defaults(handler=run)


def _folder(args: argparse.Namespace, vendor: str) -> Path:
    if args.schemas is None:
        return schemas_dir(vendor)
    return Path(args.schemas) if vendor == DEFAULT_VENDOR else Path(args.schemas) / vendor


def _warn(derivations: list[Derivation], verbose: bool) -> None:
    warnings = [w for d in derivations for w in d.warnings]
    if verbose:
        for warning in warnings:
            print(f"warning: {warning}", file=sys.stderr)
    elif warnings:
        count = len(warnings)
        print(
            f"derive: {count} warning{'s' if count != 1 else ''} about the doc pages "
            "(-v shows them)",
            file=sys.stderr,
        )


def run(args: argparse.Namespace) -> int:
    """Derive, then write or check; the exit code (0 ok, 1 differences, 2 unreadable docs)."""
    started = time.perf_counter()
    docs = args.docs or docs_dir()
    vendors = (args.vendor,) if getattr(args, "vendor", None) else VENDORS
    try:
        derivations = [derive(docs, vendor) for vendor in vendors]
    except (PageError, OSError, ValueError) as exc:
        print(f"webapi-contract derive: {exc}", file=sys.stderr)
        return 2
    _warn(derivations, args.verbose)
    rendered = [(d, render(d.schemas, d.openapi), _folder(args, d.vendor)) for d in derivations]
    files = sum(len(f) for _, f, _ in rendered)
    pages = sum(len(d.endpoints) for d in derivations)
    each = ", ".join(f"{d.vendor} {len(f)}" for d, f, _ in rendered)
    if args.check:
        found = [
            f"{d.vendor}: {line}" for d, f, folder in rendered for line in differences(f, folder)
        ]
        elapsed = (time.perf_counter() - started) * 1000
        for line in found:
            print(line)
        if found:
            for d, _, folder in rendered:
                count = sum(line.startswith(f"{d.vendor}: ") for line in found)
                if count:
                    print(
                        f"derive --check: {folder} is out of date for {d.vendor} ({count} "
                        f"differences, {elapsed:.0f} ms); run `webapi-contract derive`"
                    )
            return 1
        print(f"derive --check: OK, {files} files match {pages} pages ({each}) ({elapsed:.0f} ms)")
        return 0
    touched = {d.vendor: write(f, folder) for d, f, folder in rendered}
    elapsed = (time.perf_counter() - started) * 1000
    parse = sum(d.seconds for d in derivations) * 1000
    changed = "; ".join(f"{len(t)} changed in {_folder(args, v)}" for v, t in touched.items())
    print(
        f"derive: {files} files from {pages} pages in {elapsed:.0f} ms "
        f"(parse+build {parse:.0f} ms); {changed}"
    )
    return 0
