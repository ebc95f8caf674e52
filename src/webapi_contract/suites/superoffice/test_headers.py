"""Request headers that tune the answer never break it; dates stay ISO 8601 and UTC."""

from __future__ import annotations

import warnings
from datetime import timedelta

import pytest

from webapi_contract.contract import clause
from webapi_contract.suites.superoffice.contact_api import (
    FACTS,
    JSON_PATCH,
    PATCH_DOC,
    STAMPS,
    contact_path,
    date_times,
    offset_of,
    parse_instant,
    value_of,
)

TUNING = [
    ("Accept-Language", "sv"),
    ("Accept-Language", "en-US,en;q=0.8"),
    ("SO-Language", "de"),
    ("SO-Language", "*"),
    ("SO-Culture", "nb"),
    ("SO-TimeZone", "UTC"),
    ("SO-TimeZone", "US-NY"),
    ("SO-TimeZone", "NO, includeTZOffset"),
    ("SO-AppToken", "webapi-contract-app-token"),
]
DATES = ("CreatedDate", "UpdatedDate")


@pytest.mark.parametrize(("header", "value"), TUNING, ids=[f"{h}={v}" for h, v in TUNING])
@clause(
    "language, culture, time-zone and app-token headers never break a request",
    area="headers",
    doc=PATCH_DOC,
    quote="Specify the timezone code that you would like",
)
def test_tuning_headers_are_accepted(
    api, contract_settings, readable_contact, verdict, header, value
):
    if header == "SO-AppToken" and contract_settings.app_token:
        # On Online a SoTicket needs the real app token (vendor-facts.md:27): keep it.
        value = contract_settings.app_token
    contact_id = value_of(readable_contact, "ContactId")
    read = api.get(contact_path(contact_id), headers={header: value})
    verdict.status(read, 200)
    verdict.equal(value_of(verdict.json_body(read), "ContactId"), contact_id, "ContactId", read)


@pytest.mark.parametrize("zone", ["US-NY", "NO, includeTZOffset", "FR"])
@clause(
    "SO-TimeZone never moves CreatedDate or UpdatedDate (always UTC)",
    area="headers",
    doc=FACTS,
    quote="CreatedDate and UpdatedDate are always UTC",
)
def test_time_zone_keeps_created_and_updated_instants(
    api, contract_settings, readable_updated_contact, verdict, zone
):
    path = contact_path(value_of(readable_updated_contact, "ContactId"))
    plain = verdict.json_body(api.get(path))
    zoned_read = api.get(path, headers={"SO-TimeZone": zone})
    zoned = verdict.json_body(zoned_read)
    for name in DATES:
        if contract_settings.readonly and name == "UpdatedDate" and not value_of(plain, name):
            # A named contact nobody changed may carry no UpdatedDate: there is no instant.
            verdict.true(
                not value_of(zoned, name),
                f"no {name} with SO-TimeZone {zone}, as without it",
                f"{name} = {value_of(zoned, name)!r}",
                zoned_read,
            )
            continue
        verdict.equal(
            parse_instant(value_of(zoned, name)),
            parse_instant(value_of(plain, name)),
            f"{name} instant with SO-TimeZone {zone}",
            zoned_read,
        )


@clause(
    "responses declare their content type and date-times are ISO 8601",
    area="headers",
    doc=PATCH_DOC,
    quote="Date registered in UTC.",
)
def test_content_type_declared_and_dates_iso(api, readable_updated_contact, verdict):
    read = api.get(contact_path(value_of(readable_updated_contact, "ContactId")))
    verdict.true(
        bool(read.response.headers.get("Content-Type")), "a Content-Type header", "none", read
    )
    body = verdict.json_body(read)
    for name in (*DATES, "DbiLastSyncronized", "DbiLastModified"):
        text = value_of(body, name)
        if text is None:
            continue
        try:
            parse_instant(text)
        except (TypeError, ValueError):
            verdict.fail(f"{name} as an ISO 8601 date-time", repr(text), read)


# Date-times a contact this clause created is given besides its stamps: a winter and a summer
# instant, so that a zone's standard and daylight-saving offsets are both met.
OTHER_DATES = {
    "DbiLastModified": "2024-01-15T10:30:00Z",
    "DbiLastSyncronized": "2024-07-15T10:30:00Z",
}
# The offsets (hours) of a few documented zone codes: standard time, daylight-saving time.
ZONE_OFFSETS = {"NO": (1, 2), "US-NY": (-5, -4)}
WITH_OFFSETS = "includeTZOffset"
# Before it, a date-time is a placeholder for "no date" (.NET's 0001-01-01, OLE's 1899-12-30),
# not an instant a server converts.
FIRST_YEAR = 1900


