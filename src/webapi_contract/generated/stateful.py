"""Linked sequences from the OpenAPI links: create, then read, patch and delete the new entity."""

from __future__ import annotations

import contextlib
from http.cookiejar import DefaultCookiePolicy
from typing import Any

import requests
from hypothesis import strategies as st
from schemathesis import GenerationMode

from webapi_contract.client import keep_headers_as_set, throttle_aware
from webapi_contract.generated import checks as extra
from webapi_contract.generated.patches import PatchBodies
from webapi_contract.generated.pool import EntityPool, addresses_an_entity, id_keys
from webapi_contract.generated.vendor import EntityApi

__all__ = ["linked_machine"]

JSON_PATCH = "application/json-patch+json"


def _meaningful_patches(schema: Any, api: EntityApi) -> None:
    """Valid PATCH cases carry meaningful patches: a schema-valid one may name no property."""
    bodies = PatchBodies(api.entity, api.stamped)
    update = schema.find_operation_by_id(api.update).label

    @schema.hook  # type: ignore[untyped-decorator]
    def flatmap_case(context: Any, case: Any) -> st.SearchStrategy[Any]:
        meta = case.meta
        if context.operation.label != update or meta is None:
            return st.just(case)
        if meta.generation.mode is not GenerationMode.POSITIVE:
            return st.just(case)
        body = bodies.json_patch() if isinstance(case.body, list) else bodies.merge_patch()
        return body.map(lambda value: _with_body(case, value))


def _with_body(case: Any, body: Any) -> Any:
    case.body = body
    return case


def linked_machine(schema: Any, api: EntityApi, pool: EntityPool) -> type:
    """A state machine over schema's links that only changes entities the run created."""
    _meaningful_patches(schema, api)
    session = throttle_aware(requests.Session())
    session.auth = keep_headers_as_set  # no ~/.netrc or URL-userinfo credentials
    session.cookies.set_policy(DefaultCookiePolicy(allowed_domains=[]))
    labels = {api.update, api.delete}
    by_id = {schema.find_operation_by_id(op).label for op in labels}
    create = schema.find_operation_by_id(api.create).label
    base = schema.as_state_machine()

    class Linked(base):  # type: ignore[misc, valid-type]
        """Steps aimed at entities this run owns; everything they create is cleaned up."""

        def before_call(self, case: Any) -> None:
            label = case.operation.label
            if label in by_id:
                current = case.path_parameters.get(api.id_parameter)
                if addresses_an_entity(current) and not pool.owns(current):
                    case.path_parameters[api.id_parameter] = pool.missing
            if label == create and isinstance(case.body, dict):
                positive = case.meta is not None and case.meta.generation.mode.is_positive
                if positive:
                    case.body.update(pool.client.settings.test_contact)
                for key in id_keys(case.body, api.id_property):
                    wanted = case.body[key]
                    if (positive or addresses_an_entity(wanted)) and not pool.owns(wanted):
                        case.body[key] = 0  # create, or update one of ours only

        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return {"session": session}

        def after_call(self, response: Any, case: Any) -> None:
            super().after_call(response, case)
            if case.operation.label == create and response.status_code == 200:
                with contextlib.suppress(ValueError, AttributeError):
                    pool.adopt(response.json().get(api.id_property))

        def validate_response(
            self, response: Any, case: Any, additional_checks: Any = None, **kwargs: Any
        ) -> None:
            __tracebackhide__ = True
            additional = [
                extra.documented_status_code,
                extra.negative_entity_rejected,
                extra.response_formats,
                extra.ignored_auth_unless_throttled,
                *(additional_checks or []),
            ]
            super().validate_response(response, case, additional_checks=additional, **kwargs)

    return Linked
