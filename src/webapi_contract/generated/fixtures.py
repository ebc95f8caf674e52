"""The pytest side every vendor's generated tests share, registered by the plugin when a suite
is in play: the fixtures, and the parametrisation of `test_generated_cases_conform` over the
vendor's operation variants and shards.

A suite's `test_generated.py` names its entity (`API`), gives its `generated` fixture (entity,
mandatory fields, levels) and imports the tests of `generated.shared_tests`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from schemathesis import GenerationMode

from webapi_contract.client import ApiClient
from webapi_contract.config import Settings
from webapi_contract.generated import harness
from webapi_contract.generated.pool import EntityPool

__all__ = [
    "entity_pool",
    "generated_examples",
    "generated_schemas",
    "generated_seed",
    "pytest_generate_tests",
]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """`test_generated_cases_conform` of a suite module: one item per operation variant and
    shard of the module's entity (`API`)."""
    if metafunc.function.__name__ != "test_generated_cases_conform":
        return
    api = getattr(metafunc.module, "API", None)
    if api is None:
        raise pytest.UsageError(
            f"{metafunc.module.__name__}: name the entity of its generated tests (API = …)"
        )
    metafunc.parametrize(("variant", "shard"), harness.cases(api))


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
def generated_schemas(
    contract_settings: Settings, generated: harness.Generated
) -> dict[GenerationMode, Any]:
    """The derived OpenAPI document bound to the target, per mode: closed bodies for valid data,
    open ones for invalid data."""
    return harness.schemas(contract_settings, generated.api)


@pytest.fixture
def entity_pool(
    api: ApiClient,
    contract_settings: Settings,
    generated: harness.Generated,
    run_tag: str,
    request: pytest.FixtureRequest,
) -> Iterator[EntityPool | None]:
    """Entities this test item created, deleted afterwards; under --readonly the ones the user
    named (to read), or None (generated reads then aim at an absent id only)."""
    pools = harness.entity_pools(
        api, contract_settings, generated, f"{run_tag} gen", harness.POOL_SIZE
    )
    yield harness.first_pool(pools, request, contract_settings, generated)
    next(pools, None)
