"""The harness's own tests: tests/unit (fast, the inner loop: `make quick`) and
tests/integration (whole runs, marked slow); both import helpers from tests/support, and the
support modules that define fixtures are loaded as plugins here, for both folders."""

pytest_plugins = [
    "pytester",
    "support.ci_recipes",
    "support.junit_runs",
    "support.odyssee_runs",
]
