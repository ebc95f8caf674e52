"""The mock survives abuse: big merge patches, slow or huge request heads, clients that vanish,
bad bodies and credentials, concurrent writers (issue #12; SIGTERM and kill -9 of a served mock
are tests/integration/test_serve_process.py).

Behaviour only, no stopwatch: speed targets are in bench/mock_abuse.py.
"""

from __future__ import annotations

import contextlib
import json
import logging
import socket
import threading
import time

import pytest
import requests
from support.mock_api import bearer_session

from webapi_contract.mock.app import MAX_BODY
from webapi_contract.mock.shape import shape_of
from webapi_contract.mock.superoffice import service as superoffice
from webapi_contract.mock.superoffice.patching import apply_patch, merge_patch_ops
from webapi_contract.mock.transport import HEAD_TIMEOUT, MAX_HEAD

SAVE = "Agents/Contact/SaveContactEntity"
MERGE = "application/merge-patch+json"
JSON_PATCH = "application/json-patch+json"
MISSING = 2**31 - 1  # a contact id no test creates


def create(server, api, **fields):
    sent = api.post(f"{server.base_url}/{SAVE}", json={"Name": "Hostile", **fields})
    assert sent.status_code == 200, sent.text[:300]
    return sent.json()


def keys(count, stem="field"):
    return {f"{stem}{n:05d}": f"v{n}" for n in range(count)}


# --- case-insensitive keys in linear time --------------------------------------------------


class CountingDict(dict):
    """A dict that counts how often it is walked key by key."""

    walks = 0

    def __iter__(self):
        CountingDict.walks += 1
        return super().__iter__()


def test_a_merge_patch_walks_a_big_map_a_constant_number_of_times_not_once_per_key():
    shape = shape_of("ContactEntity")
    document = {"Name": "n", "CustomFields": CountingDict(keys(2000))}
    patch = {"CustomFields": {**keys(2000, "added"), "FIELD00007": "re-spelled"}}
    CountingDict.walks = 0
    apply_patch(document, merge_patch_ops(document, patch, shape), shape)
    # Matching a key case-insensitively by a scan walks the map once per new key (4000 here).
    assert CountingDict.walks <= 4
    assert len(document["CustomFields"]) == 4000
    assert document["CustomFields"]["field00007"] == "re-spelled"


def test_keys_spelled_twice_in_one_patch_land_on_one_member():
    shape = shape_of("ContactEntity")
    document = {"Name": "n", "CustomFields": {"kept": "1"}}
    patch = {"CustomFields": {"new": "a", "NEW": "b", "KEPT": "2"}}
    apply_patch(document, merge_patch_ops(document, patch, shape), shape)
    assert document["CustomFields"] == {"kept": "2", "new": "b"}


def test_a_key_removed_and_added_in_another_case_takes_the_new_spelling():
    shape = shape_of("ContactEntity")
    document = {"Name": "n", "CustomFields": {"old": "1", "other": "2"}}
    ops = [
        {"op": "remove", "path": "/customfields/OLD", "value": None},
        {"op": "add", "path": "/CustomFields/Old", "value": "3"},
        {"op": "replace", "path": "/CustomFields/OTHER", "value": "4"},
    ]
    apply_patch(document, ops, shape)
    assert document["CustomFields"] == {"other": "4", "Old": "3"}


def test_a_megabyte_merge_patch_of_many_keys_is_applied(mock, api):
    contact = create(mock, api, CustomFields=keys(2000))
    custom = {key.upper(): "W" for key in keys(2000)}
    custom.update(keys(40000, "new"))
    body = json.dumps({"CustomFields": custom}).encode()
    assert MAX_BODY // 2 < len(body) <= MAX_BODY
    url = f"{mock.base_url}/Contact/{contact['ContactId']}"
    sent = api.patch(url, data=body, headers={"Content-Type": MERGE}, timeout=60)
    assert sent.status_code == 200, sent.text[:300]
    stored = api.get(url).json()["CustomFields"]
    assert len(stored) == 42000
    assert stored["field01999"] == "W"
    assert "FIELD01999" not in stored
    assert stored["new39999"] == "v39999"


def test_one_value_of_the_wrong_type_in_a_big_map_is_still_400(mock, api):
    contact = create(mock, api, CustomFields=keys(10))
    url = f"{mock.base_url}/Contact/{contact['ContactId']}"
    before = api.get(url).text
    patch = {"CustomFields": {**keys(5000, "new"), "new02500": 2500}}
    sent = api.patch(url, json=patch, headers={"Content-Type": MERGE})
    assert sent.status_code == 400, sent.text[:300]
    assert "CustomFields/new02500" in sent.json()["ErrorMessage"]
    assert api.get(url).text == before


