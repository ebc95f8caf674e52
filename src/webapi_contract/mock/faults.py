"""Contract violations a mock can be started with, one at a time, to prove the suite notices.

Each fault is one realistic deviation a vendor release could ship, and each breaks a documented
behaviour (the doc line is given with it). The clean code path asks `active(name)` at the exact
point where the deviation would live — one `if` per fault — so a faulty mock is the reference mock
with one switch flipped, never a second implementation.

Each vendor's mock package declares its own catalogue (`mock/<vendor>/faults.py`, a tuple
CATALOGUE of Fault), read here by name. A few switches live in the shared machinery (SHARED:
JSON parsing and response rendering); a vendor offers such a switch by declaring it in its
catalogue with its own doc line, and for a vendor that does not, the switch stays off.

The fault is per server, not per process: MockApp marks each request it handles with its vendor
and fault (a context variable), so mocks with different faults, and of different vendors, can
serve side by side in one process.
"""

from __future__ import annotations

import importlib
import pkgutil
from contextvars import ContextVar, Token
from dataclasses import dataclass
from pathlib import Path

from webapi_contract import paths

__all__ = [
    "DEFAULT_VENDOR",
    "FAULTS",
    "SHARED",
    "Fault",
    "active",
    "catalogue",
    "current",
    "listing",
    "require",
    "switched_on",
    "vendors",
]

DEFAULT_VENDOR = paths.DEFAULT_VENDOR

# The faults consulted by the shared machinery (mock/*.py), which any catalogue may declare.
SHARED = frozenset(
    {"charset-param-415", "malformed-json-500", "xml-accept-ignored", "text-json-406"}
    | {"json-as-text-plain", "json-without-content-type"}
)


@dataclass(frozen=True)
class Fault:
    """One deviation: its name, the area of the contract it breaks, what the server then does."""

    name: str
    area: str
    summary: str
    # The doc line the deviation breaks: a page below docs/vendor and a quote from that line.
    doc: str
    quote: str


def vendors() -> list[str]:
    """The vendors with a mock: the packages below webapi_contract.mock, sorted."""
    here = [str(Path(__file__).resolve().parent)]
    return sorted(info.name for info in pkgutil.iter_modules(here) if info.ispkg)


_CATALOGUES: dict[str, dict[str, Fault]] = {}


def catalogue(vendor: str = DEFAULT_VENDOR) -> dict[str, Fault]:
    """name -> fault of a vendor's mock, in listing order (one dict per vendor: tests may add a
    fault to it, which then changes nothing). ValueError for a vendor without a mock."""
    known = _CATALOGUES.get(vendor)
    if known is None:
        if vendor not in vendors():
            raise ValueError(f"unknown vendor {vendor!r}; known vendors: {', '.join(vendors())}")
        module = importlib.import_module(f"webapi_contract.mock.{vendor}.faults")
        declared: tuple[Fault, ...] = module.CATALOGUE
        known = _CATALOGUES.setdefault(vendor, {fault.name: fault for fault in declared})
    return known


def __getattr__(name: str) -> dict[str, Fault]:
    # FAULTS: the default vendor's catalogue, read on first use (by name, as every vendor's).
    if name == "FAULTS":
        return catalogue(DEFAULT_VENDOR)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


FAULTS: dict[str, Fault]  # see __getattr__

_ACTIVE: ContextVar[tuple[str, str | None]] = ContextVar(
    "webapi_contract_mock_fault", default=(DEFAULT_VENDOR, None)
)


def require(name: str | None, vendor: str = DEFAULT_VENDOR) -> str | None:
    """name when it is a fault of vendor's mock (or None); ValueError naming the known faults
    otherwise."""
    known = catalogue(vendor)
    if name is not None and name not in known:
        raise ValueError(f"unknown fault {name!r}; known faults: {', '.join(known)}")
    return name


def active(name: str) -> bool:
    """Whether the request being handled runs with fault `name` switched on.

    KeyError for a name the vendor's catalogue does not declare, unless it is a SHARED switch
    (which the vendor then does not offer: off)."""
    vendor, fault = _ACTIVE.get()
    known = _CATALOGUES.get(vendor)
    if known is None:
        known = catalogue(vendor)
    if name not in known:
        if name in SHARED:
            return False
        raise KeyError(f"the mock consults an unregistered fault {name!r}")
    return fault == name


def current() -> str | None:
    """The fault switched on for the request being handled, if any."""
    return _ACTIVE.get()[1]


class switched_on:  # a class, not @contextmanager: cheaper, and entered once per request
    """Handle the requests inside the block as vendor's mock with fault `name` (None: clean)."""

    __slots__ = ("_state", "_token")

    def __init__(self, name: str | None, vendor: str = DEFAULT_VENDOR) -> None:
        self._state = (vendor, name)
        self._token: Token[tuple[str, str | None]] | None = None

    def __enter__(self) -> None:
        self._token = _ACTIVE.set(self._state)

    def __exit__(self, *exc: object) -> None:
        assert self._token is not None
        _ACTIVE.reset(self._token)
        self._token = None


def listing(vendor: str = DEFAULT_VENDOR) -> list[str]:
    """One line per fault of vendor's mock: name, area and what the server then does."""
    known = catalogue(vendor)
    width = max((len(name) for name in known), default=0)
    return [f"{f.name:<{width}}  [{f.area}] {f.summary}" for f in known.values()]
