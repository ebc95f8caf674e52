"""Settings of a run: one declarative table (`table`), read from the command line, the
environment and pyproject.toml, resolved once into a frozen `Settings`."""

from webapi_contract.config.pyproject import find_pyproject, read_pyproject
from webapi_contract.config.settings import (
    Credential,
    PresetSettings,
    Settings,
    basic,
    credentials_from,
    from_wire,
    resolve,
    resolve_values,
    settings_from,
    to_wire,
)
from webapi_contract.config.table import TABLE, Setting, by_name, env_names
from webapi_contract.config.values import ConfigError, strip_userinfo

__all__ = [
    "TABLE",
    "ConfigError",
    "Credential",
    "PresetSettings",
    "Setting",
    "Settings",
    "basic",
    "by_name",
    "credentials_from",
    "env_names",
    "find_pyproject",
    "from_wire",
    "read_pyproject",
    "resolve",
    "resolve_values",
    "settings_from",
    "strip_userinfo",
    "to_wire",
]
