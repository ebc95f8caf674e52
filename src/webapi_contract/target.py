"""The target of a run: a live base URL checked before the run, or the embedded mock."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import requests

from webapi_contract.client import AnswerTooLarge, Silence, contract_session, redact_text
from webapi_contract.config import Credential, Settings, basic, by_name, strip_userinfo
from webapi_contract.vendors import DEFAULT_VENDOR, PROFILES, VendorProfile

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
    # The Basic credential's `@domain`, for a vendor whose mock checks one.
    domain: str | None = None

    def stop(self) -> None:
        """Stop the mock and remove its database."""
        self.server.stop()


def start_embedded(vendor: str = DEFAULT_VENDOR) -> EmbeddedTarget:
    """Start the vendor's reference mock on a free loopback port with fresh credentials: those
    its mock checks (`credential_fields`), as the settings would carry them."""
    from webapi_contract.mock import MockCredentials, MockServer
    from webapi_contract.mock.server import credential_fields

    creds = MockCredentials.generate()
    try:
        checked = credential_fields(vendor)
        server = MockServer(credentials=creds, vendor=vendor).start()
    except ValueError as exc:
        raise TargetError(f"no embedded mock for vendor {vendor!r}: {exc}") from exc
    except OSError as exc:
        raise TargetError(f"the embedded mock could not start: {exc}") from exc
    domain = creds.domain if "domain" in checked else None
    password = f"{creds.password}@{domain}" if domain else creds.password
    credentials = [basic(creds.username, password)]
    if "ticket" in checked:
        credentials.append(Credential("SoTicket", f"SoTicket {creds.ticket}"))
    if "token" in checked:
        credentials.append(Credential("Bearer", f"Bearer {creds.token}"))
    session = "xsrf_token" in checked
    return EmbeddedTarget(
        server=server,
        base_url=server.base_url,
        credentials=tuple(credentials),
        xsrf_token=creds.xsrf_token if session else None,
        xsrf_cookie=creds.xsrf_cookie if session else None,
        domain=domain,
    )


def _profile(settings: Settings, given: VendorProfile | None) -> VendorProfile:
    """The profile given, else that of the settings' vendor."""
    return given if given is not None else PROFILES[settings.vendor]


def _probe_headers(settings: Settings, vendor: VendorProfile) -> dict[str, str]:
    """The headers of a probe request: JSON, the primary credential and the vendor's app token
    header (for a vendor that has one)."""
    headers = {"Accept": "application/json"}
    if settings.primary is not None:
        headers["Authorization"] = settings.primary.authorization
    if settings.app_token and vendor.app_token_header:
        headers[vendor.app_token_header] = settings.app_token
    return headers


def _credential_options(vendor: VendorProfile) -> str:
    """The options of the vendor's credential settings: "--auth/--username/… and --app-token"."""
    flags = [by_name(name).run_flag for name in vendor.credential_settings]
    named = [flag for flag in flags if flag]
    if len(named) > 1:
        return f"{'/'.join(named[:-1])} and {named[-1]}"
    return "".join(named)


def preflight(settings: Settings, vendor: VendorProfile | None = None) -> str | None:
    """None when the target answers and accepts the credentials; else a one-line problem.

    The probe GET tells refused credentials (401/403); an answer of 404, or not in JSON or XML
    (a page), is only "no API here" when the profile's API roots do not answer either. The
    profile is the settings' vendor's unless one is given.
    """
    assert settings.base_url is not None
    known = _profile(settings, vendor)
    url = f"{settings.base_url}/{known.probe_path}"
    headers = _probe_headers(settings, known)
    # Its own session and count of silences: the preflight is not the run's requests.
    with contract_session(settings, Silence()) as session:
        return _preflight(session, settings, known, url, headers)


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
            f"check {_credential_options(profile)}"
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


EMBEDDED_LABEL = "embedded mock"


def _key(settings: Settings, vendor: VendorProfile, label: str | None) -> str | None:
    """The target's key in the reports and the history: its name, else its label; the embedded
    mock of a vendor other than the default is "<vendor>: embedded mock" (one history may hold
    the embedded mocks of several vendors; the default vendor's key is as it always was)."""
    if settings.target_name:
        return settings.target_name
    if label == EMBEDDED_LABEL and vendor.name != DEFAULT_VENDOR:
        return f"{vendor.name}: {label}"
    return label


def embedded_facts(settings: Settings, vendor: VendorProfile | None = None) -> dict[str, Any]:
    """What the reports say about the embedded mock as a target."""
    known = _profile(settings, vendor)
    return {
        "key": _key(settings, known, EMBEDDED_LABEL),
        "vendor": known.name,
        "url": None,
        "label": EMBEDDED_LABEL,
        "embedded": True,
    }


def target_facts(
    settings: Settings, vendor: VendorProfile | None = None, *, probe: bool = True
) -> dict[str, Any]:
    """What the reports say about the target: URL without credentials, API version and tenant as
    the base URL and the server tell, and the server's version headers (one GET of the probe path
    when probe is true; nothing is raised when it fails)."""
    profile = _profile(settings, vendor)
    url = strip_userinfo(settings.base_url) if settings.base_url else None
    segments = [s for s in urlsplit(url or "").path.split("/") if s]
    version = next((s for s in reversed(segments) if _VERSION_SEGMENT.match(s)), None)
    tenant = None
    if profile.tenant_segment:
        tenant = next((s for s in segments if re.search(profile.tenant_segment, s)), None)
    server: dict[str, str] = {}
    if probe and settings.base_url:
        headers = _probe_headers(settings, profile)
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
    label = EMBEDDED_LABEL if settings.embedded else url
    return {
        "key": _key(settings, profile, label),
        "vendor": profile.name,
        "url": url,
        "label": label,
        "embedded": settings.embedded,
        "api_version": version,
        "tenant": tenant,
        "server": dict(sorted(server.items())),
    }
