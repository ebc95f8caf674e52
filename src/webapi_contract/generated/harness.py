"""The pytest side of the generated tests, shared by every vendor's `test_generated.py`.

Sharding: Schemathesis' own pytest integration (`schema.parametrize()`) yields one item per
operation with one seed per operation, so a few operations keep a few items and xdist cannot
balance them. Here every operation variant (operation x generation mode x body kind) is split into
SHARDS items; shard k draws its share of the examples from its own seed, derived from the run seed,
the variant and k. Items are independent (each owns its entities), so `-n 2` runs the same cases
with the same outcomes, only on both cores.

The levels' spellings (must, should) are the suite's (`webapi_contract.contract`), passed in as
`Levels`: this layer does not import the clause machinery.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, NoReturn

import hypothesis
import pytest
from schemathesis import GenerationMode

from webapi_contract.client import ApiClient, redact_text
from webapi_contract.config import Settings
from webapi_contract.generated import shard_size
from webapi_contract.generated.entity import EntityApi
from webapi_contract.generated.findings import Finding, findings_of
from webapi_contract.generated.loading import load_schema
from webapi_contract.generated.pool import EntityPool, TestDataError
from webapi_contract.generated.repro import describe_failure
from webapi_contract.generated.runner import ShardRun, shard_seed
from webapi_contract.generated.safe import LiveSafe
from webapi_contract.generated.stable import independent_of_imports
from webapi_contract.generated.stateful import linked_machine
from webapi_contract.generated.variants import Variant, variants

__all__ = [
    "FINDINGS",
    "LEVEL",
    "SHARDS",
    "Generated",
    "LeftBehindWarning",
    "Levels",
    "NamedEntities",
    "cases",
    "entity_pools",
    "first_pool",
    "live_safe",
    "run_linked",
    "run_variant",
    "schemas",
]

SHARDS = 2
POOL_SIZE = 3
STATEFUL_STEPS = 6
# The user properties the reports read: the findings of an item (a JSON list, empty when it
# passed), and the heaviest level among them when it failed.
FINDINGS = "webapi_findings"
LEVEL = "webapi_level"


@dataclass(frozen=True)
class Levels:
    """How the suite spells a documented failure (must) and good practice (should)."""

    must: str
    should: str


@dataclass(frozen=True)
class Generated:
    """What one vendor's generated tests run: its entity, its mandatory fields, its levels."""

    api: EntityApi
    levels: Levels
    mandatory: Mapping[str, Any]


class LeftBehindWarning(UserWarning):
    """The generated tests could not delete entities they created."""


def _param(variant: Variant, shard: int) -> Any:
    marks = [pytest.mark.mutating] if variant.mutating else []
    return pytest.param(variant, shard, id=f"{variant.name}-{shard + 1}of{SHARDS}", marks=marks)


def cases(api: EntityApi) -> list[Any]:
    """The parameters of the per-variant test: every variant, SHARDS times."""
    return [_param(variant, shard) for variant in variants(api) for shard in range(SHARDS)]


def schemas(settings: Settings, api: EntityApi) -> dict[GenerationMode, Any]:
    """The derived OpenAPI document bound to the target, per mode: closed bodies for valid data,
    open ones for invalid data."""
    return {
        GenerationMode.POSITIVE: load_schema(settings, api, closed=True),
        GenerationMode.NEGATIVE: load_schema(settings, api, closed=False),
    }


class NamedEntities(EntityPool):
    """Under --readonly: the entities the user named (--readonly-contact-id) and the absent id,
    for generated reads only. Nothing is ever created, adopted, replaced or deleted."""

    def __init__(self, client: ApiClient, api: EntityApi, ids: list[Any]) -> None:
        super().__init__(client, api, "read-only", {})
        self.ids = list(ids)
        self.missing = api.absent_id

    def create(self, label: str) -> Any:
        raise RuntimeError(f"harness bug: a read-only generated test tried to create {label!r}")

    def adopt(self, entity_id: Any) -> None:
        raise RuntimeError(f"harness bug: a read-only generated test created {entity_id!r}")

    def replace(self, entity_id: Any) -> None:
        raise RuntimeError(f"harness bug: a read-only generated test deleted {entity_id!r}")


def entity_pools(
    client: ApiClient, settings: Settings, run: Generated, tag: str, size: int
) -> Iterator[EntityPool | None]:
    """Yields the entities of one item (deleted afterwards); under --readonly the entities the
    user named (to read), or None (generated reads then aim at an absent id only)."""
    api = run.api
    if settings.readonly:
        taken = client.get(api.path_of(api.absent_id))
        if taken.status != 404:
            pytest.skip(
                f"read-only generated cases aim at id {api.absent_id}, which must not exist, but "
                f"GET answered {taken.status}; they never read entities nobody named"
            )
        named = [api.key(value) for value in settings.readonly_contact_ids]
        ids = [key for key in named if key is not None]
        yield NamedEntities(client, api, ids) if ids else None
        return
    pool = EntityPool(client, api, tag, run.mandatory)
    try:
        pool.fill(size)
        yield pool
    finally:
        left = pool.clear()
        if left:
            warnings.warn(LeftBehindWarning(f"could not delete entities: {left}"), stacklevel=1)


