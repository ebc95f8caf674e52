"""`SO-TimeZone`: the date-times of an answer as wall-clock times of the zone the client asked for.

vendor-facts.md: the header takes a zone code (`UTC`, `NO`, `DK`, `FR`, `US-NY`, `US-CA`); the
suffix `, includeTZOffset` adds offsets to dates; CreatedDate and UpdatedDate are always UTC and
unaffected by it. The mock knows the documented codes (and SE) at their standard offset, without
daylight saving time; an unknown code leaves the answer as it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from webapi_contract.mock import faults
from webapi_contract.mock.shape import Shape

__all__ = ["STAMPS", "ZONE_HOURS", "Zone", "in_zone", "parse_zone"]

ZONE_HOURS = {"UTC": 0, "NO": 1, "DK": 1, "SE": 1, "FR": 1, "US-NY": -5, "US-CA": -8}
# The entity's own stamps: always UTC, whatever the header says.
STAMPS = frozenset({"CreatedDate", "UpdatedDate"})
_WITH_OFFSET = "includetzoffset"


@dataclass(frozen=True)
class Zone:
    """A zone an answer is converted to: its offset from UTC, and whether offsets are written."""

    offset: timedelta
    with_offset: bool


def parse_zone(header: str | None) -> Zone | None:
    """The zone of an `SO-TimeZone` value (`NO`, `US-NY, includeTZOffset`); None when there is
    no header or its code is not one the mock knows."""
    if not header:
        return None
    code, _, suffix = header.partition(",")
    hours = ZONE_HOURS.get(code.strip().upper())
    if hours is None:
        return None
    return Zone(timedelta(hours=hours), suffix.strip().lower() == _WITH_OFFSET)


def in_zone(entity: dict[str, Any], shape: Shape, zone: Zone) -> dict[str, Any]:
    """A copy of entity with every date-time but the stamps as a wall-clock time of zone: with
    the zone's offset when the client asked for offsets, else without one."""
    converted: dict[str, Any] = {
        key: value if key in STAMPS else _convert(value, shape.child(key), zone)
        for key, value in entity.items()
    }
    return converted


def _convert(value: Any, shape: Shape | None, zone: Zone) -> Any:
    if shape is None or value is None:
        return value
    if shape.kind == "carrier" and isinstance(value, dict):
        return {k: _convert(v, shape.child(shape.key(k) or k), zone) for k, v in value.items()}
    if shape.kind in ("array", "map") and isinstance(value, list | dict):
        items = value.items() if isinstance(value, dict) else enumerate(value)
        out = [(k, _convert(v, shape.child(str(k)), zone)) for k, v in items]
        return dict(out) if isinstance(value, dict) else [v for _, v in out]
    if shape.string_format == "date-time" and isinstance(value, str):
        return _wall_time(value, zone)
    return value


def _wall_time(text: str, zone: Zone) -> str:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return text
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)  # stored without an offset: taken as UTC
    try:
        wall = moment.astimezone(timezone(zone.offset))
    except OverflowError:
        return text  # 0001-01-01 west of UTC, 9999-12-31 east of it: no such wall time
    if not zone.with_offset:
        return wall.replace(tzinfo=None).isoformat()
    if faults.active("zoned-dates-labelled-utc"):
        wall = wall.replace(tzinfo=UTC)  # the zone's wall time marked as UTC: another instant
    return wall.isoformat()
