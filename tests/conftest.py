"""The harness's own tests: tests/unit (fast, the inner loop: `make quick`) and
tests/integration (whole runs, marked slow); both import helpers from tests/support, and the
support modules that define fixtures are loaded as plugins here, for both folders."""

pytest_plugins = [
    "pytester",
    "support.ci_recipes",
    "support.junit_runs",
    "support.mock_api",
    "support.odyssee_runs",
]


def pytest_collection_modifyitems(items: list) -> None:
    """The tests that share an xdist group (one worker builds their expensive fixture, e.g. the
    installed wheel) go first, in their order: a serial chain started last would leave the other
    worker idle at the end of `make test` (`-n 2 --dist loadgroup`)."""
    grouped = [item for item in items if item.get_closest_marker("xdist_group")]
    if grouped:
        rest = [item for item in items if not item.get_closest_marker("xdist_group")]
        items[:] = grouped + rest
