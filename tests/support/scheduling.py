"""How `make test` spreads the harness's tests over xdist workers (`-n 4 --dist loadgroup`).

Every test is a work unit of its own, but for the modules named in ONE_WORKER_MODULES: their tests
share an expensive module-scoped fixture (the installed wheel, the main job's run, a real JUnit
file), so each of those modules runs whole on one worker and builds its fixture once.

xdist's own grouping (`xdist_group` marks, which it turns into a `@group` suffix of the node id)
does nothing under pytest 9.2: the node id became structured and xdist's rewrite of it no longer
takes effect (pytest-dev/pytest-xdist#1386), so every worker that got one of a module's tests built
its fixture again (the wheel three times). The modules are named here instead; a node id with a
`@group` suffix is still grouped by it, should xdist's marks work again.
"""

from __future__ import annotations

from typing import Any

from xdist.scheduler import LoadGroupScheduling

ONE_WORKER_MODULES = (
    "tests/integration/test_wheel_install.py",  # builds the wheel and installs it into a venv
    "tests/integration/test_run_command.py",  # one `webapi-contract run`, read by several tests
    "tests/integration/test_junit_name_runs.py",  # one run's junit.xml, read by several tests
)


def scope_of(nodeid: str, modules: tuple[str, ...] = ONE_WORKER_MODULES) -> str | None:
    """The module a test must share a worker with, or None (the test is a unit of its own)."""
    module = nodeid.split("::", 1)[0]
    return module if module in modules else None


class ModuleGroups(LoadGroupScheduling):
    """loadgroup, with the tests of the given modules grouped by module."""

    def __init__(self, config: Any, log: Any = None, modules: tuple[str, ...] = ONE_WORKER_MODULES):
        super().__init__(config, log)
        self.modules = modules

    def _split_scope(self, nodeid: str) -> str:
        return scope_of(nodeid, self.modules) or super()._split_scope(nodeid)
