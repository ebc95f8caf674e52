"""The reference mock of the SuperOffice Contact WebAPI: a stateful server over SQLite."""

from webapi_contract.mock.auth import MockCredentials
from webapi_contract.mock.server import KNOWN_FAULTS, MockServer

__all__ = ["KNOWN_FAULTS", "MockCredentials", "MockServer"]
