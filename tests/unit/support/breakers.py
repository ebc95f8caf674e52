"""One broken behaviour each, paired with the clause that must catch it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from .breaking_proxy import Answer, Breaker, Call, Upstream


def _is_patch(call: Call) -> bool:
    return call.method == "PATCH" and "/contact/" in call.path.lower()


def _ops(call: Call) -> list[dict[str, Any]] | None:
    if not _is_patch(call):
        return None
    body = call.json()
    return body if isinstance(body, list) else None


def _rewrite_ops(keep):
    def request(call: Call, upstream: Upstream) -> Call:
        ops = _ops(call)
        if ops is not None:
            call.set_json([new for op in ops if (new := keep(op)) is not None])
        return call

    return request


def _case_sensitive(call: Call, upstream: Upstream) -> Call | Answer:
    for op in _ops(call) or []:
        path = str(op.get("path", ""))
        if not path.startswith("/") or path[1:2].islower():
            return Answer(400, {"Content-Type": "application/json"}, b'{"Error": true}')
    return call


def _non_atomic(call: Call, upstream: Upstream) -> Call:
    ops = _ops(call) or []
    before_test = []
    for op in ops:
        if op.get("op") == "test":
            break
        before_test.append(op)
    if before_test and len(before_test) < len(ops):
        upstream.send(Call("PATCH", call.path, dict(call.headers), _json(before_test)))
    return call


def _json(value: Any) -> bytes:
    import json

    return json.dumps(value).encode()


def _map_json(fn):
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


def _drop_header(name):
    def request(call: Call, upstream: Upstream) -> Call:
        call.drop_header(name)
        return call

    return request


def _authorize_anything(call: Call, upstream: Upstream) -> Call:
    call.drop_header("Authorization")
    call.headers["Authorization"] = upstream.authorization
    return call


def _not_found_is_ok(call: Call, answer: Answer) -> Answer:
    if answer.status == 404:
        return Answer(200, {"Content-Type": "application/json"}, b"{}")
    return answer


def _refuse_merge_patch(call: Call, upstream: Upstream) -> Call | Answer:
    if "merge-patch" in (call.header("Content-Type") or ""):
        return Answer(415, {"Content-Type": "application/json"}, b'{"Error": true}')
    return call


def _xml_ignored(call: Call, upstream: Upstream) -> Call:
    if "xml" in (call.header("Accept") or ""):
        call.drop_header("Accept")
        call.headers["Accept"] = "application/json"
    return call


def _select_ignored(call: Call, upstream: Upstream) -> Call:
    call.path = re.sub(r"[?&]\$select=[^&]*", "", call.path)
    return call


def _language_breaks(call: Call, upstream: Upstream) -> Call | Answer:
    if call.header("SO-Language"):
        return Answer(500, {"Content-Type": "application/json"}, b'{"Error": true}')
    return call


def _zone_shifts(call: Call, body: dict[str, Any]) -> dict[str, Any]:
    if call.header("SO-TimeZone") and isinstance(body.get("CreatedDate"), str):
        body["CreatedDate"] = re.sub(r"(Z|[+-]\d\d:\d\d)$", "+05:00", body["CreatedDate"])
    return body


def _frozen_updated(call: Call, body: dict[str, Any]) -> dict[str, Any]:
    if call.method == "PATCH" and "CreatedDate" in body:
        body["UpdatedDate"] = body["CreatedDate"]
    return body


def _string_ids(call: Call, body: dict[str, Any]) -> dict[str, Any]:
    if call.method == "PATCH" and isinstance(body.get("ContactId"), int):
        body["ContactId"] = str(body["ContactId"])
    return body


def _save_always_creates(call: Call, upstream: Upstream) -> Call:
    if call.method == "POST" and call.path.lower().endswith("savecontactentity"):
        body = call.json()
        if isinstance(body, dict):
            body["ContactId"] = 0
            call.set_json(body)
    return call


def _no_content_type(call: Call, answer: Answer) -> Answer:
    if call.method == "GET":
        answer.headers = {k: v for k, v in answer.headers.items() if k.lower() != "content-type"}
    return answer


@dataclass(frozen=True)
class Case:
    """A breaker and what must catch it: a test name (-k) and words of the failure message."""

    breaker: Breaker
    test: str
    message: str


CASES = [
    Case(
        Breaker(
            "test-op-ignored",
            request=_rewrite_ops(lambda op: None if op.get("op") == "test" else op),
        ),
        "test_failing_test_conflicts",
        "a failing test answers 409",
    ),
    Case(
        Breaker("non-atomic-test", request=_non_atomic),
        "test_failing_test_conflicts",
        "(nothing applied)",
    ),
    Case(
        Breaker("case-sensitive-paths", request=_case_sensitive),
        "test_path_spelling_is_free",
        "case-insensitive and the leading slash is optional",
    ),
    Case(
        Breaker(
            "move-accepted",
            request=_rewrite_ops(
                lambda op: (
                    {"op": "add", "path": op["path"], "value": "moved"}
                    if op.get("op") in ("move", "copy")
                    else op
                )
            ),
        ),
        "test_move_and_copy_are_refused",
        "a 4xx refusal",
    ),
    Case(
        Breaker(
            "remove-ignored",
            request=_rewrite_ops(lambda op: None if op.get("op") == "remove" else op),
        ),
        "test_remove_clears",
        "remove clears the property",
    ),
    Case(
        Breaker(
            "append-replaces",
            request=_rewrite_ops(
                lambda op: (
                    {"op": "replace", "path": "/Emails", "value": [op["value"]]}
                    if op.get("path", "").lower().endswith("emails/-")
                    else op
                )
            ),
        ),
        "test_add_to_array_end_appends",
        "number of Emails after add",
    ),
    Case(
        Breaker("if-unmodified-since-ignored", request=_drop_header("If-Unmodified-Since")),
        "test_stale_if_unmodified_since",
        "status 412",
    ),
    Case(
        Breaker("missing-is-200", response=_not_found_is_ok),
        "test_missing_contact_is_not_found",
        "status 404",
    ),
    Case(Breaker("select-ignored", request=_select_ignored), "test_select_on_get", "unselected"),
    Case(
        Breaker("contactid-as-string", response=_map_json(_string_ids)),
        "test_replace_answers_updated_entity",
        "valid against ContactEntityWithLinks",
    ),
    Case(
        Breaker("auth-not-required", request=_authorize_anything),
        "test_no_credentials_is_unauthorized",
        "status 401",
    ),
    Case(
        Breaker("wrong-password-accepted", request=_authorize_anything),
        "test_wrong_credentials_are_unauthorized",
        "answered 401",
    ),
    Case(
        Breaker("xml-ignored", request=_xml_ignored),
        "test_xml_accept_gives_same_values",
        "an XML content type",
    ),
    Case(
        Breaker("merge-patch-refused", request=_refuse_merge_patch),
        "test_merge_patch_changes_like_json_patch",
        "status 200",
    ),
    Case(
        Breaker("so-language-breaks", request=_language_breaks),
        "test_tuning_headers_are_accepted",
        "never break a request",
    ),
    Case(
        Breaker("time-zone-moves-created", response=_map_json(_zone_shifts)),
        "test_time_zone_keeps_created",
        "CreatedDate instant",
    ),
    Case(
        Breaker("updated-date-frozen", response=_map_json(_frozen_updated)),
        "test_updated_date_moves_forward",
        "UpdatedDate after",
    ),
    Case(
        Breaker("save-always-creates", request=_save_always_creates),
        "test_save_with_id_updates",
        "ContactId after update",
    ),
    Case(
        Breaker("no-content-type", response=_no_content_type),
        "test_content_type_declared",
        "a Content-Type header",
    ),
]


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
