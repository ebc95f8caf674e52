"""`$select`: selected properties carry values; every other documented property is null."""

from __future__ import annotations

import warnings

from webapi_contract.contract import clause
from webapi_contract.suites.superoffice.contact_api import (
    FACTS,
    JSON_PATCH,
    PATCH_DOC,
    contact_path,
    find_key,
    properties_in_every_version,
    value_of,
)

SELECT = "Other fields are then nulled out to reduce payload size"
# The key and the links identify the entity; the docs do not say they are nulled.
IDENTITY = {"contactid", "_links"}
SELECTED = {"name", "department", "category"}
FLAT = {"name", "department"}


def _check_selection(verdict, exchange, full, selected=SELECTED):
    body = verdict.json_body(exchange)
    for name in ("Name", "Department"):
        verdict.equal(value_of(body, name), value_of(full, name), f"selected {name}", exchange)
    for name in properties_in_every_version():
        if name.lower() in selected | IDENTITY:
            continue
        key = find_key(body, name)
        verdict.true(
            key is not None, f"unselected {name} present (as null)", f"{name} absent", exchange
        )
        verdict.equal(body[key], None, f"unselected {name}", exchange)
    for key, value in body.items():
        if key.lower() not in selected | IDENTITY:
            verdict.equal(value, None, f"unselected {key}", exchange)
    if "category" not in selected:
        return
    category, full_category = value_of(body, "Category"), value_of(full, "Category")
    if full_category is None:
        warnings.warn("category/id not exercised: the server stored no Category", stacklevel=2)
        verdict.equal(category, None, "selected Category of a contact without one", exchange)
        return
    verdict.true(
        isinstance(category, dict),
        "Category kept as an object",
        f"Category = {category!r}",
        exchange,
    )
    verdict.equal(value_of(category, "Id"), value_of(full_category, "Id"), "Category.Id", exchange)
    extra = {k: v for k, v in category.items() if k.lower() != "id" and v is not None}
    verdict.equal(extra, {}, "Category properties other than Id", exchange)


def _select_on_get(api, contact, verdict, select, selected=SELECTED):
    """GET the contact with `select`; judge it against the same contact read whole."""
    contact_id = value_of(contact, "ContactId")
    full = api.get(contact_path(contact_id)).json()
    _check_selection(verdict, api.get(contact_path(contact_id, select)), full, selected)


@clause(
    "$select on GET keeps the selected properties and nulls every other one",
    area="$select",
    doc=PATCH_DOC,
    quote=SELECT,
)
def test_select_on_get(api, readable_contact, verdict):
    _select_on_get(api, readable_contact, verdict, "name,department", FLAT)


@clause(
    "$select of a nested path (category/id) keeps that member of the object and nulls the rest",
    area="$select",
    doc=PATCH_DOC,
    quote="PATCH /api/v1/Contact/{id}?$select=name,department,category/id",
)
def test_select_nested_path_on_get(api, readable_contact, verdict):
    _select_on_get(api, readable_contact, verdict, "name,department,category/id")


@clause(
    "$select property names are case-insensitive",
    area="$select",
    doc=FACTS,
    quote="names are case-insensitive",
)
def test_select_names_ignore_case(api, readable_contact, verdict):
    _select_on_get(api, readable_contact, verdict, "Name,DEPARTMENT,Category/Id")


@clause(
    "$select on PATCH shapes the response the same way",
    area="$select",
    doc=PATCH_DOC,
    quote="PATCH /api/v1/Contact/{id}?$select=name,department,category/id",
    mutating=True,
)
def test_select_on_patch(api, contact, verdict):
    sent = api.patch(
        contact_path(contact["ContactId"], "name,department,category/id"),
        headers={"Content-Type": JSON_PATCH},
        json_body=[{"op": "replace", "path": "/Department", "value": "Selected"}],
    )
    verdict.status(sent, 200)
    full = api.get(contact_path(contact["ContactId"])).json()
    _check_selection(verdict, sent, full)
