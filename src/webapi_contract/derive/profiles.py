"""The vendor registry: which vendors are derived, reached by name, and one derivation each.

Each vendor is a package `webapi_contract.derive.<vendor>` offering `PAGES` (its doc pages, in a
fixed order), `HINTS` (page -> (method, route) for pages that do not name their endpoint) and
`build(endpoints, docs, warnings) -> (schemas, openapi)`. Shared code reaches a vendor package only
through `vendor_package` (importlib), never by a static import: adding a vendor is adding a
package and its name to `VENDORS`.
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, cast

from webapi_contract.derive.docs import CITED_ROOT
from webapi_contract.derive.model import Endpoint
from webapi_contract.derive.pages import parse_page

__all__ = [
    "CITED_ROOT",
    "DEFAULT_VENDOR",
    "VENDORS",
    "Derivation",
    "VendorPackage",
    "derive",
    "derive_all",
    "page_names",
    "parse_pages",
    "vendor_package",
]

VENDORS = ("superoffice", "odyssee")
DEFAULT_VENDOR = "superoffice"
Schemas = dict[str, dict[str, Any]]


class VendorPackage(Protocol):
    """What a vendor package of the deriver offers."""

    PAGES: tuple[str, ...]
    HINTS: dict[str, tuple[str, str]]
    build: Callable[[list[Endpoint], Path, list[str]], tuple[Schemas, dict[str, Any]]]


@dataclass
class Derivation:
    """One vendor's derivation: its parsed pages, schema documents, OpenAPI, warnings."""

    endpoints: list[Endpoint]
    schemas: Schemas
    openapi: dict[str, Any]
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    vendor: str = DEFAULT_VENDOR


def vendor_package(vendor: str) -> VendorPackage:
    """The deriver package of `vendor`, imported by name; ValueError for an unknown vendor."""
    if vendor not in VENDORS:
        raise ValueError(f"unknown vendor {vendor!r} (known: {', '.join(VENDORS)})")
    return cast(VendorPackage, importlib.import_module(f"webapi_contract.derive.{vendor}"))


def page_names(vendor: str | None = None) -> tuple[str, ...]:
    """The doc pages derived for `vendor` (every vendor's when None), in a fixed order."""
    vendors = VENDORS if vendor is None else (vendor,)
    return tuple(name for v in vendors for name in vendor_package(v).PAGES)


def parse_pages(docs: Path, vendor: str | None = None) -> list[Endpoint]:
    """Every derived page of `vendor` (every vendor's when None) as an endpoint model."""
    endpoints = []
    for v in VENDORS if vendor is None else (vendor,):
        package = vendor_package(v)
        for name in package.PAGES:
            method, route = package.HINTS.get(name, (None, None))
            endpoints.append(parse_page(docs / name, f"{CITED_ROOT}/{name}", method, route))
    return endpoints


def derive(docs: Path, vendor: str = DEFAULT_VENDOR) -> Derivation:
    """Parse the pages of `vendor` and the reference facts, and build its schemas and OpenAPI."""
    started = time.perf_counter()
    endpoints = parse_pages(docs, vendor)
    warnings = [w for e in endpoints for w in e.warnings]
    schemas, api = vendor_package(vendor).build(endpoints, docs, warnings)
    return Derivation(endpoints, schemas, api, warnings, time.perf_counter() - started, vendor)


def derive_all(docs: Path) -> dict[str, Derivation]:
    """Every vendor's derivation, by vendor name, in `VENDORS` order."""
    return {vendor: derive(docs, vendor) for vendor in VENDORS}
