"""The mock's shortcuts for speed (issue #15) answer exactly as the long ways they skip.

Behaviour only, no stopwatch: the throughput figures are in bench/mock_throughput.py.
"""

from __future__ import annotations

import json
import random
import socket
from datetime import UTC, datetime
from email.utils import formatdate
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from webapi_contract import schemastore
from webapi_contract.mock.app import MAX_BODY, _parse_json, unstorable
from webapi_contract.mock.bodies import MAX_DEPTH
from webapi_contract.mock.clock import http_date, iso_utc
from webapi_contract.mock.contract import EntityContract
from webapi_contract.mock.errors import ApiError
from webapi_contract.mock.transport import _JoinedWrites

JSON_PATCH = "application/json-patch+json"


def create(mock, api, **fields: Any) -> dict[str, Any]:
    sent = api.post(f"{mock.base_url}/Agents/Contact/SaveContactEntity", json=fields)
    assert sent.status_code == 200, sent.text[:300]
    answer: dict[str, Any] = sent.json()
    return answer


# --- times formatted once a second ------------------------------------------------------


def test_times_are_formatted_as_without_the_per_second_memory():
    rng = random.Random(15)
    instants = [rng.randrange(0, 2**42) for _ in range(500)]
    instants += [1_764_621_000_000_000 + rng.randrange(0, 3_000_000) for _ in range(500)]
    for micros in instants:
        seconds, fraction = divmod(micros, 1_000_000)
        moment = datetime.fromtimestamp(seconds, UTC)
        assert iso_utc(micros) == f"{moment:%Y-%m-%dT%H:%M:%S}.{fraction:06d}Z"
        assert http_date(seconds) == formatdate(seconds, usegmt=True)


# --- validation: plain members checked without jsonschema --------------------------------

VALUES: list[Any] = [None, True, False, 0, 1, -1, 2**31 - 1, 2**31, -(2**31), -(2**31) - 1]
VALUES += [3.0, 2.5, 1e10, "", "x", [], {}, ["a"], {"a": "b"}, 10**20]


def test_a_plain_check_accepts_only_what_jsonschema_accepts():
    contract = EntityContract("ContactEntity")
    properties = schemastore.load("ContactEntity")["properties"]
    assert {"Name", "Department", "NoMailing", "GroupId"} <= contract._plain.keys()
    for key, check in contract._plain.items():
        validator = contract._member(key)
        taken = [value for value in VALUES if check(value)]
        assert None in taken  # and a value of the member's type, below
        assert len(taken) > 1, key
        for value in VALUES:
            if check(value):  # what it refuses goes on to jsonschema
                assert validator.is_valid(value), (key, value, properties[key])


def test_a_plain_member_of_the_wrong_type_is_still_refused_in_jsonschema_s_words():
    contract = EntityContract("ContactEntity")
    entity = {**contract.defaults(), "Department": 5}
    with pytest.raises(ApiError) as refused:
        contract.validate(entity, {"Department"})
    expected = next(Draft202012Validator({"type": ["string", "null"]}).iter_errors(5)).message
    assert refused.value.status == 400
    assert refused.value.message == f"Department: {expected}"


# --- request bodies: the storable check skipped only when nothing can be unstorable -----


@pytest.mark.parametrize(
    "raw",
    [
        b'{"Name": "\xed\xa0\x80"}',  # a lone surrogate as raw UTF-8, no \u escape
        b'{"Name": "\\ud800"}',
        b"[" * (MAX_DEPTH + 1) + b"]" * (MAX_DEPTH + 1),
        b'{"a": ' * MAX_DEPTH + b"{}" + b"}" * MAX_DEPTH,
    ],
    ids=["raw-surrogate", "escaped-surrogate", "deep-arrays", "deep-objects"],
)
def test_unstorable_bodies_are_still_refused(raw):
    with pytest.raises(ApiError) as refused:
        _parse_json(raw)
    assert refused.value.status == 400


