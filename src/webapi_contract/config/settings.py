"""The resolved settings of one run, built once from the settings table (`config.table`)."""

from __future__ import annotations

import base64
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import UTC, datetime
from secrets import token_hex
from typing import Any
from urllib.parse import unquote, urlsplit

from webapi_contract.config.table import TABLE, by_name
from webapi_contract.config.values import ConfigError, contact_ids, strip_userinfo
from webapi_contract.vendors import DEFAULT_VENDOR, profile

__all__ = [
    "Credential",
    "PresetSettings",
    "Settings",
    "basic",
    "credentials_from",
    "from_wire",
    "resolve",
    "resolve_values",
    "settings_from",
    "to_wire",
]

_DEFAULTS = {setting.name: setting.default for setting in TABLE}


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
    """Everything the contract suite needs to reach and judge one target (the values of the
    settings table the suite uses; the credentials settings become `credentials`)."""

    base_url: str | None
    credentials: tuple[Credential, ...] = ()
    vendor: str = _DEFAULTS["vendor"]
    # Basic auth's `@domain` (Odyssee): already part of the Basic credential's password.
    domain: str | None = None
    app_token: str | None = field(default=None, repr=False)
    # A logged-in session: X-XSRF-TOKEN and the Cookie header it goes with (no Authorization).
    xsrf_token: str | None = field(default=None, repr=False)
    xsrf_cookie: str | None = field(default=None, repr=False)
    timeout: float = _DEFAULTS["timeout"]
    readonly: bool = False
    # Whole numbers for a vendor with int ids (SuperOffice), canonical guid text for one with
    # guids (Odyssee): checked against the vendor's id kind by settings_from.
    readonly_contact_ids: tuple[Any, ...] = ()
    strict: bool = False
    # Fields every contact the suite creates carries, over its defaults (a tenant's mandatory
    # fields, a category that exists there).
    test_contact: Mapping[str, Any] = field(default_factory=dict)
    generated_examples: int = _DEFAULTS["generated_examples"]
    report_dir: str | None = None
    doc_base_url: str | None = None
    # An explicit proxy (the environment's proxy variables are never read).
    proxy: str | None = field(default=None, repr=False)
    max_response_mb: int = _DEFAULTS["max_response_mb"]
    no_answer_limit: int = _DEFAULTS["no_answer_limit"]
    shard: tuple[int, int] | None = None
    run_id: str | None = None
    target_name: str | None = None
    # Not settings: facts about the target once the run has one.
    embedded: bool = False
    preflighted: bool = False

    @property
    def primary(self) -> Credential | None:
        """The credential every request uses unless a clause says otherwise."""
        return self.credentials[0] if self.credentials else None

    def with_target(
        self,
        base_url: str,
        credentials: tuple[Credential, ...],
        xsrf_token: str | None = None,
        xsrf_cookie: str | None = None,
        domain: str | None = None,
    ) -> Settings:
        """These settings pointed at the embedded mock (and its XSRF session, if given; its
        Basic domain, if the vendor's has one, so the bare password is masked too)."""
        return replace(
            self,
            base_url=base_url,
            credentials=credentials,
            xsrf_token=xsrf_token,
            xsrf_cookie=xsrf_cookie,
            domain=domain,
            embedded=True,
        )

    def identified(self) -> Settings:
        """These settings with a run id: the given one, else a fresh one (time and random)."""
        if self.run_id:
            return self
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        return replace(self, run_id=f"{stamp}-{token_hex(3)}")

    def run_stamp(self) -> dict[str, Any]:
        """Which run (and which shard of it) the reports of these settings belong to."""
        shard = None if self.shard is None else {"index": self.shard[0], "total": self.shard[1]}
        return {"id": self.run_id, "shard": shard}

    def secrets(self) -> list[str]:
        """Every secret value these settings hold, for redaction."""
        values = [c.authorization for c in self.credentials]
        values += [c.authorization.split(" ", 1)[-1] for c in self.credentials]
        passwords = [_basic_password(c) for c in self.credentials if c.scheme.lower() == "basic"]
        values += passwords
        if self.domain:  # the password alone, without its @domain
            suffix = f"@{self.domain}"
            values += [p.removesuffix(suffix) for p in passwords if p.endswith(suffix)]
        if self.app_token:
            values.append(self.app_token)
        for secret in (self.xsrf_token, self.xsrf_cookie):
            if secret:
                values.append(secret)
        if self.xsrf_cookie:  # and each cookie's value on its own, unless short (`lang=en`)
            cookies = (c.partition("=")[2].strip() for c in self.xsrf_cookie.split(";"))
            values += [value for value in cookies if len(value) >= 8]
        for url in (self.base_url, self.proxy):
            if url:
                values.append(urlsplit(url).password or "")
        return [v for v in values if v]


