"""The SuperOffice PATCH page the doc-source tests link."""

from __future__ import annotations

PATCH_PAGE = (
    "https://docs.superoffice.com/en/api/reference/restful/rest/Contact/"
    "v1ContactEntity_PatchContactEntity.html"
)
