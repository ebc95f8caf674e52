"""The reference mock as a server: uvicorn in a background thread over one SQLite file.

The vendor's mock package (`webapi_contract.mock.<vendor>`) is imported by name: its PREFIX is
the default API root, and its mount() gives the routes, authenticator and error body over the
database file."""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import shutil
import socket
import tempfile
import threading
import time
from pathlib import Path
from types import TracebackType
from typing import Any, Protocol, cast

import uvicorn

from webapi_contract.mock import faults
from webapi_contract.mock.app import MockApp, Mounted
from webapi_contract.mock.auth import MockCredentials
from webapi_contract.mock.transport import GuardedHttpToolsProtocol

__all__ = ["KNOWN_FAULTS", "MockServer", "credential_fields", "default_prefix"]

# The names of the faults the default vendor's mock can be started with (see mock/faults.py).
KNOWN_FAULTS: tuple[str, ...] = tuple(faults.FAULTS)
_START_TIMEOUT = 15.0


class _PromptServer(uvicorn.Server):
    """uvicorn's server, woken by `request_exit` instead of polling `should_exit` (uvicorn every
    100 ms, this class every 10 ms until now): a test starts and stops hundreds of mocks (each
    stop waited for the next tick), and an idle mock woken 100 times a second cost about 1 % of
    a core."""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wake: asyncio.Event | None = None

    async def main_loop(self) -> None:
        self._wake = asyncio.Event()
        self._loop = asyncio.get_running_loop()
        # on_tick refreshes the Date header when handed a multiple of 10: once a second, as at
        # uvicorn's own 100 ms tick
        while not await self.on_tick(0):
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), 1.0)

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        """uvicorn's graceful shutdown, without its fixed 0.1 s pause when nothing is in flight:
        idle kept-alive connections close at once (a test stops hundreds of mocks). A request
        still being answered, or a connection that does not close, gets uvicorn's own shutdown."""
        for server in self.servers:
            server.close()
        for sock in sockets or []:
            sock.close()
        # a connection accepted just before the close is made on the loop's next turn (uvloop):
        # let it join the connections first, or it would be left open
        await asyncio.sleep(0.005)
        for connection in list(self.server_state.connections):
            connection.shutdown()  # closes an idle connection; an answering one after its answer
        for _ in range(20):  # their connection_lost comes on the loop's next turns
            if not self.server_state.connections:
                break
            await asyncio.sleep(0.005)
        if self.server_state.connections or self.server_state.tasks:
            await super().shutdown(sockets)
            return
        for server in self.servers:
            await server.wait_closed()
        if not self.force_exit:
            await self.lifespan.shutdown()

    def request_exit(self) -> None:
        """Stop soon; callable from any thread, before or while the loop runs."""
        self.should_exit = True  # before the loop is read: a loop not yet there sees this
        loop, wake = self._loop, self._wake
        if loop is not None and wake is not None:
            # RuntimeError: the loop has closed, the server has stopped already
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(wake.set)


class _VendorMock(Protocol):
    PREFIX: str
    CREDENTIALS: tuple[str, ...]

    def mount(
        self, database: Path, credentials: MockCredentials, prefix: str, seed: bool
    ) -> Mounted: ...


def _vendor_mock(vendor: str) -> _VendorMock:
    faults.catalogue(vendor)  # ValueError for a vendor without a mock
    module: _VendorMock = cast(Any, importlib.import_module(f"webapi_contract.mock.{vendor}"))
    return module


def default_prefix(vendor: str = faults.DEFAULT_VENDOR) -> str:
    """The path of a vendor's API root on its mock, e.g. /api/v1."""
    return _vendor_mock(vendor).PREFIX


def credential_fields(vendor: str = faults.DEFAULT_VENDOR) -> tuple[str, ...]:
    """The MockCredentials fields a vendor's mock checks (e.g. username, password, domain)."""
    return _vendor_mock(vendor).CREDENTIALS


