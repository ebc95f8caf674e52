"""`webapi-contract serve`: run the reference mock in the foreground until Ctrl-C or SIGTERM."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from types import FrameType
from typing import Any

from webapi_contract.mock import faults
from webapi_contract.mock.auth import MockCredentials
from webapi_contract.mock.server import MockServer, credential_fields

__all__ = ["main", "register", "resolve_credentials", "serve"]

EXIT_CANNOT_LISTEN = 2
EXIT_UNKNOWN_FAULT = 2
ENV_USER, ENV_PASSWORD = "WEBAPI_MOCK_USER", "WEBAPI_MOCK_PASSWORD"
ENV_TICKET, ENV_TOKEN = "WEBAPI_MOCK_TICKET", "WEBAPI_MOCK_TOKEN"
ENV_DOMAIN = "WEBAPI_MOCK_DOMAIN"


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `serve` subcommand."""
    parser = subparsers.add_parser(
        "serve",
        help="run the reference mock of a vendor's Contact API",
        description="Run the stateful reference mock of a vendor's Contact API (--vendor). Give "
        f"credentials in the environment: {ENV_USER}, {ENV_PASSWORD}, {ENV_TICKET}, {ENV_TOKEN}, "
        f"{ENV_DOMAIN} (the options --user, --ticket, --token and --domain work too, and win over "
        "their variable, but anyone can read them in the process list). What neither gives is "
        "generated and printed. SIGTERM stops it as Ctrl-C does.",
    )
    parser.add_argument(
        "--vendor",
        default=faults.DEFAULT_VENDOR,
        choices=faults.vendors(),
        help=f"whose API the mock serves (default {faults.DEFAULT_VENDOR})",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=0, help="port (0 = a free one, printed)")
    parser.add_argument("--db", type=Path, default=None, help="SQLite file (default: temporary)")
    parser.add_argument(
        "--prefix", default=None, help="path of the API root (default: the vendor's, e.g. /api/v1)"
    )
    parser.add_argument("--seed", action="store_true", help="add sample contacts to an empty db")
    parser.add_argument(
        "--user",
        metavar="NAME:PASSWORD",
        help=f"the Basic auth user; visible in the process list: prefer {ENV_USER} and "
        f"{ENV_PASSWORD}",
    )
    parser.add_argument("--ticket", help=f"the accepted SoTicket (prefer {ENV_TICKET})")
    parser.add_argument("--token", help=f"the accepted Bearer token (prefer {ENV_TOKEN})")
    parser.add_argument(
        "--domain", help=f"the user's domain, for `user:password@domain` (prefer {ENV_DOMAIN})"
    )
    parser.add_argument(
        "--fault",
        metavar="NAME",
        help="switch on one contract violation, to check that a suite notices (see --list-faults)",
    )
    parser.add_argument(
        "--list-faults",
        action="store_true",
        help="list the faults --fault accepts (the vendor's), and exit",
    )
    parser.set_defaults(handler=serve)


def resolve_credentials(
    args: argparse.Namespace, environ: dict[str, str] | None = None
) -> tuple[MockCredentials, list[str]]:
    """Credentials from options > environment > generated; and the names of generated ones.
    The XSRF session (a cookie and its token) is always generated."""
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
        ("domain", getattr(args, "domain", None) or env.get(ENV_DOMAIN)),
    ):
        if given:
            values[name] = given
        else:
            values[name] = getattr(generated, name)
            made.append(name)
    values["xsrf_session"], values["xsrf_token"] = generated.xsrf_session, generated.xsrf_token
    return MockCredentials(**values), made


def serve(args: argparse.Namespace) -> int:
    """Run the mock until interrupted; exit 2 with one line when it cannot listen."""
    vendor = getattr(args, "vendor", faults.DEFAULT_VENDOR)
    known = faults.catalogue(vendor)
    if args.list_faults:
        print("\n".join(faults.listing(vendor)))
        return 0
    if args.fault is not None and args.fault not in known:
        print(
            f"webapi-contract serve: unknown fault {args.fault!r} of the {vendor} mock; known "
            f"faults: {', '.join(known)} (see --list-faults)",
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
        vendor=vendor,
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
    # SIGTERM stops as Ctrl-C does, from before the URL is printed: a client that read it may
    # stop the mock at once
    before = _handle_signals({signal.SIGTERM: _raise_interrupt})
    try:
        print(f"webapi-contract mock listening on {server.base_url}", flush=True)
        if args.fault is not None:
            fault = known[args.fault]
            print(f"FAULT {fault.name} switched on: {fault.summary}", flush=True)
        used = credential_fields(vendor)  # what the vendor's mock checks: generated ones are shown
        made = [name for name in made if name in used]
        if made:
            shown = ", ".join(f"{name}={getattr(credentials, name)}" for name in made)
            print(f"generated credentials: {shown}", flush=True)
        if "xsrf_token" in used:
            print(
                f"without Authorization: X-XSRF-TOKEN: {credentials.xsrf_token} with Cookie: "
                f"{credentials.xsrf_cookie}",
                flush=True,
            )
        server.wait()
    except KeyboardInterrupt:
        pass
    finally:
        # A second Ctrl-C or SIGTERM must not cut the shutdown short: the database is closed
        # (its WAL checkpointed) before "stopped" is printed. kill -9 still ends it at once.
        ignored = _handle_signals(dict.fromkeys((signal.SIGINT, signal.SIGTERM), signal.SIG_IGN))
        server.stop()
        _handle_signals({**ignored, **before})
    print("webapi-contract mock stopped", file=sys.stderr)
    return 0


_Handler = Callable[[int, FrameType | None], Any] | int | signal.Handlers | None


def _raise_interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def _handle_signals(handlers: dict[signal.Signals, _Handler]) -> dict[signal.Signals, _Handler]:
    """Set signal handlers; the handlers they replace. Only the main thread can set them: in
    another one (serve called from a thread) this does nothing."""
    if threading.current_thread() is not threading.main_thread():
        return {}
    before: dict[signal.Signals, _Handler] = {}
    for number, handler in handlers.items():
        if handler is not None:
            before[number] = signal.signal(number, handler)
    return before


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m webapi_contract.mock [options]`: `serve` without the rest of the CLI."""
    parser = argparse.ArgumentParser(prog="python -m webapi_contract.mock")
    subparsers = parser.add_subparsers(dest="command")
    register(subparsers)
    args = parser.parse_args(["serve", *(sys.argv[1:] if argv is None else argv)])
    code: int = args.handler(args)
    return code
