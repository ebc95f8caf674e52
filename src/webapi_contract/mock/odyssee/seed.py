"""The companies every Odyssee mock holds (so a company_code resolves), and the sample contacts
of `serve --seed`."""

from __future__ import annotations

from typing import Any

__all__ = ["SEED_COMPANY_CODES", "seed_companies", "seed_contacts"]

# The codes (ERP keys) of the companies every Odyssee mock starts with.
SEED_COMPANY_CODES = ("ACME", "GLOBEX", "INITECH")


def seed_companies() -> list[dict[str, Any]]:
    """The companies of an empty database, with fixed ids."""
    return [
        {
            "id": "3f2a6c1e-8d4b-4e0a-9b6f-1c2d3e4f5a01",
            "code": "ACME",
            "name": "Acme Corporation",
            "is_client": True,
            "city": "Lyon",
            "email": "contact@acme.example",
        },
        {
            "id": "3f2a6c1e-8d4b-4e0a-9b6f-1c2d3e4f5a02",
            "code": "GLOBEX",
            "name": "Globex SA",
            "is_supplier": True,
            "city": "Nantes",
        },
        {
            "id": "3f2a6c1e-8d4b-4e0a-9b6f-1c2d3e4f5a03",
            "code": "INITECH",
            "name": "Initech SARL",
            "is_lead": True,
            "city": "Lille",
        },
    ]


def seed_contacts() -> list[dict[str, Any]]:
    """POST bodies of the sample contacts."""
    return [
        {
            "firstname": "Camille",
            "lastname": "Durand",
            "company_code": "ACME",
            "functions": "ServiceManager",
            "email": "camille.durand@acme.example",
            "phone": "+33 4 72 00 00 01",
        },
        {
            "firstname": "Louis",
            "lastname": "Martin",
            "company_code": "GLOBEX",
            "mobile": "+33 6 00 00 00 02",
            "birthdate": "1985-06-15",
        },
        {"lastname": "Bernard", "company_code": "INITECH", "archived": True},
    ]
