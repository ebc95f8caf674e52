"""Runs one shard of one variant: Hypothesis draws cases, each is sent and checked."""

from __future__ import annotations

import contextlib
import hashlib
from collections import Counter
from dataclasses import dataclass, field
from http.cookiejar import DefaultCookiePolicy
from typing import Any

import hypothesis
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.core.failures import FailureGroup
from schemathesis.core.parameters import ParameterLocation

from webapi_contract.client import contract_session
from webapi_contract.config import Settings
from webapi_contract.generated import checks as extra
from webapi_contract.generated.entity import EntityApi
from webapi_contract.generated.findings import attach
from webapi_contract.generated.patches import PatchBodies
from webapi_contract.generated.pool import EntityPool, id_keys
from webapi_contract.generated.safe import LiveSafe, narrow_list, own_entity_body, without_headers
from webapi_contract.generated.stable import independent_of_imports
from webapi_contract.generated.variants import BODY_MEDIA_TYPES, Variant

__all__ = ["ShardRun", "Tally", "shard_seed"]

CONDITIONAL_HEADERS = ("If-Unmodified-Since", "If-Modified-Since")
FAR_FUTURE = "Fri, 01 Jan 2100 00:00:00 GMT"
FAR_PAST = "Wed, 21 Oct 2015 07:28:00 GMT"
_PLACEHOLDER: dict[str, Any] = {"json-patch": [], "merge-patch": {}, "malformed": []}
_CONDITION_VALUES = st.sampled_from([None, None, FAR_FUTURE, FAR_PAST])


def shard_seed(seed: int, variant: str, shard: int) -> int:
    """A stable seed per (run seed, variant, shard), the same in every process."""
    digest = hashlib.blake2b(f"{seed}:{variant}:{shard}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big")


@dataclass
class Tally:
    """Statuses the generated requests got."""

    statuses: Counter[int] = field(default_factory=Counter)

    @property
    def cases(self) -> int:
        """How many generated requests were sent."""
        return sum(self.statuses.values())

    @property
    def successes(self) -> int:
        """How many were answered 2xx."""
        return sum(n for status, n in self.statuses.items() if 200 <= status < 300)


