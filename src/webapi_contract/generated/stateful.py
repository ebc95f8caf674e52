"""Linked sequences from the OpenAPI links: create, then read, patch and delete the new entity."""

from __future__ import annotations

import contextlib
from http.cookiejar import DefaultCookiePolicy
from typing import Any

from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.core.failures import FailureGroup

from webapi_contract.client import contract_session
from webapi_contract.config import Settings
from webapi_contract.generated import checks as extra
from webapi_contract.generated.entity import EntityApi
from webapi_contract.generated.findings import attach
from webapi_contract.generated.patches import PatchBodies
from webapi_contract.generated.pool import EntityPool, id_keys
from webapi_contract.generated.safe import LiveSafe, narrow_list, without_headers

__all__ = ["linked_machine"]

JSON_PATCH = "application/json-patch+json"


def _valid_cases(schema: Any, api: EntityApi, safe: LiveSafe | None, tag: str) -> None:
    """Valid PATCH cases carry meaningful patches (a schema-valid one may name no property);
    on a live tenant valid cases keep to what it allows (generated/safe.py), and invalid ones
    name no other entities."""
    if safe is not None:
        bodies = safe.patch_bodies()
    else:
        bodies = PatchBodies(api.entity, api.stamped, vendor=api.vendor)
    patches = api.update_body == "patch"
    update = schema.find_operation_by_id(api.update).label
    entity_bodies = {schema.find_operation_by_id(op).label for op in api.entity_bodies}

    @schema.hook  # type: ignore[untyped-decorator]
    def flatmap_case(context: Any, case: Any) -> st.SearchStrategy[Any]:
        meta = case.meta
        label = context.operation.label
        if meta is None:
            return st.just(case)
        if meta.generation.mode is not GenerationMode.POSITIVE:
            stripped = case.body if safe is None else safe.without_foreign(case.body)
            if stripped is not case.body:
                case.body = stripped
                if case.meta is not None and case.meta.generation.mode.is_positive:
                    return st.nothing()  # what made it invalid is gone: not a negative case
            return st.just(case)
        strategy = st.just(case)
        if label == update and patches:
            body = bodies.json_patch() if isinstance(case.body, list) else bodies.merge_patch()
            strategy = body.map(lambda value: _with_body(case, value))
        elif label in entity_bodies and safe is not None:
            name = api.tagged(tag, "linked")
            named = safe.entity().map(lambda value: {**value, api.name_property: name})
            strategy = named.map(lambda value: _with_body(case, value))
        if safe is None:
            return strategy
        return strategy.flatmap(lambda adjusted: _tuned(adjusted, safe))


def _with_body(case: Any, body: Any) -> Any:
    case.body = body
    return case


@st.composite
def _tuned(draw: Any, case: Any, safe: LiveSafe) -> Any:
    safe.tune(case, draw)
    return case


def _own_step_body(api: EntityApi, case: Any, pool: EntityPool, create: bool) -> None:
    """A step's create or whole-entity update body: a valid one carries the mandatory fields
    and names only the run's entities; no body creates over or updates another's entity."""
    body = case.body
    positive = case.meta is not None and case.meta.generation.mode.is_positive
    path_id = None if create else case.path_parameters.get(api.id_parameter)
    if positive:
        references = {name.lower() for name in api.references}
        for key in [k for k in body if k.lower() in references]:
            del body[key]
        body.update(pool.mandatory)
        if not create:
            body[api.id_property] = path_id  # a whole-entity update names its own id
    for key in id_keys(body, api.id_property):
        wanted = body[key]
        if (positive or api.addresses(wanted)) and not pool.alive(wanted):
            # create, or update one of ours (not deleted) only
            if not create:
                body[key] = path_id
            elif api.new_id is None:
                del body[key]
            else:
                body[key] = api.new_id


def linked_machine(
    schema: Any,
    api: EntityApi,
    pool: EntityPool,
    safe: LiveSafe | None = None,
    *,
    settings: Settings,
) -> type:
    """A state machine over schema's links that only changes entities the run created.

    safe: the target is a live tenant; valid steps send only what it allows."""
    _valid_cases(schema, api, safe, pool.tag)
    judge = extra.Judge(api)
    entity_bodies = {schema.find_operation_by_id(op).label for op in api.entity_bodies}
    listing = schema.find_operation_by_id(api.list_all).label if api.list_all else None
    session = contract_session(settings)  # no redirect, nothing from the environment
    extra.probe_settings(settings)
    session.cookies.set_policy(DefaultCookiePolicy(allowed_domains=[]))
    labels = {api.update, api.delete}
    by_id = {schema.find_operation_by_id(op).label for op in labels}
    create = schema.find_operation_by_id(api.create).label
    delete = schema.find_operation_by_id(api.delete).label
    base = schema.as_state_machine()

    class Linked(base):  # type: ignore[misc, valid-type]
        """Steps aimed at entities this run owns; everything they create is cleaned up."""

        def before_call(self, case: Any) -> None:
            label = case.operation.label
            if label in by_id:
                current = case.path_parameters.get(api.id_parameter)
                if api.addresses(current) and not pool.owns(current):
                    case.path_parameters[api.id_parameter] = pool.missing
            if label == listing:
                narrow_list(api, case, pool, pool.tag)
            if label == create:
                without_headers(case, api.create_without)
            if label in entity_bodies and isinstance(case.body, dict):
                _own_step_body(api, case, pool, label == create)

        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return {"session": session}

        def after_call(self, response: Any, case: Any) -> None:
            super().after_call(response, case)
            created = response.status_code in api.create_statuses
            if case.operation.label == create and created:
                with contextlib.suppress(ValueError, AttributeError):
                    pool.adopt(response.json().get(api.id_property))
            elif case.operation.label == delete and 200 <= response.status_code < 300:
                pool.deleted_one(case.path_parameters.get(api.id_parameter))

        def validate_response(
            self, response: Any, case: Any, additional_checks: Any = None, **kwargs: Any
        ) -> None:
            __tracebackhide__ = True
            checks = [*judge.stateful_checks(), *(additional_checks or [])]
            try:
                case.validate_response(
                    response,
                    checks=checks,
                    transport_kwargs=kwargs or None,
                    recorder=getattr(self, "recorder", None),
                )
            except FailureGroup as group:
                attach(group, case, response, api.vendor)
                raise

    return Linked
