"""SuperOffice WebAPI (ContactEntity endpoints)."""

from webapi_contract.vendors.profile import VendorProfile

__all__ = ["SUPEROFFICE"]

# Online tenants are addressed as https://<env>.superoffice.com/Cust12345/api/v1.
# The API roots (docs/vendor/reference/vendor-facts.md, "The API root"): `GET /api/v1` lists the
# supported URLs, `GET /api` answers the versions ("JSON when asked for"). Contact/0 names no
# contact, so a tenant may answer it 404 (with the documented error body) or 200.
SUPEROFFICE = VendorProfile(
    name="superoffice",
    probe_path="Contact/0",
    slow_ms=2000,
    tenant_segment=r"(?i)^cust\d+$",
    api_roots=("", ".."),
    id_kind="int",
    app_token_header="SO-AppToken",
    credential_settings=("auth", "username", "password", "ticket", "token", "app_token"),
)
