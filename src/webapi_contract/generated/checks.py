"""The checks a generated case goes through, each with its level, and ours among them.

Every check is documented (its failure breaks what the vendor's pages say: a `must`) or good
practice (a `should`): `documented` below. The generated layer speaks of documented or not; the
suite turns that into the levels of `webapi_contract.contract`, which this layer does not import.

One cause, one failure: a generated check does not judge what a hand-written clause owns. The body
of a documented error status (the 404 error body: "GET of an id that does not exist answers 404
with the documented error body") is the clause's; here only its status is judged. A 5xx is
`not_a_server_error`'s alone, not also an undocumented status.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from functools import cache, partial
from typing import Any

import jsonschema_rs
from schemathesis.checks import CHECKS, load_all_checks
from schemathesis.core.failures import CustomFailure, Failure, FailureGroup
from schemathesis.transport import requests as transport

from webapi_contract import schemastore
from webapi_contract.client import contract_session
from webapi_contract.config import Settings
from webapi_contract.generated.entity import INT32_MAX, EntityApi, entity_key
from webapi_contract.generated.findings import mark, response_schema_names
from webapi_contract.generated.violations import (
    Violation,
    entity_violations,
    patch_violations,
)

__all__ = [
    "THROTTLED_AUTH",
    "Judge",
    "builtin",
    "documented_status_code",
    "ignored_auth_unless_throttled",
    "is_agents_null",
    "levelled",
]

Check = Callable[[Any, Any, Any], bool | None]


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


class InvalidRequestAccepted(Failure):
    """A request the schema rules out was answered with success."""

    code = "WC104"
    kind_title = "Schema-violating request accepted"


class AgentsFailure(Failure):
    """An Agents operation answered 200 with `null`: its documented way of failing."""

    code = "WC105"
    kind_title = "Agents failure (200 with a null body)"


def builtin(*names: str) -> list[Any]:
    """Schemathesis' registered checks by their config names."""
    return list(_registered(names))


@cache
def _registered(names: tuple[str, ...]) -> tuple[Any, ...]:
    """Looked up once per set of names (checks register on import and stay registered)."""
    load_all_checks()
    return tuple(CHECKS.get_by_names(list(names)))


def levelled(
    check: Check, documented: bool | Callable[[Any], bool], name: str | None = None
) -> Check:
    """check, its failures marked with the check's name and level (a callable level is asked
    per case). A failure the check marked itself keeps its own level."""
    named = name or check.__name__

    def run(ctx: Any, response: Any, case: Any) -> bool | None:
        __tracebackhide__ = True
        level = documented(case) if callable(documented) else documented
        try:
            return check(ctx, response, case)
        except FailureGroup as group:
            for failure in group.exceptions:
                mark(failure, named, level, keep=True)
            raise
        except Failure as failure:
            raise mark(failure, named, level, keep=True) from None
        except AssertionError as error:
            custom = CustomFailure(
                operation=case.operation.label,
                title=f"Custom check failed: `{named}`",
                message=str(error),
                exception=error,
            )
            raise mark(custom, named, level) from None

    run.__name__ = named
    run.__doc__ = check.__doc__
    return run


def is_agents_null(api: EntityApi, response: Any, case: Any) -> bool:
    """An Agents operation's documented failure signal: 200 with a `null` body
    (docs/vendor/reference/vendor-facts.md:18, Agents "do not return HTTP errors")."""
    if case.operation.definition.raw.get("operationId") not in api.agents:
        return False
    return bool(response.status_code == 200 and (response.content or b"").strip() == b"null")


def _is_valid_case(case: Any) -> bool:
    meta = case.meta
    return meta is None or bool(meta.generation.mode.is_positive)


