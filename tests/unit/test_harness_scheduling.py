"""The harness's own xdist scheduling (tests/support/scheduling.py): which tests share a worker."""

from __future__ import annotations

from pathlib import Path

from support.scheduling import ONE_WORKER_MODULES, scope_of

ROOT = Path(__file__).resolve().parents[2]


def test_every_module_named_to_run_on_one_worker_exists():
    """A renamed module would silently lose its grouping (and build its fixture per worker)."""
    missing = [module for module in ONE_WORKER_MODULES if not (ROOT / module).is_file()]
    assert missing == []


def test_the_tests_of_a_named_module_share_its_scope_and_others_have_none():
    wheel = "tests/integration/test_wheel_install.py"
    assert wheel in ONE_WORKER_MODULES
    assert scope_of(f"{wheel}::test_installed_tool_prints_its_version") == wheel
    assert scope_of(f"{wheel}::test_a[param::with::colons]") == wheel
    assert scope_of("tests/integration/test_plugin.py::test_reads") is None
    assert scope_of("tests/unit/test_wheel_install.py::test_x") is None  # the path, not the name
    assert scope_of("a.py::test_b", modules=("a.py",)) == "a.py"
