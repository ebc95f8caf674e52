"""Odyssee Mobile's contact as the generated tests see it (docs/vendor/guid-contact-update.help.txt
and the Odyssee paragraphs of docs/vendor/reference/vendor-facts.md)."""

from __future__ import annotations

from webapi_contract.generated import EntityApi

__all__ = ["ODYSSEE_CONTACT"]

ODYSSEE_CONTACT = EntityApi(
    vendor="odyssee",
    entity="OdysseeContact",
    # A POST needs no id (the server makes one; vendor-facts.md:69 "a client may supply the id").
    create_schema="OdysseeContactCreate",
    id_property="id",
    # help.txt:101-103 modified_dateutc: "Readonly system field managed by database".
    stamped=frozenset({"id", "modified_dateutc"}),
    list_all="listContacts",
    # vendor-facts.md:65: `$filter=<field> eq '…'`; a list is narrowed to the run's contacts.
    list_filter=("$filter", "lastname eq '{}'"),
    create="createContact",
    read="getContact",
    update="updateContact",
    delete="deleteContact",
    create_path="Contact",
    item_path="Contact({id})",
    # help.txt:6-7, 11-14: the id is a guid.
    id_kind="uuid",
    # vendor-facts.md:67 lists 201 and 200: a POST that created may answer either.
    create_statuses=frozenset({200, 201}),
    # help.txt:1 "Updates the contact with the specified key": PUT, the whole contact.
    update_body="entity",
    # vendor-facts.md:67 lists 400 (and 422 for validation, :69) for the API; 401 without
    # credentials (:66); 403 too, on no route in particular (a tenant user without the right to
    # a contact): refusals on any route. Only the documented-status check reads these; a
    # create still has to answer create_statuses and a valid case still has to be accepted.
    global_statuses=frozenset({400, 401, 403, 422}),
    name_property="lastname",
    # help.txt:19-22 lastname "Required Max length: 50": the run's tag must fit.
    name_limit=50,
    # vendor-facts.md:68 "No nulls stored: defaults are false, 0 and 1980-01-01".
    null_is_default=True,
    # Plain text members a live contact of the run's may get (no logins, no mails or phones a
    # tenant may validate, no dates a tenant's database may not hold).
    writable=frozenset({"firstname", "functions", "notes"}),
    # vendor-facts.md:69 "embedded entities given in a body are added or updated by their
    # code": an embedded company could change a tenant's company, so never sent to a live one.
    foreign=frozenset({"company"}),
    # help.txt:23-43: references to companies, languages and titles; a drawn one resolves to
    # nothing (422, vendor-facts.md:69). The suite's mandatory fields name a real company.
    references=frozenset(
        {"company", "company_id", "company_code", "db_language_id", "db_language_code"}
        | {"db_title_id"}
    ),
    # `Prefer: return=minimal` may leave the new id out of a POST's answer (vendor-facts.md:69).
    create_without=frozenset({"Prefer"}),
)
