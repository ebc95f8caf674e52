"""The generated tests every vendor runs, imported by each suite's `test_generated.py`.

The suite module names its entity (`API`) and gives its `generated` fixture; the fixtures the
tests share and their parametrisation over the vendor's operation variants come from
`webapi_contract.generated.fixtures`, which the plugin registers.
"""

from __future__ import annotations

from typing import Any

import pytest
from schemathesis import GenerationMode

from webapi_contract.client import ApiClient
from webapi_contract.config import Settings
from webapi_contract.generated import harness
from webapi_contract.generated.pool import EntityPool
from webapi_contract.generated.variants import Variant

__all__ = ["test_generated_cases_conform", "test_linked_sequences_conform"]


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
    """Generated requests get documented statuses, content types and schema-valid bodies;
    invalid ones the docs say are refused are refused."""
    harness.run_variant(
        generated,
        variant,
        shard,
        generated_schemas,
        generated_examples,
        generated_seed,
        entity_pool,
        contract_settings,
        f"{run_tag} gen",
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
    """Sequences along the OpenAPI links (create, then read, update and delete the new entity)
    conform."""
    harness.run_linked(
        generated,
        generated_examples,
        generated_seed,
        api,
        contract_settings,
        f"{run_tag} linked",
        request,
    )
