"""The shape of a vendor profile."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["VendorProfile"]


@dataclass(frozen=True)
class VendorProfile:
    """Facts about one vendor's API that the generic harness needs."""

    name: str
    # A cheap authenticated GET below the base URL; only 401/403 and network errors matter.
    probe_path: str
    # The documented "slow call" threshold when the docs give none for an operation.
    slow_ms: int
    # A base-URL path segment that names the tenant (regular expression), for the reports.
    tenant_segment: str = ""
