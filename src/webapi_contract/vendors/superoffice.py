"""SuperOffice WebAPI (ContactEntity endpoints)."""

from webapi_contract.vendors.profile import VendorProfile

__all__ = ["SUPEROFFICE"]

# Online tenants are addressed as https://<env>.superoffice.com/Cust12345/api/v1.
SUPEROFFICE = VendorProfile(
    name="superoffice", probe_path="Contact/0", slow_ms=2000, tenant_segment=r"(?i)^cust\d+$"
)
