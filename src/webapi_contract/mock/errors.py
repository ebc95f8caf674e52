"""The mock's refusals: an ApiError becomes a response in the vendor's error body (see app)."""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["ApiError"]


class ApiError(Exception):
    """A request the mock refuses; becomes a response with the vendor's error body."""

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
