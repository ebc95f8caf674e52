"""Vendor profiles: what differs between vendors, kept apart from the reusable machinery."""

from webapi_contract.vendors.odyssee import ODYSSEE
from webapi_contract.vendors.profile import VendorProfile
from webapi_contract.vendors.superoffice import SUPEROFFICE

__all__ = ["DEFAULT_VENDOR", "ODYSSEE", "PROFILES", "SUPEROFFICE", "VendorProfile", "profile"]

PROFILES: dict[str, VendorProfile] = {p.name: p for p in (SUPEROFFICE, ODYSSEE)}
# The vendor of a run that names none (the vendor setting's default).
DEFAULT_VENDOR = SUPEROFFICE.name


def profile(name: str) -> VendorProfile:
    """The profile of the vendor called name (KeyError for an unknown one)."""
    return PROFILES[name]
