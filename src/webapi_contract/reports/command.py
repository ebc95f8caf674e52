"""`webapi-contract report [--serve]`: the Allure HTML report of the last run's allure-results/.

Exit codes: 0 built (or served until Ctrl-C); 3 no Allure command line found (the message says
how to install one); 4 could not build (no results, Allure failed).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from webapi_contract.reports.allure import (
    AllureError,
    build_report,
    find_allure,
    install_hint,
    serve_command,
)

__all__ = ["EXIT_NO_ALLURE", "register", "report"]

EXIT_NO_ALLURE = 3
EXIT_COULD_NOT_BUILD = 4


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `report` subcommand."""
    parser = subparsers.add_parser(
        "report",
        help="build the Allure HTML report (single file) from the last run's results",
        description="Build REPORT_DIR/allure-report/index.html (one self-contained file that "
        "opens from disk) from REPORT_DIR/allure-results with the Allure command line "
        "(Allure 3 from npm, or Allure 2's allure-commandline). Exit 3 when no Allure command "
        "line is installed, 4 when the report cannot be built.",
    )
    parser.add_argument(
        "--report-dir", type=Path, default=Path("reports"), help="the run's report folder"
    )
    parser.add_argument(
        "--serve", action="store_true", help="then serve the report until Ctrl-C (allure open)"
    )
    parser.add_argument("--port", type=int, default=None, help="port for --serve (default: any)")
    parser.set_defaults(handler=report)


def report(args: argparse.Namespace) -> int:
    """Build (and optionally serve) the Allure report."""
    report_dir: Path = args.report_dir.resolve()
    cli = find_allure()
    if cli is None:
        print(
            f"webapi-contract report: no Allure command line found; {install_hint()}",
            file=sys.stderr,
        )
        return EXIT_NO_ALLURE
    output = report_dir / "allure-report"
    try:
        index = build_report(cli, report_dir / "allure-results", output)
    except AllureError as exc:
        print(f"webapi-contract report: {exc}", file=sys.stderr)
        return EXIT_COULD_NOT_BUILD
    print(f"Allure {cli.version} report: {index} (opens from disk, no server needed)")
    if not args.serve:
        return 0
    command = serve_command(cli, output, args.port)
    print(f"serving with: {' '.join(command)} (Ctrl-C stops)")
    return subprocess.call(command)
