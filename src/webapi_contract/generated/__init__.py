"""Generated contract tests: Schemathesis cases from a vendor's derived OpenAPI document, run
safely. Each vendor's suite describes its entity as an `EntityApi`; nothing here names a vendor."""

from __future__ import annotations

from webapi_contract.generated.entity import EntityApi
from webapi_contract.generated.findings import Finding, findings_of
from webapi_contract.generated.loading import load_schema
from webapi_contract.generated.pool import EntityPool, TestDataError
from webapi_contract.generated.repro import describe_failure
from webapi_contract.generated.runner import ShardRun, Tally, shard_seed
from webapi_contract.generated.safe import LiveSafe
from webapi_contract.generated.stable import independent_of_imports
from webapi_contract.generated.stateful import linked_machine
from webapi_contract.generated.variants import Variant, variants

__all__ = [
    "EntityApi",
    "EntityPool",
    "Finding",
    "LiveSafe",
    "ShardRun",
    "Tally",
    "TestDataError",
    "Variant",
    "describe_failure",
    "findings_of",
    "independent_of_imports",
    "linked_machine",
    "load_schema",
    "shard_seed",
    "shard_size",
    "variants",
]


def shard_size(examples: int, shard: int, shards: int) -> int:
    """This shard's share of examples: the total split as evenly as whole numbers allow."""
    return examples // shards + (1 if shard < examples % shards else 0)
