"""The harness's xdist scheduler in a real `-n 2 --dist loadgroup` session: a named module's tests
all run on one worker."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_a_named_module_runs_whole_on_one_worker(pytester):
    pytester.makeconftest(
        f"""
import sys
sys.path.insert(0, {str(TESTS)!r})
from support.scheduling import ModuleGroups


def pytest_xdist_make_scheduler(config, log):
    return ModuleGroups(config, log, modules=("test_shared.py",))
"""
    )
    slow = "import time\n\n" + "".join(
        f"def test_{i}():\n    time.sleep(0.2)\n\n\n" for i in range(6)
    )
    pytester.makepyfile(test_shared=slow, test_free=slow)
    # only xdist is needed: the other plugins' start-up (Schemathesis, ours) would triple the cost
    unneeded = ("webapi_contract", "schemathesis", "hypothesispytest", "allure_pytest", "anyio")
    off = [arg for name in unneeded for arg in ("-p", f"no:{name}")]
    result = pytester.runpytest_subprocess("-n", "2", "--dist", "loadgroup", "-v", *off)
    result.assert_outcomes(passed=12)
    ran = re.findall(r"\[(gw\d)\] .*PASSED (test_\w+)\.py::", result.stdout.str())
    assert len(ran) == 12, result.stdout.str()
    assert len({worker for worker, module in ran if module == "test_shared"}) == 1, ran
