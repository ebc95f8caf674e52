"""Request headers that tune the answer never break it; dates stay ISO 8601 and UTC."""

from __future__ import annotations

import pytest

from webapi_contract.contract import clause
from webapi_contract.suites.superoffice.contact_api import (
    FACTS,
    PATCH_DOC,
    contact_path,
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