def test_a_body_at_the_depth_limit_parses_as_json_loads_does():
    raw = b"[" * MAX_DEPTH + b"1.5" + b"]" * MAX_DEPTH
    assert _parse_json(raw) == json.loads(raw)
    assert unstorable(json.loads(raw)) is None


@pytest.mark.parametrize("raw", [b"NaN", b"[1e999]", b"\xef\xbb\xbf{}", b"\xff", b"[1,]"], ids=repr)
def test_json_the_parser_refuses_is_refused_as_before(raw):
    try:
        expected: Any = json.loads(raw, parse_constant=_refuse, parse_float=_finite_float)
    except ValueError:
        with pytest.raises(ApiError):
            _parse_json(raw)
    else:
        assert _parse_json(raw) == expected


def _refuse(name: str) -> None:
    raise ValueError(name)


def _finite_float(text: str) -> float:
    number = float(text)
    if number in (float("inf"), float("-inf")):
        raise ValueError(text)
    return number


# --- headers, read once per request ---------------------------------------------------


@pytest.mark.parametrize(
    ("first", "second", "status"),
    [(JSON_PATCH, "text/plain", b"200"), ("text/plain", JSON_PATCH, b"415")],
)
def test_a_repeated_header_counts_as_its_first_value(mock, api, first, second, status):
    contact = create(mock, api, Name="Twice")
    path = mock.base_url.split(str(mock.port), 1)[1] + f"/Contact/{contact['ContactId']}"
    body = json.dumps([{"op": "replace", "path": "/Department", "value": "T"}])
    request = (
        f"PATCH {path} HTTP/1.1\r\nHost: {mock.host}:{mock.port}\r\n"
        f"Authorization: Bearer {mock.credentials.token}\r\nContent-Type: {first}\r\n"
        f"Content-Type: {second}\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n"
        f"{body}"
    ).encode()
    with socket.create_connection((mock.host, mock.port), timeout=20) as sock:
        sock.sendall(request)
        answer = _read_all(sock)
    assert answer.split(b" ", 2)[1] == status, answer[:300]


# --- patches start from the entity a patch left, never from a half-applied one ----------


def test_a_failed_patch_leaves_nothing_behind_for_the_next_one(mock, api):
    contact = create(mock, api, Name="Before", Department="Dept")
    url = f"{mock.base_url}/Contact/{contact['ContactId']}"
    headers = {"Content-Type": JSON_PATCH}
    ok = api.patch(url, json=[{"op": "replace", "path": "/Department", "value": "D1"}])
    assert ok.status_code == 200
    failed = api.patch(
        url,
        data=json.dumps(
            [
                {"op": "replace", "path": "/Name", "value": "Half"},
                {"op": "test", "path": "/Department", "value": "not so"},
            ]
        ),
        headers=headers,
    )
    assert failed.status_code == 409
    then = api.patch(
        url, json=[{"op": "replace", "path": "/Department", "value": "D2"}], headers=headers
    )
    assert then.status_code == 200
    assert then.json()["Name"] == "Before"
    assert api.get(url).json()["Name"] == "Before"


def test_a_contact_saved_in_between_is_what_the_next_patch_changes(mock, api):
    contact = create(mock, api, Name="One", Department="Dept")
    url = f"{mock.base_url}/Contact/{contact['ContactId']}"
    assert api.patch(url, json=[{"op": "replace", "path": "/Department", "value": "P"}]).ok
    resaved = {**api.get(url).json(), "Name": "Two"}
    resaved.pop("_Links")
    create(mock, api, **resaved)
    patched = api.patch(url, json=[{"op": "replace", "path": "/Department", "value": "Q"}])
    assert (patched.json()["Name"], patched.json()["Department"]) == ("Two", "Q")


# --- one write per response --------------------------------------------------------------


