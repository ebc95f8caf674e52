"""Suite settings, resolved once: command-line option > environment > `[tool.webapi-contract]`."""

from __future__ import annotations

import base64
import json
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

__all__ = [
    "ConfigError",
    "Credential",
    "Settings",
    "basic",
    "credentials_from",
    "read_pyproject",
    "resolve",
    "resolve_generated_examples",
    "strip_userinfo",
]

DEFAULT_TIMEOUT = 30.0
DEFAULT_SLOW_MS = 2000
# Generated examples per operation variant: small enough that CI stays at a few seconds.
DEFAULT_GENERATED_EXAMPLES = 20

# Keys that may live in pyproject.toml. Secrets are deliberately absent: they belong in the
# environment or on the command line, never in a file that is committed.
PYPROJECT_KEYS = frozenset(
    {"base-url", "timeout", "readonly", "latency-strict", "generated-examples", "test-contact"}
)

# option name (as in argparse dest) -> environment variable
ENVIRONMENT = {
    "base_url": "WEBAPI_BASE_URL",
    "auth": "WEBAPI_AUTHORIZATION",
    "username": "WEBAPI_USERNAME",
    "password": "WEBAPI_PASSWORD",
    "ticket": "WEBAPI_TICKET",
    "token": "WEBAPI_TOKEN",
    "app_token": "WEBAPI_APP_TOKEN",
    "timeout": "WEBAPI_TIMEOUT",
    "readonly": "WEBAPI_READONLY",
    "latency_strict": "WEBAPI_LATENCY_STRICT",
    "generated_examples": "WEBAPI_GENERATED_EXAMPLES",
    "test_contact": "WEBAPI_TEST_CONTACT",
}


class ConfigError(ValueError):
    """A setting has a value the suite cannot use."""


@dataclass(frozen=True)
class Credential:
    """One way of authenticating: a scheme name and the full Authorization header value."""

    scheme: str
    authorization: str
    username: str | None = None

    def __repr__(self) -> str:
        return f"Credential(scheme={self.scheme!r}, authorization='***')"


@dataclass(frozen=True)
class Settings:
    """Everything the contract suite needs to reach and judge one target."""

    base_url: str | None
    credentials: tuple[Credential, ...] = ()
    app_token: str | None = field(default=None, repr=False)
    timeout: float = DEFAULT_TIMEOUT
    readonly: bool = False
    latency_strict: bool = False
    embedded: bool = False
    # Fields every contact the suite creates carries, over its defaults (a tenant's mandatory
    # fields, a category that exists there).
    test_contact: Mapping[str, Any] = field(default_factory=dict)

    @property
    def primary(self) -> Credential | None:
        """The credential every request uses unless a clause says otherwise."""
        return self.credentials[0] if self.credentials else None

    def with_target(self, base_url: str, credentials: tuple[Credential, ...]) -> Settings:
        """These settings pointed at the embedded mock."""
        return replace(self, base_url=base_url, credentials=credentials, embedded=True)

    def secrets(self) -> list[str]:
        """Every secret value these settings hold, for redaction."""
        values = [c.authorization for c in self.credentials]
        values += [c.authorization.split(" ", 1)[-1] for c in self.credentials]
        values += [_basic_password(c) for c in self.credentials if c.scheme.lower() == "basic"]
        if self.app_token:
            values.append(self.app_token)
        if self.base_url:
            values.append(urlsplit(self.base_url).password or "")
        return [v for v in values if v]


def _basic_password(credential: Credential) -> str:
    """The clear-text password inside a Basic credential ("" when it is not decodable)."""
    try:
        decoded = base64.b64decode(credential.authorization.split(" ", 1)[-1], validate=True)
    except (ValueError, TypeError):
        return ""
    return decoded.decode("utf-8", "replace").partition(":")[2]


def strip_userinfo(url: str) -> str:
    """The URL without any user:password@ part, safe to print (also when the URL is malformed)."""
    try:
        parts = urlsplit(url)
        if parts.username is None and parts.password is None:
            return url
        host = parts.hostname or ""
        if parts.port:
            host = f"{host}:{parts.port}"
    except ValueError:
        return _USERINFO.sub("//", url)
    return urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))


_USERINFO = re.compile(r"//[^/?#]*@")


def _userinfo_credential(url: str) -> Credential | None:
    """The Basic credential carried as user:password@ in a base URL, if any."""
    parts = urlsplit(url)
    if parts.username is None:
        return None
    return basic(unquote(parts.username), unquote(parts.password or ""))


def basic(username: str, password: str) -> Credential:
    """A Basic credential for username and password."""
    token = base64.b64encode(f"{username}:{password}".encode()).decode("ascii")
    return Credential("Basic", f"Basic {token}", username=username)


def credentials_from(values: Mapping[str, Any]) -> tuple[Credential, ...]:
    """The credentials named by resolved values: full header first, then the conveniences."""
    found: list[Credential] = []
    auth = values.get("auth")
    if auth:
        scheme = str(auth).split(" ", 1)[0]
        found.append(Credential(scheme, str(auth)))
    username, password = values.get("username"), values.get("password")
    if bool(username) != bool(password):
        raise ConfigError("--username and --password go together; one of them is missing")
    if username and password:
        found.append(basic(str(username), str(password)))
    if values.get("ticket"):
        found.append(Credential("SoTicket", f"SoTicket {values['ticket']}"))
    if values.get("token"):
        found.append(Credential("Bearer", f"Bearer {values['token']}"))
    return tuple(found)


