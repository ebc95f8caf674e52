"""Read access to the derived contract in `schemas/`: JSON Schemas, validators and OpenAPI."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from webapi_contract.paths import schemas_dir

__all__ = [
    "SCHEMA_BASE_URI",
    "available",
    "load",
    "openapi",
    "registry",
    "schema_uri",
    "validator",
]

SCHEMA_BASE_URI = "https://webapi-contract.invalid/schemas/"
_SUFFIX = ".schema.json"


def schema_uri(name: str) -> str:
    """The `$id` of the schema called `name` (e.g. ContactEntity)."""
    return f"{SCHEMA_BASE_URI}{name}{_SUFFIX}"


def _path(name: str, folder: Path | None = None) -> Path:
    return (folder or schemas_dir()) / f"{name}{_SUFFIX}"


def available(folder: Path | None = None) -> list[str]:
    """Names of the schemas present in the schemas folder, sorted."""
    root = folder or schemas_dir()
    return sorted(p.name.removesuffix(_SUFFIX) for p in root.glob(f"*{_SUFFIX}"))


@cache
def load(name: str) -> dict[str, Any]:
    """The schema document called `name`; a clear FileNotFoundError when it is missing."""
    path = _path(name)
    if not path.is_file():
        raise FileNotFoundError(
            f"no derived schema {name!r} at {path}; run `webapi-contract derive` to generate it"
        )
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


@cache
def registry() -> Registry:
    """A referencing registry holding every derived schema under its `$id`."""
    resources = [
        (schema_uri(name), Resource.from_contents(load(name), default_specification=DRAFT202012))
        for name in available()
    ]
    return Registry().with_resources(resources)


@cache
def validator(name: str) -> Draft202012Validator:
    """A Draft 2020-12 validator for schema `name`, with format checking and all refs resolvable."""
    return Draft202012Validator(
        load(name), registry=registry(), format_checker=Draft202012Validator.FORMAT_CHECKER
    )


@cache
def openapi() -> dict[str, Any]:
    """The derived OpenAPI 3.1 document."""
    path = schemas_dir() / "openapi.json"
    if not path.is_file():
        raise FileNotFoundError(f"no OpenAPI document at {path}; run `webapi-contract derive`")
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data