def response_formats(vendor: str, response: Any, case: Any) -> bool | None:
    """Formats of a documented JSON success body, checked as the hand-written clauses check them.

    Schemathesis' response_schema_conformance runs with format validation off, because RFC 3339
    date-times need an offset and a vendor may write none (see schemastore.FORMATS). Error
    bodies are the clauses' (module docstring). Of a choice of schemas (`anyOf`), the one the
    body matches but for formats is judged.
    """
    if response.status_code >= 400:
        return None
    names = response_schema_names(
        case.operation.path, case.operation.method, str(response.status_code), vendor
    )
    if not names:
        return None
    try:
        body = response.json()
    except ValueError:
        return None  # content_type_conformance and response_schema_conformance judge that
    if _fast_validator(names[0], vendor).is_valid(body):
        return None  # the first schema holds, formats included: what the loop below concludes
    name, wrong = names[0], []
    for candidate in names:
        errors = list(schemastore.validator(candidate, vendor).iter_errors(body))
        if all(e.validator == "format" for e in errors):
            name, wrong = candidate, errors
            break
    if wrong:
        shown = "; ".join(f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in wrong[:5])
        failure = FormatMismatch(
            operation=case.operation.label,
            message=f"{shown}\nSchema: {name}",
            title="Response value in the wrong format",
        )
        first = wrong[0]
        member = "/".join(map(str, first.relative_schema_path))
        raise mark(failure, "response_formats", True, f"/components/schemas/{name}#/{member}")
    return None


def _conforms(format_name: str, value: str) -> bool:
    return bool(schemastore.FORMATS.conforms(value, format_name))


@cache
def _fast_validator(name: str, vendor: str) -> Any:
    """A compiled validator of the vendor's schema `name` (jsonschema-rs, which Schemathesis
    validates responses with), checking formats with schemastore.FORMATS' own functions.

    Its one use is the quick "valid": every format jsonschema checks is checked here by the same
    function (a format jsonschema does not check may fail here, which only sends the body the
    slow way), so a body it passes has no error for schemastore.validator either. A body it
    fails is judged by schemastore.validator, whose errors the check reports. jsonschema-rs
    comes with Schemathesis."""
    resources = [
        (schemastore.schema_uri(other), schemastore.load(other, vendor))
        for other in schemastore.available(vendor=vendor)
    ]
    formats: dict[str, Callable[..., bool]] = {
        str(fmt): partial(_conforms, str(fmt)) for fmt in schemastore.FORMATS.checkers
    }
    return jsonschema_rs.Draft202012Validator(
        schemastore.load(name, vendor),
        registry=jsonschema_rs.Registry(resources),
        formats=formats,
        validate_formats=True,
    )


# Schemathesis sends the probes of `ignored_auth` (the request without, then with wrong
# credentials) outside the run's session: a rate-limited server's 429 reaches the check, and
# requests would add credentials from ~/.netrc to them (making "no credentials" valid ones).
_THROTTLED = re.compile(r"got `(429|503) ")
_PROBE_WAITS_S = (1.0, 2.0, 4.0)
# Operations whose last auth probe stayed throttled: their enforcement is not confirmed yet.
THROTTLED_AUTH: set[str] = set()


_PROBES: list[Settings] = []


def probe_settings(settings: Settings) -> None:
    """The settings whose session the auth probes use (set by each generated run)."""
    _PROBES[:] = [settings]


@contextmanager
def _probes_in_our_session() -> Iterator[None]:
    """Schemathesis sends ignored_auth's probes in a session of its own, which would read
    ~/.netrc and the environment's proxies and follow redirects: inside the block it builds
    ours instead (client.contract_session: none of that, every request bounded)."""
    if not _PROBES:
        raise RuntimeError("harness bug: probe_settings was not called before the checks ran")
    settings = _PROBES[0]
    saved = transport.SameHostRedirectsSession
    transport.SameHostRedirectsSession = lambda: contract_session(settings)  # type: ignore[misc, assignment, return-value]
    try:
        yield
    finally:
        transport.SameHostRedirectsSession = saved  # type: ignore[misc]


