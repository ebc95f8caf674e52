"""The mock's errors, all one JSON shape: Error, ErrorType, ErrorMessage, ErrorSource."""

from __future__ import annotations

import json
from collections.abc import Mapping

__all__ = ["ERROR_SOURCE", "ApiError", "error_body"]

ERROR_SOURCE = "webapi_contract.mock"


class ApiError(Exception):
    """A request the mock refuses; becomes a response with the common error body."""

    def __init__(
        self,
        status: int,
        error_type: str,
        message: str,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.error_type = error_type
        self.message = message
        self.headers = dict(headers or {})

    @classmethod
    def bad_request(cls, message: str, error_type: str = "BadRequest") -> ApiError:
        """A 400: the request is malformed or its values do not fit the contract."""
        return cls(400, error_type, message)


def error_body(error_type: str, message: str) -> bytes:
    """The common error body as UTF-8 JSON."""
    body = {"Error": True, "ErrorType": error_type, "ErrorMessage": message}
    body["ErrorSource"] = ERROR_SOURCE
    return json.dumps(body).encode()
