"""The harness's own tests: tests/unit (fast, the inner loop: `make quick`) and
tests/integration (whole runs, marked slow); both import helpers from tests/support, and the
support modules that define fixtures are loaded as plugins here, for both folders."""

from support.scheduling import ModuleGroups, scope_of

pytest_plugins = [
    "pytester",
    "support.ci_recipes",
    "support.junit_runs",
    "support.mock_api",
    "support.odyssee_runs",
]


def pytest_xdist_make_scheduler(config, log):
    """Under `--dist loadgroup` (make test), the modules that share an expensive fixture run
    whole on one worker (tests/support/scheduling.py says why xdist's own marks no longer do)."""
    if config.getvalue("dist") == "loadgroup":
        return ModuleGroups(config, log)
    return None


def pytest_collection_modifyitems(items: list) -> None:
    """The tests of those modules go first, in their order: a module's serial chain started last
    would leave the other workers idle at the end of `make test`."""
    grouped = [item for item in items if scope_of(item.nodeid)]
    if grouped:
        rest = [item for item in items if not scope_of(item.nodeid)]
        items[:] = grouped + rest
