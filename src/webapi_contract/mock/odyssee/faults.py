"""Odyssee's faults: the deviations its mock can be started with (see mock/faults.py)."""

from __future__ import annotations

from webapi_contract.mock.faults import Fault

__all__ = ["CATALOGUE"]

_HELP = "guid-contact-update.help.txt"
_FACTS = "reference/vendor-facts.md"

CATALOGUE = (
    Fault(
        "maxlength-not-enforced",
        "validation",
        "values longer than their Max length (51 characters for lastname) are stored, not refused",
        _HELP,
        "Max length: 50",
    ),
    Fault(
        "lastname-not-required",
        "validation",
        "a contact without lastname is stored (lastname empty) instead of refused with 422",
        _HELP,
        "Required Max length: 50",
    ),
    Fault(
        "company-rule-ignored",
        "validation",
        "a contact with none of company_id, company_code and company is stored, not refused",
        _HELP,
        "company_id,company_code or company must be provided",
    ),
    Fault(
        "unknown-company-code-accepted",
        "embedded entities",
        "a company_code that names no company is stored as sent instead of refused with 422",
        _HELP,
        'Embedded entity "company" using ERP PK',
    ),
    Fault(
        "modified-date-writable",
        "system fields",
        "a modified_dateutc sent in the body is stored and answered as sent",
        _HELP,
        "Readonly system field managed by database",
    ),
    Fault(
        "modified-date-frozen",
        "system fields",
        "modified_dateutc keeps its creation value when the contact is updated",
        _HELP,
        "filled with GetUtcDate when adding,updating",
    ),
    Fault(
        "nulls-stored",
        "no nulls",
        "a field left out or sent as null comes back as null, not as its default",
        _FACTS,
        "No nulls stored",
    ),
    Fault(
        "dates-offset-format",
        "date formats",
        "dates come back as 2026-04-24T10:59:50.6554761+00:00 instead of YYYY-MM-DDThh:mm:ss.fffZ",
        _FACTS,
        "Dates are `YYYY-MM-DDThh:mm:ss.fff`, `Z` for UTC",
    ),
    Fault(
        "guid-keys-case-sensitive",
        "keys",
        "a stored contact's guid in upper case (Contact(9A3B…)) answers 404",
        _HELP,
        "globally unique identifier",
    ),
    Fault(
        "malformed-guid-500",
        "robustness",
        "a key that is no guid (Contact(abc)) answers 500 instead of 400",
        _FACTS,
        "Status codes it uses: 200, 201, 204, 400",
    ),
    Fault(
        "unknown-guid-200",
        "404",
        "GET of a guid no contact has answers 200 with a null body instead of 404",
        _FACTS,
        "Status codes it uses: 200, 201, 204, 400, 401, 403, 404",
    ),
    Fault(
        "body-id-mismatch-accepted",
        "keys",
        "PUT with a body id other than the URI's replaces the URI's contact instead of a 400",
        _HELP,
        "Updates the contact with the specified key",
    ),
    Fault(
        "put-not-persisted",
        "persistence",
        "PUT answers the replaced contact but does not store it",
        _HELP,
        "Updates the contact with the specified key",
    ),
    Fault(
        "client-id-ignored",
        "create",
        "POST with a client-supplied id stores the contact under a new guid of the server's",
        _FACTS,
        "a client may supply the `id` of a new entity on POST",
    ),
    Fault(
        "prefer-ignored",
        "Prefer",
        "Prefer: return=minimal is ignored: POST and PUT answer the whole contact",
        _FACTS,
        "`Prefer: return=minimal` is honoured",
    ),
    Fault(
        "paging-without-nextlink",
        "paging",
        "a collection beyond one page (20 contacts) answers the first page without @odata.nextLink",
        _FACTS,
        "`@odata.nextLink` paging (20 a page)",
    ),
    Fault(
        "filter-ignored",
        "paging",
        "$filter is ignored: GET Contact answers every contact",
        _FACTS,
        "`$filter=code eq '…'` filters",
    ),
    Fault(
        "auth-without-domain-accepted",
        "auth",
        "Basic credentials without @domain (username:password) are accepted",
        _FACTS,
        "Basic over base64 of `username:password@domain`",
    ),
    Fault(
        "text-json-refused",
        "content types",
        "a request body labelled Content-Type: text/json is refused with 415",
        _HELP,
        "application/json, text/json",
    ),
    Fault(
        "xml-accept-ignored",
        "content negotiation",
        "Accept: application/xml still gets JSON",
        _FACTS,
        "XML with `Accept`/`Content-Type: application/xml`",
    ),
    Fault(
        "json-as-text-plain",
        "content types",
        "JSON responses are labelled Content-Type: text/plain",
        _HELP,
        "Response Formats",
    ),
    Fault(
        "malformed-json-500",
        "robustness",
        "a request body that is not valid JSON answers 500 instead of 400",
        _HELP,
        "Request Formats",
    ),
)
