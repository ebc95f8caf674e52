"""Checks the generated tests add to Schemathesis' own, each a function named after its rule."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any

from schemathesis.checks import CHECKS, load_all_checks
from schemathesis.core.failures import Failure
from schemathesis.core.parameters import ParameterLocation

from webapi_contract import schemastore

__all__ = [
    "BUILTIN",
    "GLOBAL_STATUSES",
    "THROTTLED_AUTH",
    "builtin",
    "documented_status_code",
    "ignored_auth_unless_throttled",
    "malformed_patch_refused",
    "negative_entity_rejected",
    "response_formats",
]

# Statuses the docs give for every route rather than per operation (docs/vendor/reference/
# vendor-facts.md:33: "Bodies for 400/409/412/500 are not documented. A request with neither
# `Authorization` nor `X-XSRF-TOKEN` gets 401").
GLOBAL_STATUSES = frozenset({400, 401})

# The Schemathesis checks that apply to this API; `status_code_conformance` is replaced below.
BUILTIN = (
    "not_a_server_error",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
    "positive_data_acceptance",
    "missing_required_header",
)


class UndocumentedStatus(Failure):
    """The response status is neither documented for the operation nor globally."""

    code = "WC101"
    kind_title = "Undocumented status code"


class MalformedPatchAccepted(Failure):
    """A JSON Patch document that breaks a documented rule was applied."""

    code = "WC102"
    kind_title = "Malformed JSON Patch accepted"


class FormatMismatch(Failure):
    """A value of the response does not have the format its schema gives (date-time, uuid)."""

    code = "WC103"
    kind_title = "Response value in the wrong format"


@cache
def _response_schema(path: str, method: str, status: str) -> str | None:
    """The derived schema name of a documented JSON response, e.g. ContactEntityWithLinks."""
    operation = schemastore.openapi()["paths"].get(path, {}).get(method.lower(), {})
    content = operation.get("responses", {}).get(status, {}).get("content", {})
    ref = content.get("application/json", {}).get("schema", {}).get("$ref", "")
    return ref.rsplit("/", 1)[-1] or None


def response_formats(ctx: Any, response: Any, case: Any) -> bool | None:
    """Formats of a documented JSON response, checked as the hand-written clauses check them.

    Schemathesis' response_schema_conformance runs with format validation off, because RFC 3339
    date-times need an offset and SuperOffice writes none by default (see schemastore.FORMATS).
    """
    name = _response_schema(case.operation.path, case.operation.method, str(response.status_code))
    if name is None:
        return None
    try:
        body = response.json()
    except ValueError:
        return None  # content_type_conformance and response_schema_conformance judge that
    wrong = [e for e in schemastore.validator(name).iter_errors(body) if e.validator == "format"]
    if wrong:
        shown = "; ".join(f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in wrong[:5])
        raise FormatMismatch(
            operation=case.operation.label,
            message=f"{shown}\nSchema: {name}",
            title="Response value in the wrong format",
        )
    return None


# Schemathesis sends the probes of `ignored_auth` (the request without, then with wrong
# credentials) outside the run's session: a rate-limited server's 429 reaches the check, and
# requests would add credentials from ~/.netrc to them (making "no credentials" valid ones).
_THROTTLED = re.compile(r"got `(429|503) ")
_PROBE_WAITS_S = (1.0, 2.0, 4.0)
# Operations whose last auth probe stayed throttled: their enforcement is not confirmed yet.
THROTTLED_AUTH: set[str] = set()


@contextmanager
def _without_netrc() -> Iterator[None]:
    """requests reads no ~/.netrc inside the block (NETRC points at an empty file)."""
    saved = os.environ.get("NETRC")
    os.environ["NETRC"] = os.devnull
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop("NETRC", None)
        else:
            os.environ["NETRC"] = saved


def ignored_auth_unless_throttled(ctx: Any, response: Any, case: Any) -> bool | None:
    """Schemathesis' ignored_auth, its probes sent without ~/.netrc credentials, sent again
    when a probe was throttled (429, or 503), and no verdict when it stays throttled:
    throttling says nothing about authentication."""
    (check,) = builtin("ignored_auth")
    label = case.operation.label
    for wait in (*_PROBE_WAITS_S, None):
        try:
            with _without_netrc():
                result: bool | None = check(ctx, response, case)
        except Failure as failure:
            if not _THROTTLED.search(failure.message or ""):
                THROTTLED_AUTH.discard(label)
                raise
            if wait is None:
                THROTTLED_AUTH.add(label)
                return None
            time.sleep(wait)
            continue
        THROTTLED_AUTH.discard(label)
        return result
    return None


def builtin(*names: str) -> list[Any]:
    """Schemathesis' registered checks by their config names."""
    load_all_checks()
    return list(CHECKS.get_by_names(list(names)))


def documented_status_code(ctx: Any, response: Any, case: Any) -> bool | None:
    """The status is documented for the operation, or globally for every route."""
    documented = [str(code) for code in case.operation.responses.status_codes]
    if "default" in documented:
        return None
    status = response.status_code
    if status in GLOBAL_STATUSES or any(_matches(code, status) for code in documented):
        return None
    shown = ", ".join([*documented, *(str(s) for s in sorted(GLOBAL_STATUSES))])
    raise UndocumentedStatus(
        operation=case.operation.label,
        message=f"Received: {status}\nDocumented: {shown}",
        title="Undocumented status code",
    )


def negative_entity_rejected(ctx: Any, response: Any, case: Any) -> bool | None:
    """Schemathesis' negative_data_rejection, for invalid bodies and path ids only.

    The docs type the optional headers and query parameters but never promise that a bad value
    is refused (an ASP.NET server binds an invalid `fk` to its default and answers 200), so only
    the entity and its id are held to the rule.
    """
    meta = case.meta
    if meta is None or not any(
        meta.is_negative_at(where) for where in (ParameterLocation.BODY, ParameterLocation.PATH)
    ):
        return None
    (check,) = builtin("negative_data_rejection")
    result: bool | None = check(ctx, response, case)
    return result


def malformed_patch_refused(ctx: Any, response: Any, case: Any) -> bool | None:
    """A malformed JSON Patch is refused with a 4xx (5xx: another check). That nothing of it was
    applied is the hand-written clauses' job (move/copy refused, a failing test applies nothing)."""
    if 200 <= response.status_code < 400:
        raise MalformedPatchAccepted(
            operation=case.operation.label,
            message=(
                f"Received: {response.status_code}\nExpected: a 4xx refusal "
                "(docs: op is one of add, replace, remove, test; move and copy not supported)"
            ),
            title="Malformed JSON Patch accepted",
        )
    return None


def _matches(code: str, status: int) -> bool:
    code = code.upper()
    return len(code) == 3 and all(c in ("X", s) for c, s in zip(code, str(status), strict=True))
