"""What the mock's unit tests share: a clean SuperOffice mock per test module (`mock`) and a
session that speaks to it with its bearer token (`api`, `bearer_session`). A module that needs
another mock (seeded, other credentials) or another scheme defines its own fixture of that name."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from webapi_contract.mock import MockServer


def bearer_session(server: MockServer) -> requests.Session:
    """A session authenticated to server with its bearer token."""
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {server.credentials.token}"
    return session


@pytest.fixture(scope="module")
def mock() -> Iterator[MockServer]:
    with MockServer() as server:
        yield server


@pytest.fixture(scope="module")
def api(mock: MockServer) -> Iterator[requests.Session]:
    with bearer_session(mock) as session:
        yield session
