"""One broken behaviour each, paired with the clause that must catch it."""

from __future__ import annotations

import re
from dataclasses import dataclass
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
