"""SuperOffice's callers: Basic, Bearer and SoTicket credentials, or a session cookie plus XSRF."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable, Mapping

from starlette.requests import Request, cookie_parser

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
_SIGNED_KEPT = 4096
_COOKIES_KEPT, _COOKIES_KEPT_LENGTH = 1024, 1024


class Authenticator:
    """Checks a request's credentials; sessions are signed, so no session state is kept."""

    def __init__(self, credentials: MockCredentials) -> None:
        self.credentials = credentials
        self._key = secrets.token_bytes(32)
        self._signed: dict[tuple[str, str], str] = {}  # _sign's answers, bounded (see there)
        self._cookie_jars: dict[tuple[str, ...], dict[str, str]] = {}  # see _cookies

    def authenticate(self, request: Request) -> list[str]:
        """The cookies of a new session when Authorization is valid and none came; [] for a
        valid session; ApiError(401) otherwise."""
        authorization, xsrf_header, cookie_headers = _picked(request.scope["headers"])
        if authorization is not None:
            if not self.authorization_ok(authorization):
                raise _unauthorized("the credentials are not valid")
            cookies = self._cookies(cookie_headers)
            return [] if self.has_session(cookies) else self.new_session_cookies()
        if self.session_ok(self._cookies(cookie_headers), xsrf_header):
            return []
        if faults.active("anonymous-get-allowed") and request.method == "GET":
            return []
        if faults.active("anonymous-write-allowed") and request.method != "GET":
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

    def _cookies(self, headers: tuple[str, ...]) -> Mapping[str, str]:
        """The cookies of the Cookie headers, as Starlette's Request.cookies reads them (each
        header through its cookie_parser, the later ones winning). A client sends the same
        Cookie header with every request: short ones are remembered, bounded, not parsed
        again (the mapping answered is shared: read it, never change it)."""
        if not headers:
            return {}
        cookies = self._cookie_jars.get(headers)
        if cookies is None:
            cookies = {}
            for header in headers:
                cookies.update(cookie_parser(header))
            if sum(map(len, headers)) <= _COOKIES_KEPT_LENGTH:
                if len(self._cookie_jars) >= _COOKIES_KEPT:
                    self._cookie_jars.clear()
                self._cookie_jars[headers] = cookies
        return cookies

    def _sign(self, purpose: str, session_id: str) -> str:
        # A session's cookie comes with every request: its signature is remembered, not
        # recomputed (the key never changes, so the answer is the same).
        signed = self._signed.get((purpose, session_id))
        if signed is None:
            mac = hmac.new(self._key, f"{purpose}:{session_id}".encode(), hashlib.sha256)
            signed = mac.hexdigest()[:32]
            if len(self._signed) >= _SIGNED_KEPT:
                self._signed.clear()
            self._signed[(purpose, session_id)] = signed
        return signed


def _picked(raw: Iterable[tuple[bytes, bytes]]) -> tuple[str | None, str | None, tuple[str, ...]]:
    """Authorization and X-XSRF-TOKEN (the first of each, as Starlette's Headers.get answers)
    and every Cookie header, from a request's raw headers (names lower-cased, as ASGI has them),
    in one pass."""
    authorization = xsrf_header = None
    cookies: list[str] = []
    for name, value in raw:
        if name == b"authorization":
            if authorization is None:
                authorization = value.decode("latin-1")
        elif name == b"cookie":
            cookies.append(value.decode("latin-1"))
        elif name == _XSRF_HEADER and xsrf_header is None:
            xsrf_header = value.decode("latin-1")
    return authorization, xsrf_header, tuple(cookies)


_XSRF_HEADER = XSRF_HEADER.encode("latin-1")


def _unauthorized(message: str) -> ApiError:
    return ApiError(401, "Unauthorized", message, {"WWW-Authenticate": CHALLENGE})
