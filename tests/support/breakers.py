"""Proxy rewrites for the unit tests: what a conformant tenant may do differently from the mock,
and the few breaks the report and generated-test tests use (the faults that prove the suite
detects a broken server are the mock's catalogue, run by selfcheck)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from .breaking_proxy import Answer, Breaker, Call, Upstream


def _json(value: Any) -> bytes:
    return json.dumps(value).encode()


def _map_json(
    fn: Callable[[Call, dict[str, Any]], dict[str, Any]],
) -> Callable[[Call, Answer], Answer]:
    def response(call: Call, answer: Answer) -> Answer:
        content_type = next(
            (v for k, v in answer.headers.items() if k.lower() == "content-type"), ""
        )
        if content_type.startswith("application/json") and answer.body:
            body = answer.json()
            if isinstance(body, dict):
                answer.set_json(fn(call, body))
        return answer

    return response


def _strip_offsets(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip_offsets(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_strip_offsets(v) for v in value]
    if isinstance(value, str) and len(value) > 19 and value[10:11] == "T" and value[19:20] in ".Z":
        return value.rstrip("Z")
    return value


# Every date-time of a JSON answer without its offset, as SuperOffice writes them unless
# SO-TimeZone asks for includeTZOffset (a conformant rendering, not a fault).
naive_dates = _map_json(lambda call, body: _strip_offsets(body))


def _authorize_anything(call: Call, upstream: Upstream) -> Call:
    call.drop_header("Authorization")
    call.headers["Authorization"] = upstream.authorization
    return call


def _not_found_is_ok(call: Call, answer: Answer) -> Answer:
    if answer.status == 404:
        return Answer(200, {"Content-Type": "application/json"}, b"{}")
    return answer


# Every 404 answered 200 with an empty object: a run with failing clauses, for report tests.
missing_is_200 = Breaker("missing-is-200", response=_not_found_is_ok)


def _string_ids(call: Call, body: dict[str, Any]) -> dict[str, Any]:
    if call.method == "PATCH" and isinstance(body.get("ContactId"), int):
        body["ContactId"] = str(body["ContactId"])
    return body


# --- Conformant servers the generated tests must not fail (issue #11) -----------------------
# Each is a callable with counters, so a test can show the situation really arose.

RIGHTS_MEMBERS = frozenset({"tableright", "fieldproperties"})
DOCUMENTED_ZONES = ("UTC", "NO", "DK", "FR", "US-NY", "US-CA")
_REFUSED = b'{"Error": true}'
_POOL_NAMES = re.compile(r" (pool \d+|missing|replacement)$")


def _has_rights(value: Any) -> bool:
    if isinstance(value, dict):
        return any(k.lower() in RIGHTS_MEMBERS or _has_rights(v) for k, v in value.items())
    return isinstance(value, list) and any(_has_rights(v) for v in value)


def _without_rights(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_rights(v) for k, v in value.items() if k.lower() not in RIGHTS_MEMBERS}
    if isinstance(value, list):
        return [_without_rights(v) for v in value]
    return value


class RightsIgnored:
    """The server computes TableRight/FieldProperties itself and ignores what a client sends in
    them, anywhere in a saved entity or a merge patch (vendor-facts.md "Rights members"): they
    are accepted (200 when the rest is fine) and dropped."""

    def __init__(self) -> None:
        self.ignored = 0

    def __call__(self, call: Call, upstream: Upstream) -> Call:
        if call.method in ("POST", "PATCH") and "json" in (call.header("Content-Type") or ""):
            try:
                body = call.json()
            except ValueError:
                return call
            if isinstance(body, dict) and _has_rights(body):
                self.ignored += 1
                call.set_json(_without_rights(body))
        return call


OTHER_NOT_FOUND_BODY = {"Error": "Contact 5 not found", "Source": "x"}


class OtherNotFoundBody:
    """Every 404 carries an error body of another shape (the 404 clause's business)."""

    def __init__(self) -> None:
        self.rewritten = 0

    def __call__(self, call: Call, answer: Answer) -> Answer:
        if answer.status != 404:
            return answer
        self.rewritten += 1
        return Answer(404, {"Content-Type": "application/json"}, _json(OTHER_NOT_FOUND_BODY))


class StrictTenant:
    """A tenant where Category is mandatory (a save without it, removing or nulling it are
    refused) and SO-TimeZone knows only the documented codes: refused with 400, as a live tenant
    may. Counts the requests that carried SO-TimeZone and those it refused."""

    def __init__(self) -> None:
        self.zones = 0
        self.refused: list[str] = []

    def __call__(self, call: Call, upstream: Upstream) -> Call | Answer:
        reason = self._reason(call)
        if reason is None:
            return call
        self.refused.append(f"{call.method} {call.path}: {reason}")
        return Answer(400, {"Content-Type": "application/json"}, _REFUSED)

    def _reason(self, call: Call) -> str | None:
        if call.header("Authorization") is None:
            return None  # 401 first
        zone = call.header("SO-TimeZone")
        if zone is not None:
            self.zones += 1
            if zone.split(",")[0].strip() not in DOCUMENTED_ZONES:
                return f"unknown SO-TimeZone {zone!r}"
        saving = call.method == "POST" and call.path.lower().endswith("savecontactentity")
        if not (saving or call.method == "PATCH"):
            return None
        try:
            body = call.json()
        except ValueError:
            return None
        if saving:
            missing = not isinstance(body, dict) or body.get("Category") is None
            return "a save without the mandatory Category" if missing else None
        if isinstance(body, dict):
            nulled = any(k.lower() == "category" and v is None for k, v in body.items())
            return "Category nulled" if nulled else None
        for op in body if isinstance(body, list) else []:
            if not isinstance(op, dict):
                continue
            target = str(op.get("path", "")).strip("/").lower() == "category"
            nulled = op.get("op") in ("replace", "add") and op.get("value") is None
            if target and (op.get("op") == "remove" or nulled):
                return "Category removed"
        return None


class AgentsNull:
    """SaveContactEntity fails the Agents way: 200 with a null body (vendor-facts.md:18), once
    authenticated (without credentials the server still answers 401). after_setup: the generated
    tests' own test contacts (`… pool 0`, `… missing`) are created, so the failure reaches the
    generated cases themselves."""

    def __init__(self, *, after_setup: bool = False) -> None:
        self.after_setup = after_setup
        self.nulls = 0

    def __call__(self, call: Call, upstream: Upstream) -> Call | Answer:
        saving = call.method == "POST" and call.path.lower().endswith("savecontactentity")
        if not saving or call.header("Authorization") != upstream.authorization:
            return call
        if self.after_setup:
            try:
                name = call.json().get("Name")
            except (ValueError, AttributeError):
                name = None
            if isinstance(name, str) and _POOL_NAMES.search(name):
                return call
        self.nulls += 1
        return Answer(200, {"Content-Type": "application/json; charset=utf-8"}, b"null")


def _at_plus_one(text: Any) -> Any:
    """A date-time as the same instant written at +01:00 (a naive one is UTC)."""
    if not isinstance(text, str) or len(text) < 19 or text[10:11] != "T":
        return text
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return text
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(timezone(timedelta(hours=1))).isoformat()


def _updated_at_plus_one(call: Call, answer: Answer) -> Answer:
    answer.headers = {k: v for k, v in answer.headers.items() if k.lower() != "last-modified"}
    return _map_json(
        lambda call, body: {
            k: _at_plus_one(v) if k.lower() == "updateddate" else v for k, v in body.items()
        }
    )(call, answer)


# UpdatedDate written as the same instant at +01:00, and no Last-Modified header: a conformant
# rendering of the instant (whether "UTC" allows the label is the stamps clause's business).
updated_date_at_plus_one = Breaker("updated-date-plus-one", response=_updated_at_plus_one)


def _camel(key: str) -> str:
    return key[:1].lower() + key[1:] if key[:1].isupper() else key


# Every top-level key of a JSON answer in camelCase (contactId, name, …): servers vary the case.
camel_case_keys = Breaker(
    "camel-case-keys",
    response=_map_json(lambda call, body: {_camel(k): v for k, v in body.items()}),
)