class ShardRun:
    """Generated requests for one variant against one target, checked as they are answered."""

    def __init__(
        self,
        schema: Any,
        api: EntityApi,
        variant: Variant,
        pool: EntityPool | None,
        tag: str,
        safe: LiveSafe | None = None,
        *,
        settings: Settings,
    ) -> None:
        """safe: the target is a live tenant (not the embedded mock); valid cases keep to what
        it allows (generated/safe.py)."""
        self.schema = schema
        self.api = api
        self.variant = variant
        self.pool = pool
        self.tag = tag
        self.operation = schema.find_operation_by_id(variant.operation_id)
        # No redirect followed, nothing from the environment, every request bounded (client.py).
        self.session = contract_session(settings)
        extra.probe_settings(settings)
        # Credentials go in every request; a session cookie would hide a missing Authorization.
        self.session.cookies.set_policy(DefaultCookiePolicy(allowed_domains=[]))
        self.tally = Tally()
        self.auth_confirmed = False
        self.safe = safe
        self.judge = extra.Judge(api)
        self.mandatory = pool.mandatory if pool is not None else {}
        self.bodies: PatchBodies | None = None
        if variant.body is not None and safe is not None and variant.body != "malformed":
            self.bodies = safe.patch_bodies()
        elif variant.body is not None:
            self.bodies = PatchBodies(api.entity, api.stamped, vendor=api.vendor)

    def strategy(self) -> st.SearchStrategy[Any]:
        """Cases for the variant (bodies of our own kinds are drawn separately)."""
        body = self.variant.body
        if body is None:
            strategy: st.SearchStrategy[Any] = self.operation.as_strategy(
                generation_mode=self.variant.mode
            )
            return strategy
        return st.one_of(
            [
                self.operation.as_strategy(
                    generation_mode=self.variant.mode, body=_PLACEHOLDER[body], media_type=media
                )
                for media in BODY_MEDIA_TYPES[body]
            ]
        )

    def _body_strategy(self) -> st.SearchStrategy[Any]:
        """The variant's own body strategy (PatchBodies builds each once)."""
        assert self.bodies is not None
        return {
            "json-patch": self.bodies.json_patch,
            "merge-patch": self.bodies.merge_patch,
            "malformed": self.bodies.malformed,
        }[self.variant.body or ""]()

    def prepare(self, case: Any, data: st.DataObject) -> None:
        """Aim the case at entities this run owns and give it a body of our kind, if any."""
        operation_id = self.variant.operation_id
        if self.variant.body is not None:
            case.body = data.draw(self._body_strategy(), label="body")
        positive = self.variant.mode is GenerationMode.POSITIVE
        if self.safe is not None:
            self._live_safe(case, data, positive)
        if operation_id in self.api.by_id:
            self._aim(case, data)
        if operation_id == self.api.list_all:
            narrow_list(self.api, case, self.pool, self.tag)
        if operation_id == self.api.create:
            without_headers(case, self.api.create_without)
        if operation_id in self.api.entity_bodies and isinstance(case.body, dict):
            self._own_entity(case, data)
        if positive:
            self._conditions(case, data)
        elif case.meta is not None and case.meta.generation.mode.is_positive:
            # Aiming the case (its ids, its name, no foreign members) removed what made it
            # invalid: Schemathesis now takes it for valid data, which it was not drawn as.
            hypothesis.reject()

    def _live_safe(self, case: Any, data: st.DataObject, positive: bool) -> None:
        """On a live tenant: valid cases send only what it allows, invalid ones name no other
        entities (generated/safe.py)."""
        assert self.safe is not None
        entity = self.variant.operation_id in self.api.entity_bodies
        if not positive:
            stripped = self.safe.without_foreign(case.body)
            if stripped is not case.body:
                case.body = stripped
            if entity and isinstance(case.body, dict):
                self.safe.tag_invalid(case.body, self.tag)
            return
        self.safe.tune(case, data.draw)
        if entity:
            case.body = data.draw(self.safe.entity(), label="body")

    def _conditions(self, case: Any, data: st.DataObject) -> None:
        """Conditional headers as the docs write them: absent, or an RFC 1123 date."""
        for name in CONDITIONAL_HEADERS:
            if name in (case.headers or {}):
                value = data.draw(_CONDITION_VALUES, label=name)
                if value is None:
                    del case.headers[name]
                else:
                    case.headers[name] = value

    def _aim(self, case: Any, data: st.DataObject) -> None:
        name = self.api.id_parameter
        current = (case.path_parameters or {}).get(name)
        negative_path = case.meta is not None and case.meta.is_negative_at(ParameterLocation.PATH)
        if negative_path and not self.api.addresses(current):
            return  # an id no entity can have: safe anywhere
        if self.pool is not None:
            case.path_parameters[name] = data.draw(st.sampled_from(self.pool.choices()), label=name)
        elif self.variant.mutating:
            raise RuntimeError("a mutating generated test ran without entities of its own")
        else:
            case.path_parameters[name] = self.api.absent_id  # read-only: never others' entities

    def _own_entity(self, case: Any, data: st.DataObject) -> None:
        """A create or whole-entity update body: valid ones carry the mandatory fields and the
        run's tag, and name no entity but the run's; invalid ones update none but the run's."""
        api, body = self.api, case.body
        create = self.variant.operation_id == api.create
        path_id = None if create else (case.path_parameters or {}).get(api.id_parameter)
        if self.variant.mode is GenerationMode.POSITIVE:
            chosen: Any = path_id
            if create:
                owned = self.pool.ids if self.pool is not None else []
                # A create names the run's own entities only (a save updates the one it names;
                # a REST POST refuses an id in use).
                chosen = data.draw(st.sampled_from([api.new_id, *owned]), label=api.id_property)
            own_entity_body(api, body, self.mandatory, chosen, self.tag)
            return
        for spelled in id_keys(body, api.id_property):  # a negative body may still update:
            wanted = body[spelled]  # never someone else's entity, however the id is spelled
            if api.addresses(wanted) and not (self.pool and self.pool.alive(wanted)):
                if not create:
                    body[spelled] = path_id
                elif api.new_id is None:
                    del body[spelled]
                else:
                    body[spelled] = api.new_id

    def checks(self) -> list[Any]:
        """The levelled checks for the next case."""
        return self.judge.checks(
            malformed=self.variant.body == "malformed", confirm_auth=not self.auth_confirmed
        )

    def execute(self, case: Any) -> None:
        """Send the case, keep the pool in step, and run the checks (raising on failure, the
        findings attached)."""
        response = case.call(session=self.session)
        status = response.status_code
        self.tally.statuses[status] += 1
        self._follow(case, response)
        checks = self.checks()
        try:
            case.validate_response(
                response, checks=checks, transport_kwargs={"session": self.session}
            )
        except FailureGroup as group:
            attach(group, case, response, self.api.vendor)
            raise
        confirming = not self.auth_confirmed
        if 200 <= status < 300 and confirming and case.operation.label not in extra.THROTTLED_AUTH:
            self.auth_confirmed = True

    def _follow(self, case: Any, response: Any) -> None:
        if self.pool is None or not 200 <= response.status_code < 300:
            return
        if self.variant.operation_id == self.api.create:
            with contextlib.suppress(ValueError, AttributeError):
                self.pool.adopt(response.json().get(self.api.id_property))
        elif self.variant.operation_id == self.api.delete:
            self.pool.replace(case.path_parameters[self.api.id_parameter])

    def run(self, seed: int, examples: int) -> None:
        """Draw and check `examples` cases reproducibly from seed; raises the shrunk failure."""
        strategy = self.strategy()

        @hypothesis.seed(seed)
        @hypothesis.settings(
            max_examples=examples,
            deadline=None,
            database=None,
            derandomize=False,
            print_blob=False,
            verbosity=hypothesis.Verbosity.quiet,
            suppress_health_check=list(hypothesis.HealthCheck),
            phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate, hypothesis.Phase.shrink],
        )
        @hypothesis.given(data=st.data())
        def generated(data: st.DataObject) -> None:
            case = data.draw(strategy, label="case")
            self.prepare(case, data)
            self.execute(case)

        with independent_of_imports():
            generated()
