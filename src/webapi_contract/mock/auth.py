"""Who may call a mock: the credentials it accepts, and helpers its vendors' authenticators share.

Each vendor's mock package checks a request its own way (`mock/<vendor>/auth.py`, an
app.Authenticator); what they accept is one MockCredentials.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import secrets
from dataclasses import dataclass, field

__all__ = [
    "SECRET_ALPHABET",
    "SESSION_COOKIE",
    "XSRF_COOKIE",
    "XSRF_HEADER",
    "MockCredentials",
    "basic_pair",
    "same",
]

SESSION_COOKIE = "webapi_mock_session"
XSRF_COOKIE = "XSRF-TOKEN"
XSRF_HEADER = "x-xsrf-token"
# Generated secrets are drawn from letters and digits only: `serve` prints them for people to
# paste into `--password X`, where one starting with `-` would be taken for an option, and a
# `:` or `@` would change how `user:password@domain` splits.
SECRET_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
DEFAULT_DOMAIN = "MOCK"


@dataclass(frozen=True)
class MockCredentials:
    """The one user, ticket and token the mock accepts; one logged-in session (a session
    cookie and its XSRF token) that authenticates without Authorization, when given; and the
    user's domain, for vendors whose Basic auth names one (`username:password@domain`)."""

    username: str
    password: str = field(repr=False)
    ticket: str = field(repr=False)
    token: str = field(repr=False)
    xsrf_session: str = field(default="", repr=False)
    xsrf_token: str = field(default="", repr=False)
    domain: str = ""

    @classmethod
    def generate(cls, username: str = "mock", domain: str = DEFAULT_DOMAIN) -> MockCredentials:
        """Fresh random secrets (a ticket shaped like the vendor's `7T:…`)."""
        return cls(
            username=username,
            password=_secret(16),
            ticket=f"7T:{_secret(32)}",
            token=_secret(43),
            xsrf_session=_secret(22),
            xsrf_token=_secret(22),
            domain=domain,
        )

    @property
    def xsrf_cookie(self) -> str:
        """The Cookie header of the session that goes with xsrf_token ("" when there is none):
        the session cookie and the XSRF-TOKEN cookie the token was read from."""
        if not (self.xsrf_session and self.xsrf_token):
            return ""
        return f"{SESSION_COOKIE}={self.xsrf_session}; {XSRF_COOKIE}={self.xsrf_token}"


def _secret(length: int) -> str:
    """A random secret of letters and digits (so never beginning with `-`)."""
    return "".join(secrets.choice(SECRET_ALPHABET) for _ in range(length))


def same(given: str, expected: str) -> bool:
    """Whether two secrets are equal, compared in constant time."""
    return hmac.compare_digest(given.encode(), expected.encode())


def basic_pair(value: str) -> tuple[str, str] | None:
    """The user and the rest (after the first `:`) of a Basic credential (the part after
    `Basic `); None when it is no base64 of UTF-8 text holding a `:`."""
    try:
        text = base64.b64decode(value.strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    user, colon, rest = text.partition(":")
    return (user, rest) if colon else None