def ignored_auth_unless_throttled(ctx: Any, response: Any, case: Any) -> bool | None:
    """Schemathesis' ignored_auth, its probes sent without ~/.netrc credentials, sent again
    when a probe was throttled (429, or 503), and no verdict when it stays throttled:
    throttling says nothing about authentication."""
    (check,) = builtin("ignored_auth")
    label = case.operation.label
    for wait in (*_PROBE_WAITS_S, None):
        try:
            with _probes_in_our_session():
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


def _is_json_patch(case: Any) -> bool:
    """A JSON Patch document: an array of operations (whatever Content-Type labels it)."""
    media_type = getattr(case, "media_type", None) or ""
    return "json-patch" in media_type or isinstance(getattr(case, "body", None), list)


def documented_status_code(
    response: Any, case: Any, global_statuses: frozenset[int]
) -> bool | None:
    """The status is documented for the operation, or globally for every route (a 5xx is
    not_a_server_error's)."""
    documented = [str(code) for code in case.operation.responses.status_codes]
    if "default" in documented:
        return None
    status = response.status_code
    if status >= 500 or status == 429 or status in global_statuses:
        return None  # a 429 left after the retries is throttling, not an answer
    if any(_matches(code, status) for code in documented):
        return None
    shown = ", ".join([*documented, *(str(s) for s in sorted(global_statuses))])
    raise UndocumentedStatus(
        operation=case.operation.label,
        message=f"Received: {status}\nDocumented: {shown}",
        title="Undocumented status code",
    )


def _matches(code: str, status: int) -> bool:
    code = code.upper()
    return len(code) == 3 and all(c in ("X", s) for c, s in zip(code, str(status), strict=True))


def _not_an_int32(value: Any) -> bool:
    if isinstance(value, bool):
        return True
    if isinstance(value, int):
        return not -INT32_MAX - 1 <= value <= INT32_MAX
    try:
        return not -INT32_MAX - 1 <= int(str(value), 10) <= INT32_MAX
    except ValueError:
        return True


def _not_an_id(value: Any, api: EntityApi) -> str | None:
    """Why value cannot be the id of the api's entity in a path; None when it can."""
    if api.id_kind == "int32":
        return "is not an int32" if _not_an_int32(value) else None
    return "is not a guid" if entity_key(value, "uuid") is None else None


