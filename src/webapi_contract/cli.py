"""The `webapi-contract` command: a thin dispatcher over subcommands owned by their packages."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from importlib import metadata
from typing import Protocol, cast

__all__ = ["main"]

# name -> module providing `register(subparsers)`; each module owns its options and handler.
SUBCOMMANDS: dict[str, str] = {
    "derive": "webapi_contract.derive.command",
    "serve": "webapi_contract.mock.command",
    "run": "webapi_contract.run",
    "report": "webapi_contract.reports.command",
    "selfcheck": "webapi_contract.selfcheck",
    "merge": "webapi_contract.reports.merge_command",
}


class _Subcommand(Protocol):
    def register(self, subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None: ...


def _version() -> str:
    """The installed distribution's version."""
    try:
        return metadata.version("webapi-contract")
    except metadata.PackageNotFoundError:
        return "unknown (not installed)"


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser with every available subcommand."""
    parser = argparse.ArgumentParser(
        prog="webapi-contract",
        description="Contract testing for vendor WebAPIs, derived from the vendor's documentation.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module_name in SUBCOMMANDS.values():
        module = cast(_Subcommand, importlib.import_module(module_name))
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one subcommand and return its exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.handler(args)
    except KeyboardInterrupt:
        print("webapi-contract: interrupted", file=sys.stderr)
        return 130
    return code


if __name__ == "__main__":
    raise SystemExit(main())
