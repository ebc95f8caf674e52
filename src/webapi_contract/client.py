"""The HTTP client of the suite: base URL, credentials, timeout, and redacted exchange records.

Also what every session to a target shares (`contract_session`): nothing taken from the
environment, no redirect followed, each answer bounded in time and size (BoundedAdapter), a run
stopped once its target stops answering (SILENCE); and the one masking of secrets (`masker`).
"""

from __future__ import annotations

import base64
import bisect
import contextlib
import functools
import heapq
import html
import itertools
import json
import os
import re
import shlex
import socket
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Self
from urllib.parse import quote, quote_plus

import requests
import urllib3
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import ConnectionPool, HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import InvalidHeader
from urllib3.response import BaseHTTPResponse
from urllib3.util.retry import Retry

from webapi_contract.config import Settings, strip_userinfo
from webapi_contract.vendors import PROFILES

__all__ = [
    "CURL_BODY_LIMIT",
    "MASK",
    "MIB",
    "MIN_SECRET_LENGTH",
    "SILENCE",
    "STOPPED_ANSWERING",
    "AnswerTooLarge",
    "ApiClient",
    "BoundedAdapter",
    "ContractSession",
    "Exchange",
    "Masker",
    "NoAnswer",
    "NoCompleteAnswer",
    "Silence",
    "TargetSilent",
    "TargetStoppedAnswering",
    "ThrottleRetry",
    "body_secrets",
    "contract_session",
    "keep_headers_as_set",
    "masker",
    "redact_body",
    "redact_headers",
    "redact_text",
    "secret_forms",
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
# A request body longer than this (in bytes) is cut in a curl line, with a note saying so.
CURL_BODY_LIMIT = 4096
# Headers curl sets itself from what it sends (a copied value would be wrong once edited).
_CURL_OWN_HEADERS = frozenset({"content-length", "connection", "host"})


# What one answer may cost: every attempt of a request has the request timeout from connecting to
# the last byte of its body, and a body (decompressed) is read up to the response size cap.
MIB = 1024 * 1024
_CHUNK = 64 * 1024
# The start of the message of a run stopped because its target stopped answering.
STOPPED_ANSWERING = "the target stopped answering"


class NoAnswer(AssertionError):
    """The target gave no usable HTTP answer: timed out, refused or dropped the connection, or
    sent more than the response size cap."""


class TargetStoppedAnswering(NoAnswer):
    """Several requests in a row got no answer: the run stops (exit 4, its reports written)."""


class NoCompleteAnswer(requests.exceptions.ReadTimeout):
    """No complete answer (status, headers and the whole body) within the request timeout."""


class AnswerTooLarge(requests.exceptions.RequestException):
    """The body of an answer, decompressed, is larger than the response size cap."""


class TargetSilent(requests.exceptions.ConnectionError):
    """Nothing was sent: the target stopped answering earlier in this run."""


def _where(method: str | None, url: str | None) -> str:
    return f"{method} {strip_userinfo(url or '')}"


def _no_answer(where: str, exc: BaseException, timeout: float) -> str:
    """One line saying why a request got no usable answer (no library traceback)."""
    if isinstance(exc, AnswerTooLarge | NoCompleteAnswer | TargetSilent):
        return str(exc)
    if isinstance(exc, requests.Timeout):
        return f"no answer to {where} within the request timeout ({timeout:g} s)"
    if isinstance(exc, requests.ConnectionError):
        return f"no answer to {where}: the connection failed ({type(exc).__name__})"
    return f"no answer to {where}: {type(exc).__name__}"


class Silence:
    """How many requests in a row got no answer in this process (a run: the plugin resets it),
    and, once they reach the limit, why the run stops."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.count = 0
        self.stopped: str | None = None

    def answered(self) -> None:
        """An answer came: the count starts again."""
        with self._lock:
            self.count = 0

    def no_answer(self, limit: int, why: str) -> None:
        """A request got no answer (why: one line); at the limit-th in a row, `stopped`."""
        with self._lock:
            if self.stopped is not None:
                return
            self.count += 1
            if self.count >= limit:
                self.stopped = (
                    f"{STOPPED_ANSWERING}: {self.count} requests in a row got no answer "
                    f"(the last: {why})"
                )

    def reset(self) -> None:
        """A new run: nothing counted, not stopped."""
        with self._lock:
            self.count = 0
            self.stopped = None


# The requests of this process's run (ApiClient and contract sessions count in it by default).
SILENCE = Silence()


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


def body_secrets(names: Iterable[str], *bodies: Any) -> list[str]:
    """The text values of the members called one of names (any case, at any depth) in bodies:
    JSON values, or JSON or XML text (str or bytes). A vendor's secret body fields (its
    profile's `secret_fields`) are found this way in each exchange, and masked with it."""
    wanted = {name.lower() for name in names}
    if not wanted:
        return []
    found: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for key, member in value.items():
                if str(key).lower() in wanted and isinstance(member, str | int | float):
                    found.append(str(member))
                else:
                    walk(member)
        elif isinstance(value, list):
            for member in value:
                walk(member)

    for body in bodies:
        if isinstance(body, bytes | str):
            text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
            try:
                walk(json.loads(text))
            except ValueError:
                found += _xml_members(wanted, text)
        else:
            walk(body)
    return list(dict.fromkeys(found))


def _xml_members(wanted: set[str], text: str) -> list[str]:
    """The text of XML elements named one of wanted (any case, any namespace prefix)."""
    if "<" not in text:
        return []
    names = "|".join(re.escape(name) for name in sorted(wanted))
    element = re.compile(rf"<(?:[\w.-]+:)?(?:{names})(?:\s[^>]*)?>([^<]*)<", re.IGNORECASE)
    return [html.unescape(value) for value in element.findall(text)]


# --- Masking: the one place that knows how a secret may be written -------------------------
#
# A secret shorter than MIN_SECRET_LENGTH is never looked for (it would mask ordinary words).
# Each secret is looked for as itself and in every form a server, a library or a report may
# give it: JSON-, HTML- and percent-escaped, base64 (standard and URL-safe, padded or not, also
# inside a longer encoded value), hex; in any letter case; and, from _MIN_SPLIT characters on,
# with whitespace (or an escaped line break: a JSON "\n", an XML "&#10;") anywhere inside. The
# forms are computed once per set of secrets (`masker`), and used by the client, the report
# scrubbing (`reports.scrub_text`, `scrub_tree`) and the console alike.
MIN_SECRET_LENGTH = 4
# A fragment of a longer base64 value is only looked for when it is this long: shorter ones are
# four or five letters any random text may hold.
_MIN_FRAGMENT = 8


def _json_escaped_every_char(secret: str) -> str:
    """The secret with every character as a JSON \\uXXXX escape (UTF-16, as JSON has it)."""
    units = secret.encode("utf-16-be")
    return "".join(f"\\u{units[i]:02x}{units[i + 1]:02x}" for i in range(0, len(units), 2))


def _base64_forms(raw: bytes) -> set[str]:
    """The secret base64-encoded, alone or inside a longer encoded value (at each of the three
    alignments: the characters that only its own bytes decide)."""
    found: set[str] = set()
    for encode in (base64.b64encode, base64.urlsafe_b64encode):
        whole = encode(raw).decode("ascii")
        found.update({whole, whole.rstrip("=")})
        for offset in (0, 1, 2):
            shifted = encode(b"\0" * offset + raw).decode("ascii")
            inner = shifted[-(-8 * offset // 6) : 8 * (offset + len(raw)) // 6]
            if len(inner) >= _MIN_FRAGMENT:
                found.add(inner)
    return found


def secret_forms(secret: str) -> set[str]:
    """Every form of one secret the masking looks for (none when it is too short)."""
    if len(secret) < MIN_SECRET_LENGTH:
        return set()
    raw = secret.encode("utf-8")
    escaped = json.dumps(secret)[1:-1]
    forms = {
        secret,
        secret.casefold(),
        secret.upper(),
        escaped,
        escaped.replace("/", "\\/"),
        json.dumps(secret, ensure_ascii=False)[1:-1],
        _json_escaped_every_char(secret),
        html.escape(secret),
        html.escape(secret, quote=False),
        quote(secret, safe=""),
        quote(secret),
        quote_plus(secret),
        "".join(f"%{byte:02X}" for byte in raw),
        raw.hex(),
        *_base64_forms(raw),
    }
    return {form for form in forms if len(_squeezed(form)) >= MIN_SECRET_LENGTH}


# What may stand between two characters of a secret: whitespace, or a line break escaped in JSON
# ("\\n") or in XML ("&#10;"). Text is searched "squeezed": without these, in lower case.
_BREAKS = re.compile(r"\s|\\[nrt]|&#(?:9|10|13|32|x9|xa|xd|x20);", re.IGNORECASE)
# A form shorter than this is only found whole (not split by whitespace).
_MIN_SPLIT = 8


def _squeezed(text: str) -> str:
    """text without whitespace and escaped line breaks, in lower case."""
    if "\\" not in text and "&#" not in text:
        return "".join(text.split()).lower()
    return _BREAKS.sub("", text).lower()


def _squeeze_map(text: str) -> tuple[str, list[tuple[int, int, bool]]]:
    """_squeezed(text) and where its characters stand in text: (start in the squeezed text,
    start in text, whether the characters from there on map one to one)."""
    pieces: list[str] = []
    where: list[tuple[int, int, bool]] = []
    size = 0
    kept = 0
    for gap in [*_BREAKS.finditer(text), None]:
        stop = gap.start() if gap is not None else len(text)
        segment = text[kept:stop]
        lowered = segment.lower()
        if len(lowered) == len(segment):
            if segment:
                where.append((size, kept, True))
        else:  # a character whose lower case is longer (İ): each on its own
            offset = size
            for index, char in enumerate(segment):
                where.append((offset, kept + index, False))
                offset += len(char.lower())
        pieces.append(lowered)
        size += len(lowered)
        if gap is not None:
            kept = gap.end()
    return "".join(pieces), where


class Masker:
    """The known secrets and their forms, computed once; masks them in text.

    Text is searched squeezed (`_squeezed`), so a form is found in any letter case and split by
    whitespace or escaped line breaks anywhere (forms shorter than _MIN_SPLIT only whole); what
    is masked is the stretch of the original text the form covers.
    """

    def __init__(self, secrets: Iterable[str]) -> None:
        self.secrets = tuple(sorted({s for s in secrets if s and len(s) >= MIN_SECRET_LENGTH}))
        self.forms: tuple[str, ...] = tuple(
            sorted({f for s in self.secrets for f in secret_forms(s)}, key=len, reverse=True)
        )
        keys = {_squeezed(form) for form in self.forms}
        self._keys = tuple(sorted((k for k in keys if k), key=len, reverse=True))

    def __repr__(self) -> str:
        return f"Masker({len(self.secrets)} secrets, {len(self.forms)} forms)"

    def text(self, text: str) -> str:
        """text with every form of every secret replaced by the mask."""
        if not self._keys:
            return text
        squeezed = _squeezed(text)
        if not any(key in squeezed for key in self._keys):  # most text holds none
            return text
        squeezed, where = _squeeze_map(text)
        starts = [entry[0] for entry in where]

        def original(index: int) -> int:
            start, at, linear = where[bisect.bisect_right(starts, index) - 1]
            return at + (index - start) if linear else at

        spans: list[tuple[int, int]] = []
        for key in self._keys:
            found = squeezed.find(key)
            while found != -1:
                begin, end = original(found), original(found + len(key) - 1) + 1
                if len(key) >= _MIN_SPLIT or end - begin == len(key):
                    spans.append((begin, end))
                found = squeezed.find(key, found + 1)
        if not spans:
            return text
        parts: list[str] = []
        kept = 0
        for begin, end in sorted(spans):
            if end <= kept:
                continue
            if begin >= kept:
                parts.append(text[kept:begin])
                parts.append(MASK)
            kept = end
        parts.append(text[kept:])
        return "".join(parts)

    def data(self, data: bytes) -> bytes:
        """Bytes (UTF-8, or anything: undecodable bytes are kept) with every form masked."""
        if not self._keys:
            return data
        text = data.decode("utf-8", "surrogateescape")
        masked = self.text(text)
        return data if masked is text else masked.encode("utf-8", "surrogateescape")


@functools.lru_cache(maxsize=32)
def _masker(secrets: tuple[str, ...]) -> Masker:
    return Masker(secrets)


def masker(secrets: Iterable[str]) -> Masker:
    """The Masker of a set of secrets (built once per set)."""
    return _masker(tuple(sorted({s for s in secrets if s and len(s) >= MIN_SECRET_LENGTH})))


def redact_text(text: str, secrets: Iterable[str]) -> str:
    """Text with every known secret value, in any of its forms, replaced by the mask."""
    return masker(secrets).text(text)


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

    def as_curl(self) -> str:
        """The request as one curl command (method, URL, headers, body), each part shell-quoted.

        Not masked: the caller masks it with the one masking (`masker(secrets).text`, or
        `reports.scrub_text`). Credentials in the URL are dropped; a body over CURL_BODY_LIMIT
        bytes is cut, and a trailing shell comment says so.
        """
        words = ["curl"]
        if self.method.upper() != "GET" or self.request_body is not None:
            words += ["-X", self.method.upper()]
        words.append(strip_userinfo(self.url))
        compressed = False
        for name, value in self.request_headers.items():
            if name.lower() in _CURL_OWN_HEADERS:
                continue
            compressed = compressed or name.lower() == "accept-encoding"
            words += ["-H", f"{name}: {value}"]
        if compressed:
            words.append("--compressed")
        note = ""
        body = self.request_body
        if body is not None:
            if isinstance(body, bytes):
                raw = body
            elif isinstance(body, str):
                raw = body.encode("utf-8")
            else:
                raw = json.dumps(body).encode("utf-8")
            if len(raw) > CURL_BODY_LIMIT:
                note = f"  # body cut: first {CURL_BODY_LIMIT} of {len(raw)} bytes"
                raw = raw[:CURL_BODY_LIMIT]
            words += ["--data-raw", raw.decode("utf-8", "replace")]
        return " ".join(shlex.quote(word) for word in words) + note

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
        location = response.headers.get("Location")
        if location and 300 <= response.status_code < 400:
            lines.append(f"  Location: {strip_userinfo(location)} (not followed)")
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

    def increment(
        self,
        method: str | None = None,
        url: str | None = None,
        response: BaseHTTPResponse | None = None,
        error: Exception | None = None,
        _pool: ConnectionPool | None = None,
        _stacktrace: TracebackType | None = None,
    ) -> Self:
        retry = super().increment(method, url, response, error, _pool, _stacktrace)
        if response is not None:
            # The throttled answer is not read (urllib3 would read all of it before the next
            # attempt, however large or slow it is): its connection is closed instead.
            response.close()
        return retry


# --- Transport: what one answer may cost ------------------------------------------------------

_ATTEMPT = threading.local()  # the deadline of the request this thread is sending


class _Watchdog:
    """One thread that calls each deadline's `_expire` at its time (a timer thread per request
    would cost more than a request to a fast server)."""

    def __init__(self) -> None:
        self._ready = threading.Condition()
        self._due: list[tuple[float, int, _Deadline]] = []
        self._order = itertools.count()
        self._thread: threading.Thread | None = None

    def at(self, when: float, deadline: _Deadline) -> None:
        """Call deadline._expire() at `when` (monotonic)."""
        with self._ready:
            heapq.heappush(self._due, (when, next(self._order), deadline))
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="webapi-contract deadlines", daemon=True
                )
                self._thread.start()
            if self._due[0][2] is deadline:
                self._ready.notify()

    def _run(self) -> None:
        while True:
            with self._ready:
                while not self._due or self._due[0][0] > time.monotonic():
                    wait = self._due[0][0] - time.monotonic() if self._due else None
                    self._ready.wait(wait)
                _, _, deadline = heapq.heappop(self._due)
            deadline._expire()


_WATCHDOG = _Watchdog()


class _Deadline:
    """The deadline of one request: each attempt (a throttled request is sent again) has
    `seconds` from taking a connection to the last byte of the body. When it passes, a timer
    shuts the attempt's socket down, which ends any read in progress: a server trickling its
    headers or body a byte at a time cannot hold the request longer."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.expires = time.monotonic() + seconds
        self._lock = threading.Lock()
        self._conn: Any = None
        self._done = False
        self.expired = False
        # What came before the deadline: the status (None: no answer yet), bytes of the body.
        self.status: int | None = None
        self.received = 0

    def why(self, where: str) -> str:
        """One line: what came (or did not) within the deadline."""
        if self.status is None:
            return f"no answer to {where} within the request timeout ({self.seconds:g} s)"
        return (
            f"no complete answer to {where} within the request timeout ({self.seconds:g} s): "
            f"{self.status} answered, its body still incomplete ({self.received} bytes read)"
        )

    def watch(self, conn: Any) -> None:
        """A new attempt, on conn: its own `seconds` start now."""
        with self._lock:
            self._conn = conn
            self.expires = time.monotonic() + self.seconds
            self.expired = False
        _WATCHDOG.at(self.expires, self)

    def _expire(self) -> None:
        with self._lock:
            if self._done or time.monotonic() < self.expires:
                return
            self.expired = True
            sock = getattr(self._conn, "sock", None) or getattr(self._conn, "opened_sock", None)
            if sock is None:
                if self._conn is not None:  # still connecting (bounded by its own timeout)
                    _WATCHDOG.at(time.monotonic() + 0.05, self)
                return
            raw = sock if isinstance(sock, socket.socket) else getattr(sock, "socket", None)
            if isinstance(raw, socket.socket):
                # socket.socket's own shutdown: the TLS layer's would also drop its state,
                # under the feet of the thread reading
                with contextlib.suppress(OSError):
                    socket.socket.shutdown(raw, socket.SHUT_RDWR)

    def passed(self) -> bool:
        """Whether the deadline of the current attempt has passed."""
        return self.expired or time.monotonic() >= self.expires

    def cancel(self) -> None:
        """The request is over."""
        with self._lock:
            self._done = True


def _watched(conn: Any) -> Any:
    deadline = getattr(_ATTEMPT, "deadline", None)
    if deadline is not None:
        deadline.watch(conn)
    return conn


class _HTTPConnection(HTTPConnection):
    # http.client forgets `sock` once an answer says Connection: close, while its body is
    # still read from that socket: the deadline shuts down the one remembered here.
    opened_sock: Any = None

    def connect(self) -> None:
        super().connect()
        self.opened_sock = self.sock


class _HTTPSConnection(HTTPSConnection):
    opened_sock: Any = None

    def connect(self) -> None:
        super().connect()
        self.opened_sock = self.sock


class _WatchedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _HTTPConnection

    def _get_conn(self, timeout: float | None = None) -> Any:
        return _watched(super()._get_conn(timeout))


class _WatchedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _HTTPSConnection

    def _get_conn(self, timeout: float | None = None) -> Any:
        return _watched(super()._get_conn(timeout))


_WATCHED_POOLS = {"http": _WatchedHTTPPool, "https": _WatchedHTTPSPool}


def _seconds(timeout: Any, default: float) -> float:
    """The whole-request timeout of a requests `timeout` argument (a number or a pair)."""
    if isinstance(timeout, int | float) and not isinstance(timeout, bool) and timeout > 0:
        return float(timeout)
    if isinstance(timeout, tuple):
        parts = [float(t) for t in timeout if isinstance(t, int | float) and t > 0]
        if parts:
            return sum(parts)
    return default


def _mib(size: int) -> str:
    return f"{size / MIB:g} MiB" if size >= MIB else f"{size} bytes"


class BoundedAdapter(HTTPAdapter):
    """requests' HTTPAdapter with ThrottleRetry, and a bound on what one answer may cost.

    Each attempt of a request has its timeout (the `timeout` of the call, else `timeout`) from
    connecting to the last byte of the body, not only between two reads; the body is read here,
    in chunks, decompressed, and not beyond `max_bytes`. Going over either raises
    (NoCompleteAnswer, AnswerTooLarge) instead of hanging or filling the memory. Requests in a
    row that got no answer are counted in `silence`; once it says the target stopped answering,
    nothing more is sent (TargetSilent).
    """

    def __init__(
        self,
        *,
        timeout: float = 30.0,
        max_bytes: int = 16 * MIB,
        no_answer_limit: int = 3,
        silence: Silence | None = None,
        max_retries: Retry | None = None,
    ) -> None:
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.no_answer_limit = no_answer_limit
        self.silence = SILENCE if silence is None else silence
        super().__init__(max_retries=ThrottleRetry() if max_retries is None else max_retries)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = dict(_WATCHED_POOLS)

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        # (a SOCKS proxy's pools are its own: there, the timeout bounds each read only)
        if manager.pool_classes_by_scheme == urllib3.poolmanager.pool_classes_by_scheme:
            manager.pool_classes_by_scheme = dict(_WATCHED_POOLS)
        return manager

    def send(
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: Any = None,
        verify: Any = True,
        cert: Any = None,
        proxies: Any = None,
    ) -> requests.Response:
        where = _where(request.method, request.url)
        if self.silence.stopped is not None:
            raise TargetSilent(f"not sent: {self.silence.stopped}", request=request)
        seconds = _seconds(timeout, self.timeout)
        deadline = _Deadline(seconds)
        outer = getattr(_ATTEMPT, "deadline", None)
        _ATTEMPT.deadline = deadline
        try:
            response = super().send(
                request, stream=True, timeout=seconds, verify=verify, cert=cert, proxies=proxies
            )
            self._read_body(response, deadline, where)
            if deadline.expired:  # its socket was shut down: what came may look complete
                response.close()
                raise NoCompleteAnswer(deadline.why(where), request=request)
        except AnswerTooLarge:
            self.silence.answered()
            raise
        except requests.RequestException as exc:
            error: requests.RequestException = exc
            if deadline.passed() or isinstance(exc, requests.exceptions.ReadTimeout):
                error = NoCompleteAnswer(deadline.why(where), request=request)
            if isinstance(error, requests.ConnectionError | requests.Timeout):
                self.silence.no_answer(self.no_answer_limit, _no_answer(where, error, seconds))
            if error is exc:
                raise
            raise error from None
        finally:
            deadline.cancel()
            _ATTEMPT.deadline = outer
        self.silence.answered()
        return response

    def _read_body(self, response: requests.Response, deadline: _Deadline, where: str) -> None:
        """Read the body into the response, within the deadline and the size cap."""
        body = bytearray()
        deadline.status = response.status_code
        try:
            for chunk in response.iter_content(_CHUNK):
                body += chunk
                deadline.received = len(body)
                if len(body) > self.max_bytes:
                    raise AnswerTooLarge(
                        f"the answer to {where} ({response.status_code}) is larger than "
                        f"{_mib(self.max_bytes)} (the response size cap): reading it stopped",
                        request=response.request,
                        response=response,
                    )
                if deadline.passed():
                    raise NoCompleteAnswer(deadline.why(where), request=response.request)
        except BaseException:
            response.close()
            raise
        response._content = bytes(body)


def throttle_aware(session: requests.Session) -> requests.Session:
    """session with a BoundedAdapter (ThrottleRetry, the default request timeout and response
    size cap) on every http(s) connection; the same session back."""
    adapter = BoundedAdapter()
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


class ContractSession(requests.Session):
    """A session that follows no redirect: a 3xx is the answer (no credential, app token or
    header of ours ever reaches another origin, or another path, on its own)."""

    def get_redirect_target(self, resp: requests.Response) -> str | None:
        return None


def contract_session(settings: Settings, silence: Silence | None = None) -> ContractSession:
    """A session for requests to the target of settings.

    Nothing is taken from the environment (requests' trust_env is off): no ~/.netrc or NETRC
    credentials, no proxy (nor proxy credentials) from HTTP(S)_PROXY; the proxy setting is
    used when given. A CA bundle named by REQUESTS_CA_BUNDLE or CURL_CA_BUNDLE is still used
    (it holds no credential). No redirect is followed; the auth hook adds nothing. Every
    request has the request timeout from connecting to the last byte, bodies are capped
    (BoundedAdapter), and requests without an answer count in silence (the run's by default).
    """
    session = ContractSession()
    session.trust_env = False
    session.auth = keep_headers_as_set
    bundle = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")
    if bundle:
        session.verify = bundle
    if settings.proxy:
        session.proxies = {"http": settings.proxy, "https": settings.proxy}
    adapter = BoundedAdapter(
        timeout=settings.timeout,
        max_bytes=settings.max_response_mb * MIB,
        no_answer_limit=settings.no_answer_limit,
        silence=silence,
    )
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
        # What a clause sends is exactly what it set, to the target alone: nothing from the
        # environment (~/.netrc would turn "no credentials" into valid ones), no redirect
        # followed, and every answer bounded in time and size (see contract_session).
        self.silence = SILENCE
        self.session = contract_session(settings, self.silence)
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
                method,
                url,
                data=body,
                headers=sent,
                timeout=self.settings.timeout,
                allow_redirects=False,
            )
        except requests.RequestException as exc:
            __tracebackhide__ = True
            if self.silence.stopped is not None:
                raise TargetStoppedAnswering(self.silence.stopped) from None
            why = _no_answer(_where(method, url), exc, self.settings.timeout)
            raise NoAnswer(why) from None
        elapsed = (time.perf_counter() - started) * 1000
        self.last = Exchange(
            method=method,
            url=url,
            request_headers=_as_text(response.request.headers),
            request_body=json_body if json_body is not None else data,
            response=response,
            elapsed_ms=elapsed,
            secrets=self._secrets(json_body if json_body is not None else data, response),
            retries=_throttled_attempts(response),
        )
        for observe in self.observers:
            observe(self.last)
        return self.last

    def _secrets(self, body: Any, response: requests.Response) -> tuple[str, ...]:
        """The settings' secrets and the values of the vendor's secret body fields found in the
        request and response bodies of an exchange."""
        vendor = PROFILES.get(self.settings.vendor)
        fields = vendor.secret_fields if vendor is not None else ()
        found = body_secrets(fields, body, response.content) if fields else []
        return (*self.settings.secrets(), *found)

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