class MockServer:
    """A vendor's Contact mock on host:port (0 = a free port), run in-process.

    `vendor` names the mock package (superoffice, odyssee); `prefix` None is its own API root.
    `fault` switches on one contract violation of the vendor's catalogue (see mock/faults.py);
    ValueError for an unknown vendor or fault.
    """

    def __init__(
        self,
        db_path: Path | None = None,
        prefix: str | None = None,
        seed: bool = False,
        host: str = "127.0.0.1",
        port: int = 0,
        credentials: MockCredentials | None = None,
        fault: str | None = None,
        vendor: str = faults.DEFAULT_VENDOR,
    ) -> None:
        self._vendor = _vendor_mock(vendor)
        faults.require(fault, vendor)
        self.vendor = vendor
        if prefix is None:
            prefix = self._vendor.PREFIX
        self.db_path = Path(db_path) if db_path is not None else None
        self.prefix = "/" + prefix.strip("/") if prefix.strip("/") else ""
        self.seed = seed
        self.host = host
        self.port = port
        self.credentials = credentials or MockCredentials.generate()
        self.fault = fault
        self.database: Path | None = None
        self._temp: Path | None = None
        self._mounted: Mounted | None = None
        self._server: _PromptServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        """The API root, e.g. http://127.0.0.1:54321/api/v1."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}{self.prefix}"

    def start(self) -> MockServer:
        """Listen, serve in a background thread, and return once connections are accepted.

        Raises OSError when the address cannot be bound (e.g. the port is in use).
        """
        sock = _bind(self.host, self.port)
        self.port = sock.getsockname()[1]
        try:
            self.database = self._database()
            with faults.switched_on(None, self.vendor):  # seeding is the clean mock's work
                self._mounted = self._vendor.mount(
                    self.database, self.credentials, self.prefix, self.seed
                )
            app = MockApp(self._mounted, self.prefix, fault=self.fault, vendor=self.vendor)
            config = uvicorn.Config(
                app,
                log_level="warning",
                access_log=False,
                lifespan="off",
                proxy_headers=False,
                server_header=False,
                timeout_keep_alive=30,
                http=GuardedHttpToolsProtocol,  # a limit and a deadline for request heads
            )
            self._server = _PromptServer(config)
            self._thread = threading.Thread(
                target=self._server.run, kwargs={"sockets": [sock]}, name="webapi-mock", daemon=True
            )
            self._thread.start()
            self._wait_started()
        except BaseException:
            sock.close()
            self.stop()
            raise
        return self

    def _database(self) -> Path:
        if self.db_path is not None:
            return self.db_path
        self._temp = Path(tempfile.mkdtemp(prefix="webapi-mock-"))
        return self._temp / "mock.sqlite3"

    def _wait_started(self) -> None:
        assert self._server is not None
        assert self._thread is not None
        deadline = time.monotonic() + _START_TIMEOUT
        while not self._server.started:
            if not self._thread.is_alive():
                raise RuntimeError("the mock server thread exited during startup")
            if time.monotonic() > deadline:
                raise RuntimeError(f"the mock server did not start within {_START_TIMEOUT:g} s")
            time.sleep(0.005)

    def wait(self) -> None:
        """Block until the server stops (for `serve`; Ctrl-C raises KeyboardInterrupt here)."""
        # Sleep rather than join: a join interrupted by Ctrl-C can leave the thread looking
        # stopped while it still runs, and stop() would then not wait for it.
        while self._thread is not None and self._thread.is_alive():
            time.sleep(0.2)

    def stop(self) -> None:
        """Stop serving, close the database, and remove it when it was a temporary one."""
        if self._server is not None:
            self._server.request_exit()
        if self._thread is not None:
            self._thread.join(10)
        self._server = self._thread = None
        if self._mounted is not None:
            self._mounted.close()
            self._mounted = None
        if self._temp is not None:
            shutil.rmtree(self._temp, ignore_errors=True)
            self._temp = None

    def __enter__(self) -> MockServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock
