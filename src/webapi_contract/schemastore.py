"""Read access to the derived contract in `schemas/`: JSON Schemas, validators and OpenAPI."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from webapi_contract.paths import DEFAULT_VENDOR, schemas_dir

__all__ = [
    "FORMATS",
    "SCHEMA_BASE_URI",
    "available",
    "load",
    "openapi",
    "registry",
    "schema_uri",
    "validator",
]

SCHEMA_BASE_URI = "https://webapi-contract.invalid/schemas/"

# An ISO 8601 date-time without an offset. SuperOffice writes dates so unless SO-TimeZone asks
# for `includeTZOffset` (docs/vendor/reference/vendor-facts.md:39), and CreatedDate/UpdatedDate
# are documented UTC; so such a value is a valid `date-time` here (RFC 3339 alone wants one).
_NAIVE_DATE_TIME = re.compile(
    r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])[Tt]([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d+)?$"
)


def _date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if _NAIVE_DATE_TIME.fullmatch(value):
        value += "Z"  # the same calendar checks as an instant with its offset
    return bool(Draft202012Validator.FORMAT_CHECKER.conforms(value, "date-time"))


# The format checks of every validator here: jsonschema's, with `date-time` admitting no offset.
FORMATS = FormatChecker()
FORMATS.checkers = {**Draft202012Validator.FORMAT_CHECKER.checkers}
FORMATS.checks("date-time")(_date_time)
_SUFFIX = ".schema.json"


def schema_uri(name: str) -> str:
    """The `$id` of the schema called `name` (e.g. ContactEntity). Schema names are unique
    across vendors (Odyssee's are prefixed), so the `$id` needs no vendor."""
    return f"{SCHEMA_BASE_URI}{name}{_SUFFIX}"


def _path(name: str, folder: Path | None = None, vendor: str = DEFAULT_VENDOR) -> Path:
    return (folder or schemas_dir(vendor)) / f"{name}{_SUFFIX}"


def available(folder: Path | None = None, vendor: str = DEFAULT_VENDOR) -> list[str]:
    """Names of the schemas present in the vendor's schemas folder (or `folder`), sorted."""
    root = folder or schemas_dir(vendor)
    return sorted(p.name.removesuffix(_SUFFIX) for p in root.glob(f"*{_SUFFIX}"))


@cache
def load(name: str, vendor: str = DEFAULT_VENDOR) -> dict[str, Any]:
    """The vendor's schema document called `name`; a clear FileNotFoundError when missing."""
    path = _path(name, vendor=vendor)
    if not path.is_file():
        raise FileNotFoundError(
            f"no derived schema {name!r} at {path}; run `webapi-contract derive` to generate it"
        )
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


@cache
def registry(vendor: str = DEFAULT_VENDOR) -> Registry:
    """A referencing registry holding every derived schema of the vendor under its `$id`."""
    resources = [
        (
            schema_uri(name),
            Resource.from_contents(load(name, vendor), default_specification=DRAFT202012),
        )
        for name in available(vendor=vendor)
    ]
    return Registry().with_resources(resources)


@cache
def validator(name: str, vendor: str = DEFAULT_VENDOR) -> Draft202012Validator:
    """A Draft 2020-12 validator for the vendor's schema `name`, with format checking and all
    refs resolvable."""
    return Draft202012Validator(
        load(name, vendor), registry=registry(vendor), format_checker=FORMATS
    )


@cache
def openapi(vendor: str = DEFAULT_VENDOR) -> dict[str, Any]:
    """The vendor's derived OpenAPI 3.1 document."""
    path = schemas_dir(vendor) / "openapi.json"
    if not path.is_file():
        raise FileNotFoundError(f"no OpenAPI document at {path}; run `webapi-contract derive`")
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data
