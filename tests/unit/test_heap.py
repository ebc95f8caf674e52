"""The heap a suite run has loaded is frozen after collection and given back when it ends."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from webapi_contract import heap

DURING = """
import gc
from pathlib import Path

def test_during():
    Path("count.txt").write_text(str(gc.get_freeze_count()))
"""


@pytest.fixture
def unfrozen() -> Iterator[None]:
    gc.unfreeze()
    yield
    gc.unfreeze()


def _count_during(pytester: pytest.Pytester) -> int:
    return int((pytester.path / "count.txt").read_text())


def test_freeze_loaded_freezes_and_thaw_gives_back(unfrozen: None) -> None:
    assert heap.freeze_loaded() is True
    assert gc.get_freeze_count() > 1000
    heap.thaw()
    assert gc.get_freeze_count() == 0


def test_what_another_froze_is_left_as_it_is(unfrozen: None) -> None:
    gc.freeze()
    before = gc.get_freeze_count()
    assert heap.freeze_loaded() is False
    assert gc.get_freeze_count() == before


def test_a_suite_session_runs_frozen_and_leaves_nothing_frozen(
    pytester: pytest.Pytester, unfrozen: None
) -> None:
    pytester.makepyfile(test_x=DURING)
    # a setting given: the session runs a contract suite (no server needed by this test)
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", "--webapi-readonly")
    result.assert_outcomes(passed=1)
    assert _count_during(pytester) > 1000
    assert gc.get_freeze_count() == 0  # an in-process session leaves no frozen garbage behind


def test_a_session_without_a_suite_freezes_nothing(
    pytester: pytest.Pytester, unfrozen: None
) -> None:
    pytester.makepyfile(test_x=DURING)
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
    assert _count_during(pytester) == 0


def test_a_heap_frozen_before_the_session_stays_frozen(
    pytester: pytest.Pytester, unfrozen: None
) -> None:
    pytester.makepyfile(test_x=DURING)
    gc.freeze()  # as selfcheck's fork server does before it forks a run
    before = gc.get_freeze_count()
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", "--webapi-readonly")
    result.assert_outcomes(passed=1)
    assert _count_during(pytester) <= before  # nothing added by the session
    assert gc.get_freeze_count() > before // 2  # not thawed (objects freed since have left it)
