"""Vendor profiles: what differs between vendors, kept apart from the reusable machinery."""

from webapi_contract.vendors.profile import VendorProfile
from webapi_contract.vendors.superoffice import SUPEROFFICE

__all__ = ["PROFILES", "SUPEROFFICE", "VendorProfile"]

PROFILES: dict[str, VendorProfile] = {SUPEROFFICE.name: SUPEROFFICE}
