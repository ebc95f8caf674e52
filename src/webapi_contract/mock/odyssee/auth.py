"""Odyssee's callers: Basic auth over base64 of `username:password@domain`, nothing else."""

from __future__ import annotations

from starlette.requests import Request

from webapi_contract.mock import faults
from webapi_contract.mock.auth import MockCredentials, basic_pair, same
from webapi_contract.mock.errors import ApiError

__all__ = ["CHALLENGE", "Authenticator"]

CHALLENGE = 'Basic realm="Odyssee (webapi-contract mock)"'


class Authenticator:
    """Accepts the credentials' user and password with their domain (compared ignoring case,
    as a Windows domain is); no session, no other scheme."""

    def __init__(self, credentials: MockCredentials) -> None:
        if not credentials.domain:
            raise ValueError("the odyssee mock needs credentials with a domain")
        self.credentials = credentials

    def authenticate(self, request: Request) -> list[str]:
        """[] when the request carries the credentials; ApiError(401) otherwise."""
        header = request.headers.get("authorization")
        if header is None:
            raise _unauthorized("Authorization: Basic username:password@domain is required")
        if not self.authorization_ok(header):
            raise _unauthorized("the credentials are not valid")
        return []

    def authorization_ok(self, header: str) -> bool:
        """Whether an Authorization header value carries the configured credentials."""
        scheme, _, value = header.strip().partition(" ")
        if scheme.lower() != "basic":
            return False
        pair = basic_pair(value)
        if pair is None:
            return False
        user, rest = pair
        creds = self.credentials
        password, at, domain = rest.rpartition("@")
        if not at:
            if not faults.active("auth-without-domain-accepted"):
                return False
            password, domain = rest, creds.domain
        domain_ok = same(domain.lower(), creds.domain.lower())
        return same(user, creds.username) and same(password, creds.password) and domain_ok


def _unauthorized(message: str) -> ApiError:
    return ApiError(401, "Unauthorized", message, {"WWW-Authenticate": CHALLENGE})
