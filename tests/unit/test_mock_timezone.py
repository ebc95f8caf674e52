"""SO-TimeZone on the mock: date-times as the zone's wall time, stamps always UTC."""

from __future__ import annotations

from datetime import timedelta

import pytest

from webapi_contract.mock.shape import shape_of
from webapi_contract.mock.superoffice.timezone import Zone, in_zone, parse_zone

SAVE = "Agents/Contact/SaveContactEntity"
WINTER, SUMMER = "2024-01-15T10:30:00Z", "2024-07-15T10:30:00.250000"  # the second: no offset


@pytest.mark.parametrize(
    ("header", "zone"),
    [
        ("NO", Zone(timedelta(hours=1), False)),
        ("us-ny, includeTZOffset", Zone(timedelta(hours=-5), True)),
        (" UTC ,includetzoffset ", Zone(timedelta(0), True)),
        ("Mars/Olympus", None),
        ("", None),
        (None, None),
    ],
)
def test_zone_codes_and_the_offset_suffix(header, zone):
    assert parse_zone(header) == zone


ENTITY = {
    "CreatedDate": "2024-03-01T08:00:00.000001Z",
    "UpdatedDate": "2024-03-02T08:00:00Z",
    "DbiLastModified": WINTER,
    "DbiLastSyncronized": SUMMER,
    "Name": "2024-01-15T10:30:00Z",  # a name that looks like a date is no date-time
    "Interests": [{"Id": 1, "LastChanged": WINTER}, {"Id": 2, "LastChanged": None}],
}


def test_other_date_times_become_the_zones_wall_time_with_its_offset():
    zoned = in_zone(
        ENTITY, shape_of("ContactEntityWithLinks"), parse_zone("US-NY, includeTZOffset")
    )
    assert zoned["CreatedDate"] == ENTITY["CreatedDate"]
    assert zoned["UpdatedDate"] == ENTITY["UpdatedDate"]
    assert zoned["DbiLastModified"] == "2024-01-15T05:30:00-05:00"
    assert zoned["DbiLastSyncronized"] == "2024-07-15T05:30:00.250000-05:00"
    assert zoned["Name"] == ENTITY["Name"]
    assert zoned["Interests"] == [
        {"Id": 1, "LastChanged": "2024-01-15T05:30:00-05:00"},
        {"Id": 2, "LastChanged": None},
    ]
    assert ENTITY["DbiLastModified"] == WINTER  # a copy: the stored entity is untouched


def test_without_the_suffix_date_times_are_wall_times_without_an_offset():
    zoned = in_zone(ENTITY, shape_of("ContactEntity"), parse_zone("NO"))
    assert zoned["DbiLastModified"] == "2024-01-15T11:30:00"
    assert zoned["UpdatedDate"] == ENTITY["UpdatedDate"]


@pytest.mark.parametrize(
    ("header", "text"), [("US-NY", "0001-01-01T00:00:00"), ("NO", "9999-12-31T23:59:59Z")]
)
def test_a_date_without_a_wall_time_in_the_zone_stays_as_it_is(header, text):
    zoned = in_zone({"DbiLastModified": text}, shape_of("ContactEntity"), parse_zone(header))
    assert zoned == {"DbiLastModified": text}


def test_get_patch_and_save_answer_in_the_zone_asked_for(mock, api):
    zone = {"SO-TimeZone": "NO, includeTZOffset"}
    body = {"ContactId": 0, "Name": "zoned", "DbiLastModified": WINTER}
    saved = api.post(f"{mock.base_url}/{SAVE}", json=body, headers=zone)
    assert saved.status_code == 200
    assert saved.json()["DbiLastModified"] == "2024-01-15T11:30:00+01:00"
    assert saved.json()["CreatedDate"].endswith("Z")
    path = f"{mock.base_url}/Contact/{saved.json()['ContactId']}"
    plain = api.get(path).json()
    assert plain["DbiLastModified"] == WINTER  # stored as sent
    patched = api.patch(
        path,
        json={"Number1": "1"},
        headers={**zone, "Content-Type": "application/merge-patch+json"},
    )
    assert patched.json()["DbiLastModified"] == "2024-01-15T11:30:00+01:00"
    read = api.get(path, headers={"SO-TimeZone": "US-CA"}).json()
    assert read["DbiLastModified"] == "2024-01-15T02:30:00"
    assert read["UpdatedDate"] == patched.json()["UpdatedDate"]
    assert api.get(f"{path}?$select=name", headers=zone).json()["DbiLastModified"] is None
