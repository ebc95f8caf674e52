"""Doc pages -> rows -> endpoint model -> JSON Schemas and OpenAPI; pure functions, stdlib only."""

from webapi_contract.derive.model import Endpoint, Field, Sample, Source
from webapi_contract.derive.pages import PageError, parse_page, parse_text
from webapi_contract.derive.profiles import VENDORS, Derivation, derive, derive_all, parse_pages

__all__ = [
    "VENDORS",
    "Derivation",
    "Endpoint",
    "Field",
    "PageError",
    "Sample",
    "Source",
    "derive",
    "derive_all",
    "parse_page",
    "parse_pages",
    "parse_text",
]
