"""Odyssee's error body. The vendor documents none; the mock answers OData's:
`{"error": {"code": …, "message": …}}`, always JSON."""

from __future__ import annotations

import json

from starlette.responses import Response

from webapi_contract.mock.errors import ApiError
from webapi_contract.mock.negotiation import JSON_CONTENT_TYPE

__all__ = ["error_response"]


def error_response(exc: ApiError) -> Response:
    """The response of a refused request."""
    body = json.dumps({"error": {"code": exc.error_type, "message": exc.message}})
    return Response(body, exc.status, headers=exc.headers, media_type=JSON_CONTENT_TYPE)