@pytest.fixture
def dated_contact(api, contract_settings, request):
    """A contact with date-times besides its stamps, changed once. Under --readonly the named
    contact as it is (its other date-times may all be null: then only the stamps are judged)."""
    if contract_settings.readonly:
        return request.getfixturevalue("readable_contact")
    contact = request.getfixturevalue("contact")
    sent = api.patch(
        contact_path(value_of(contact, "ContactId")),
        headers={"Content-Type": JSON_PATCH},
        json_body=[{"op": "replace", "path": f"/{k}", "value": v} for k, v in OTHER_DATES.items()],
    )
    if sent.status != 200:
        warnings.warn(
            f"other date-times than the stamps not set: a JSON Patch of {', '.join(OTHER_DATES)}"
            f" answered {sent.status}",
            stacklevel=2,
        )
        return contact
    try:
        changed = sent.json()
    except ValueError:  # whether a PATCH answers JSON is other clauses' business
        return contact
    return changed if isinstance(changed, dict) else contact


def _read(api, verdict, path, zone=None):
    read = api.get(path, headers={"SO-TimeZone": zone} if zone else {})
    verdict.status(read, 200)
    body = verdict.json_body(read)
    verdict.true(isinstance(body, dict), "a ContactEntityWithLinks object", repr(body), read)
    return read, body


def _offset(text, what, verdict, exchange):
    """The offset of a date-time (None: written without one); a violation when it is no
    ISO 8601 date-time."""
    try:
        return offset_of(text)
    except (TypeError, ValueError):
        verdict.fail(f"{what} as an ISO 8601 date-time", repr(text), exchange)


def _hours(offset):
    return "no offset" if offset is None else f"{offset.total_seconds() / 3600:+g} h"


@pytest.mark.parametrize("zone", list(ZONE_OFFSETS))
@clause(
    "SO-TimeZone with includeTZOffset: every date-time the same instant, written with the zone's "
    "offset; CreatedDate and UpdatedDate stay UTC",
    area="headers",
    doc=FACTS,
    quote="includeTZOffset adds offsets to dates",
)
def test_time_zone_offsets_keep_every_instant(api, dated_contact, verdict, zone):
    """Judged against the same contact asked for in `UTC, includeTZOffset` (every date-time with
    its offset, so its instant is known), and without the header for the stamps (documented
    UTC, so one written without an offset is UTC). Date-times written without an offset under
    SO-TimeZone alone are wall-clock times of the zone: not judged here."""
    path = contact_path(value_of(dated_contact, "ContactId"))
    _, plain = _read(api, verdict, path)
    reference_read, reference = _read(api, verdict, path, f"UTC, {WITH_OFFSETS}")
    zoned_read, zoned = _read(api, verdict, path, f"{zone}, {WITH_OFFSETS}")
    for name in STAMPS:
        text, before = value_of(zoned, name), value_of(plain, name)
        if not before:
            continue  # no stamp to compare (UpdatedDate of a contact nobody changed)
        as_before = _offset(before, name, verdict, zoned_read)
        if parse_instant(before).year < FIRST_YEAR:
            continue  # the same: 0001-01-01 of a contact nobody changed
        offset = _offset(text, name, verdict, zoned_read)
        verdict.true(
            offset in (None, timedelta(0), as_before),
            f"{name} in UTC (no offset or +00:00, or as without the header), unaffected by "
            f"SO-TimeZone {zone}",
            f"{name} = {text} ({_hours(offset)}; without the header {before})",
            zoned_read,
        )
        verdict.equal(parse_instant(text), parse_instant(before), f"{name} instant", zoned_read)
    wanted = {timedelta(hours=h) for h in ZONE_OFFSETS[zone]}
    shown = " or ".join(_hours(o) for o in sorted(wanted))
    others = {where: text for where, text in date_times(reference) if where not in STAMPS}
    zoned_others = dict(date_times(zoned))
    if not others:
        warnings.warn(
            "SO-TimeZone offsets judged on CreatedDate and UpdatedDate only: the contact has no "
            "other date-time",
            stacklevel=1,
        )
    for where, text in others.items():
        _offset(text, where, verdict, reference_read)  # the reference is a date-time too
        if parse_instant(text).year < FIRST_YEAR:
            continue
        converted = zoned_others.get(where)
        if converted is None:
            verdict.fail(f"{where} as with SO-TimeZone UTC", "absent or null", zoned_read)
        offset = _offset(converted, where, verdict, zoned_read)
        verdict.true(
            offset in wanted,
            f"{where} with the offset of {zone} ({shown})",
            f"{where} = {converted} ({_hours(offset)})",
            zoned_read,
        )
        verdict.equal(
            parse_instant(str(converted)),
            parse_instant(text),
            f"{where} instant (as answered for SO-TimeZone: UTC, {WITH_OFFSETS})",
            zoned_read,
        )
