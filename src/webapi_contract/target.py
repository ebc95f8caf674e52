"""The target of a run: a live base URL checked before the run, or the embedded mock."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import requests

from webapi_contract.client import AnswerTooLarge, Silence, contract_session, redact_text
from webapi_contract.config import Credential, Settings, basic, strip_userinfo
from webapi_contract.vendors import SUPEROFFICE, VendorProfile

__all__ = [
    "EXIT_COULD_NOT_RUN",
    "EmbeddedTarget",
    "TargetError",
    "embedded_facts",
    "preflight",
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
    # The mock's logged-in session: X-XSRF-TOKEN and its Cookie header (no Authorization).
    xsrf_token: str | None = None
    xsrf_cookie: str | None = None

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
    return EmbeddedTarget(
        server=server,
        base_url=server.base_url,
        credentials=credentials,
        xsrf_token=creds.xsrf_token,
        xsrf_cookie=creds.xsrf_cookie,
    )


def _probe_headers(settings: Settings) -> dict[str, str]:
    """The headers of a probe request: JSON, the primary credential and the app token."""
    headers = {"Accept": "application/json"}
    if settings.primary is not None:
        headers["Authorization"] = settings.primary.authorization
    if settings.app_token:
        headers["SO-AppToken"] = settings.app_token
    return headers


def preflight(settings: Settings, profile: VendorProfile = SUPEROFFICE) -> str | None:
    """None when the target answers and accepts the credentials; else a one-line problem.

    The probe GET tells refused credentials (401/403); an answer of 404, or not in JSON or XML
    (a page), is only "no API here" when the profile's API roots do not answer either.
    """
    assert settings.base_url is not None
    url = f"{settings.base_url}/{profile.probe_path}"
    headers = _probe_headers(settings)
    # Its own session and count of silences: the preflight is not the run's requests.
    with contract_session(settings, Silence()) as session:
        return _preflight(session, settings, profile, url, headers)


def _preflight(
    session: requests.Session,
    settings: Settings,
    profile: VendorProfile,
    url: str,
    headers: dict[str, str],
) -> str | None:
    assert settings.base_url is not None
    shown = strip_userinfo(settings.base_url)
    try:
        response = _get(session, url, headers, settings.timeout)
    except requests.exceptions.SSLError as exc:
        return f"TLS handshake with {shown} failed ({type(exc).__name__}); check the certificate"
    except AnswerTooLarge:
        return (
            f"{shown} answered GET {strip_userinfo(url)} with more than "
            f"{settings.max_response_mb} MiB; check --base-url or --max-response-mb"
        )
    except requests.exceptions.Timeout:
        wait = f"{settings.timeout:g} s"
        return f"{shown} did not answer within {wait}; check the URL or --request-timeout"
    except requests.exceptions.ConnectionError:
        return f"cannot connect to {shown}; check --base-url / WEBAPI_BASE_URL and the network"
    except requests.exceptions.RequestException as exc:
        return f"request to {shown} failed ({type(exc).__name__}); check --base-url"
    redirected = _redirected(response, settings)
    if redirected:
        return f"GET {strip_userinfo(url)} {redirected}: check --base-url"
    if response.status_code in (401, 403):
        how = settings.primary.scheme if settings.primary else "no credentials"
        return (
            f"{shown} refused the credentials ({how}) with {response.status_code}; "
            "check --auth/--username/--password/--ticket/--token and --app-token"
        )
    if response.status_code != 404 and _speaks_api(response):
        return None
    probed = f"GET {strip_userinfo(url)} {_answered(response, settings)}"
    if not profile.api_roots:
        return None if _speaks_api(response) else f"no API at {shown}: {probed}; check --base-url"
    tried: list[str] = []
    for path in profile.api_roots:
        root = _relative(settings.base_url, path)
        try:
            answer = _get(session, root, headers, settings.timeout)
        except requests.exceptions.RequestException as exc:
            tried.append(f"GET {strip_userinfo(root)} failed ({type(exc).__name__})")
            continue
        if 200 <= answer.status_code < 300 and _speaks_api(answer):
            return None
        tried.append(f"GET {strip_userinfo(root)} {_answered(answer, settings)}")
    roots = "the API root" if len(tried) == 1 else "the API roots"
    return f"no API at {shown}: {probed} and {roots} {', '.join(tried)}; check --base-url"


def _get(
    session: requests.Session, url: str, headers: dict[str, str], timeout: float
) -> requests.Response:
    """One probe GET (a contract session: no redirect followed, nothing from the environment,
    the whole answer within the timeout and the size cap)."""
    return session.get(url, headers=headers, timeout=timeout, allow_redirects=False)


_SHOWN_LOCATION = 200


def _redirected(response: requests.Response, settings: Settings) -> str | None:
    """'redirected to <Location> (3xx)' for a redirect (not followed), else None."""
    location = response.headers.get("Location")
    if not location or not 300 <= response.status_code < 400:
        return None
    shown = redact_text(strip_userinfo(location), settings.secrets())
    if len(shown) > _SHOWN_LOCATION:
        shown = f"{shown[:_SHOWN_LOCATION]}…"
    return f"redirected to {shown} ({response.status_code})"


_API_TYPES = ("application/json", "text/json", "application/xml", "text/xml")


def _media(response: requests.Response) -> str:
    """The bare, lower-case media type of an answer ('' when it names none)."""
    return (response.headers.get("Content-Type") or "").split(";", 1)[0].strip().lower()


def _speaks_api(response: requests.Response) -> bool:
    """Whether an answer is JSON or XML, as an API's are (not a page, not nothing). An answer
    that names no media type (or a generic one) is judged by its body: whether it carries the
    right Content-Type is a clause's business, not the preflight's."""
    kind = _media(response)
    if kind in _API_TYPES or kind.endswith("+json"):
        return True
    if kind.endswith("+xml"):
        return kind != "application/xhtml+xml"
    if kind in ("", "application/octet-stream", "text/plain"):
        return _looks_like_data(response.content[:_SNIFF])
    return False


_SNIFF = 64 * 1024


def _looks_like_data(body: bytes) -> bool:
    """A JSON document, or XML that is not an HTML page."""
    text = body.strip()
    if not text:
        return False
    try:
        json.loads(text)
    except ValueError:
        head = text[:256].lower()
        return text.startswith(b"<") and b"<html" not in head and b"<!doctype html" not in head
    return True


def _answered(response: requests.Response, settings: Settings) -> str:
    redirected = _redirected(response, settings)
    if redirected:
        return redirected
    return f"answered {response.status_code} ({_media(response) or 'no Content-Type'})"


def _relative(base_url: str, path: str) -> str:
    """path below base_url ("" the base URL itself); each leading ".." goes one segment up."""
    parts = urlsplit(base_url)
    above = parts.path.rstrip("/")
    rest = [segment for segment in path.split("/") if segment]
    while rest and rest[0] == "..":
        rest.pop(0)
        above = above.rsplit("/", 1)[0]
    return urlunsplit(parts._replace(path="/".join([above, *rest])))


_VERSION_SEGMENT = re.compile(r"(?i)^v\d+(\.\d+)*$")
_TOLD_HEADERS = re.compile(r"(?i)version|^server$|^x-powered-by$|tenant")


def embedded_facts(settings: Settings, profile: VendorProfile = SUPEROFFICE) -> dict[str, Any]:
    """What the reports say about the embedded mock as a target."""
    return {
        "key": settings.target_name or "embedded mock",
        "vendor": profile.name,
        "url": None,
        "label": "embedded mock",
        "embedded": True,
    }


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
        secrets = settings.secrets()
        try:
            with contract_session(settings, Silence()) as session:
                response = _get(
                    session,
                    f"{settings.base_url}/{profile.probe_path}",
                    headers,
                    min(settings.timeout, 10),
                )
            server = {
                k: redact_text(v, secrets)
                for k, v in response.headers.items()
                if _TOLD_HEADERS.search(k)
            }
        except requests.exceptions.RequestException:
            server = {}
    label = "embedded mock" if settings.embedded else url
    return {
        "key": settings.target_name or label,
        "vendor": profile.name,
        "url": url,
        "label": label,
        "embedded": settings.embedded,
        "api_version": version,
        "tenant": tenant,
        "server": dict(sorted(server.items())),
    }
