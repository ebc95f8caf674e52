"""SuperOffice's error body: Error, ErrorType, ErrorMessage, ErrorSource, always JSON."""

from __future__ import annotations

import json

from starlette.responses import Response

from webapi_contract.mock import faults
from webapi_contract.mock.errors import ApiError
from webapi_contract.mock.negotiation import JSON_CONTENT_TYPE

__all__ = ["ERROR_SOURCE", "error_body", "error_response"]

ERROR_SOURCE = "webapi_contract.mock"
_PROBLEM_404 = "https://tools.ietf.org/html/rfc9110#section-15.5.5"


def error_body(error_type: str, message: str) -> bytes:
    """The common error body as UTF-8 JSON."""
    body = {"Error": True, "ErrorType": error_type, "ErrorMessage": message}
    body["ErrorSource"] = ERROR_SOURCE
    return json.dumps(body).encode()


def error_response(exc: ApiError) -> Response:
    """The response of a refused request."""
    if exc.status == 404 and faults.active("404-wrong-error-body"):
        problem = {"type": _PROBLEM_404, "title": "Not Found", "status": 404}
        return Response(json.dumps(problem), 404, media_type="application/problem+json")
    body = error_body(exc.error_type, exc.message)
    return Response(body, exc.status, headers=exc.headers, media_type=JSON_CONTENT_TYPE)
