"""The derived OpenAPI document as a Schemathesis schema bound to the configured target."""

from __future__ import annotations

import copy
from typing import Any

import schemathesis
from schemathesis.specs.openapi.schemas import OpenApiSchema

from webapi_contract import schemastore
from webapi_contract.config import Settings
from webapi_contract.generated.entity import EntityApi

__all__ = ["NEGATIVE_REFUSED", "POSITIVE_ACCEPTED", "load_schema", "request_document"]

# Statuses a valid request may get: success, and the documented 404/409/412 (missing entity,
# failed `test`, stale If-Unmodified-Since); 401/403/429 and 5xx are judged by other checks.
POSITIVE_ACCEPTED = ["2xx", "3xx", "401", "403", "404", "409", "412", "429", "5xx"]
NEGATIVE_REFUSED = ["400", "401", "403", "404", "405", "406", "409", "412", "415", "422", "428"]
NEGATIVE_REFUSED += ["429", "5xx"]
_REF = "#/components/schemas/"
_REQUEST = "Request"


def _closed(node: Any, schemas: dict[str, Any], stamped: frozenset[str], close: bool) -> Any:
    """node with every referenced object schema copied as `<Name>Request`: unstamped, and
    closed to undocumented properties when `close`."""
    if isinstance(node, list):
        return [_closed(item, schemas, stamped, close) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _closed(value, schemas, stamped, close) for key, value in node.items()}
    ref = out.get("$ref")
    if isinstance(ref, str) and ref.startswith(_REF) and not ref.endswith(_REQUEST):
        name = ref.removeprefix(_REF)
        copied = f"{name}{_REQUEST}"
        if copied not in schemas:
            schemas[copied] = {}  # placeholder first: schemas may refer to themselves
            schemas[copied] = _closed(copy.deepcopy(schemas[name]), schemas, stamped, close)
        out["$ref"] = f"{_REF}{copied}"
    properties = out.get("properties")
    if isinstance(properties, dict):
        if close:
            out["additionalProperties"] = out.get("additionalProperties", False)
        for name in stamped & properties.keys():
            del properties[name]
    return out


def request_document(raw: dict[str, Any], api: EntityApi, closed: bool) -> dict[str, Any]:
    """The OpenAPI document with request bodies restricted to client-owned properties.

    The docs neither promise that unknown properties are ignored nor that they are refused, so a
    valid generated body carries only documented ones (`closed`), and an invalid one never counts
    as invalid merely for an extra property (not `closed`). Responses keep the open schemas:
    extra properties from newer server versions must pass.
    """
    document = copy.deepcopy(raw)
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    stamped = api.stamped - {api.id_property}
    for item in document.get("paths", {}).values():
        for operation in item.values():
            if isinstance(operation, dict) and "requestBody" in operation:
                body = _json_only(operation["requestBody"])
                operation["requestBody"] = _closed(body, schemas, stamped, closed)
    merge = schemas.get(f"{api.merge_patch_appends}{_REQUEST}") if api.merge_patch_appends else None
    if merge is not None:
        _let_objects_append(merge)
    return document


def _json_only(body: dict[str, Any]) -> dict[str, Any]:
    """A request body with its JSON media types only, when it has any: generated bodies are
    JSON (XML bodies are the negotiation clauses' to judge)."""
    content = body.get("content")
    if not isinstance(content, dict):
        return body
    json_types = {media: spec for media, spec in content.items() if "json" in media.lower()}
    if not json_types or len(json_types) == len(content):
        return body
    return {**body, "content": json_types}


def _let_objects_append(schema: dict[str, Any]) -> None:
    """Array properties whose items are objects also accept one item (which is appended)."""
    for name, spec in schema.get("properties", {}).items():
        items = spec.get("items") if isinstance(spec, dict) else None
        if isinstance(items, dict) and "$ref" in items:
            schema["properties"][name] = {"anyOf": [spec, items]}


def _checks_config() -> dict[str, Any]:
    return {
        # Replaced by `documented_status_code`, which adds the statuses the docs give globally.
        "status_code_conformance": {"enabled": False},
        # Replaced by `negative_entity_rejected`, which judges invalid bodies and ids only; a
        # documented 412 may come first (preconditions before the body is read).
        "negative_data_rejection": {"enabled": False, "expected-statuses": NEGATIVE_REFUSED},
        "positive_data_acceptance": {"expected-statuses": POSITIVE_ACCEPTED},
        # Run as `ignored_auth_unless_throttled` (its probes throttle-aware, without ~/.netrc).
        "ignored_auth": {"enabled": False},
        # Formats are checked by `response_formats`, which admits date-times without an offset.
        "response_schema_conformance": {"validate-formats": False},
    }


def load_schema(settings: Settings, api: EntityApi, *, closed: bool = True) -> OpenApiSchema:
    """The derived OpenAPI document aimed at settings' base URL, with its primary credential.

    `closed`: request bodies admit documented properties only (for valid data); open for
    invalid data, so that an extra property alone never makes a request "invalid".
    """
    if settings.base_url is None:
        raise ValueError("the generated tests need a base URL")
    config = schemathesis.Config.from_dict(
        {
            "base-url": settings.base_url,
            "request-timeout": settings.timeout,
            "checks": _checks_config(),
            # Constants analysis mines literals from the Python modules this process loaded, so
            # cases would depend on what else ran in the process (serial vs xdist): off.
            "analysis": {"constants": {"enabled": False}},
            "output": {"sanitization": {"enabled": True}},
            "cache": {"enabled": False},  # no `.schemathesis/` in the user's working directory
            # The credentials are the configured ones (the auth provider below) in every case:
            # generated security parameters would make most negative cases a wrong Authorization
            # answered 401, never reaching the invalid data they were drawn for. Refused
            # credentials are the auth clauses' and the ignored_auth check's business.
            "generation": {"with-security-parameters": False},
        }
    )
    schema = schemathesis.openapi.from_dict(
        request_document(schemastore.openapi(api.vendor), api, closed), config=config
    )
    credential = settings.primary
    app_token = settings.app_token
    token_header = api.app_token_header

    class Credentials:
        """Applies the configured Authorization header (and the vendor's app token header, when
        it has one and a token is configured) to every case."""

        def get(self, case: Any, ctx: Any) -> str | None:
            return credential.authorization if credential is not None else None

        def set(self, case: Any, data: str, ctx: Any) -> None:
            case.headers["Authorization"] = data
            if app_token and token_header:
                case.headers[token_header] = app_token

    schema.auth(refresh_interval=None)(Credentials)
    return schema