def live_safe(settings: Settings, run: Generated) -> LiveSafe | None:
    """What valid cases may send when the target is a live tenant; None for the embedded mock,
    where every valid request is fair game."""
    if settings.embedded:
        return None
    return LiveSafe(run.api, run.mandatory, settings.app_token)


def _record(
    node: pytest.Item, findings: list[Finding], settings: Settings, levels: Levels, failed: bool
) -> None:
    """The item's findings as one `webapi_findings` property (secrets masked), and its level
    when it failed: must when any must failure is among them, else should."""
    secrets = settings.secrets()
    records = [
        {
            **finding.record(levels.must, levels.should),
            "message": redact_text(finding.message, secrets),
            "curl": redact_text(finding.curl, secrets),
        }
        for finding in findings
    ]
    node.user_properties.append((FINDINGS, json.dumps(records)))
    if failed:
        must = not findings or any(f.documented for f in findings)
        node.user_properties.append((LEVEL, levels.must if must else levels.should))


def _test_data_failed(
    request: pytest.FixtureRequest, error: TestDataError, settings: Settings, run: Generated
) -> NoReturn:
    """The item cannot run: one line, recorded as its finding."""
    line = str(error).splitlines()[0]
    finding = Finding("test_data", True, f"POST /{run.api.create_path}", None, "", line, "")
    _record(request.node, [finding], settings, run.levels, failed=True)
    pytest.fail(line, pytrace=False)


def first_pool(
    pools: Iterator[EntityPool | None],
    request: pytest.FixtureRequest,
    settings: Settings,
    run: Generated,
) -> EntityPool | None:
    """The pool entity_pools yields; when its entities cannot be created, the item fails in
    one line."""
    try:
        return next(pools)
    except TestDataError as error:
        problem = error
    _test_data_failed(request, problem, settings, run)


def _run_machine(machine: Any, settings: hypothesis.settings) -> None:
    with independent_of_imports():
        machine.run(settings=settings)


def _failure_of(
    run: Callable[[], None],
    title: str,
    seed: int,
    request: pytest.FixtureRequest,
    settings: Settings,
    operation: str,
    levels: Levels,
) -> str | None:
    """None when run passes; else the redacted report of the (shrunk) failing case. Either way
    the item's findings are recorded."""
    try:
        run()
    except (Exception, BaseExceptionGroup) as error:
        findings = findings_of(error, operation)
        _record(request.node, findings, settings, levels, failed=True)
        rerun = f"pytest '{request.node.nodeid}' --hypothesis-seed={seed}"
        must = any(f.documented for f in findings) or not findings
        level = (
            "Level: must (the vendor's pages promise what failed)"
            if must
            else "Level: should (good practice the vendor's pages do not promise)"
        )
        return describe_failure(
            error, title=title, seed=seed, rerun=rerun, secrets=settings.secrets(), level=level
        )
    _record(request.node, [], settings, levels, failed=False)
    return None


def run_variant(
    run: Generated,
    variant: Variant,
    shard: int,
    schema_of: Mapping[GenerationMode, Any],
    examples_in_all: int,
    seed: int,
    pool: EntityPool | None,
    settings: Settings,
    tag: str,
    request: pytest.FixtureRequest,
) -> None:
    """One shard of one variant: its cases drawn, sent and checked; fails the item readably."""
    if settings.readonly and variant.mutating:
        pytest.fail("harness bug: a generated test that writes ran under --readonly")
    examples = shard_size(examples_in_all, shard, SHARDS)
    if examples == 0:
        pytest.skip(f"{examples_in_all} example(s) leave nothing for shard {shard + 1}")
    schema = schema_of[variant.mode]
    shard_run = ShardRun(
        schema, run.api, variant, pool, tag, live_safe(settings, run), settings=settings
    )
    try:
        failure = _failure_of(
            lambda: shard_run.run(shard_seed(seed, variant.name, shard), examples),
            f"{variant.name}, shard {shard + 1} of {SHARDS}",
            seed,
            request,
            settings,
            shard_run.operation.label,
            run.levels,
        )
    finally:
        request.node.user_properties.append(("generated_statuses", dict(shard_run.tally.statuses)))
    if failure:
        pytest.fail(failure, pytrace=False)


def run_linked(
    run: Generated,
    examples: int,
    seed: int,
    client: ApiClient,
    settings: Settings,
    tag: str,
    request: pytest.FixtureRequest,
) -> None:
    """Sequences along the OpenAPI links (create, then read, update and delete the new id)."""
    pools = entity_pools(client, settings, run, tag, 0)
    pool = first_pool(pools, request, settings, run)
    assert pool is not None
    schema = load_schema(settings, run.api)  # its own hooks: a fresh schema
    machine = linked_machine(schema, run.api, pool, live_safe(settings, run), settings=settings)
    hypothesis_settings = hypothesis.settings(
        max_examples=max(1, examples // 2),
        stateful_step_count=STATEFUL_STEPS,
        deadline=None,
        database=None,
        derandomize=False,
        print_blob=False,
        suppress_health_check=list(hypothesis.HealthCheck),
    )
    machine = hypothesis.seed(shard_seed(seed, "linked", 0))(machine)
    try:
        failure = _failure_of(
            lambda: _run_machine(machine, hypothesis_settings),
            "linked sequence",
            seed,
            request,
            settings,
            "linked sequence",
            run.levels,
        )
    finally:
        next(pools, None)
    if failure:
        pytest.fail(failure, pytrace=False)
