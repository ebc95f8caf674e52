"""GET Contact({id}): the contact under its guid (any letter case), no nulls, dates as documented;
404 for a guid no contact has."""

from __future__ import annotations

from webapi_contract.contract import SHOULD, clause
from webapi_contract.suites.odyssee.contact_api import (
    ANY_DATE_FORMAT,
    ANY_UTC_DATE_FORMAT,
    DATE_FORMAT,
    DATES,
    FACTS,
    HELP,
    SCALAR_MEMBERS,
    UTC_DATE_FORMAT,
    contact_path,
    find_key,
    judge_contact,
    replacement,
    value_of,
)

STATUSES = "Status codes it uses: 200, 201, 204, 400, 401, 403, 404"
NO_NULLS = "No nulls stored: defaults are false, 0 and `1980-01-01`"
DATE_LINE = "Dates are `YYYY-MM-DDThh:mm:ss.fff`, `Z` for UTC"


@clause(
    "GET of a guid no contact has answers 404",
    area="keys",
    doc=FACTS,
    quote=STATUSES,
    # The vendor lists 404 among its statuses; which request gets it, the docs do not say.
    level=SHOULD,
)
def test_unknown_guid_answers_404(api, missing_id, verdict):
    verdict.status(api.get(contact_path(missing_id)), 404)


@clause(
    "PUT of a guid no contact has answers 404 and creates nothing",
    area="keys",
    doc=FACTS,
    quote=STATUSES,
    mutating=True,
    level=SHOULD,
)
def test_put_of_unknown_guid_answers_404(api, contact, created_ids, missing_id, verdict):
    created_ids.append(missing_id)  # deleted at the end, should the PUT create it
    body = replacement(contact, id=missing_id)
    put = api.request("PUT", contact_path(missing_id), json_body=body)
    verdict.status(put, 404)
    verdict.status(api.get(contact_path(missing_id)), 404)


@clause(
    "a contact's guid is its key in any letter case: Contact(<GUID>) reads the same contact",
    area="keys",
    doc=HELP,
    quote="globally unique identifier",
    # A guid is a number written in hex (RFC 4122: case-insensitive on input); the page says
    # no more than "globally unique identifier".
    level=SHOULD,
)
def test_guid_key_in_any_case(api, readable_contact, verdict):
    contact_id = str(value_of(readable_contact, "id"))
    for spelling in {contact_id.upper(), contact_id.lower()}:
        read = api.get(contact_path(spelling))
        verdict.status(read, 200)
        judge_contact(verdict, read, contact_id)


@clause(
    "no nulls: a contact created with only lastname and company comes back without a null in a "
    "documented member, its booleans false and its dates 1980-01-01",
    area="no nulls",
    doc=FACTS,
    quote=NO_NULLS,
    mutating=True,
)
def test_no_nulls_stored(api, contact, verdict):
    # Judged on the page's scalar members only: what an embedded company or a member the page
    # does not document holds, the vendor's line does not say.
    read = api.get(contact_path(contact["id"]))
    verdict.status(read, 200)
    body = judge_contact(verdict, read, contact["id"])
    found = [
        name for name in SCALAR_MEMBERS if find_key(body, name) and value_of(body, name) is None
    ]
    verdict.true(not found, "no documented member null", f"null: {', '.join(found[:10])}", read)
    verdict.equal(value_of(body, "archived"), False, "archived (never sent)", read)
    birthdate = value_of(body, "birthdate")
    verdict.true(
        isinstance(birthdate, str) and birthdate.startswith("1980-01-01"),
        "birthdate (never sent) on its default, 1980-01-01",
        f"birthdate = {birthdate!r}",
        read,
    )


def _dates(api, verdict, readable_contact):
    contact_id = str(value_of(readable_contact, "id"))
    read = api.get(contact_path(contact_id))
    verdict.status(read, 200)
    body = judge_contact(verdict, read, contact_id)
    return read, {name: value_of(body, name) for name in DATES}


@clause(
    "dates come back as ISO date-times (YYYY-MM-DDThh:mm:ss, up to 7 fraction digits), "
    "modified_dateutc as UTC (Z or +00:00)",
    area="dates",
    doc=FACTS,
    quote=DATE_LINE,
)
def test_dates_in_the_documented_format(api, readable_contact, verdict):
    # Every reading the pages allow: vendor-facts.md:68 writes `.fff` and Z, the help page's
    # own samples `2026-04-24T10:59:50.6554761+00:00`; .NET writes no fraction for a whole
    # second. The exact `.fff` form is the next clause's (a should).
    read, dates = _dates(api, verdict, readable_contact)
    for name, text in dates.items():
        utc = name == "modified_dateutc"
        wanted = ANY_UTC_DATE_FORMAT if utc else ANY_DATE_FORMAT
        shape = "…ss[.f-fffffff] with Z or +00:00" if utc else "…ss[.f-fffffff][offset]"
        verdict.true(
            isinstance(text, str) and wanted.fullmatch(text) is not None,
            f"{name} as YYYY-MM-DDThh:mm:{shape}",
            f"{name} = {text!r}",
            read,
        )


@clause(
    "dates come back exactly as YYYY-MM-DDThh:mm:ss.fff, with Z for UTC (modified_dateutc)",
    area="dates",
    doc=FACTS,
    quote=DATE_LINE,
    # The facts' line names this form, but the help page's samples write 7 fraction digits and
    # +00:00: a tenant writing those is no less the vendor's.
    level=SHOULD,
)
def test_dates_in_the_exact_documented_format(api, readable_contact, verdict):
    read, dates = _dates(api, verdict, readable_contact)
    for name, text in dates.items():
        wanted = UTC_DATE_FORMAT if name == "modified_dateutc" else DATE_FORMAT
        shape = "YYYY-MM-DDThh:mm:ss.fffZ" if wanted is UTC_DATE_FORMAT else "…ss.fff[Z]"
        verdict.true(
            isinstance(text, str) and wanted.fullmatch(text) is not None,
            f"{name} as {shape}",
            f"{name} = {text!r}",
            read,
        )
