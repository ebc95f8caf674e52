"""The target of a run: a live base URL checked before the run, or the embedded mock."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests

from webapi_contract.client import keep_headers_as_set
from webapi_contract.config import Credential, Settings, basic, strip_userinfo
from webapi_contract.vendors import SUPEROFFICE, VendorProfile

__all__ = [
    "EXIT_COULD_NOT_RUN",
    "EmbeddedTarget",
    "TargetError",
    "preflight",
    "settings_from_wire",
    "settings_to_wire",
    "start_embedded",
    "target_facts",
]

# Exit code of a run that could not start: unreachable target, rejected credentials, bad
# configuration (pytest's own usage-error code, so every "could not run" shares one code).
EXIT_COULD_NOT_RUN = 4


class TargetError(RuntimeError):
    """The target cannot be used; the message says what was tried and what to check."""


@dataclass
class EmbeddedTarget:
    """The reference mock started for this run."""

    server: Any
    base_url: str
    credentials: tuple[Credential, ...]

    def stop(self) -> None:
        """Stop the mock and remove its database."""
        self.server.stop()


def start_embedded() -> EmbeddedTarget:
    """Start the reference mock on a free loopback port with fresh credentials."""
    from webapi_contract.mock import MockCredentials, MockServer

    creds = MockCredentials.generate()
    try:
        server = MockServer(credentials=creds).start()
    except OSError as exc:
        raise TargetError(f"the embedded mock could not start: {exc}") from exc
    credentials = (
        basic(creds.username, creds.password),
        Credential("SoTicket", f"SoTicket {creds.ticket}"),
        Credential("Bearer", f"Bearer {creds.token}"),
    )
    return EmbeddedTarget(server=server, base_url=server.base_url, credentials=credentials)


def _probe_headers(settings: Settings) -> dict[str, str]:
    """The headers of a probe request: JSON, the primary credential and the app token."""
    headers = {"Accept": "application/json"}
    if settings.primary is not None:
        headers["Authorization"] = settings.primary.authorization
    if settings.app_token:
        headers["SO-AppToken"] = settings.app_token
    return headers


def preflight(settings: Settings, profile: VendorProfile = SUPEROFFICE) -> str | None:
    """None when the target answers and accepts the credentials; else a one-line problem."""
    assert settings.base_url is not None
    url = f"{settings.base_url}/{profile.probe_path}"
    shown = strip_userinfo(settings.base_url)
    headers = _probe_headers(settings)
    try:
        response = requests.get(
            url, headers=headers, timeout=settings.timeout, auth=keep_headers_as_set
        )
    except requests.exceptions.SSLError as exc:
        return f"TLS handshake with {shown} failed ({type(exc).__name__}); check the certificate"
    except requests.exceptions.Timeout:
        wait = f"{settings.timeout:g} s"
        return f"{shown} did not answer within {wait}; check the URL or --request-timeout"
    except requests.exceptions.ConnectionError:
        return f"cannot connect to {shown}; check --base-url / WEBAPI_BASE_URL and the network"
    except requests.exceptions.RequestException as exc:
        return f"request to {shown} failed ({type(exc).__name__}); check --base-url"
    if response.status_code in (401, 403):
        how = settings.primary.scheme if settings.primary else "no credentials"
        return (
            f"{shown} refused the credentials ({how}) with {response.status_code}; "
            "check --auth/--username/--password/--ticket/--token and --app-token"
        )
    return None


def settings_to_wire(settings: Settings) -> dict[str, Any]:
    """Settings as plain data for an xdist worker (sent over execnet, never written to disk)."""
    return {
        "base_url": settings.base_url,
        "credentials": [[c.scheme, c.authorization, c.username] for c in settings.credentials],
        "app_token": settings.app_token,
        "timeout": settings.timeout,
        "readonly": settings.readonly,
        "latency_strict": settings.latency_strict,
        "embedded": settings.embedded,
        "test_contact": dict(settings.test_contact),
    }


def settings_from_wire(data: dict[str, Any]) -> Settings:
    """The inverse of settings_to_wire."""
    return Settings(
        base_url=data["base_url"],
        credentials=tuple(Credential(s, a, u) for s, a, u in data["credentials"]),
        app_token=data["app_token"],
        timeout=data["timeout"],
        readonly=data["readonly"],
        latency_strict=data["latency_strict"],
        embedded=data["embedded"],
        test_contact=data.get("test_contact", {}),
    )


_VERSION_SEGMENT = re.compile(r"(?i)^v\d+(\.\d+)*$")
_TOLD_HEADERS = re.compile(r"(?i)version|^server$|^x-powered-by$|tenant")


def target_facts(
    settings: Settings, profile: VendorProfile = SUPEROFFICE, *, probe: bool = True
) -> dict[str, Any]:
    """What the reports say about the target: URL without credentials, API version and tenant as
    the base URL and the server tell, and the server's version headers (one GET of the probe path
    when probe is true; nothing is raised when it fails)."""
    url = strip_userinfo(settings.base_url) if settings.base_url else None
    segments = [s for s in urlsplit(url or "").path.split("/") if s]
    version = next((s for s in reversed(segments) if _VERSION_SEGMENT.match(s)), None)
    tenant = None
    if profile.tenant_segment:
        tenant = next((s for s in segments if re.search(profile.tenant_segment, s)), None)
    server: dict[str, str] = {}
    if probe and settings.base_url:
        headers = _probe_headers(settings)
        try:
            response = requests.get(
                f"{settings.base_url}/{profile.probe_path}",
                headers=headers,
                timeout=min(settings.timeout, 10),
                auth=keep_headers_as_set,
            )
            server = {k: v for k, v in response.headers.items() if _TOLD_HEADERS.search(k)}
        except requests.exceptions.RequestException:
            server = {}
    return {
        "url": url,
        "label": "embedded mock" if settings.embedded else url,
        "embedded": settings.embedded,
        "api_version": version,
        "tenant": tenant,
        "server": dict(sorted(server.items())),
    }
