"""webapi-contract: contract testing for vendor WebAPIs, driven by the vendor's documentation."""

__all__ = ["__version__"]

__version__ = "0.1.0"