class Judge:
    """The checks for one entity's generated cases, each with its level."""

    def __init__(self, api: EntityApi) -> None:
        self.api = api
        # In a body that creates, the id chooses create or update: judged. In a PATCH the path
        # names the entity, so a server may ignore a body's read-only id as it may any stamp.
        self.ignored = (api.stamped - {api.id_property}) | api.unjudged
        self.ignored_in_patch = set(api.stamped) | {api.id_property} | api.unjudged
        self._checks: dict[tuple[bool, bool], list[Check]] = {}
        self._stateful: list[Check] | None = None

    def violations(self, case: Any) -> list[Violation]:
        """How the request breaks its schema, each documented as refused or not."""
        found: list[Violation] = []
        operation_id = case.operation.definition.raw.get("operationId")
        api = self.api
        if operation_id in api.by_id:
            value = (case.path_parameters or {}).get(api.id_parameter)
            problem = _not_an_id(value, api)
            if problem is not None:
                where = f"{case.operation.path} {api.id_parameter}"
                found.append(Violation(False, where, f"the id {value!r} {problem}"))
        body = case.body
        if operation_id in api.entity_bodies and _has_body(case):
            violations = entity_violations(
                api.entity_of(operation_id),
                body,
                self.ignored,
                vendor=api.vendor,
                null_is_default=api.null_is_default,
            )
            if operation_id in api.agents:
                # An Agents call ("no HTTP errors") promises no refusal of a wrong-typed member:
                # a server may bind its default and save.
                violations = [replace(v, documented=False) for v in violations]
            found += violations
        elif operation_id == api.update and _has_body(case):
            merge = self.api.merge_patch_appends or self.api.entity
            found += patch_violations(
                merge, body, case.media_type or "", self.ignored_in_patch, vendor=api.vendor
            )
        return found

    def negative_entity_rejected(self, ctx: Any, response: Any, case: Any) -> bool | None:
        """An invalid case is refused, judged by what its request breaks (generated/violations.py):
        a documented refusal (a wrong JSON type for a documented top-level scalar, an
        unsupported or malformed patch; malformed JSON is the robustness clause's, generated
        bodies are JSON) is a must, any other violation a should.
        Not judged: rights members (docs/vendor/reference/vendor-facts.md:26 "What a client sends
        in them is not documented to have any effect; a server may ignore them"), the members of
        carrier objects likewise, headers and query parameters. Any status from 400 up is a
        refusal (which one: documented_status_code and not_a_server_error), and so is an Agents
        operation's 200 with `null`."""
        meta = case.meta
        if meta is None or not meta.generation.mode.is_negative:
            return None
        status = response.status_code
        if status >= 400 or is_agents_null(self.api, response, case):
            return None
        violations = self.violations(case)
        if not violations:
            return None
        documented = any(v.documented for v in violations)
        judged = [v for v in violations if v.documented == documented]
        failure = InvalidRequestAccepted(
            operation=case.operation.label,
            message=(
                "Invalid data should have been refused (a 4xx)\n"
                + "\n".join(f"Invalid: {v.message}" for v in judged[:3])
                + ("" if documented else "\n(the docs do not promise this refusal: a should)")
            ),
            title="Schema-violating request accepted",
        )
        raise mark(failure, "negative_entity_rejected", documented, judged[0].location)

    def malformed_patch_refused(self, ctx: Any, response: Any, case: Any) -> bool | None:
        """A malformed JSON Patch is refused with a 4xx (a 5xx: not_a_server_error's). A
        documented rule broken (an array of add/replace/remove/test operations with path and
        value; move and copy not supported) is a must; what the docs leave open (a path naming
        no property, a number out of range) a should. That nothing was applied is the
        hand-written clauses' job (move/copy refused, a failing test applies nothing)."""
        if not 200 <= response.status_code < 400:
            return None
        violations = patch_violations(
            self.api.merge_patch_appends or self.api.entity,
            case.body,
            case.media_type or "",
            self.ignored,
            vendor=self.api.vendor,
        )
        documented = any(v.documented for v in violations)
        judged = [v for v in violations if v.documented == documented]
        failure = MalformedPatchAccepted(
            operation=case.operation.label,
            message=(
                f"Received: {response.status_code}\nExpected: a 4xx refusal "
                "(docs: op is one of add, replace, remove, test; move and copy not supported)"
                + "".join(f"\nMalformed: {v.message}" for v in judged[:3])
            ),
            title="Malformed JSON Patch accepted",
        )
        location = judged[0].location if judged else ""
        raise mark(failure, "malformed_patch_refused", documented, location)

    def agents_failure(self, ctx: Any, response: Any, case: Any) -> bool | None:
        """A valid case an Agents operation answered 200 with `null`: the documented failure
        signal, reported as the refusal of valid data it is (not as a schema violation)."""
        if not is_agents_null(self.api, response, case) or not _is_valid_case(case):
            return None
        failure = AgentsFailure(
            operation=case.operation.label,
            message=(
                "The server answered 200 with null: the Agents way of failing "
                '(vendor-facts.md:18, Agents "do not return HTTP errors"); valid data was '
                "refused. A tenant's mandatory fields belong in the test-contact setting."
            ),
            title="Agents failure: 200 with a null body",
        )
        raise mark(failure, "agents_failure", True)

    def response_schema_conformance(self, ctx: Any, response: Any, case: Any) -> bool | None:
        """Schemathesis' check, for success bodies: an error body of a documented error status
        is its clause's, and an Agents 200 with `null` is agents_failure's."""
        if response.status_code >= 400 or is_agents_null(self.api, response, case):
            return None
        (check,) = builtin("response_schema_conformance")
        result: bool | None = check(ctx, response, case)
        return result

    def content_type_conformance(self, ctx: Any, response: Any, case: Any) -> bool | None:
        """Schemathesis' check, for success bodies (an error body is its clause's)."""
        if response.status_code >= 400:
            return None
        (check,) = builtin("content_type_conformance")
        result: bool | None = check(ctx, response, case)
        return result

    def documented_status_code(self, ctx: Any, response: Any, case: Any) -> bool | None:
        """The status is documented for the operation, or for every route of the vendor (a 5xx
        is not_a_server_error's)."""
        return documented_status_code(response, case, self.api.global_statuses)

    def response_formats(self, ctx: Any, response: Any, case: Any) -> bool | None:
        """Formats of a documented JSON success body (see the module function)."""
        return response_formats(self.api.vendor, response, case)

    def checks(self, *, malformed: bool = False, confirm_auth: bool = True) -> list[Check]:
        """Every check of one case, levelled. malformed: the body breaks a rule on purpose (no
        positive_data_acceptance; malformed_patch_refused instead). Built once per kind: the
        levelled checks keep no state between cases."""
        key = (malformed, confirm_auth)
        if key not in self._checks:
            self._checks[key] = self._build_checks(malformed=malformed, confirm_auth=confirm_auth)
        return list(self._checks[key])

    def _build_checks(self, *, malformed: bool, confirm_auth: bool) -> list[Check]:
        def valid_input(case: Any) -> bool:
            return not malformed and _is_valid_case(case)

        (server_error, headers, positive, missing_header) = builtin(
            "not_a_server_error",
            "response_headers_conformance",
            "positive_data_acceptance",
            "missing_required_header",
        )
        checks: list[Check] = [
            # docs: a valid request gets its documented answer; for broken input the vendor only
            # lists 400 as a status, so "no 5xx" is good practice there (the robustness clause's
            # "a bad body is refused as the client's fault" is a should too).
            levelled(server_error, valid_input),
            # Content-type niceties: the clause "responses declare their content type" owns the
            # documented part.
            levelled(self.content_type_conformance, False),
            levelled(headers, True),
            levelled(self.response_schema_conformance, True),
            levelled(missing_header, True),
            # a documented status for a valid request; for broken input the docs list 400, but
            # which refusal answers it they do not promise (405/415/422… are refusals too)
            levelled(self.documented_status_code, valid_input),
            levelled(self.negative_entity_rejected, True),
            levelled(self.response_formats, True),
            levelled(self.agents_failure, True),
        ]
        if malformed:
            checks.append(levelled(self.malformed_patch_refused, True))
        else:
            # A schema-valid JSON Patch may still not apply: RFC 6902 refuses an operation whose
            # target's parent does not exist (add /CustomFields/0 while CustomFields is null),
            # and a schema cannot see the entity's state. Accepted is a must for other bodies.
            checks.append(levelled(positive, lambda case: not _is_json_patch(case)))
        if confirm_auth:
            # vendor-facts.md:33: a request without credentials gets 401.
            checks.append(levelled(ignored_auth_unless_throttled, True))
        return checks

    def stateful_checks(self) -> list[Check]:
        """The checks of a linked sequence's steps: those of a case, and the sequence's own
        (built once, handed out as a fresh list)."""
        if self._stateful is None:
            self._stateful = self._build_stateful_checks()
        return list(self._stateful)

    def _build_stateful_checks(self) -> list[Check]:
        documented = builtin("ensure_resource_availability")
        # use_after_free: the vendor's Swagger says contacts are soft-deleted ("marked as
        # deleted"), so a GET answering 200 after DELETE is conformant: practice, not a must.
        practice = builtin("use_after_free", "unsupported_method", "allow_header_conformance")
        practice += builtin("object_level_authorization")
        return [
            *self.checks(),
            *(levelled(check, True) for check in documented),
            *(levelled(check, False) for check in practice),
        ]


def _has_body(case: Any) -> bool:
    from schemathesis.core import NOT_SET

    return case.body is not NOT_SET
