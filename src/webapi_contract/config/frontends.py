"""The settings table's rows as `webapi-contract run` options and as pytest options, and the
values given there, keyed by setting name."""

from __future__ import annotations

import argparse
from typing import Any, Literal

import pytest

from webapi_contract.config.table import BORROWED, TABLE, Setting

__all__ = ["add_pytest_options", "add_run_options", "given_to_pytest", "given_to_run"]


def _kwargs(setting: Setting, frontend: Literal["run", "pytest"]) -> dict[str, Any]:
    kwargs: dict[str, Any] = {"help": setting.help_text(frontend), "default": None}
    if setting.kind == "flag":
        kwargs["action"] = "store_true"
    else:
        kwargs["metavar"] = setting.metavar or setting.key.upper()
        if setting.kind == "list":
            kwargs["action"] = "append"
    return kwargs


def add_run_options(parser: argparse.ArgumentParser) -> None:
    """Every setting `webapi-contract run` takes, as argparse options."""
    for setting in TABLE:
        if setting.run_flag:
            parser.add_argument(setting.run_flag, dest=setting.name, **_kwargs(setting, "run"))


def given_to_run(namespace: argparse.Namespace) -> dict[str, Any]:
    """The values given on run's command line (None: not given)."""
    return {setting.name: getattr(namespace, setting.name, None) for setting in TABLE}


def _pytest_dest(setting: Setting) -> str:
    return f"webapi_{setting.name}"


def add_pytest_options(group: pytest.OptionGroup) -> None:
    """Every setting pytest takes, as `--webapi-*` options (dest `webapi_<name>`)."""
    for setting in TABLE:
        if setting.pytest_flag and setting.pytest_flag != BORROWED:
            group.addoption(
                setting.pytest_flag, dest=_pytest_dest(setting), **_kwargs(setting, "pytest")
            )


def _borrowed(config: pytest.Config, setting: Setting) -> Any:
    """pytest-base-url's value: its --base-url option (default PYTEST_BASE_URL), else its
    `base_url` ini value; None when that plugin is not loaded."""
    value = config.getoption(setting.name, None)
    if value:
        return value
    try:
        return config.getini(setting.name) or None
    except ValueError:  # the ini value is not declared: pytest-base-url is not loaded
        return None


def given_to_pytest(config: pytest.Config, *, borrowed: bool = True) -> dict[str, Any]:
    """The values given on pytest's command line (None: not given); with borrowed false, only
    the plugin's own options."""
    given: dict[str, Any] = {}
    for setting in TABLE:
        if setting.pytest_flag == BORROWED:
            if not borrowed:
                continue
            given[setting.name] = _borrowed(config, setting)
        elif setting.pytest_flag:
            given[setting.name] = config.getoption(_pytest_dest(setting), None)
    return given
