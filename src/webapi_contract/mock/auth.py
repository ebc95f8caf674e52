"""Who may call the mock: Basic, Bearer and SoTicket credentials, or a session cookie plus XSRF."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field

from webapi_contract.mock import faults

__all__ = [
    "CHALLENGE",
    "SESSION_COOKIE",
    "XSRF_COOKIE",
    "XSRF_HEADER",
    "Authenticator",
    "MockCredentials",
]

SESSION_COOKIE = "webapi_mock_session"
XSRF_COOKIE = "XSRF-TOKEN"
XSRF_HEADER = "x-xsrf-token"
CHALLENGE = 'Basic realm="webapi-contract mock", Bearer, SoTicket'


@dataclass(frozen=True)
class MockCredentials:
    """The one user, ticket and token the mock accepts; and one logged-in session (a session
    cookie and its XSRF token) that authenticates without Authorization, when given."""

    username: str
    password: str = field(repr=False)
    ticket: str = field(repr=False)
    token: str = field(repr=False)
    xsrf_session: str = field(default="", repr=False)
    xsrf_token: str = field(default="", repr=False)

    @classmethod
    def generate(cls, username: str = "mock") -> MockCredentials:
        """Fresh random secrets (a ticket shaped like the vendor's `7T:…`)."""
        return cls(
            username=username,
            password=_secret(12),
            ticket=f"7T:{_secret(24)}",
            token=_secret(32),
            xsrf_session=_secret(16),
            xsrf_token=_secret(16),
        )

    @property
    def xsrf_cookie(self) -> str:
        """The Cookie header of the session that goes with xsrf_token ("" when there is none):
        the session cookie and the XSRF-TOKEN cookie the token was read from."""
        if not (self.xsrf_session and self.xsrf_token):
            return ""
        return f"{SESSION_COOKIE}={self.xsrf_session}; {XSRF_COOKIE}={self.xsrf_token}"


def _secret(nbytes: int) -> str:
    """A URL-safe random secret that does not begin with `-` or `_`.

    `serve` prints the secrets for people to paste into `--password X`; one starting with `-`
    would be taken for an option there.
    """
    while True:
        candidate = secrets.token_urlsafe(nbytes)
        if candidate[0].isalnum():
            return candidate


def _same(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode(), expected.encode())


class Authenticator:
    """Checks a request's credentials; sessions are signed, so no session state is kept."""

    def __init__(self, credentials: MockCredentials) -> None:
        self.credentials = credentials
        self._key = secrets.token_bytes(32)

    def authorization_ok(self, header: str) -> bool:
        """Whether an Authorization header value carries the configured credentials."""
        scheme, _, value = header.strip().partition(" ")
        scheme, value = scheme.lower(), value.strip()
        creds = self.credentials
        if scheme == "bearer":
            return _same(value, creds.token)
        if scheme == "soticket":
            if faults.active("ticket-scheme-rejected"):
                return False
            return _same(value, creds.ticket)
        if scheme == "basic":
            try:
                user, _, password = base64.b64decode(value, validate=True).decode().partition(":")
            except (binascii.Error, UnicodeDecodeError):
                return False
            # The vendor allows a ticket in place of the password.
            secret_ok = _same(password, creds.password) or _same(password, creds.ticket)
            if faults.active("wrong-password-accepted"):
                secret_ok = True
            return _same(user, creds.username) and secret_ok
        return False

    def session_ok(self, cookies: Mapping[str, str], xsrf_header: str | None) -> bool:
        """Whether a session cookie comes with its own XSRF value in cookie and header: a session
        this mock signed, or the one of its credentials."""
        session = cookies.get(SESSION_COOKIE)
        if not session or not xsrf_header or faults.active("xsrf-ignored"):
            return False
        creds = self.credentials
        if creds.xsrf_session and creds.xsrf_token and _same(session, creds.xsrf_session):
            token = creds.xsrf_token
            return _same(xsrf_header, token) and _same(cookies.get(XSRF_COOKIE, ""), token)
        session_id, _, signature = session.partition(".")
        if not _same(signature, self._sign("session", session_id)):
            return False
        expected = self._sign("xsrf", session_id)
        return _same(xsrf_header, expected) and _same(cookies.get(XSRF_COOKIE, ""), expected)

    def new_session_cookies(self) -> list[str]:
        """Set-Cookie values of a fresh session: the session itself and its XSRF token."""
        session_id = secrets.token_urlsafe(16)
        session = f"{session_id}.{self._sign('session', session_id)}"
        return [
            f"{SESSION_COOKIE}={session}; Path=/; HttpOnly; SameSite=Lax",
            f"{XSRF_COOKIE}={self._sign('xsrf', session_id)}; Path=/; SameSite=Lax",
        ]

    def has_session(self, cookies: Mapping[str, str]) -> bool:
        """Whether the request already carries a session cookie this mock signed."""
        session_id, _, signature = cookies.get(SESSION_COOKIE, "").partition(".")
        return bool(session_id) and _same(signature, self._sign("session", session_id))

    def _sign(self, purpose: str, session_id: str) -> str:
        mac = hmac.new(self._key, f"{purpose}:{session_id}".encode(), hashlib.sha256)
        return mac.hexdigest()[:32]