def read_pyproject(rootdir: Path) -> dict[str, Any]:
    """The `[tool.webapi-contract]` table of rootdir/pyproject.toml (empty when absent)."""
    path = rootdir / "pyproject.toml"
    if not path.is_file():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from exc
    table = data.get("tool", {}).get("webapi-contract", {})
    unknown = sorted(set(table) - PYPROJECT_KEYS)
    if unknown:
        raise ConfigError(
            f"{path} [tool.webapi-contract]: unknown key(s) {', '.join(unknown)}; "
            f"known: {', '.join(sorted(PYPROJECT_KEYS))} (credentials belong in the environment)"
        )
    return {key.replace("-", "_"): value for key, value in table.items()}


def _as_fields(value: Any) -> dict[str, Any]:
    """test-contact: a JSON object (text, or a TOML table in pyproject) of contact fields."""
    if value in (None, ""):
        return {}
    fields = value
    if isinstance(value, str):
        try:
            fields = json.loads(value)
        except ValueError as exc:
            raise ConfigError(f"test-contact: not valid JSON ({exc})") from None
    if not isinstance(fields, dict):
        raise ConfigError(
            f"test-contact: expected a JSON object of contact fields such as "
            f'{{"Category": {{"Id": 3}}}}, got {value!r}'
        )
    if any(str(key).lower() == "contactid" for key in fields):
        raise ConfigError("test-contact: ContactId is not a field to set (test contacts are new)")
    if any(str(key).lower() == "name" for key in fields):
        raise ConfigError(
            "test-contact: Name is set by the suite (a recognisable run tag, so a run only ever "
            "touches contacts it created)"
        )
    return dict(fields)


def _as_bool(name: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in {"1", "true", "yes", "on"}:
        return True
    if text in {"0", "false", "no", "off", ""}:
        return False
    raise ConfigError(f"{name}: expected true or false, got {value!r}")


def _as_timeout(value: Any) -> float:
    try:
        timeout = float(value)
    except (TypeError, ValueError):
        raise ConfigError(f"timeout: expected seconds as a number, got {value!r}") from None
    if timeout <= 0:
        raise ConfigError(f"timeout: must be positive, got {value!r}")
    return timeout


def _as_base_url(value: Any) -> str | None:
    if value in (None, ""):
        return None
    url = str(value).rstrip("/")
    example = "an http(s) URL such as https://sod.example.com/Cust12345/api/v1"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError when the port is not a number in range
    except ValueError as exc:
        raise ConfigError(
            f"base URL {strip_userinfo(url)!r} is malformed ({exc}); give {example}"
        ) from None
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ConfigError(f"base URL {strip_userinfo(url)!r} is not {example}")
    return url


def _unset(value: Any) -> bool:
    """Not given: None, or False from a flag left off (0 is a value, not an absence)."""
    return value is None or value is False


def resolve(
    options: Mapping[str, Any],
    environ: Mapping[str, str] | None = None,
    pyproject: Mapping[str, Any] | None = None,
) -> Settings:
    """Settings from options (None = not given), then environment, then pyproject values."""
    environ = os.environ if environ is None else environ
    pyproject = pyproject or {}
    merged: dict[str, Any] = {}
    for name, env_name in ENVIRONMENT.items():
        value = options.get(name)
        if _unset(value) and environ.get(env_name):
            value = environ[env_name]
        if _unset(value) and name in pyproject:
            value = pyproject[name]
        merged[name] = value
    base_url = _as_base_url(merged["base_url"])
    credentials = credentials_from(merged)
    # user:password@ in the base URL is a Basic credential like any other; the URL itself is kept
    # without it, so no HTTP library can turn it into an Authorization header behind our back.
    from_url = _userinfo_credential(base_url) if base_url else None
    if base_url and from_url is not None:
        if any(c.scheme.lower() == "basic" for c in credentials):
            raise ConfigError(
                "the base URL carries user:password and Basic credentials are given too; give one"
            )
        credentials = (*credentials, from_url)
        base_url = strip_userinfo(base_url)
    return Settings(
        base_url=base_url,
        credentials=credentials,
        app_token=merged["app_token"] or None,
        timeout=DEFAULT_TIMEOUT if _unset(merged["timeout"]) else _as_timeout(merged["timeout"]),
        readonly=_as_bool("readonly", merged["readonly"] or False),
        latency_strict=_as_bool("latency-strict", merged["latency_strict"] or False),
        test_contact=_as_fields(merged["test_contact"]),
    )


def resolve_generated_examples(
    option: Any,
    environ: Mapping[str, str] | None = None,
    pyproject: Mapping[str, Any] | None = None,
) -> int:
    """Examples per generated operation variant: option, then environment, then pyproject."""
    environ = os.environ if environ is None else environ
    value = option
    if value is None:
        value = environ.get(ENVIRONMENT["generated_examples"]) or None
    if value is None:
        value = (pyproject or {}).get("generated_examples")
    if value is None:
        return DEFAULT_GENERATED_EXAMPLES
    try:
        count = int(value)
    except (TypeError, ValueError):
        raise ConfigError(f"generated-examples: expected a whole number, got {value!r}") from None
    if count < 1:
        raise ConfigError(f"generated-examples: must be at least 1, got {value!r}")
    return count
