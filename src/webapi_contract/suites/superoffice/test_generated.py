"""Generated contract tests: Schemathesis cases from schemas/openapi.json, checked as answered.

Sharding: Schemathesis' own pytest integration (`schema.parametrize()`) yields one item per
operation with one seed per operation, so four operations keep at most four items and xdist cannot
balance them. Here every operation variant (operation x generation mode x body kind) is split into
SHARDS items; shard k draws its share of the examples from its own seed, derived from the run seed,
the variant and k. Items are independent (each owns its entities), so `-n 2` runs the same cases
with the same outcomes, only on both cores.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Callable, Iterator
from typing import Any, NoReturn

import hypothesis
import pytest
from schemathesis import GenerationMode

from webapi_contract.client import ApiClient, redact_text
from webapi_contract.config import Settings
from webapi_contract.contract import MUST, SHOULD
from webapi_contract.generated import (
    SUPEROFFICE_CONTACT,
    EntityPool,
    Finding,
    LiveSafe,
    ShardRun,
    TestDataError,
    Variant,
    describe_failure,
    findings_of,
    independent_of_imports,
    linked_machine,
    load_schema,
    shard_seed,
    shard_size,
    variants,
)
from webapi_contract.generated.pool import ABSENT_ID

# Counted as generated cases (not clauses) in the conformance report.
pytestmark = pytest.mark.generated

API = SUPEROFFICE_CONTACT
SHARDS = 2
POOL_SIZE = 3
STATEFUL_STEPS = 6
# The user properties the reports read: the findings of an item (a JSON list, empty when it
# passed), and the heaviest level among them when it failed.
FINDINGS = "webapi_findings"
LEVEL = "webapi_level"


class LeftBehindWarning(UserWarning):
    """The generated tests could not delete contacts they created."""


def _param(variant: Variant, shard: int) -> Any:
    marks = [pytest.mark.mutating] if variant.mutating else []
    return pytest.param(variant, shard, id=f"{variant.name}-{shard + 1}of{SHARDS}", marks=marks)


CASES = [_param(variant, shard) for variant in variants(API) for shard in range(SHARDS)]


@pytest.fixture(scope="session")
def generated_examples(contract_settings: Settings) -> int:
    """Examples per operation variant (the generated-examples setting)."""
    return contract_settings.generated_examples


@pytest.fixture(scope="session")
def generated_seed(pytestconfig: pytest.Config) -> int:
    """The run seed: --hypothesis-seed when given, else 0, so CI draws the same cases every run."""
    given = pytestconfig.getoption("hypothesis_seed", None)
    return int(given) if given not in (None, "") else 0


@pytest.fixture(scope="session")
def generated_schemas(contract_settings: Settings) -> dict[GenerationMode, Any]:
    """The derived OpenAPI document bound to the target, per mode: closed bodies for valid data,
    open ones for invalid data."""
    return {
        GenerationMode.POSITIVE: load_schema(contract_settings, API, closed=True),
        GenerationMode.NEGATIVE: load_schema(contract_settings, API, closed=False),
    }


class NamedContacts(EntityPool):
    """Under --readonly: the contacts the user named (--readonly-contact-id) and the absent id,
    for generated reads only. Nothing is ever created, adopted, replaced or deleted."""

    def __init__(self, client: ApiClient, ids: tuple[int, ...]) -> None:
        super().__init__(client, API, "read-only")
        self.ids = list(ids)
        self.missing = ABSENT_ID

    def create(self, label: str) -> int:
        raise RuntimeError(f"harness bug: a read-only generated test tried to create {label!r}")

    def adopt(self, entity_id: Any) -> None:
        raise RuntimeError(f"harness bug: a read-only generated test created {entity_id!r}")

    def replace(self, entity_id: int) -> None:
        raise RuntimeError(f"harness bug: a read-only generated test deleted {entity_id!r}")


def _pool(api: ApiClient, settings: Settings, tag: str, size: int) -> Iterator[EntityPool | None]:
    if settings.readonly:
        taken = api.get(API.path_of(ABSENT_ID))
        if taken.status != 404:
            pytest.skip(
                f"read-only generated cases aim at id {ABSENT_ID}, which must not exist, but "
                f"GET answered {taken.status}; they never read entities nobody named"
            )
        ids = settings.readonly_contact_ids
        yield NamedContacts(api, ids) if ids else None
        return
    pool = EntityPool(api, API, tag)
    try:
        pool.fill(size)
        yield pool
    finally:
        left = pool.clear()
        if left:
            warnings.warn(LeftBehindWarning(f"could not delete contacts: {left}"), stacklevel=1)


def _live_safe(settings: Settings) -> LiveSafe | None:
    """What valid cases may send when the target is a live tenant; None for the embedded mock,
    where every valid request is fair game."""
    if settings.embedded:
        return None
    return LiveSafe(API, settings.test_contact, settings.app_token)


def _record(node: pytest.Item, findings: list[Finding], settings: Settings, failed: bool) -> None:
    """The item's findings as one `webapi_findings` property (secrets masked), and its level
    when it failed: must when any must failure is among them, else should."""
    secrets = settings.secrets()
    records = [
        {
            **finding.record(MUST, SHOULD),
            "message": redact_text(finding.message, secrets),
            "curl": redact_text(finding.curl, secrets),
        }
        for finding in findings
    ]
    node.user_properties.append((FINDINGS, json.dumps(records)))
    if failed:
        must = not findings or any(f.documented for f in findings)
        node.user_properties.append((LEVEL, MUST if must else SHOULD))


def _test_data_failed(
    request: pytest.FixtureRequest, error: TestDataError, settings: Settings
) -> NoReturn:
    """The item cannot run: one line, recorded as its finding."""
    line = str(error).splitlines()[0]
    finding = Finding("test_data", True, f"POST /{API.create_path}", None, "", line, "")
    _record(request.node, [finding], settings, failed=True)
    pytest.fail(line, pytrace=False)


@pytest.fixture
def entity_pool(
    api: ApiClient, contract_settings: Settings, run_tag: str, request: pytest.FixtureRequest
) -> Iterator[EntityPool | None]:
    """Contacts this test item created, deleted afterwards; under --readonly the contacts the
    user named (to read), or None (generated reads then aim at an absent id only)."""
    pools = _pool(api, contract_settings, f"{run_tag} generated", POOL_SIZE)
    yield _first(pools, request, contract_settings)
    next(pools, None)


def _first(
    pools: Iterator[EntityPool | None], request: pytest.FixtureRequest, settings: Settings
) -> EntityPool | None:
    """The pool _pool yields; when its contacts cannot be created, the item fails in one line."""
    try:
        return next(pools)
    except TestDataError as error:
        problem = error
    _test_data_failed(request, problem, settings)


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
) -> str | None:
    """None when run passes; else the redacted report of the (shrunk) failing case. Either way
    the item's findings are recorded."""
    try:
        run()
    except (Exception, BaseExceptionGroup) as error:
        findings = findings_of(error, operation)
        _record(request.node, findings, settings, failed=True)
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
    _record(request.node, [], settings, failed=False)
    return None


