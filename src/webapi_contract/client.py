"""The HTTP client of the suite: base URL, credentials, timeout, and redacted exchange records."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import InvalidHeader
from urllib3.util.retry import Retry

from webapi_contract.config import Settings, strip_userinfo

__all__ = [
    "MASK",
    "ApiClient",
    "Exchange",
    "NoAnswer",
    "ThrottleRetry",
    "keep_headers_as_set",
    "redact_body",
    "redact_headers",
    "redact_text",
    "throttle_aware",
]

MASK = "***"
# Throttling is not a verdict: a 429 (or a 503 that says when to come back) was not processed,
# so the request is sent again, after Retry-After (capped) or a short backoff, a few times.
RETRY_STATUSES = frozenset({429, 503})
MAX_RETRIES = 4
MAX_RETRY_WAIT_S = 30.0
BACKOFF_FACTOR = 0.5  # without Retry-After: urllib3 waits 0, 1, 2, 4 s
SECRET_HEADERS = frozenset({"authorization", "x-xsrf-token", "cookie", "set-cookie", "so-apptoken"})
_SECRET_KEY = re.compile(r"pass(word)?|secret|token|ticket|authorization", re.IGNORECASE)
_BODY_LIMIT = 2000


class NoAnswer(AssertionError):
    """The target gave no HTTP answer: timed out, refused or dropped the connection."""


def _no_answer(method: str, url: str, exc: requests.RequestException, timeout: float) -> str:
    where = f"{method} {strip_userinfo(url)}"
    if isinstance(exc, requests.Timeout):
        return f"no answer to {where} within the request timeout ({timeout:g} s)"
    if isinstance(exc, requests.ConnectionError):
        return f"no answer to {where}: the connection failed ({type(exc).__name__})"
    return f"no answer to {where}: {type(exc).__name__}"


def redact_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """A copy of headers with every credential-bearing value masked."""
    return {k: (MASK if k.lower() in SECRET_HEADERS else v) for k, v in headers.items()}


def redact_body(body: Any) -> Any:
    """A copy of a JSON value with secret-looking fields (password, e_password, token…) masked."""
    if isinstance(body, dict):
        return {
            k: (MASK if _SECRET_KEY.search(str(k)) and v is not None else redact_body(v))
            for k, v in body.items()
        }
    if isinstance(body, list):
        return [redact_body(v) for v in body]
    return body


def redact_text(text: str, secrets: Iterable[str]) -> str:
    """Text with every known secret value replaced by the mask."""
    for secret in sorted({s for s in secrets if s and len(s) >= 4}, key=len, reverse=True):
        text = text.replace(secret, MASK)
    return text


def _shorten(text: str) -> str:
    return text if len(text) <= _BODY_LIMIT else f"{text[:_BODY_LIMIT]}… ({len(text)} chars)"


@dataclass
class Exchange:
    """One request and its response, as the suite saw them."""

    method: str
    url: str
    request_headers: dict[str, str]
    request_body: Any
    response: requests.Response
    elapsed_ms: float
    secrets: tuple[str, ...] = field(default=(), repr=False)
    retries: int = 0

    def __repr__(self) -> str:
        # pytest shows the arguments of every frame of a failure: no headers, no body here.
        return f"Exchange({self.method} {strip_userinfo(self.url)} -> {self.status})"

    @property
    def status(self) -> int:
        """The response status code."""
        return self.response.status_code

    def json(self) -> Any:
        """The response body parsed as JSON (raises ValueError when it is not JSON)."""
        return self.response.json()

    def describe(self) -> str:
        """The request and response, secrets masked, for a failure message."""
        lines = [f"Request: {self.method} {strip_userinfo(self.url)}"]
        lines += [f"  {k}: {v}" for k, v in redact_headers(self.request_headers).items()]
        if self.request_body is not None:
            body = self.request_body
            shown = json.dumps(redact_body(body)) if not isinstance(body, str | bytes) else body
            if isinstance(shown, bytes):
                shown = shown.decode("utf-8", "replace")
            lines.append(f"  body: {_shorten(shown)}")
        response = self.response
        retried = f", after {self.retries} throttled attempt(s)" if self.retries else ""
        lines.append(
            f"Response: {response.status_code} {response.reason} "
            f"({self.elapsed_ms:.0f} ms{retried})"
        )
        content_type = response.headers.get("Content-Type")
        if content_type:
            lines.append(f"  Content-Type: {content_type}")
        if response.content:
            try:
                shown = json.dumps(redact_body(response.json()))
            except ValueError:
                shown = response.text
            lines.append(f"  body: {_shorten(shown)}")
        return redact_text("\n".join(lines), self.secrets)


def keep_headers_as_set(request: requests.PreparedRequest) -> requests.PreparedRequest:
    """A requests auth hook that adds nothing (see ApiClient)."""
    return request


class ThrottleRetry(Retry):
    """urllib3's Retry, for throttling and for connections that could not be opened.

    A 429, or a 503 that says when to come back (Retry-After), is sent again, whatever the
    method: the request was not processed. Retry-After (seconds or an HTTP date) is capped at
    MAX_RETRY_WAIT_S; without a usable one, urllib3's backoff (0, 1, 2, 4 s). A request that
    was sent is never repeated on a network error, since it may have been processed.
    """

    def __init__(self, **kwargs: Any) -> None:
        settings: dict[str, Any] = {
            "total": None,
            "connect": 2,
            "read": False,  # a sent request is not repeated; its timeout stays a timeout
            "redirect": 0,
            "other": 0,
            "status": MAX_RETRIES,
            "allowed_methods": None,
            "status_forcelist": RETRY_STATUSES,
            "backoff_factor": BACKOFF_FACTOR,
            "backoff_max": MAX_RETRY_WAIT_S,
            "raise_on_status": False,
            "respect_retry_after_header": True,
        }
        super().__init__(**{**settings, **kwargs})

    def is_retry(self, method: str, status_code: int, has_retry_after: bool = False) -> bool:
        if status_code == 503 and not has_retry_after:
            return False
        return bool(super().is_retry(method, status_code, has_retry_after))

    def get_retry_after(self, response: Any) -> float | None:
        try:
            after = super().get_retry_after(response)
        except (InvalidHeader, ValueError, OverflowError):  # e.g. a date in the year 10000
            return None
        return None if after is None else min(max(after, 0.0), MAX_RETRY_WAIT_S)


def throttle_aware(session: requests.Session) -> requests.Session:
    """session with ThrottleRetry on every http(s) connection; the same session back."""
    adapter = HTTPAdapter(max_retries=ThrottleRetry())
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def _throttled_attempts(response: requests.Response) -> int:
    """How many throttled answers (429/503) came before this response."""
    retries = getattr(response.raw, "retries", None)
    history = getattr(retries, "history", ()) or ()
    return sum(1 for attempt in history if attempt.status in RETRY_STATUSES)


def _as_text(headers: Mapping[str, str | bytes]) -> dict[str, str]:
    """Headers as sent, as text (requests may hold some as bytes)."""
    return {k: v.decode("latin-1") if isinstance(v, bytes) else v for k, v in headers.items()}


class ApiClient:
    """Sends requests relative to the configured base URL and remembers the last exchange."""

    def __init__(self, settings: Settings) -> None:
        if settings.base_url is None:
            raise ValueError("ApiClient needs a base URL")
        self.settings = settings
        self.base_url = settings.base_url
        self.session = requests.Session()
        # What a clause sends is exactly what it set: an explicit no-op auth keeps requests from
        # adding Basic auth from ~/.netrc or URL userinfo (which would turn "no credentials" into
        # valid ones). Proxy settings from the environment still apply.
        self.session.auth = keep_headers_as_set
        throttle_aware(self.session)
        self.session.headers.update({"Accept": "application/json"})
        if settings.app_token:
            self.session.headers["SO-AppToken"] = settings.app_token
        self.last: Exchange | None = None
        # Called with every exchange, e.g. to attach it to a report (the plugin does).
        self.observers: list[Callable[[Exchange], None]] = []

    def url(self, path: str) -> str:
        """The absolute URL of a path below the base URL."""
        return f"{self.base_url}/{path.lstrip('/')}"

    def request(
        self,
        method: str,
        path: str,
        *,
        json_body: Any = None,
        data: str | bytes | None = None,
        headers: Mapping[str, str] | None = None,
        authorization: str | bool | None = True,
    ) -> Exchange:
        """Send one request; authorization=True uses the primary credential, None/False none."""
        sent: dict[str, str] = dict(self.session.headers)
        if authorization is True:
            primary = self.settings.primary
            if primary is not None:
                sent["Authorization"] = primary.authorization
        elif isinstance(authorization, str):
            sent["Authorization"] = authorization
        body: Any = data
        if json_body is not None:
            body = json.dumps(json_body)
            sent.setdefault("Content-Type", "application/json")
        sent.update(headers or {})
        sent = {k: v for k, v in sent.items() if v is not None}
        url = self.url(path)
        started = time.perf_counter()
        try:
            response = self.session.request(
                method, url, data=body, headers=sent, timeout=self.settings.timeout
            )
        except requests.RequestException as exc:
            __tracebackhide__ = True
            raise NoAnswer(_no_answer(method, url, exc, self.settings.timeout)) from None
        elapsed = (time.perf_counter() - started) * 1000
        self.last = Exchange(
            method=method,
            url=url,
            request_headers=_as_text(response.request.headers),
            request_body=json_body if json_body is not None else data,
            response=response,
            elapsed_ms=elapsed,
            secrets=tuple(self.settings.secrets()),
            retries=_throttled_attempts(response),
        )
        for observe in self.observers:
            observe(self.last)
        return self.last

    def get(self, path: str, **kwargs: Any) -> Exchange:
        """GET path."""
        return self.request("GET", path, **kwargs)

    def patch(self, path: str, **kwargs: Any) -> Exchange:
        """PATCH path."""
        return self.request("PATCH", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> Exchange:
        """POST path."""
        return self.request("POST", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> Exchange:
        """DELETE path."""
        return self.request("DELETE", path, **kwargs)

    def close(self) -> None:
        """Release pooled connections."""
        self.session.close()
