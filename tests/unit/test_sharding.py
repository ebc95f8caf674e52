"""`--shard I/N`: the N shards of a run cover every selected test once, clause by clause."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

import pytest

from webapi_contract import sharding
from webapi_contract.config import ConfigError, resolve, resolve_values
from webapi_contract.config.values import as_shard


@dataclass(frozen=True)
class FakeItem:
    nodeid: str
    keywords: frozenset[str] = field(default_factory=frozenset)


def _items() -> list[FakeItem]:
    items = [
        FakeItem(f"suite/test_{area}.py::test_{name}[{case}]")
        for area in ("read", "save")
        for name in ("a", "b", "c")
        for case in range(3)
    ]
    items += [FakeItem(f"suite/test_x.py::test_single_{n}") for n in range(5)]
    items += [
        FakeItem(
            f"suite/test_generated.py::test_cases[Op{n}-positive-1of2]", frozenset({"generated"})
        )
        for n in range(4)
    ]
    return items


@pytest.mark.parametrize("total", [1, 2, 3, 4, 7, 40])
def test_shards_cover_every_test_once(total):
    items = _items()
    shards = [sharding.select(items, index, total)[0] for index in range(1, total + 1)]
    every = [item.nodeid for shard in shards for item in shard]
    assert sorted(every) == sorted(item.nodeid for item in items)
    for index in range(1, total + 1):
        kept, dropped = sharding.select(items, index, total)
        assert {i.nodeid for i in kept}.isdisjoint({i.nodeid for i in dropped})
        assert len(kept) + len(dropped) == len(items)


def test_a_clause_stays_in_one_shard_and_generated_tests_are_units():
    items = _items()
    placed = {}
    for index in (1, 2, 3):
        for item in sharding.select(items, index, 3)[0]:
            placed[item.nodeid] = index
    by_clause: dict[str, set[int]] = {}
    for nodeid, index in placed.items():
        by_clause.setdefault(nodeid.split("[", 1)[0], set()).add(index)
    clauses = {k: v for k, v in by_clause.items() if "generated" not in k}
    assert all(len(shards) == 1 for shards in clauses.values()), clauses
    generated = {n: i for n, i in placed.items() if "generated" in n}
    assert len(set(generated.values())) > 1  # generated slices spread over shards


def test_the_split_ignores_collection_order():
    items = _items()
    shuffled = list(items)
    random.Random(7).shuffle(shuffled)
    for index in (1, 2, 3):
        first = {i.nodeid for i in sharding.select(items, index, 3)[0]}
        second = {i.nodeid for i in sharding.select(shuffled, index, 3)[0]}
        assert first == second


def test_the_split_is_balanced():
    weights = {f"u{n}": (n % 5) + 1 for n in range(50)}
    for total in (2, 3, 4):
        placed = sharding.assign(weights, total)
        loads = [sum(w for u, w in weights.items() if placed[u] == i) for i in range(1, total + 1)]
        assert max(loads) - min(loads) <= max(weights.values()), loads


@pytest.mark.parametrize("text", ["2/3", " 1/1 ", "3/3"])
def test_shard_reads_i_of_n(text):
    index, total = as_shard("shard", text)
    assert 1 <= index <= total


@pytest.mark.parametrize("text", ["0/3", "4/3", "3", "a/b", "1/0", "-1/2", "1/1001", "1/2/3", ""])
def test_a_bad_shard_is_a_clear_error(text):
    with pytest.raises(ConfigError, match="shard"):
        as_shard("shard", text)


def test_a_sharded_run_needs_one_run_id():
    with pytest.raises(ConfigError, match="run-id"):
        resolve({"shard": "1/2"}, environ={})
    settings = resolve({"shard": "1/2"}, environ={"GITHUB_RUN_ID": "991"})
    assert settings.run_stamp() == {"id": "991", "shard": {"index": 1, "total": 2}}
    assert resolve({"shard": "1/2", "run_id": "r-7"}, environ={}).run_id == "r-7"


def test_an_unsharded_run_gets_a_fresh_run_id_once():
    settings = resolve({}, environ={})
    assert settings.run_id is None
    identified = settings.identified()
    assert identified.run_id
    assert identified.identified().run_id == identified.run_id
    assert identified.run_stamp() == {"id": identified.run_id, "shard": None}


@pytest.mark.parametrize("name", ["<script>", "a" * 101, "-x", "tab\there"])
def test_a_bad_target_name_is_refused(name):
    with pytest.raises(ConfigError, match="target-name"):
        resolve_values({"target_name": name}, environ={})


def test_the_summary_names_the_shard_and_the_target():
    from webapi_contract.reports import could_not_run, render_summary
    from webapi_contract.reports.publish import stamped

    target = {"key": "customer 12", "url": "https://t.example/api/v1", "label": "x"}
    data = stamped(
        could_not_run(target=target, started="2026-12-01T00:00:00Z", problem="p"),
        {"id": "r9", "shard": {"index": 2, "total": 3}},
    )
    summary = render_summary(data)
    assert "shard     2/3 of run r9" in summary
    assert "named customer 12" in summary
    unsharded = render_summary(stamped(data, {"id": "r9", "shard": None}))
    assert "shard " not in unsharded