@pytest.mark.parametrize(("variant", "shard"), CASES)
def test_generated_cases_conform(
    variant: Variant,
    shard: int,
    generated_schemas: dict[GenerationMode, Any],
    generated_examples: int,
    generated_seed: int,
    entity_pool: EntityPool | None,
    contract_settings: Settings,
    run_tag: str,
    request: pytest.FixtureRequest,
) -> None:
    """Generated requests get documented statuses, content types and schema-valid bodies."""
    if contract_settings.readonly and variant.mutating:
        pytest.fail("harness bug: a generated test that writes ran under --readonly")
    examples = shard_size(generated_examples, shard, SHARDS)
    if examples == 0:
        pytest.skip(f"{generated_examples} example(s) leave nothing for shard {shard + 1}")
    schema = generated_schemas[variant.mode]
    safe = _live_safe(contract_settings)
    run = ShardRun(
        schema, API, variant, entity_pool, f"{run_tag} generated", safe, settings=contract_settings
    )
    try:
        failure = _failure_of(
            lambda: run.run(shard_seed(generated_seed, variant.name, shard), examples),
            f"{variant.name}, shard {shard + 1} of {SHARDS}",
            generated_seed,
            request,
            contract_settings,
            run.operation.label,
        )
    finally:
        request.node.user_properties.append(("generated_statuses", dict(run.tally.statuses)))
    if failure:
        pytest.fail(failure, pytrace=False)


@pytest.mark.mutating
def test_linked_sequences_conform(
    generated_examples: int,
    generated_seed: int,
    api: ApiClient,
    contract_settings: Settings,
    run_tag: str,
    request: pytest.FixtureRequest,
) -> None:
    """Sequences along the OpenAPI links (Save, then GET/PATCH/DELETE of the new id) conform."""
    pools = _pool(api, contract_settings, f"{run_tag} linked", 0)
    pool = _first(pools, request, contract_settings)
    assert pool is not None
    schema = load_schema(contract_settings, API)  # its own hooks: a fresh schema
    machine = linked_machine(
        schema, API, pool, _live_safe(contract_settings), settings=contract_settings
    )
    settings = hypothesis.settings(
        max_examples=max(1, generated_examples // 2),
        stateful_step_count=STATEFUL_STEPS,
        deadline=None,
        database=None,
        derandomize=False,
        print_blob=False,
        suppress_health_check=list(hypothesis.HealthCheck),
    )
    machine = hypothesis.seed(shard_seed(generated_seed, "linked", 0))(machine)
    try:
        failure = _failure_of(
            lambda: _run_machine(machine, settings),
            "linked sequence",
            generated_seed,
            request,
            contract_settings,
            "linked sequence",
        )
    finally:
        next(pools, None)
    if failure:
        pytest.fail(failure, pytrace=False)