def _basic_password(credential: Credential) -> str:
    """The clear-text password inside a Basic credential ("" when it is not decodable)."""
    try:
        decoded = base64.b64decode(credential.authorization.split(" ", 1)[-1], validate=True)
    except (ValueError, TypeError):
        return ""
    return decoded.decode("utf-8", "replace").partition(":")[2]


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
    if values.get("domain") and not username:
        raise ConfigError("--domain goes with --username and --password")
    if username and password:
        domain = values.get("domain")
        found.append(basic(str(username), f"{password}@{domain}" if domain else str(password)))
    if values.get("ticket"):
        found.append(Credential("SoTicket", f"SoTicket {values['ticket']}"))
    if values.get("token"):
        found.append(Credential("Bearer", f"Bearer {values['token']}"))
    return tuple(found)


def _given(value: Any) -> bool:
    """Given: not None, not a flag left off (False), not an empty list (0 is a value)."""
    return value is not None and value is not False and value != [] and value != ()


def resolve_values(
    options: Mapping[str, Any],
    environ: Mapping[str, str] | None = None,
    pyproject: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Every setting of the table, typed: option > environment > pyproject > default."""
    environ = os.environ if environ is None else environ
    pyproject = pyproject or {}
    resolved: dict[str, Any] = {}
    for setting in TABLE:
        raw = options.get(setting.name)
        if not _given(raw):
            raw = next((environ[name] for name in setting.env if environ.get(name)), None)
        if not _given(raw) and setting.in_pyproject:
            raw = pyproject.get(setting.name)
        resolved[setting.name] = setting.parse(raw)
    return resolved


def resolve(
    options: Mapping[str, Any],
    environ: Mapping[str, str] | None = None,
    pyproject: Mapping[str, Any] | None = None,
) -> Settings:
    """Settings from options (None = not given), then environment, then pyproject values."""
    return settings_from(resolve_values(options, environ, pyproject))


def settings_from(values: Mapping[str, Any]) -> Settings:
    """The Settings of resolved values (those of `resolve_values`)."""
    base_url = values["base_url"]
    credentials = credentials_from(values)
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
    if values.get("shard") and not values.get("run_id"):
        raise ConfigError(
            "shard: the shards of a run need one run id: give --run-id (WEBAPI_RUN_ID), the "
            "same for every shard, unless the CI system's run id is in the environment"
        )
    kept = {f.name for f in fields(Settings)} - {"base_url", "credentials", "readonly_contact_ids"}
    vendor = profile(values.get("vendor") or DEFAULT_VENDOR)
    ids = contact_ids(
        by_name("readonly_contact_ids").key,
        values.get("readonly_contact_ids") or (),
        vendor.id_kind,
        vendor.name,
    )
    return Settings(
        base_url=base_url,
        credentials=credentials,
        readonly_contact_ids=ids,
        **{name: value for name, value in values.items() if name in kept},
    )


@dataclass(frozen=True, eq=False)  # hashed by identity: pluggy keeps plugins in a set
class PresetSettings:
    """Settings resolved (and preflighted) by `webapi-contract run`, handed to pytest.main as a
    plugin object: the plugin then resolves nothing itself, and the suite is in play."""

    settings: Settings


def to_wire(settings: Settings) -> dict[str, Any]:
    """Settings as plain JSON data for an xdist worker (sent over execnet, never to disk)."""
    data: dict[str, Any] = {}
    for item in fields(Settings):
        value = getattr(settings, item.name)
        if item.name == "credentials":
            value = [[c.scheme, c.authorization, c.username] for c in value]
        elif isinstance(value, tuple):
            value = list(value)
        elif isinstance(value, Mapping):
            value = dict(value)
        data[item.name] = value
    return data


def from_wire(data: Mapping[str, Any]) -> Settings:
    """The inverse of to_wire."""
    given: dict[str, Any] = {}
    for item in fields(Settings):
        value = data[item.name]
        if item.name == "credentials":
            value = tuple(Credential(s, a, u) for s, a, u in value)
        elif isinstance(value, list):
            value = tuple(value)
        given[item.name] = value
    return Settings(**given)
