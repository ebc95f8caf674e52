"""The pytest side every vendor's generated tests share, registered by the plugin when a suite
is in play: the fixtures, and the parametrisation of `test_generated_cases_conform` over the
vendor's operation variants and shards.

A suite's `test_generated.py` names its entity (`API`), gives its `generated` fixture (entity,
mandatory fields, levels) and imports the tests of `generated.shared_tests`.

Under pytest-xdist the generated tests run first, heaviest first: they are the run's long items,
and one of them started last would leave the other workers idle until it ends.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, TypeVar

import pytest
from schemathesis import GenerationMode

from webapi_contract.client import ApiClient
from webapi_contract.config import Settings
from webapi_contract.generated import harness
from webapi_contract.generated.pool import EntityPool
from webapi_contract.generated.variants import Variant

__all__ = [
    "entity_pool",
    "generated_examples",
    "generated_schemas",
    "generated_seed",
    "heaviest_first",
    "pytest_collection_modifyitems",
    "pytest_generate_tests",
    "weight",
]

Item = TypeVar("Item", bound=pytest.Item)
# A linked sequence test sends about 3 requests per example (examples/2 sequences, up to 6 steps);
# a shard of a variant one per example of its half.
_LINKED_WEIGHT = 12


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


def weight(item: pytest.Item) -> int:
    """How long a generated test runs, roughly, relative to the others: negative cases cost
    more to draw than positive ones, and a body Schemathesis draws for a create or an update
    more than an id or one of our own patch bodies."""
    callspec = getattr(item, "callspec", None)
    variant = callspec.params.get("variant") if callspec is not None else None
    if not isinstance(variant, Variant):
        return _LINKED_WEIGHT
    api = getattr(getattr(item, "module", None), "API", None)
    drawn_body = (
        variant.body is None
        and api is not None
        and variant.operation_id in (api.create, api.update)
    )
    negative = variant.mode is GenerationMode.NEGATIVE
    return (3 if drawn_body else 1) * (2 if negative else 1)


def heaviest_first(items: Sequence[Item]) -> list[Item]:
    """The generated tests first, heaviest first (ties keep their order), then the others in
    their order."""
    generated = [item for item in items if item.get_closest_marker("generated") is not None]
    others = [item for item in items if item.get_closest_marker("generated") is None]
    return sorted(generated, key=lambda item: -weight(item)) + others


@pytest.hookimpl(trylast=True)  # after the suite's own ordering of its clauses
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """On an xdist worker (every worker orders alike), the generated tests first, heaviest first;
    a run without workers keeps the suite's order (its foundations first, for -x)."""
    if getattr(config, "workerinput", None) is not None:
        items[:] = heaviest_first(items)


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
