"""SuperOffice's contact as the generated tests see it: its operations, id, stamps, what a live
tenant allows and the headers it documents."""

from __future__ import annotations

from webapi_contract.generated import EntityApi

__all__ = ["SUPEROFFICE_CONTACT"]

# The documented values of the tuning headers (docs/vendor/reference/vendor-facts.md:36-39):
# SO-TimeZone "takes a zone id or code such as `UTC`, `NO`, `DK`, `FR`, `US-NY`, `US-CA`; suffix
# `, includeTZOffset` adds offsets"; SO-Language "`*` or `x` switches translation off"; language
# and culture are iso2 codes.
_ZONES = ("UTC", "NO", "DK", "FR", "US-NY", "US-CA")
DOCUMENTED_HEADERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("so-timezone", (*_ZONES, "UTC, includeTZOffset", "NO, includeTZOffset")),
    ("so-language", ("en", "nb", "*", "x")),
    ("so-culture", ("en", "nb")),
    ("accept-language", ("en", "nb")),
)

SUPEROFFICE_CONTACT = EntityApi(
    vendor="superoffice",
    entity="ContactEntity",
    id_property="ContactId",
    stamped=frozenset({"ContactId", "CreatedDate", "UpdatedDate"}),
    create="SaveContactEntity",
    read="GetContact",
    update="PatchContact",
    delete="DeleteContact",
    create_path="Agents/Contact/SaveContactEntity",
    item_path="Contact/{id}",
    id_kind="int32",
    create_statuses=frozenset({200}),
    update_body="patch",
    # vendor-facts.md:33: "Bodies for 400/409/412/500 are not documented. A request with neither
    # `Authorization` nor `X-XSRF-TOKEN` gets 401": 400 and 401 on every route.
    global_statuses=frozenset({400, 401}),
    # docs/vendor/reference/vendor-facts.md:44: "In a merge patch, an object given where an array
    # is expected is appended (as `add` to `/Phones/-`); an array replaces the whole array."
    merge_patch_appends="ContactMergePatch",
    name_property="Name",
    # docs/vendor/reference/vendor-facts.md:18: Agents "do not return HTTP errors": a failed call
    # answers 200 with a `null` body.
    agents=frozenset({"SaveContactEntity"}),
    writable=frozenset({"Department", "Description", "Number1", "Number2", "OrgNr"}),
    elements=(("Emails", "email"), ("Phones", "phone"), ("Urls", "url"), ("Faxes", "phone")),
    # vendor-facts.md:26 "## Rights members": computed by the server, which may ignore them.
    unjudged=frozenset({"TableRight", "FieldProperties"}),
    foreign=frozenset({"Persons", "SupportPerson"}),
    documented_headers=DOCUMENTED_HEADERS,
    # X-XSRF-TOKEN's only documented value is the one from the session cookie, which a run that
    # authenticates with the Authorization header has none of.
    dropped_headers=frozenset({"X-XSRF-TOKEN"}),
    # vendor-facts.md:46: `$select` examples `name,department,category/id`.
    select_parameter="$select",
    nested_select=("category/id",),
    app_token_header="SO-AppToken",
)
