"""Runs one shard of one variant: Hypothesis draws cases, each is sent and checked."""

from __future__ import annotations

import contextlib
import hashlib
from collections import Counter
from dataclasses import dataclass, field
from http.cookiejar import DefaultCookiePolicy
from typing import Any

import hypothesis
import requests
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.core.parameters import ParameterLocation

from webapi_contract.client import keep_headers_as_set, throttle_aware
from webapi_contract.generated import checks as extra
from webapi_contract.generated.patches import PatchBodies
from webapi_contract.generated.pool import ABSENT_ID, EntityPool, addresses_an_entity, id_keys
from webapi_contract.generated.stable import independent_of_imports
from webapi_contract.generated.variants import BODY_MEDIA_TYPES, Variant
from webapi_contract.generated.vendor import EntityApi

__all__ = ["ShardRun", "Tally", "shard_seed"]

CONDITIONAL_HEADERS = ("If-Unmodified-Since", "If-Modified-Since")
FAR_FUTURE = "Fri, 01 Jan 2100 00:00:00 GMT"
FAR_PAST = "Wed, 21 Oct 2015 07:28:00 GMT"
_PLACEHOLDER: dict[str, Any] = {"json-patch": [], "merge-patch": {}, "malformed": []}


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
    ) -> None:
        self.schema = schema
        self.api = api
        self.variant = variant
        self.pool = pool
        self.tag = tag
        self.operation = schema.find_operation_by_id(variant.operation_id)
        self.session = throttle_aware(requests.Session())
        self.session.auth = keep_headers_as_set  # no ~/.netrc or URL-userinfo credentials
        # Credentials go in every request; a session cookie would hide a missing Authorization.
        self.session.cookies.set_policy(DefaultCookiePolicy(allowed_domains=[]))
        self.tally = Tally()
        self.auth_confirmed = False
        self.bodies = PatchBodies(api.entity, api.stamped) if variant.body else None

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
        if operation_id in self.api.by_id:
            self._aim(case, data)
        if operation_id == self.api.create and isinstance(case.body, dict):
            self._own_create(case, data)
        if self.variant.mode is GenerationMode.POSITIVE:
            self._conditions(case, data)

    def _conditions(self, case: Any, data: st.DataObject) -> None:
        """Conditional headers as the docs write them: absent, or an RFC 1123 date."""
        for name in CONDITIONAL_HEADERS:
            if name in (case.headers or {}):
                value = data.draw(st.sampled_from([None, None, FAR_FUTURE, FAR_PAST]), label=name)
                if value is None:
                    del case.headers[name]
                else:
                    case.headers[name] = value

    def _aim(self, case: Any, data: st.DataObject) -> None:
        name = self.api.id_parameter
        current = (case.path_parameters or {}).get(name)
        negative_path = case.meta is not None and case.meta.is_negative_at(ParameterLocation.PATH)
        if negative_path and not addresses_an_entity(current):
            return  # an id no entity can have: safe anywhere
        if self.pool is not None:
            case.path_parameters[name] = data.draw(st.sampled_from(self.pool.choices()), label=name)
        elif self.variant.mutating:
            raise RuntimeError("a mutating generated test ran without entities of its own")
        else:
            case.path_parameters[name] = ABSENT_ID  # read-only: never read others' entities

    def _own_create(self, case: Any, data: st.DataObject) -> None:
        body, key = case.body, self.api.id_property
        if self.variant.mode is GenerationMode.POSITIVE:
            # Valid data on this tenant carries the fields it makes mandatory (test-contact).
            if self.pool is not None:
                body.update(self.pool.client.settings.test_contact)
            owned = self.pool.ids if self.pool is not None else []
            body[key] = data.draw(st.sampled_from([0, *owned]), label=key)
            name = body.get(self.api.name_property)
            body[self.api.name_property] = f"{self.tag} {name if isinstance(name, str) else ''}"
        else:
            for spelled in id_keys(body, key):  # a negative body may still update: never
                wanted = body[spelled]  # someone else's entity, however the id is spelled
                if addresses_an_entity(wanted) and not (self.pool and self.pool.owns(wanted)):
                    body[spelled] = 0

    def checks(self) -> tuple[list[Any], list[Any]]:
        """(checks, additional checks) for the next case."""
        names = list(extra.BUILTIN)
        additional: list[Any] = [
            extra.documented_status_code,
            extra.negative_entity_rejected,
            extra.response_formats,
        ]
        if not self.auth_confirmed:  # until enforcement is confirmed for this operation
            additional.append(extra.ignored_auth_unless_throttled)
        if self.variant.body == "malformed":
            names.remove("positive_data_acceptance")
            additional.append(extra.malformed_patch_refused)
        return extra.builtin(*names), additional

    def execute(self, case: Any) -> None:
        """Send the case, keep the pool in step, and run the checks (raising on failure)."""
        response = case.call(session=self.session)
        status = response.status_code
        self.tally.statuses[status] += 1
        self._follow(case, response)
        checks, additional = self.checks()
        case.validate_response(
            response,
            checks=checks,
            additional_checks=additional,
            transport_kwargs={"session": self.session},
        )
        if (
            200 <= status < 300
            and extra.ignored_auth_unless_throttled in additional
            and case.operation.label not in extra.THROTTLED_AUTH
        ):
            self.auth_confirmed = True

    def _follow(self, case: Any, response: Any) -> None:
        if self.pool is None or not 200 <= response.status_code < 300:
            return
        if self.variant.operation_id == self.api.create:
            with contextlib.suppress(ValueError, AttributeError):
                self.pool.adopt(response.json().get(self.api.id_property))
        elif self.variant.operation_id == self.api.delete:
            self.pool.replace(int(case.path_parameters[self.api.id_parameter]))

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
