"""Odyssee Mobile WebAPI (Contact endpoints, guid keys in OData key syntax)."""

from webapi_contract.vendors.profile import VendorProfile

__all__ = ["ODYSSEE"]

# A tenant is addressed as https://<host>/api; `GET api/Contact` lists contacts (20 a page,
# docs/vendor/reference/vendor-facts.md "The second vendor"). One contact is enough for the probe.
ODYSSEE = VendorProfile(
    name="odyssee",
    probe_path="Contact?$top=1",
    slow_ms=2000,
    id_kind="guid",
    # Basic over base64 of `username:password@domain` only (vendor-facts "The second vendor").
    credential_settings=("auth", "username", "password", "domain"),
    # "Password in clear text of the contact" (guid-contact-update.help.txt): never in a report.
    secret_fields=("e_password",),
)
