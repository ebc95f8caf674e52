"""SuperOffice's callers: Basic, Bearer and SoTicket credentials, or a session cookie plus XSRF."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Mapping

from starlette.requests import Request

from webapi_contract.mock import faults
from webapi_contract.mock.auth import (
    SESSION_COOKIE,
    XSRF_COOKIE,
    XSRF_HEADER,
    MockCredentials,
    basic_pair,
    same,
)
from webapi_contract.mock.errors import ApiError

__all__ = ["CHALLENGE", "Authenticator"]

CHALLENGE = 'Basic realm="webapi-contract mock", Bearer, SoTicket'


class Authenticator:
    """Checks a request's credentials; sessions are signed, so no session state is kept."""

    def __init__(self, credentials: MockCredentials) -> None:
        self.credentials = credentials
        self._key = secrets.token_bytes(32)

    def authenticate(self, request: Request) -> list[str]:
        """The cookies of a new session when Authorization is valid and none came; [] for a
        valid session; ApiError(401) otherwise."""
        headers = request.headers
        authorization = headers.get("authorization")
        if authorization is not None:
            if not self.authorization_ok(authorization):
                raise _unauthorized("the credentials are not valid")
            cookies = request.cookies
            return [] if self.has_session(cookies) else self.new_session_cookies()
        if self.session_ok(request.cookies, headers.get(XSRF_HEADER)):
            return []
        if faults.active("anonymous-get-allowed") and request.method == "GET":
            return []
        raise _unauthorized("Authorization, or a session cookie with X-XSRF-TOKEN, is required")

    def authorization_ok(self, header: str) -> bool:
        """Whether an Authorization header value carries the configured credentials."""
        scheme, _, value = header.strip().partition(" ")
        scheme, value = scheme.lower(), value.strip()
        creds = self.credentials
        if scheme == "bearer":
            return same(value, creds.token)
        if scheme == "soticket":
            if faults.active("ticket-scheme-rejected"):
                return False
            return same(value, creds.ticket)
        if scheme == "basic":
            pair = basic_pair(value)
            if pair is None:
                return False
            user, password = pair
            # The vendor allows a ticket in place of the password.
            secret_ok = same(password, creds.password) or same(password, creds.ticket)
            if faults.active("wrong-password-accepted"):
                secret_ok = True
            return same(user, creds.username) and secret_ok
        return False

    def session_ok(self, cookies: Mapping[str, str], xsrf_header: str | None) -> bool:
        """Whether a session cookie comes with its own XSRF value in cookie and header: a session
        this mock signed, or the one of its credentials."""
        session = cookies.get(SESSION_COOKIE)
        if not session or not xsrf_header or faults.active("xsrf-ignored"):
            return False
        creds = self.credentials
        if creds.xsrf_session and creds.xsrf_token and same(session, creds.xsrf_session):
            token = creds.xsrf_token
            return same(xsrf_header, token) and same(cookies.get(XSRF_COOKIE, ""), token)
        session_id, _, signature = session.partition(".")
        if not same(signature, self._sign("session", session_id)):
            return False
        expected = self._sign("xsrf", session_id)
        return same(xsrf_header, expected) and same(cookies.get(XSRF_COOKIE, ""), expected)

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
        return bool(session_id) and same(signature, self._sign("session", session_id))

    def _sign(self, purpose: str, session_id: str) -> str:
        mac = hmac.new(self._key, f"{purpose}:{session_id}".encode(), hashlib.sha256)
        return mac.hexdigest()[:32]


def _unauthorized(message: str) -> ApiError:
    return ApiError(401, "Unauthorized", message, {"WWW-Authenticate": CHALLENGE})