class _Transport:
    def __init__(self) -> None:
        self.writes: list[bytes] = []
        self.closed = False

    def write(self, data: bytes) -> None:
        self.writes.append(data)

    def close(self) -> None:
        self.closed = True

    def is_closing(self) -> bool:
        return self.closed


class _Cycle:
    response_started = False
    response_complete = False


def test_a_response_head_leaves_with_its_body_in_one_write():
    transport, cycle = _Transport(), _Cycle()
    joined = _JoinedWrites(transport, cycle)  # type: ignore[arg-type]
    joined.write(b"HTTP/1.1 100 Continue\r\n\r\n")  # before the response: at once
    assert transport.writes == [b"HTTP/1.1 100 Continue\r\n\r\n"]
    cycle.response_started = True
    joined.write(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n")
    assert len(transport.writes) == 1  # held
    joined.write(b"{}")
    assert transport.writes[1:] == [b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}"]
    joined.write(b"more")
    assert transport.writes[2:] == [b"more"]


def test_a_held_head_is_written_before_a_close_or_when_the_response_ends():
    transport, cycle = _Transport(), _Cycle()
    cycle.response_started = True
    joined = _JoinedWrites(transport, cycle)  # type: ignore[arg-type]
    joined.write(b"HTTP/1.1 200 OK\r\n\r\n")
    joined.close()
    assert transport.writes == [b"HTTP/1.1 200 OK\r\n\r\n"]
    assert transport.closed
    transport, cycle = _Transport(), _Cycle()
    cycle.response_started = True
    joined = _JoinedWrites(transport, cycle)  # type: ignore[arg-type]
    joined.write(b"HTTP/1.1 405 Method Not Allowed\r\n\r\n")  # a HEAD answer: no body
    joined.flush()
    assert transport.writes == [b"HTTP/1.1 405 Method Not Allowed\r\n\r\n"]


def test_head_requests_100_continue_and_pipelined_requests_are_all_answered(mock, api):
    contact = create(mock, api, Name="Wire")
    base = mock.base_url.split(str(mock.port), 1)[1]
    path = f"{base}/Contact/{contact['ContactId']}"
    auth = f"Host: {mock.host}:{mock.port}\r\nAuthorization: Bearer {mock.credentials.token}\r\n"
    with socket.create_connection((mock.host, mock.port), timeout=20) as sock:
        sock.sendall(f"HEAD {path} HTTP/1.1\r\n{auth}\r\n".encode())
        assert _read_head(sock, body=False).startswith(b"HTTP/1.1 405 ")
        body = json.dumps([{"op": "replace", "path": "/Department", "value": "E"}]).encode()
        sock.sendall(
            f"PATCH {path} HTTP/1.1\r\n{auth}Content-Type: {JSON_PATCH}\r\n"
            f"Content-Length: {len(body)}\r\nExpect: 100-continue\r\n\r\n".encode()
        )
        assert _read_head(sock).startswith(b"HTTP/1.1 100 ")  # not held back
        sock.sendall(body)
        assert _read_head(sock).startswith(b"HTTP/1.1 200 ")
        sock.sendall(f"GET {path} HTTP/1.1\r\n{auth}\r\n".encode() * 2)
        two = b""
        while two.count(b"HTTP/1.1 200 ") < 2 or not two.endswith(b"}"):
            chunk = sock.recv(65536)
            assert chunk, two
            two += chunk
    assert two.count(b'"Department": "E"') == 2


def _read_head(sock: socket.socket, body: bool = True) -> bytes:
    """One answer's head read off sock, and its body (by Content-Length) unless `body` is
    False (a HEAD answer has none, whatever its length says)."""
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = sock.recv(1)
        assert chunk, head
        head += chunk
    length = 0
    for line in head.split(b"\r\n"):
        name, _, value = line.partition(b":")
        if body and name.strip().lower() == b"content-length":
            length = int(value)
    while length > 0:
        chunk = sock.recv(min(length, MAX_BODY))
        assert chunk
        length -= len(chunk)
    return head


def _read_all(sock: socket.socket) -> bytes:
    received = b""
    while chunk := sock.recv(65536):
        received += chunk
    return received


# --- a patched contact's text: its changed members re-encoded, the others kept -------------

# Patches of every kind the service takes, applied in turn to one contact (some fail).
_PATCHES: list[tuple[str, Any]] = [
    (JSON_PATCH, [{"op": "replace", "path": "/Department", "value": "D1"}]),
    (JSON_PATCH, [{"op": "replace", "path": "/emails/0/value", "value": "x@example.com"}]),
    (JSON_PATCH, [{"op": "add", "path": "/Urls/-", "value": {"Value": "https://e.org"}}]),
    (JSON_PATCH, [{"op": "remove", "path": "/Interests"}]),
    (JSON_PATCH, [{"op": "remove", "path": "/Persons/0"}]),
    (JSON_PATCH, [{"op": "add", "path": "/CustomFields/Extra", "value": "é ☃"}]),
    (JSON_PATCH, [{"op": "test", "path": "/Name", "value": "Bench Contact"}]),
    (JSON_PATCH, [{"op": "test", "path": "/Name", "value": "not so"}]),  # 409: nothing kept
    (JSON_PATCH, [{"op": "replace", "path": "/Name", "value": 12}]),  # 400: nothing kept
    ("application/merge-patch+json", {"Category": {"Value": "Gold"}, "NoMailing": False}),
    ("application/merge-patch+json", {"UserDefinedFields": {"SuperOffice:1": None}}),
    ("application/merge-patch+json", {"Phones": [{"Value": "+47 1"}], "Number1": None}),
    (JSON_PATCH, [{"op": "replace", "path": "/ContactId", "value": 99}]),
    (JSON_PATCH, [{"op": "replace", "path": "/ActiveInterests", "value": 7}]),
    (JSON_PATCH, [{"op": "replace", "path": "/Xstop", "value": True}]),
    (JSON_PATCH, [{"op": "replace", "path": "/Description", "value": "last"}]),
]


def _full_contact() -> dict[str, Any]:
    element = {"Value": "v@example.com", "StrippedValue": "v@example.com", "Description": "d"}
    return {
        "Name": "Bench Contact",
        "Department": "Sales",
        "Number1": "1429858",
        "Emails": [element, element],
        "Urls": [element],
        "Phones": [element],
        "Interests": [{"Id": 872, "Name": "Golf", "Selected": True, "Rank": 1}],
        "Category": {"Id": 1, "Value": "VIP Customer", "Tooltip": "VIP"},
        "Persons": [{"PersonId": 263, "Firstname": "Braeden", "Lastname": "Glover", "Rank": 1}],
        "NoMailing": True,
        "BounceEmails": ["marlee.jacobs@example.com"],
        "UserDefinedFields": {"SuperOffice:1": "Lucienne Russel", "SuperOffice:2": "389482166"},
        "CustomFields": {"CustomFields1": "earum"},
    }


def _contact_service(tmp_path, name):
    from webapi_contract.mock.storage import Store
    from webapi_contract.mock.superoffice.service import ContactService

    return ContactService(Store(tmp_path / f"{name}.sqlite3"))


def test_a_patched_contact_is_stored_as_the_whole_entity_would_encode(tmp_path):
    fast = _contact_service(tmp_path, "fast")  # keeps entities and member texts between patches
    slow = _contact_service(tmp_path, "slow")  # forgets them: parses and encodes whole each time
    ids = [service.save(_full_contact())["ContactId"] for service in (fast, slow)]
    stamps = {"ContactId": 0, "CreatedDate": "", "UpdatedDate": ""}
    for _ in range(2):  # the second round patches entities the first one left in the cache
        for kind, body in _PATCHES:
            results = []
            for service, contact_id in zip((fast, slow), ids, strict=True):
                if service is slow:
                    service._kept.clear()
                try:
                    results.append(service.patch(contact_id, body, kind, None).body)
                except ApiError as exc:
                    results.append(f"{exc.status} {exc.message}")
            fast_text, slow_text = results
            if fast_text[:1] != "{":
                assert fast_text == slow_text
                continue
            assert fast_text == json.dumps(json.loads(fast_text))  # as json.dumps writes it
            same_stamps = [{**json.loads(text), **stamps} for text in results]
            assert json.dumps(same_stamps[0]) == json.dumps(same_stamps[1]), (kind, body)
            row = fast.store.read(ids[0])
            assert row.body == fast_text
            assert json.loads(fast_text)["UpdatedDate"] == iso_utc(row.updated)  # this patch's


def test_a_patch_under_a_fault_encodes_the_entity_whole(tmp_path):
    from webapi_contract.mock import faults

    service = _contact_service(tmp_path, "faulty")
    contact_id = service.save({"Name": "N", "Department": "D"})["ContactId"]
    for name in ("M", "L"):  # the member texts are known from the second patch on
        ops = [{"op": "replace", "path": "/Name", "value": name}]
        service.patch(contact_id, ops, JSON_PATCH, None)
    with faults.switched_on("patch-not-atomic"):
        # The first operation is kept, the second fails: the member the first one changed
        # is not among those the patch reports touched.
        ops = [
            {"op": "replace", "path": "/Department", "value": "kept"},
            {"op": "test", "path": "/Name", "value": "not so"},
        ]
        with pytest.raises(ApiError):
            service.patch(contact_id, ops, JSON_PATCH, None)
    stored = json.loads(service.store.read(contact_id).body)
    assert stored["Department"] == "kept"
    service.patch(contact_id, [{"op": "replace", "path": "/Name", "value": "K"}], JSON_PATCH, None)
    assert json.loads(service.store.read(contact_id).body)["Department"] == "kept"


# --- the store's write transaction -------------------------------------------------------


def test_a_write_transaction_commits_rolls_back_and_takes_turns(tmp_path):
    from webapi_contract.mock.storage import Row, Store, WouldBlock

    store = Store(tmp_path / "turns.sqlite3")
    try:
        with store.transaction() as tx:
            kept = tx.reserve(1)
            tx.put(Row(kept, '{"a": 1}', 1, 1))

        def failing_write() -> None:
            with store.transaction() as tx:
                tx.update(Row(kept, '{"a": 2}', 1, 2))
                raise LookupError("the block fails after its write")

        with pytest.raises(LookupError):
            failing_write()
        assert store.read(kept) == Row(kept, '{"a": 1}', 1, 1)  # rolled back
        with store.transaction() as tx:
            with pytest.raises(WouldBlock), store.transaction(wait=False):
                pass  # never entered: another write has the turn
            tx.update(Row(kept, '{"a": 3}', 1, 3))
        assert store.read(kept) == Row(kept, '{"a": 3}', 1, 3)
        with store.transaction(wait=False) as tx:  # the turn was given back
            assert tx.get(kept) is not None
    finally:
        store.close()


# --- a JSON response's head, built in one go ----------------------------------------------


@pytest.mark.parametrize(
    ("status", "headers"),
    [
        (200, {"Last-Modified": "Tue, 01 Dec 2026 21:14:53 GMT"}),
        (200, {}),
        (201, {"Location": "http://h/x", "ETag": '"1"'}),
        (412, {"Content-Type": "application/problem+json"}),
        (200, {"content-length": "3", "X-Other": "é"}),
    ],
)
def test_a_json_response_has_the_head_starlette_would_give_it(status, headers):
    from starlette.responses import Response

    from webapi_contract.mock.app import _JsonResponse
    from webapi_contract.mock.negotiation import JSON_CONTENT_TYPE

    content = b'{"a": "b"}'
    expected = Response(content, status, headers=headers, media_type=JSON_CONTENT_TYPE)
    built = _JsonResponse(content, status, headers)
    assert (built.status_code, built.raw_headers, built.body) == (
        expected.status_code,
        expected.raw_headers,
        expected.body,
    )


# --- credentials read from the raw headers in one pass --------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        [],
        [(b"authorization", b"Bearer a"), (b"authorization", b"Bearer b")],
        [(b"cookie", b"a=1; b=2"), (b"cookie", b'b=3; c="q\\"x"'), (b"x-xsrf-token", b"t1")],
        [(b"x-xsrf-token", b"t1"), (b"x-xsrf-token", b"t2"), (b"cookie", b"=; ; x")],
        [(b"Authorization", b"Bearer upper"), (b"cookie", "é=ü".encode("latin-1"))],
        [(b"cookie", b"webapi_mock_session=s.sig; XSRF-TOKEN=tok"), (b"host", b"h")],
    ],
)
def test_credentials_are_read_as_starlette_s_request_reads_them(raw):
    from starlette.requests import Request

    from webapi_contract.mock.auth import MockCredentials
    from webapi_contract.mock.superoffice.auth import Authenticator, _picked

    request = Request({"type": "http", "method": "GET", "path": "/", "headers": raw})
    authorization, xsrf_header, cookie_headers = _picked(raw)
    assert authorization == request.headers.get("authorization")
    assert xsrf_header == request.headers.get("x-xsrf-token")
    authenticator = Authenticator(MockCredentials.generate())
    for _ in range(2):  # parsed, then remembered
        assert authenticator._cookies(cookie_headers) == request.cookies


