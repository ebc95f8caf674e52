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


DROPPED_IN_A_CYCLE = """
import weakref
from pathlib import Path


class Node:
    pass


HOLDER = {{"kept": Node()}}  # alive when collection ends: frozen
HOLDER["kept"].me = HOLDER["kept"]  # a cycle: only the cyclic collector frees it
weakref.finalize(HOLDER["kept"], Path({mark!r}).write_text, "finalized")


def test_drops_it():
    HOLDER.clear()
"""

# The last pytest_unconfigure of the session notes whether the finalizer has run by then.
LAST_LOOK = """
from pathlib import Path

import pytest


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config):
    Path({seen!r}).write_text(str(Path({mark!r}).is_file()))
"""


def _count_during(pytester: pytest.Pytester) -> int:
    return int((pytester.path / "count.txt").read_text())


def test_freeze_loaded_freezes_and_thaw_gives_back(unfrozen: None) -> None:
    assert heap.freeze_loaded() is True
    assert gc.get_freeze_count() > 1000
    heap.thaw()
    assert gc.get_freeze_count() == 0


def test_what_another_froze_is_left_as_it_is(unfrozen: None) -> None:
    frozen = [object()]  # alive before that freeze: frozen by it
    gc.freeze()
    before = gc.get_freeze_count()
    probe = [object()]  # alive, made after that freeze: a second freeze would take it too
    assert heap.freeze_loaded() is False
    # not more frozen (fewer, when another thread of this process drops a frozen object)
    assert gc.get_freeze_count() <= before
    seen = gc.get_objects()  # what the collector sees: not what is frozen
    assert any(o is probe for o in seen), "freeze_loaded froze again"
    assert not any(o is frozen for o in seen), "freeze_loaded gave back what another froze"


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


def test_what_was_frozen_and_dropped_is_finalized_by_the_end_of_the_session(
    pytester: pytest.Pytester,
) -> None:
    mark, seen = pytester.path / "finalized.txt", pytester.path / "seen.txt"
    pytester.makepyfile(test_x=DROPPED_IN_A_CYCLE.format(mark=str(mark)))
    pytester.makeconftest(LAST_LOOK.format(seen=str(seen), mark=str(mark)))
    # a process of its own: pytest collects garbage at the end of a session there (not in-process)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--webapi-readonly")
    result.assert_outcomes(passed=1)
    # thawed before pytest's last collection: the finalizer ran inside the session
    assert seen.read_text() == "True"
