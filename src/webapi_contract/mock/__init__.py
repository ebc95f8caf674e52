"""The reference mocks of the vendors' Contact APIs: stateful servers over SQLite.

The shared machinery is here (app, transport, storage, contract, shape, bodies, negotiation,
xmlout, clock, auth, faults, server, command); each vendor's mock is a package below it
(superoffice, odyssee), reached by name only."""

from webapi_contract.mock.auth import MockCredentials
from webapi_contract.mock.server import KNOWN_FAULTS, MockServer

__all__ = ["KNOWN_FAULTS", "MockCredentials", "MockServer"]
