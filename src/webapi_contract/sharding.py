"""`--shard I/N`: a deterministic split of a run's tests into N parts that cover it once.

The unit of the split is what a verdict is made of: every case of a clause (a test function and
its parameters) stays in one shard, so each shard judges whole clauses; each generated test
(one operation, mode and slice) is a unit of its own. Units are dealt out heaviest first to the
lightest shard (ties: the lower index, then the unit's name), so the split depends only on the
selected tests, never on the machine, the time or the order of collection, and every shard of a
run computes the same split.
"""

from __future__ import annotations

import heapq
from collections.abc import Container, Sequence
from typing import Protocol, TypeVar

__all__ = ["GENERATED_WEIGHT", "assign", "select", "unit_of"]

# A generated test sends many requests (examples × variants); a clause's case a few.
GENERATED_WEIGHT = 8


class _Item(Protocol):
    @property
    def nodeid(self) -> str: ...

    @property
    def keywords(self) -> Container[str]: ...


Item = TypeVar("Item", bound=_Item)


def _generated(item: _Item) -> bool:
    return "generated" in item.keywords


def unit_of(item: _Item) -> str:
    """The unit an item is dealt out with: its clause (nodeid without parameters), or the
    generated test itself."""
    return item.nodeid if _generated(item) else item.nodeid.split("[", 1)[0]


def assign(weights: dict[str, int], total: int) -> dict[str, int]:
    """Unit -> shard index (1..total): heaviest unit first, to the lightest shard."""
    heap = [(0, index) for index in range(1, total + 1)]
    placed: dict[str, int] = {}
    for unit in sorted(weights, key=lambda u: (-weights[u], u)):
        load, index = heapq.heappop(heap)
        placed[unit] = index
        heapq.heappush(heap, (load + weights[unit], index))
    return placed


def select(items: Sequence[Item], index: int, total: int) -> tuple[list[Item], list[Item]]:
    """The items of shard `index` of `total`, and the others."""
    weights: dict[str, int] = {}
    for item in items:
        unit = unit_of(item)
        weights[unit] = weights.get(unit, 0) + (GENERATED_WEIGHT if _generated(item) else 1)
    placed = assign(weights, total)
    kept = [item for item in items if placed[unit_of(item)] == index]
    dropped = [item for item in items if placed[unit_of(item)] != index]
    return kept, dropped
