"""Instants as integer microseconds since the epoch, UTC text for bodies, HTTP-dates for headers."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from email.utils import formatdate, parsedate_to_datetime

from webapi_contract.mock.errors import ApiError

__all__ = ["MICROS", "http_date", "http_date_seconds", "iso_utc", "next_instant"]

MICROS = 1_000_000


def next_instant(previous: int = 0) -> int:
    """Now in microseconds, strictly after previous (1 µs later when the clock has not moved)."""
    return max(time.time_ns() // 1000, previous + 1)


# The last second each of iso_utc and http_date formatted, and its text: writes come many to a
# second. One tuple, replaced whole, so threads can share it.
_LAST_ISO: tuple[int, str] = (-1, "")
_LAST_HTTP: tuple[int, str] = (-1, "")


def iso_utc(micros: int) -> str:
    """An instant as ISO 8601 UTC with microseconds, e.g. 2018-10-26T03:24:51.505614Z."""
    global _LAST_ISO
    seconds, fraction = divmod(micros, MICROS)
    last = _LAST_ISO
    if last[0] != seconds:
        last = _LAST_ISO = (seconds, f"{datetime.fromtimestamp(seconds, UTC):%Y-%m-%dT%H:%M:%S}")
    return f"{last[1]}.{fraction:06d}Z"


def http_date(seconds: int) -> str:
    """Epoch seconds as an HTTP-date, e.g. `Wed, 21 Oct 2015 07:28:00 GMT`."""
    global _LAST_HTTP
    last = _LAST_HTTP
    if last[0] != seconds:
        last = _LAST_HTTP = (seconds, formatdate(seconds, usegmt=True))
    return last[1]


def http_date_seconds(value: str, header: str) -> int:
    """An HTTP-date (RFC 1123, e.g. `Wed, 21 Oct 2015 07:28:00 GMT`) in whole epoch seconds.

    Raises ApiError(400) when the value is not a date.
    """
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError) as exc:
        raise ApiError.bad_request(f"{header}: {value!r} is not an HTTP-date") from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp())