# --- other clients are served while a big write runs ---------------------------------------


@pytest.mark.parametrize(
    ("stored", "sent"),
    [(4000, 40000), (8000, 1)],
    ids=["a-big-patch", "a-small-patch-of-a-big-contact"],
)
def test_a_get_is_answered_while_a_big_write_runs(mock, api, monkeypatch, stored, sent):
    big = create(mock, api, CustomFields=keys(stored))
    small = create(mock, api)
    body = json.dumps({"CustomFields": keys(sent, "more")}).encode()
    started, get_answered = threading.Event(), threading.Event()
    order: list[str] = []
    merge = superoffice.merge_patch_ops

    def held(*args):
        # The write is held, inside its transaction, until the GET is answered: that can happen
        # only when the write does not occupy the event loop and a read does not wait for it.
        if args[1] == {"CustomFields": keys(sent, "more")}:
            started.set()
            order.append("patch released" if get_answered.wait(10) else "patch gave up waiting")
        return merge(*args)

    monkeypatch.setattr(superoffice, "merge_patch_ops", held)
    answers: dict[str, int] = {}

    def patcher(name, contact, data):
        with bearer_session(mock) as other:
            url = f"{mock.base_url}/Contact/{contact['ContactId']}"
            answer = other.patch(url, data=data, headers={"Content-Type": MERGE}, timeout=60)
            answers[name] = answer.status_code
            order.append(f"{name} answered")

    threads = [threading.Thread(target=patcher, args=("patch", big, body))]
    threads[0].start()
    try:
        assert started.wait(30), "the merge patch never reached the service"
        # A quick write meanwhile waits for its turn, but not on the event loop.
        quick = json.dumps({"Department": "quick"}).encode()
        threads.append(threading.Thread(target=patcher, args=("quick write", small, quick)))
        threads[1].start()
        time.sleep(0.2)
        try:
            read = api.get(f"{mock.base_url}/Contact/{small['ContactId']}", timeout=5)
        except requests.Timeout:
            read = None
        order.append("get answered" if read is not None else "get timed out")
        get_answered.set()
    finally:
        for thread in threads:
            thread.join(60)
    assert order[:2] == ["get answered", "patch released"], order
    assert sorted(order[2:]) == ["patch answered", "quick write answered"], order
    assert read is not None
    assert read.status_code == 200
    assert answers == {"patch": 200, "quick write": 200}


def test_json_patch_test_under_50_concurrent_writers_lets_exactly_one_win(mock, api):
    contact = create(mock, api)
    url = f"{mock.base_url}/Contact/{contact['ContactId']}"
    barrier = threading.Barrier(50)
    statuses: list[int] = []

    def writer(n):
        ops = [
            {"op": "test", "path": "/Name", "value": contact["Name"]},
            {"op": "replace", "path": "/Name", "value": f"writer {n}"},
        ]
        with bearer_session(mock) as session:
            barrier.wait()
            sent = session.patch(url, json=ops, headers={"Content-Type": JSON_PATCH}, timeout=60)
            statuses.append(sent.status_code)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(90)
    assert sorted(statuses) == [200] + [409] * 49
    assert api.get(url).json()["Name"].startswith("writer ")


# --- request heads: size limit, deadline ---------------------------------------------------


def read_head(sock, timeout=20.0):
    """The status line of the answer on sock (b"" when it is closed or reset without one)."""
    sock.settimeout(timeout)
    received = b""
    try:
        while b"\r\n" not in received:
            chunk = sock.recv(65536)
            if not chunk:
                break
            received += chunk
    except OSError:
        pass
    return received.split(b"\r\n", 1)[0] if b"\r\n" in received else b""


def send_in_background(sock, chunks):
    def send():
        try:
            for chunk in chunks:
                sock.sendall(chunk)
        except OSError:
            pass  # the mock answered and closed: the rest is not wanted

    thread = threading.Thread(target=send, daemon=True)
    thread.start()
    return thread


def head(mock, method, path, *lines):
    return (
        f"{method} {path} HTTP/1.1\r\nHost: {mock.host}:{mock.port}\r\n"
        f"Authorization: Bearer {mock.credentials.token}\r\n" + "".join(f"{x}\r\n" for x in lines)
    ).encode()


