"""The mock over time: preconditions, concurrent writers, restarts, seeding (`serve` as a process
is tests/integration/test_serve_process.py)."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from datetime import datetime
from email.utils import formatdate

import pytest
import uvicorn
from support.mock_api import bearer_session

from webapi_contract.mock import MockCredentials, MockServer
from webapi_contract.mock import server as mock_server

SAVE = "Agents/Contact/SaveContactEntity"


def create(server, api, **fields):
    sent = api.post(f"{server.base_url}/{SAVE}", json={"Name": "Lifecycle", **fields})
    assert sent.status_code == 200, sent.text
    return sent.json()


def second_of(entity):
    return int(datetime.fromisoformat(entity["UpdatedDate"]).timestamp())


def replace_name(server, session, contact_id, since=None, name="changed"):
    headers = {"If-Unmodified-Since": since} if since else {}
    return session.patch(
        f"{server.base_url}/Contact/{contact_id}",
        json=[{"op": "replace", "path": "/Name", "value": name}],
        headers=headers,
    )


def test_if_unmodified_since_boundary_is_the_second(mock, api):
    entity = create(mock, api)
    second = second_of(entity)
    earlier = replace_name(mock, api, entity["ContactId"], formatdate(second - 1, usegmt=True))
    assert earlier.status_code == 412
    assert set(earlier.json()) == {"Error", "ErrorType", "ErrorMessage", "ErrorSource"}
    read = api.get(f"{mock.base_url}/Contact/{entity['ContactId']}").json()
    assert read["Name"] == "Lifecycle"
    same = replace_name(mock, api, entity["ContactId"], formatdate(second, usegmt=True))
    assert same.status_code == 200


def test_unparseable_if_unmodified_since_is_400(mock, api):
    entity = create(mock, api)
    assert replace_name(mock, api, entity["ContactId"], "yesterday").status_code == 400
    path = f"{mock.base_url}/Contact/{entity['ContactId']}"
    assert api.delete(path, headers={"If-Unmodified-Since": "nope"}).status_code == 400


def test_delete_with_stale_if_unmodified_since_is_412(mock, api):
    entity = create(mock, api)
    path = f"{mock.base_url}/Contact/{entity['ContactId']}"
    stale = {"If-Unmodified-Since": formatdate(second_of(entity) - 1, usegmt=True)}
    assert api.delete(path, headers=stale).status_code == 412
    assert api.get(path).status_code == 200


def test_concurrent_patches_with_one_precondition_let_exactly_one_win(mock, api):
    entity = create(mock, api)
    second = second_of(entity)
    time.sleep(max(0.0, second + 1.05 - time.time()))  # any write now moves past `second`
    since = formatdate(second, usegmt=True)
    barrier = threading.Barrier(50)
    statuses: list[int] = []

    def writer(n):
        with bearer_session(mock) as session:
            barrier.wait()
            statuses.append(
                replace_name(mock, session, entity["ContactId"], since, f"w{n}").status_code
            )

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200] + [412] * 49


def test_data_survives_a_restart(tmp_path):
    db = tmp_path / "mock.sqlite3"
    creds = MockCredentials.generate()
    with MockServer(db_path=db, credentials=creds) as first, bearer_session(first) as api:
        entity = create(first, api, Department="Kept")
        gone = create(first, api)
        assert api.delete(f"{first.base_url}/Contact/{gone['ContactId']}").status_code == 204
    with MockServer(db_path=db, credentials=creds) as second, bearer_session(second) as api:
        read = api.get(f"{second.base_url}/Contact/{entity['ContactId']}")
        assert read.status_code == 200
        assert read.json()["Department"] == "Kept"
        assert read.json()["UpdatedDate"] == entity["UpdatedDate"]
        assert create(second, api)["ContactId"] > gone["ContactId"]  # ids are never reused
    assert db.is_file()


def test_temporary_database_is_removed_on_stop():
    server = MockServer().start()
    database = server.database
    assert database is not None
    assert database.is_file()
    server.stop()
    assert not database.exists()


def test_seed_adds_contacts_with_category_and_country_once(tmp_path):
    db = tmp_path / "seeded.sqlite3"
    for _ in range(2):
        with MockServer(db_path=db, seed=True) as server, bearer_session(server) as api:
            bodies = [api.get(f"{server.base_url}/Contact/{n}") for n in (1, 2, 3, 4)]
            assert [b.status_code for b in bodies] == [200, 200, 200, 404]
            for body in bodies[:3]:
                assert body.json()["Category"]["Id"] > 0
                assert body.json()["Country"]["CountryId"] > 0


def test_unknown_fault_is_refused():
    with pytest.raises(ValueError, match=r"unknown fault 'slow'; known faults: "):
        MockServer(fault="slow")


def test_prefix_is_configurable():
    with MockServer(prefix="tenant/api/v1") as server, bearer_session(server) as api:
        assert server.base_url.endswith("/tenant/api/v1")
        assert api.get(f"{server.base_url}/Contact/1").status_code == 404
        outside = api.get(server.base_url.replace("/tenant", "") + "/Contact/1")
        assert outside.json()["ErrorType"] == "RouteNotFound"


def test_an_idle_mock_sleeps_until_it_is_stopped(monkeypatch):
    """Woken by stop(), not by polling: an idle mock's loop ticks once a second (the Date
    header's refresh), where polling every 10 ms ticked ~50 times in the same half second."""
    ticks = []
    original = mock_server._PromptServer.on_tick

    async def counted(self, counter):
        ticks.append(self)
        return await original(self, counter)

    monkeypatch.setattr(mock_server._PromptServer, "on_tick", counted)
    with MockServer() as server:
        own = server._server
        thread = server._thread
        began = time.monotonic()
        time.sleep(0.5)
        idle = sum(1 for ticked in ticks if ticked is own)  # other mocks of this worker tick too
        elapsed = time.monotonic() - began
    assert thread is not None
    assert not thread.is_alive()
    # the first tick, then at most one a second (a busy machine may stretch the half second)
    assert 1 <= idle <= 2 + int(elapsed), f"{idle} ticks in {elapsed:.2f} s of idling"


def test_an_exit_asked_for_before_the_loop_runs_is_kept():
    """stop() right after start may come before the server's loop exists: it still stops."""
    prompt = mock_server._PromptServer(uvicorn.Config(app=None))
    prompt.request_exit()
    asyncio.run(asyncio.wait_for(prompt.main_loop(), 5))
    prompt.request_exit()  # after the loop has closed: nothing to wake, no error


def test_stop_closes_an_idle_kept_alive_connection():
    """A client that keeps its connection open after an answer does not hold the stop up: the
    stop returns and the connection is closed (a connection left open would time out below)."""
    server = MockServer().start()
    try:
        with socket.create_connection(("127.0.0.1", server.port), timeout=10) as client:
            client.sendall(f"GET {server.prefix}/Contact/1 HTTP/1.1\r\nHost: x\r\n\r\n".encode())
            answer = b""
            while b"\r\n\r\n" not in answer:
                answer += client.recv(65536)
            assert answer.startswith(b"HTTP/1.1 401"), answer[:80]  # answered, kept alive
            server.stop()
            assert server._thread is None
            while client.recv(65536):  # what is left of the answer, then the close
                pass
    finally:
        server.stop()
