"""A few realistic contacts shaped like the SuperOffice doc samples, for `serve --seed`."""

from __future__ import annotations

from typing import Any

__all__ = ["seed_contacts"]


def _element(value: str, description: str) -> dict[str, Any]:
    return {"Value": value, "StrippedValue": value.replace(" ", ""), "Description": description}


def _category(category_id: int, value: str) -> dict[str, Any]:
    return {"Id": category_id, "Value": value, "Tooltip": value}


def _country(
    country_id: int, name: str, iso2: str, iso3: str, prefix: str, domain: str
) -> dict[str, Any]:
    return {
        "CountryId": country_id,
        "Name": name,
        "EnglishName": name,
        "TwoLetterISOCountry": iso2,
        "ThreeLetterISOCountry": iso3,
        "DialInPrefix": prefix,
        "DomainName": domain,
    }


def _person(person_id: int, first: str, last: str, email: str, contact_id: int) -> dict[str, Any]:
    return {
        "PersonId": person_id,
        "Firstname": first,
        "Lastname": last,
        "FullName": f"{first} {last}",
        "Email": email,
        "ContactId": contact_id,
        "Rank": 1,
        "CategoryName": "VIP Customer",
    }


def seed_contacts() -> list[dict[str, Any]]:
    """Save bodies (ContactId 0) of the seed contacts, each with a Category and a Country."""
    return [
        {
            "ContactId": 0,
            "Name": "Sporer-Trantow",
            "Department": "Sales",
            "OrgNr": "1216394",
            "Number1": "1429858",
            "Number2": "1463982",
            "Emails": [_element("post@sporer-trantow.example", "Main office")],
            "Phones": [_element("+47 22 33 44 55", "Switchboard")],
            "Urls": [_element("https://sporer-trantow.example", "Home page")],
            "Description": "Upgradable global info-mediaries",
            "Category": _category(1, "VIP Customer"),
            "Country": _country(578, "Norway", "NO", "NOR", "+47", "no"),
            "Persons": [_person(263, "Braeden", "Glover", "braeden@sporer-trantow.example", 0)],
            "NoMailing": False,
            "Xstop": False,
            "BounceEmails": [],
            "Domains": ["sporer-trantow.example"],
            "UserDefinedFields": {"SuperOffice:1": "Lucienne Russel"},
            "CustomFields": {"SuperOffice:1": "Lucienne Russel", "x_foobar": "placeat"},
        },
        {
            "ContactId": 0,
            "Name": "Hahn, O'Conner and Cole",
            "Department": "Procurement",
            "OrgNr": "670396",
            "Number1": "1580014",
            "Emails": [_element("info@hahn.example", "General"), _element("ap@hahn.example", "")],
            "Phones": [_element("+46 8 123 456", "Reception")],
            "Description": "Pre-emptive executive concept",
            "Category": _category(2, "Prospect"),
            "Country": _country(752, "Sweden", "SE", "SWE", "+46", "se"),
            "NoMailing": True,
            "Xstop": False,
            "Domains": ["hahn.example"],
            "CustomFields": {"SuperOffice:2": "389482166"},
        },
        {
            "ContactId": 0,
            "Name": "Schumm, Wiza and Larson",
            "Department": "",
            "OrgNr": "777495",
            "Number1": "320595",
            "Number2": "640218",
            "Faxes": [_element("+45 33 12 34 56", "Accounts")],
            "Description": "Innovative 24/7 model",
            "Category": _category(3, "Supplier"),
            "Country": _country(208, "Denmark", "DK", "DNK", "+45", "dk"),
            "NoMailing": False,
            "Xstop": True,
            "CustomFields": {},
        },
    ]
