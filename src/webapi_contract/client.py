"""The HTTP client of the suite: base URL, credentials, timeout, and redacted exchange records."""

from __future__ import annotations

import contextlib
import json
import re
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from webapi_contract.config import Settings, strip_userinfo

__all__ = [
    "MASK",
    "ApiClient",
    "Exchange",
    "keep_headers_as_set",
    "redact_body",
    "redact_headers",
    "redact_text",
]

MASK = "***"
# Throttling is not a verdict: a 429 (or a 503 that says when to come back) was not processed,
# so the request is sent again, after Retry-After (capped) or a short backoff, a few times.
RETRY_STATUSES = frozenset({429, 503})
MAX_RETRIES = 4
MAX_RETRY_WAIT_S = 30.0
_BACKOFF_S = (1.0, 2.0, 4.0, 8.0)
SECRET_HEADERS = frozenset({"authorization", "x-xsrf-token", "cookie", "set-cookie", "so-apptoken"})
_SECRET_KEY = re.compile(r"pass(word)?|secret|token|ticket|authorization", re.IGNORECASE)
_BODY_LIMIT = 2000


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


def retry_wait(response: requests.Response, attempt: int) -> float | None:
    """Seconds to wait before sending again, or None when the response is a verdict.

    429 always, 503 only with Retry-After; Retry-After in seconds or as an HTTP date, capped
    at MAX_RETRY_WAIT_S; without it, a backoff of 1, 2, 4, 8 s.
    """
    if attempt >= MAX_RETRIES or response.status_code not in RETRY_STATUSES:
        return None
    after = response.headers.get("Retry-After", "").strip()
    if not after and response.status_code == 503:
        return None
    wait = _BACKOFF_S[min(attempt, len(_BACKOFF_S) - 1)]
    if after.isdigit():
        wait = float(after)
    elif after:
        with contextlib.suppress(TypeError, ValueError):
            wait = parsedate_to_datetime(after).timestamp() - time.time()
    return min(max(wait, 0.0), MAX_RETRY_WAIT_S)


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
        # A connection that could not be opened is opened again (nothing was sent); a request
        # that was sent is never repeated on a network error, since it may have been processed.
        retry = Retry(
            total=None, connect=2, read=0, redirect=0, status=0, other=0, backoff_factor=0.2
        )
        adapter = HTTPAdapter(max_retries=retry)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
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
        attempt = 0
        while True:
            started = time.perf_counter()
            response = self.session.request(
                method, url, data=body, headers=sent, timeout=self.settings.timeout
            )
            elapsed = (time.perf_counter() - started) * 1000
            wait = retry_wait(response, attempt)
            if wait is None:
                break
            response.close()
            time.sleep(wait)
            attempt += 1
        self.last = Exchange(
            method=method,
            url=url,
            request_headers=_as_text(response.request.headers),
            request_body=json_body if json_body is not None else data,
            response=response,
            elapsed_ms=elapsed,
            secrets=tuple(self.settings.secrets()),
            retries=attempt,
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
