"""Readers of setting values: text from the command line or the environment, or a TOML value,
into the typed value a setting holds. Each raises ConfigError with a message naming the setting."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit, urlunsplit

__all__ = [
    "ConfigError",
    "as_base_url",
    "as_bool",
    "as_count",
    "as_fields",
    "as_ids",
    "as_seconds",
    "as_text",
    "as_workers",
    "contact_ids",
    "strip_userinfo",
]


class ConfigError(ValueError):
    """A setting has a value the suite cannot use."""


Reader = Callable[[str, Any], Any]


def as_text(name: str, value: Any) -> str | None:
    """Any text; empty means unset."""
    text = str(value).strip()
    return text or None


def as_bool(name: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in {"1", "true", "yes", "on"}:
        return True
    if text in {"0", "false", "no", "off", ""}:
        return False
    raise ConfigError(f"{name}: expected true or false, got {value!r}")


def as_seconds(name: str, value: Any) -> float:
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        raise ConfigError(f"{name}: expected seconds as a number, got {value!r}") from None
    if not seconds > 0 or seconds == float("inf"):
        raise ConfigError(f"{name}: must be positive, got {value!r}")
    return seconds


def _whole(name: str, value: Any) -> int:
    if isinstance(value, bool):
        raise ConfigError(f"{name}: expected a whole number, got {value!r}")
    try:
        return int(str(value).strip())
    except ValueError:
        raise ConfigError(f"{name}: expected a whole number, got {value!r}") from None


def as_count(name: str, value: Any) -> int:
    """A whole number of at least 1."""
    count = _whole(name, value)
    if count < 1:
        raise ConfigError(f"{name}: must be at least 1, got {value!r}")
    return count


def as_workers(name: str, value: Any) -> int:
    """A whole number of at least 0."""
    count = _whole(name, value)
    if count < 0:
        raise ConfigError(f"{name}: must be 0 or more, got {value!r}")
    return count


MAX_SHARDS = 1000
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ._:@/+-]{0,99}$")


def as_shard(name: str, value: Any) -> tuple[int, int]:
    """ "I/N": part I of N (1 <= I <= N <= MAX_SHARDS), as (I, N)."""
    text = str(value).strip()
    index, slash, total = text.partition("/")
    if not slash or not index.strip().isdigit() or not total.strip().isdigit():
        raise ConfigError(f"{name}: expected I/N, e.g. 2/3, got {value!r}")
    i, n = int(index), int(total)
    if not 1 <= i <= n or n > MAX_SHARDS:
        raise ConfigError(f"{name}: I/N needs 1 <= I <= N <= {MAX_SHARDS}, got {value!r}")
    return i, n


def as_name(name: str, value: Any) -> str:
    """A short printable name: letters, digits, space and ._:@/+- (up to 100 characters)."""
    text = str(value).strip()
    if not _NAME.match(text):
        raise ConfigError(
            f"{name}: expected up to 100 letters, digits, spaces or ._:@/+- "
            f"(starting with a letter or digit), got {value!r}"
        )
    return text


def as_vendor(name: str, value: Any) -> str:
    """The name of a vendor with a profile (superoffice, odyssee, …)."""
    from webapi_contract.vendors import PROFILES

    text = str(value).strip().lower()
    if text not in PROFILES:
        raise ConfigError(f"{name}: expected one of {', '.join(sorted(PROFILES))}, got {value!r}")
    return text


def as_ids(name: str, value: Any) -> tuple[str, ...]:
    """Entity ids as text: a list (repeated option, TOML array) or text "12,34". What an id
    must look like is the vendor's (`contact_ids`, where the settings are built)."""
    items = value if isinstance(value, list | tuple) else [value]
    ids = [part for item in items for part in str(item).replace(",", " ").split()]
    return tuple(dict.fromkeys(ids))


def contact_ids(
    name: str, ids: Any, kind: str, vendor: str = "this vendor"
) -> tuple[int | str, ...]:
    """Ids (text, as `as_ids` reads them) checked against the vendor's id kind: positive whole
    numbers for "int", guids (as canonical lower-case text; `guid'…'` and quotes allowed) for
    "guid"; ConfigError naming the setting (and, for guids, the vendor) for any other."""
    found: list[int | str] = []
    for part in ids:
        text = str(part).strip()
        if kind == "guid":
            found.append(_guid(name, text, vendor))
            continue
        number = _whole(name, text)
        if number < 1:
            raise ConfigError(f"{name}: ids are positive whole numbers, got {text!r}")
        found.append(number)
    return tuple(dict.fromkeys(found))


def _guid(name: str, text: str, vendor: str) -> str:
    bare = text[4:] if text[:4].lower() == "guid" else text
    if len(bare) >= 2 and bare[0] == bare[-1] == "'":
        bare = bare[1:-1]
    try:
        return str(uuid.UUID(bare))
    except ValueError:
        raise ConfigError(
            f"{name}: {vendor}'s ids are guids such as "
            f"3f2504e0-4f89-11d3-9a0c-0305e82c3301, got {text!r}"
        ) from None


def as_fields(name: str, value: Any) -> dict[str, Any]:
    """A JSON object (text, or a TOML table) of entity fields, none of which is the id or Name."""
    fields = value
    if isinstance(value, str):
        try:
            fields = json.loads(value)
        except ValueError as exc:
            raise ConfigError(f"{name}: not valid JSON ({exc})") from None
    if not isinstance(fields, dict):
        raise ConfigError(
            f"{name}: expected a JSON object of contact fields such as "
            f'{{"Category": {{"Id": 3}}}}, got {value!r}'
        )
    if any(str(key).lower() == "contactid" for key in fields):
        raise ConfigError(f"{name}: ContactId is not a field to set (test contacts are new)")
    if any(str(key).lower() == "name" for key in fields):
        raise ConfigError(
            f"{name}: Name is set by the suite (a recognisable run tag, so a run only ever "
            "touches contacts it created)"
        )
    return dict(fields)


_EXAMPLE_URL = "an http(s) URL such as https://sod.example.com/Cust12345/api/v1"
_USERINFO = re.compile(r"//[^/?#]*@")


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


def as_base_url(name: str, value: Any) -> str | None:
    url = str(value).strip().rstrip("/")
    if not url:
        return None
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError when the port is not a number in range
    except ValueError as exc:
        raise ConfigError(
            f"base URL {strip_userinfo(url)!r} is malformed ({exc}); give {_EXAMPLE_URL}"
        ) from None
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ConfigError(f"base URL {strip_userinfo(url)!r} is not {_EXAMPLE_URL}")
    return url
