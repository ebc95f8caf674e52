"""The mock of SuperOffice's Contact WebAPI (docs/vendor/superoffice-*.md).

service (the contacts over the Store), routes (SaveContactEntity, GET/PATCH/DELETE Contact/{id},
the API and version roots), auth (Basic, Bearer, SoTicket, session + XSRF), errors (the
SoExceptionInfo-like body), the JSON Patch engine (patching, pointer), `$select`, `SO-TimeZone`
(timezone), the `serve --seed` contacts (seed) and the faults (faults).

The shared server reaches this package by name only: PREFIX, CREDENTIALS and mount() are its
interface.
"""

from __future__ import annotations

from pathlib import Path

from webapi_contract.mock.app import Mounted
from webapi_contract.mock.auth import MockCredentials
from webapi_contract.mock.storage import Store
from webapi_contract.mock.superoffice.auth import Authenticator
from webapi_contract.mock.superoffice.errors import error_response
from webapi_contract.mock.superoffice.routes import api_root_routes, contact_routes
from webapi_contract.mock.superoffice.seed import seed_contacts
from webapi_contract.mock.superoffice.service import ContactService

__all__ = ["CREDENTIALS", "PREFIX", "mount"]

PREFIX = "/api/v1"
# The MockCredentials fields this mock checks.
CREDENTIALS = ("username", "password", "ticket", "token", "xsrf_session", "xsrf_token")


def mount(database: Path, credentials: MockCredentials, prefix: str, seed: bool) -> Mounted:
    """The SuperOffice mock over the SQLite file `database` (seeded when asked and empty)."""
    store = Store(database)
    try:
        service = ContactService(store)
        if seed and store.count() == 0:
            for body in seed_contacts():
                service.save(body)
        routes = contact_routes(service, prefix)
        return Mounted(
            routes=routes,
            authenticator=Authenticator(credentials),
            errors=error_response,
            close=store.close,
            open_routes=api_root_routes(prefix, routes),
        )
    except BaseException:
        store.close()
        raise
