"""Instants as integer microseconds since the epoch, UTC text for bodies, HTTP-dates for headers."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from webapi_contract.mock.errors import ApiError

__all__ = ["MICROS", "http_date_seconds", "iso_utc", "next_instant"]

MICROS = 1_000_000


def next_instant(previous: int = 0) -> int:
    """Now in microseconds, strictly after previous (1 µs later when the clock has not moved)."""
    return max(time.time_ns() // 1000, previous + 1)


def iso_utc(micros: int) -> str:
    """An instant as ISO 8601 UTC with microseconds, e.g. 2018-10-26T03:24:51.505614Z."""
    seconds, fraction = divmod(micros, MICROS)
    moment = datetime.fromtimestamp(seconds, UTC)
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{fraction:06d}Z"


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
