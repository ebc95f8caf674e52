"""The shape of a vendor profile."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["VendorProfile"]


@dataclass(frozen=True)
class VendorProfile:
    """Facts about one vendor's API that the generic harness needs."""

    name: str
    # A cheap authenticated GET below the base URL: 401/403 mean the credentials are refused; a
    # JSON or XML answer other than 404 means the API answered.
    probe_path: str
    # The documented "slow call" threshold when the docs give none for an operation.
    slow_ms: int
    # A base-URL path segment that names the tenant (regular expression), for the reports.
    tenant_segment: str = ""
    # Documented GETs that answer whenever the API is there (the version list, the API root),
    # relative to the base URL: "" is the base URL itself, ".." its parent. When the probe
    # answers 404 or not in JSON/XML, a 2xx JSON or XML answer of one of them is what tells "the
    # API answered" from "nothing here" (a wrong path, a proxy's default page).
    api_roots: tuple[str, ...] = ()
    # How the vendor's entities are keyed: "int" (whole numbers) or "guid"; ids a user names
    # (the readonly-contact-ids setting) are checked against it.
    id_kind: str = "int"
    # The header carrying an application token (the app-token setting), "" when the vendor has
    # none.
    app_token_header: str = ""
    # The settings that authenticate against this vendor (names of the settings table), named
    # by their options when a target refuses the credentials.
    credential_settings: tuple[str, ...] = ("auth", "username", "password")
    # Members of a request or response body whose values are secrets (e.g. a password the
    # suite sends): the client masks their values wherever an exchange is shown.
    secret_fields: tuple[str, ...] = ()
