"""Generated contract tests: Schemathesis cases from schemas/openapi.json, checked as answered.

Every operation variant (operation x generation mode x body kind) is split into shards, each
drawing its share of the examples from its own seed (generated/harness.py); items are independent
(each owns its contacts), so `-n 2` runs the same cases with the same outcomes.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from schemathesis import GenerationMode

from webapi_contract.client import ApiClient
from webapi_contract.config import Settings
from webapi_contract.contract import MUST, SHOULD
from webapi_contract.generated import EntityPool, Variant, harness
from webapi_contract.suites.superoffice.entity_api import SUPEROFFICE_CONTACT

# Counted as generated cases (not clauses) in the conformance report.
pytestmark = pytest.mark.generated

API = SUPEROFFICE_CONTACT
LEVELS = harness.Levels(MUST, SHOULD)
POOL_SIZE = harness.POOL_SIZE
CASES = harness.cases(API)


@pytest.fixture(scope="session")
def generated(contract_settings: Settings) -> harness.Generated:
    """The contact, the fields every contact the run creates carries (test-contact), levels."""
    return harness.Generated(API, LEVELS, dict(contract_settings.test_contact))


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
    return harness.schemas(contract_settings, API)


@pytest.fixture
def entity_pool(
    api: ApiClient,
    contract_settings: Settings,
    generated: harness.Generated,
    run_tag: str,
    request: pytest.FixtureRequest,
) -> Iterator[EntityPool | None]:
    """Contacts this test item created, deleted afterwards; under --readonly the contacts the
    user named (to read), or None (generated reads then aim at an absent id only)."""
    tag = f"{run_tag} generated"
    pools = harness.entity_pools(api, contract_settings, generated, tag, POOL_SIZE)
    yield harness.first_pool(pools, request, contract_settings, generated)
    next(pools, None)


@pytest.mark.parametrize(("variant", "shard"), CASES)
def test_generated_cases_conform(
    variant: Variant,
    shard: int,
    generated: harness.Generated,
    generated_schemas: dict[GenerationMode, Any],
    generated_examples: int,
    generated_seed: int,
    entity_pool: EntityPool | None,
    contract_settings: Settings,
    run_tag: str,
    request: pytest.FixtureRequest,
) -> None:
    """Generated requests get documented statuses, content types and schema-valid bodies."""
    harness.run_variant(
        generated,
        variant,
        shard,
        generated_schemas,
        generated_examples,
        generated_seed,
        entity_pool,
        contract_settings,
        f"{run_tag} generated",
        request,
    )


@pytest.mark.mutating
def test_linked_sequences_conform(
    generated: harness.Generated,
    generated_examples: int,
    generated_seed: int,
    api: ApiClient,
    contract_settings: Settings,
    run_tag: str,
    request: pytest.FixtureRequest,
) -> None:
    """Sequences along the OpenAPI links (Save, then GET/PATCH/DELETE of the new id) conform."""
    harness.run_linked(
        generated,
        generated_examples,
        generated_seed,
        api,
        contract_settings,
        f"{run_tag} linked",
        request,
    )