def test_a_head_just_over_the_limit_is_431(mock):
    path = f"{mock.base_url.split(str(mock.port), 1)[1]}/Contact/{MISSING}"
    big = head(mock, "GET", path, "X-Big: " + "a" * (MAX_HEAD + 1024)) + b"\r\n"
    with socket.create_connection((mock.host, mock.port)) as sock:
        sock.sendall(big)
        assert read_head(sock).startswith(b"HTTP/1.1 431 ")
    fine = head(mock, "GET", path, "X-Fine: " + "a" * 8192) + b"\r\n"
    with socket.create_connection((mock.host, mock.port)) as sock:
        sock.sendall(fine)
        assert read_head(sock).startswith(b"HTTP/1.1 404 ")


def test_a_16_mib_head_is_431_or_closed_and_the_mock_serves_on(mock, api):
    path = f"{mock.base_url.split(str(mock.port), 1)[1]}/Contact/{MISSING}"
    block = b"a" * (1024 * 1024)
    with socket.create_connection((mock.host, mock.port)) as sock:
        sender = send_in_background(
            sock, [head(mock, "GET", path) + b"X-Big: ", *[block] * 16, b"\r\n\r\n"]
        )
        answer = read_head(sock)
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)  # stop the sender
    sender.join(10)
    assert answer == b"" or answer.startswith(b"HTTP/1.1 431 "), answer
    assert api.get(f"{mock.base_url}/Contact/{MISSING}").status_code == 404


def test_connections_that_never_complete_a_head_are_closed(mock):
    assert HEAD_TIMEOUT <= 10
    path = f"{mock.base_url.split(str(mock.port), 1)[1]}/Contact/{MISSING}"
    opened = {name: socket.create_connection((mock.host, mock.port)) for name in KINDS}
    opened["half"].sendall(head(mock, "GET", path))  # no blank line: the head never ends
    answers: dict[str, bytes] = {}
    deadline = time.monotonic() + 20  # generous: the mock closes them after HEAD_TIMEOUT
    try:
        for sock in opened.values():
            sock.settimeout(0.05)
        while len(answers) < len(opened) and time.monotonic() < deadline:
            for name, sock in opened.items():
                if name not in answers:
                    answer = _answer_if_closed(sock, trickle=name == "trickle")
                    if answer is not None:
                        answers[name] = answer
            time.sleep(0.2)
    finally:
        for sock in opened.values():
            sock.close()
    assert set(answers) == set(opened), f"still open after 20 s: {set(opened) - set(answers)}"
    assert answers["silent"] == b""
    assert answers["half"].startswith(b"HTTP/1.1 408 ")


KINDS = ("silent", "half", "trickle")  # sends nothing, half a head, a byte of one every 0.2 s


def _answer_if_closed(sock, trickle):
    """What the mock sent before closing sock (b"" for nothing); None while it is open."""
    if trickle:
        with contextlib.suppress(OSError):
            sock.send(b"X")
    received = b""
    while True:
        try:
            chunk = sock.recv(65536)
        except TimeoutError:
            return None if not received else _rest(sock, received)
        except OSError:
            return received
        if not chunk:
            return received
        received += chunk


def _rest(sock, received):
    sock.settimeout(5)
    try:
        while chunk := sock.recv(65536):
            received += chunk
    except OSError:
        pass
    return received


# --- clients that vanish, bad bodies, bad credentials ------------------------------------


def test_a_client_gone_mid_body_is_a_debug_line_not_a_failure(mock, caplog):
    caplog.set_level(logging.DEBUG, logger="webapi_contract.mock")
    path = f"{mock.base_url.split(str(mock.port), 1)[1]}/{SAVE}"
    with socket.create_connection((mock.host, mock.port)) as sock:
        sock.sendall(
            head(mock, "POST", path, "Content-Type: application/json", "Content-Length: 100000")
            + b'\r\n{"Name": "cut off'
        )
        time.sleep(0.2)  # the handler is reading the body
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not any(
        "disconnected" in r.getMessage() for r in caplog.records
    ):
        time.sleep(0.05)
    mine = [r for r in caplog.records if r.name.startswith("webapi_contract.mock")]
    assert [r.levelno for r in mine if "disconnected" in r.getMessage()] == [logging.DEBUG]
    assert not [r for r in mine if r.levelno >= logging.WARNING or r.exc_info]


BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
    b"<ContactEntity><ContactId>{id}</ContactId><Name>&lol3;</Name></ContactEntity>"
)
XXE = (
    b'<?xml version="1.0"?><!DOCTYPE c [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    b"<ContactEntity><ContactId>{id}</ContactId><Name>&x;</Name></ContactEntity>"
)
BAD_BODIES = {
    "malformed": ("PATCH", MERGE, b'{"Name": '),
    "nan": ("PATCH", MERGE, b'{"Name": "x", "Address": {"Wgs84Latitude": NaN}}'),
    "1e999": ("PATCH", MERGE, b'{"Name": "x", "Address": {"Wgs84Latitude": 1e999}}'),
    "1e999-save": (
        "POST",
        "application/json",
        b'{"ContactId": {id}, "Name": "x", "Address": {"Wgs84Latitude": -1e999}}',
    ),
    "not-utf8": ("PATCH", MERGE, b'{"Name": "\xff\xfe"}'),
    "deep": ("PATCH", MERGE, b'{"CustomFields":' + b"[" * 100_000 + b"]" * 100_000 + b"}"),
    "superscript-index": (  # `²` is a digit to str.isdigit, no array index: once a 500
        "PATCH",
        JSON_PATCH,
        '[{"op": "replace", "path": "/Emails/²/Value", "value": "x"}]'.encode(),
    ),
    "billion-laughs": ("POST", "application/xml", BILLION_LAUGHS),
    "xxe": ("POST", "application/xml", XXE),
}


@pytest.mark.parametrize("kind", BAD_BODIES)
def test_bad_bodies_are_4xx_and_change_nothing(mock, api, kind):
    contact = create(mock, api, Department="Before", Emails=[{"Value": "a@example.com"}])
    url = f"{mock.base_url}/Contact/{contact['ContactId']}"
    before = api.get(url).text
    method, content_type, data = BAD_BODIES[kind]
    target = url if method == "PATCH" else f"{mock.base_url}/{SAVE}"
    data = data.replace(b"{id}", str(contact["ContactId"]).encode())
    sent = api.request(method, target, data=data, headers={"Content-Type": content_type})
    assert 400 <= sent.status_code < 500, sent.text[:300]
    assert api.get(url).text == before


def test_a_50_mib_body_without_a_length_is_413_and_changes_nothing(mock, api):
    contact = create(mock, api, Department="Before")
    url = f"{mock.base_url}/Contact/{contact['ContactId']}"
    before = api.get(url).text
    path = url.split(str(mock.port), 1)[1]
    block = b'"' + b"a" * 65536 + b'"'
    chunk = f"{len(block):x}\r\n".encode() + block + b"\r\n"
    opening = b'{"Name": ['
    with socket.create_connection((mock.host, mock.port)) as sock:
        sender = send_in_background(
            sock,
            [
                head(mock, "PATCH", path, f"Content-Type: {MERGE}", "Transfer-Encoding: chunked")
                + f"\r\n{len(opening):x}\r\n".encode()
                + opening
                + b"\r\n",
                *[chunk] * (50 * 16),  # 50 MiB
            ],
        )
        answer = read_head(sock)
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)  # stop the sender
    sender.join(10)
    assert answer.startswith(b"HTTP/1.1 413 "), answer
    assert api.get(url).text == before


def test_a_smuggled_request_is_refused_and_not_run(mock, api):
    contact = create(mock, api)
    url = f"{mock.base_url}/Contact/{contact['ContactId']}"
    before = api.get(url).text
    base = mock.base_url.split(str(mock.port), 1)[1]
    smuggling = (
        head(mock, "POST", f"{base}/{SAVE}", "Content-Type: application/json")
        + b"Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
        + head(mock, "DELETE", f"{base}/Contact/{contact['ContactId']}")
        + b"\r\n"
    )
    with socket.create_connection((mock.host, mock.port), timeout=20) as sock:
        sock.sendall(smuggling)
        received = b""
        try:
            while chunk := sock.recv(65536):
                received += chunk
        except OSError:
            pass
    assert received.startswith(b"HTTP/1.1 400 "), received[:200]
    assert received.count(b"HTTP/1.1 ") == 1  # and the connection closed: no DELETE ran
    assert api.get(url).text == before


def test_110_bad_credentials_are_all_401_and_good_ones_still_work(mock):
    url = f"{mock.base_url}/Contact/{MISSING}"
    wrong = [
        {"Authorization": "Bearer wrong"},
        {"Authorization": "SoTicket 7T:wrong"},
        {"Authorization": "Basic bW9jazp3cm9uZw=="},  # mock:wrong
        {"Authorization": "Basic"},
        {"Authorization": "Bearer " + "x" * 4000},
    ]
    with requests.Session() as session:
        statuses = [session.get(url, headers=wrong[n % len(wrong)]).status_code for n in range(110)]
        good = session.get(url, headers={"Authorization": f"Bearer {mock.credentials.token}"})
    assert statuses == [401] * 110
    assert good.status_code == 404  # authenticated, and there is no such contact
