"""The settings table: every setting of a run, declared once.

From each row come `webapi-contract run`'s option, pytest's option, the environment variable(s),
the `[tool.webapi-contract]` key in pyproject.toml, the help text and the default; resolution
(`settings.resolve`) and the xdist wire format (`settings.to_wire`) read the same rows. Nothing else
in the package names a setting's option or variable (a unit test checks it).

Precedence: command-line option > environment > pyproject > default. Secrets are refused in
pyproject.toml (it is committed) and never put on pytest's command line by `run`.

pytest's options are namespaced `--webapi-*`, so the plugin, which is loaded into every pytest
session of the environment, takes no option name other plugins use. The base URL is the one
exception: pytest-base-url's `--base-url` (and its `base_url` ini value and PYTEST_BASE_URL
variable) is the ecosystem's convention, so in pytest the plugin reads that option instead of
declaring one (`pytest_flag=BORROWED`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from webapi_contract.config import values
from webapi_contract.config.values import Reader

__all__ = ["BORROWED", "TABLE", "Setting", "by_name", "env_names", "pyproject_keys"]

# pytest_flag of a setting whose pytest option belongs to another plugin (pytest-base-url).
BORROWED = "(pytest-base-url)"

Kind = Literal["value", "flag", "list"]


@dataclass(frozen=True)
class Setting:
    """One setting: how it is given, read and documented."""

    name: str  # the Python name: the Settings field, the argparse/pytest dest
    help: str
    read: Reader  # (key, raw value) -> typed value; raises ConfigError
    default: Any = None
    env: tuple[str, ...] = ()  # environment variables, the first one set wins
    in_pyproject: bool = True
    secret: bool = False
    kind: Kind = "value"
    metavar: str | None = None
    run_flag: str | None = None  # `webapi-contract run` option; None: not an option of run
    pytest_flag: str | None = None  # pytest option; None: not an option of pytest

    @property
    def key(self) -> str:
        """The pyproject key and the name in messages: base-url, test-contact…"""
        return self.name.replace("_", "-")

    def parse(self, raw: Any) -> Any:
        """The typed value of raw (None or "" for a value: the default)."""
        if raw is None or (self.kind == "value" and raw == ""):
            return self.default
        return self.read(self.key, raw)

    def help_text(self, frontend: Literal["run", "pytest"]) -> str:
        """The help line, with where else the setting can come from."""
        sources = [f"env {' or '.join(self.env)}"] if self.env else []
        if self.in_pyproject:
            sources.append(f"pyproject {self.key}")
        if self.default not in (None, False, (), {}):
            sources.append(f"default {self.default}")
        if frontend == "pytest" and self.run_flag:
            sources.append(f"`webapi-contract run {self.run_flag}`")
        return f"{self.help} ({'; '.join(sources)})" if sources else self.help


def _secret(name: str, env: str, run_flag: str, help: str) -> Setting:
    return Setting(
        name,
        help,
        values.as_text,
        env=(env,),
        in_pyproject=False,
        secret=True,
        run_flag=run_flag,
        pytest_flag=f"--webapi-{run_flag.removeprefix('--')}",
    )


TABLE: tuple[Setting, ...] = (
    Setting(
        "vendor",
        "whose API the target is: its suite, its mock and its doc pages",
        values.as_vendor,
        default="superoffice",
        env=("WEBAPI_VENDOR",),
        metavar="NAME",
        run_flag="--vendor",
        pytest_flag="--webapi-vendor",
    ),
    Setting(
        "base_url",
        "API root incl. tenant prefix; absent: the embedded mock",
        values.as_base_url,
        env=("WEBAPI_BASE_URL", "PYTEST_BASE_URL"),
        metavar="URL",
        run_flag="--base-url",
        pytest_flag=BORROWED,
    ),
    _secret("auth", "WEBAPI_AUTHORIZATION", "--auth", "the full Authorization header value"),
    Setting(
        "username",
        "Basic auth user name (with --password)",
        values.as_text,
        env=("WEBAPI_USERNAME",),
        in_pyproject=False,
        run_flag="--username",
        pytest_flag="--webapi-username",
    ),
    _secret("password", "WEBAPI_PASSWORD", "--password", "Basic auth password"),
    Setting(
        "domain",
        "Basic auth domain, for vendors that authenticate `username:password@domain` (Odyssee)",
        values.as_text,
        env=("WEBAPI_DOMAIN",),
        in_pyproject=False,
        metavar="DOMAIN",
        run_flag="--domain",
        pytest_flag="--webapi-domain",
    ),
    _secret("ticket", "WEBAPI_TICKET", "--ticket", "SoTicket credential"),
    _secret("token", "WEBAPI_TOKEN", "--token", "Bearer token"),
    _secret("app_token", "WEBAPI_APP_TOKEN", "--app-token", "sent as SO-AppToken (Online)"),
    _secret(
        "xsrf_token",
        "WEBAPI_XSRF_TOKEN",
        "--xsrf-token",
        "X-XSRF-TOKEN of a logged-in session: with its cookie, authenticates without Authorization",
    ),
    _secret(
        "xsrf_cookie",
        "WEBAPI_XSRF_COOKIE",
        "--xsrf-cookie",
        "the Cookie header of that session, e.g. 'SESSION=…; XSRF-TOKEN=…'",
    ),
    Setting(
        "timeout",
        "seconds one request may take, from connecting to the last byte of the answer",
        values.as_seconds,
        default=30.0,
        env=("WEBAPI_TIMEOUT",),
        metavar="S",
        run_flag="--request-timeout",
        pytest_flag="--webapi-request-timeout",
    ),
    Setting(
        "readonly",
        "only what changes nothing on the server: clauses judged by reading",
        values.as_bool,
        default=False,
        env=("WEBAPI_READONLY",),
        kind="flag",
        run_flag="--readonly",
        pytest_flag="--webapi-readonly",
    ),
    Setting(
        "readonly_contact_ids",
        "an existing contact the read-only clauses may read, never change (repeatable)",
        values.as_ids,
        default=(),
        env=("WEBAPI_READONLY_CONTACT_IDS",),
        kind="list",
        metavar="ID",
        run_flag="--readonly-contact-id",
        pytest_flag="--webapi-readonly-contact-id",
    ),
    Setting(
        "strict",
        "`should` clauses and checks fail the run too (default: reported, exit code unchanged)",
        values.as_bool,
        default=False,
        env=("WEBAPI_STRICT",),
        kind="flag",
        run_flag="--strict",
        pytest_flag="--webapi-strict",
    ),
    Setting(
        "test_contact",
        "fields every contact the suite creates carries, e.g. a tenant's mandatory fields",
        values.as_fields,
        default={},
        env=("WEBAPI_TEST_CONTACT",),
        metavar="JSON",
        run_flag="--test-contact",
        pytest_flag="--webapi-test-contact",
    ),
    Setting(
        "generated_examples",
        "generated examples per operation variant",
        values.as_count,
        default=20,
        env=("WEBAPI_GENERATED_EXAMPLES",),
        metavar="N",
        run_flag="--generated-examples",
        pytest_flag="--webapi-generated-examples",
    ),
    Setting(
        "report_dir",
        "write conformance.json, conformance.html and history.jsonl into this folder",
        values.as_text,
        env=("WEBAPI_REPORT_DIR",),
        metavar="DIR",
        run_flag="--report-dir",
        pytest_flag="--webapi-report-dir",
    ),
    Setting(
        "doc_base_url",
        "link doc lines below this URL in the reports, e.g. the repository's web view "
        "(absent: the vendor's public page each doc was taken from, scrolled to the quoted "
        "line; a file: link for pages without a known source)",
        values.as_text,
        env=("WEBAPI_DOC_BASE_URL",),
        metavar="URL",
        run_flag="--doc-base-url",
        pytest_flag="--webapi-doc-base-url",
    ),
    Setting(
        "shard",
        "run only part I of N of the tests (a clause's cases stay together), e.g. 2/3; N CI "
        "jobs with the same --run-id cover the run once, and `webapi-contract merge` joins them",
        values.as_shard,
        env=("WEBAPI_SHARD",),
        in_pyproject=False,
        metavar="I/N",
        run_flag="--shard",
        pytest_flag="--webapi-shard",
    ),
    Setting(
        "run_id",
        "the id of this run, the same for every shard of it (absent: the CI system's run id "
        "when there is one, else a fresh one)",
        values.as_name,
        env=("WEBAPI_RUN_ID", "GITHUB_RUN_ID", "CI_PIPELINE_ID"),
        in_pyproject=False,
        metavar="ID",
        run_flag="--run-id",
        pytest_flag="--webapi-run-id",
    ),
    Setting(
        "target_name",
        "the target's name in the reports and the history (absent: its URL without "
        "credentials, or `embedded mock`)",
        values.as_name,
        env=("WEBAPI_TARGET_NAME",),
        metavar="NAME",
        run_flag="--target-name",
        pytest_flag="--webapi-target-name",
    ),
    Setting(
        "workers",
        "pytest-xdist workers (0 runs in this process)",
        values.as_workers,
        default=2,
        env=("WEBAPI_WORKERS",),
        metavar="N",
        run_flag="--workers",
    ),
    Setting(
        "suite",
        "a folder of your own extra clauses, run with the vendor's shipped suite",
        values.as_text,
        env=("WEBAPI_SUITE",),
        metavar="DIR",
        run_flag="--suite",
    ),
    Setting(
        "suite_only",
        "run only the --suite folder, not the vendor's shipped suite",
        values.as_bool,
        default=False,
        kind="flag",
        in_pyproject=False,
        run_flag="--suite-only",
    ),
    Setting(
        "no_allure_report",
        "do not build allure-report/ even when an Allure command line is installed",
        values.as_bool,
        default=False,
        env=("WEBAPI_NO_ALLURE_REPORT",),
        kind="flag",
        run_flag="--no-allure-report",
    ),
    Setting(
        "proxy",
        "send every request through this proxy, e.g. http://proxy.example.com:3128 (the "
        "environment's HTTP(S)_PROXY and ~/.netrc are never used)",
        values.as_text,
        env=("WEBAPI_PROXY",),
        metavar="URL",
        run_flag="--proxy",
        pytest_flag="--webapi-proxy",
    ),
    Setting(
        "max_response_mb",
        "MiB an answer's body may hold, decompressed; a larger one is a verdict, not read",
        values.as_count,
        default=16,
        env=("WEBAPI_MAX_RESPONSE_MB",),
        metavar="MIB",
        run_flag="--max-response-mb",
        pytest_flag="--webapi-max-response-mb",
    ),
    Setting(
        "no_answer_limit",
        "stop the run (exit 4) once this many requests in a row got no answer",
        values.as_count,
        default=3,
        env=("WEBAPI_NO_ANSWER_LIMIT",),
        metavar="N",
        run_flag="--no-answer-limit",
        pytest_flag="--webapi-no-answer-limit",
    ),
)

_BY_NAME = {setting.name: setting for setting in TABLE}


def by_name(name: str) -> Setting:
    """The row of the setting called name."""
    return _BY_NAME[name]


def env_names(name: str) -> tuple[str, ...]:
    """The environment variables of a setting, the first one set wins."""
    return _BY_NAME[name].env


def pyproject_keys() -> frozenset[str]:
    """The keys `[tool.webapi-contract]` may hold."""
    return frozenset(s.key for s in TABLE if s.in_pyproject)