# --- a patch of a kept contact reads no row, but never patches a stale one -----------------


def _replace(path: str, value: Any) -> list[dict[str, Any]]:
    return [{"op": "replace", "path": path, "value": value}]


def test_a_patch_starts_from_what_another_connection_wrote(tmp_path):
    from webapi_contract.mock.storage import Store
    from webapi_contract.mock.superoffice.service import ContactService

    here, there = (ContactService(Store(tmp_path / "shared.sqlite3")) for _ in range(2))
    contact_id = here.save({"Name": "N", "Department": "D"})["ContactId"]
    for value in ("a", "b"):  # kept by `here` from the first patch on
        here.patch(contact_id, _replace("/Department", value), JSON_PATCH, None)
    there.patch(contact_id, _replace("/Name", "There"), JSON_PATCH, None)
    new = json.loads(here.patch(contact_id, _replace("/Department", "c"), JSON_PATCH, None).body)
    assert (new["Name"], new["Department"]) == ("There", "c")
    # A test against what `here` kept fails, against the stored row it holds: it holds.
    there.patch(contact_id, _replace("/Name", "Again"), JSON_PATCH, None)
    ops = [{"op": "test", "path": "/Name", "value": "Again"}, *_replace("/Department", "d")]
    new = json.loads(here.patch(contact_id, ops, JSON_PATCH, None).body)
    assert (new["Name"], new["Department"]) == ("Again", "d")
    assert json.loads(there.store.read(contact_id).body) == new
    there.delete(contact_id, None)
    with pytest.raises(ApiError) as refused:
        here.patch(contact_id, _replace("/Department", "e"), JSON_PATCH, None)
    assert refused.value.status == 404


def test_a_patch_of_a_kept_contact_is_committed_when_it_returns(tmp_path):
    import sqlite3

    from webapi_contract.mock.storage import Store
    from webapi_contract.mock.superoffice.service import ContactService

    service = ContactService(Store(tmp_path / "durable.sqlite3"))
    contact_id = service.save({"Name": "N"})["ContactId"]
    for value in ("a", "b", "c"):
        written = service.patch(contact_id, _replace("/Department", value), JSON_PATCH, None)
        with sqlite3.connect(tmp_path / "durable.sqlite3") as other:  # another connection
            stored = other.execute("SELECT body FROM entity WHERE id = ?", (contact_id,))
            assert stored.fetchone()[0] == written.body
