"""The mock of Odyssee Mobile's Contact API (docs/vendor/guid-contact-update.help.txt and the
Odyssee paragraphs of docs/vendor/reference/vendor-facts.md).

service (contacts and companies over the Store: validation, defaults, dates, keys), routes
(GET/POST Contact, GET/PUT/DELETE Contact({key}), paging, Prefer), auth (Basic over
`username:password@domain`), errors (OData's error body), seed (the companies every mock holds,
and the `serve --seed` contacts) and the faults (faults).

The shared server reaches this package by name only: PREFIX, CREDENTIALS and mount() are its
interface.
"""

from __future__ import annotations

from pathlib import Path

from webapi_contract.mock.app import Mounted
from webapi_contract.mock.auth import MockCredentials
from webapi_contract.mock.odyssee.auth import Authenticator
from webapi_contract.mock.odyssee.errors import error_response
from webapi_contract.mock.odyssee.routes import contact_routes
from webapi_contract.mock.odyssee.seed import SEED_COMPANY_CODES, seed_companies, seed_contacts
from webapi_contract.mock.odyssee.service import COMPANIES, CONTACTS, ContactService
from webapi_contract.mock.storage import Store

__all__ = ["CREDENTIALS", "PREFIX", "SEED_COMPANY_CODES", "mount"]

PREFIX = "/api"
# The MockCredentials fields this mock checks.
CREDENTIALS = ("username", "password", "domain")


def mount(database: Path, credentials: MockCredentials, prefix: str, seed: bool) -> Mounted:
    """The Odyssee mock over the SQLite file `database`: the seed companies when it has none,
    the sample contacts too when asked and it has no contact."""
    authenticator = Authenticator(credentials)
    store = Store(database, {CONTACTS: "text", COMPANIES: "text"})
    try:
        service = ContactService(store)
        if store.count(COMPANIES) == 0:
            for company in seed_companies():
                service.add_company(company)
        if seed and store.count(CONTACTS) == 0:
            for body in seed_contacts():
                service.create(body)
        return Mounted(
            routes=contact_routes(service, prefix),
            authenticator=authenticator,
            errors=error_response,
            close=store.close,
        )
    except BaseException:
        store.close()
        raise
