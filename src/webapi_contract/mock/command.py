"""`webapi-contract serve`: run the reference mock in the foreground until Ctrl-C."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from webapi_contract.mock import faults
from webapi_contract.mock.auth import MockCredentials
from webapi_contract.mock.server import MockServer

__all__ = ["main", "register", "resolve_credentials", "serve"]

EXIT_CANNOT_LISTEN = 2
EXIT_UNKNOWN_FAULT = 2
ENV_USER, ENV_PASSWORD = "WEBAPI_MOCK_USER", "WEBAPI_MOCK_PASSWORD"
ENV_TICKET, ENV_TOKEN = "WEBAPI_MOCK_TICKET", "WEBAPI_MOCK_TOKEN"


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `serve` subcommand."""
    parser = subparsers.add_parser(
        "serve",
        help="run the reference mock of the SuperOffice Contact API",
        description="Run the stateful reference mock. Credentials come from the options, else "
        f"{ENV_USER}/{ENV_PASSWORD}/{ENV_TICKET}/{ENV_TOKEN}, else they are generated and printed.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=0, help="port (0 = a free one, printed)")
    parser.add_argument("--db", type=Path, default=None, help="SQLite file (default: temporary)")
    parser.add_argument("--prefix", default="/api/v1", help="path of the API root")
    parser.add_argument("--seed", action="store_true", help="add sample contacts to an empty db")
    parser.add_argument("--user", metavar="NAME:PASSWORD", help="the Basic auth user")
    parser.add_argument("--ticket", help="the accepted SoTicket")
    parser.add_argument("--token", help="the accepted Bearer token")
    parser.add_argument(
        "--fault",
        metavar="NAME",
        help="switch on one contract violation, to check that a suite notices (see --list-faults)",
    )
    parser.add_argument(
        "--list-faults", action="store_true", help="list the faults --fault accepts, and exit"
    )
    parser.set_defaults(handler=serve)


def resolve_credentials(
    args: argparse.Namespace, environ: dict[str, str] | None = None
) -> tuple[MockCredentials, list[str]]:
    """Credentials from options > environment > generated; and the names of generated ones."""
    env = os.environ if environ is None else environ
    generated = MockCredentials.generate()
    user, password = env.get(ENV_USER), env.get(ENV_PASSWORD)
    if args.user:
        user, _, password = args.user.partition(":")
    made: list[str] = []
    values: dict[str, str] = {}
    for name, given in (
        ("username", user),
        ("password", password),
        ("ticket", args.ticket or env.get(ENV_TICKET)),
        ("token", args.token or env.get(ENV_TOKEN)),
    ):
        if given:
            values[name] = given
        else:
            values[name] = getattr(generated, name)
            made.append(name)
    return MockCredentials(**values), made


def serve(args: argparse.Namespace) -> int:
    """Run the mock until interrupted; exit 2 with one line when it cannot listen."""
    if args.list_faults:
        print("\n".join(faults.listing()))
        return 0
    if args.fault is not None and args.fault not in faults.FAULTS:
        print(
            f"webapi-contract serve: unknown fault {args.fault!r}; known faults: "
            f"{', '.join(faults.FAULTS)} (see --list-faults)",
            file=sys.stderr,
        )
        return EXIT_UNKNOWN_FAULT
    credentials, made = resolve_credentials(args)
    server = MockServer(
        db_path=args.db,
        prefix=args.prefix,
        seed=args.seed,
        host=args.host,
        port=args.port,
        credentials=credentials,
        fault=args.fault,
    )
    try:
        server.start()
    except OSError as exc:
        reason = exc.strerror or str(exc)
        print(
            f"webapi-contract serve: cannot listen on {args.host}:{args.port}: {reason}",
            file=sys.stderr,
        )
        return EXIT_CANNOT_LISTEN
    print(f"webapi-contract mock listening on {server.base_url}", flush=True)
    if args.fault is not None:
        fault = faults.FAULTS[args.fault]
        print(f"FAULT {fault.name} switched on: {fault.summary}", flush=True)
    if made:
        shown = ", ".join(f"{name}={getattr(credentials, name)}" for name in made)
        print(f"generated credentials: {shown}", flush=True)
    try:
        server.wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    print("webapi-contract mock stopped", file=sys.stderr)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m webapi_contract.mock [options]`: `serve` without the rest of the CLI."""
    parser = argparse.ArgumentParser(prog="python -m webapi_contract.mock")
    subparsers = parser.add_subparsers(dest="command")
    register(subparsers)
    args = parser.parse_args(["serve", *(sys.argv[1:] if argv is None else argv)])
    code: int = args.handler(args)
    return code
