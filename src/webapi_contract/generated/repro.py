"""A failed generated case as text a person can act on: what broke, how to resend it, the seed."""

from __future__ import annotations

import re
from collections.abc import Iterable

from webapi_contract.client import redact_text

__all__ = ["describe_failure"]

_SUB_EXCEPTIONS = re.compile(r"\s*\(\d+ sub-exceptions?\)\s*$")


def _messages(error: BaseException) -> list[str]:
    """The readable text of an error and of the errors it groups, Hypothesis notes excluded."""
    nested = getattr(error, "exceptions", None)
    # Schemathesis' own group already renders every failure it holds, with the curl line.
    if nested and type(error).__name__ != "FailureGroup":
        return [text for sub in nested for text in _messages(sub)]
    return [_SUB_EXCEPTIONS.sub("", str(error)).strip()]


def describe_failure(
    error: BaseException,
    *,
    title: str,
    seed: int,
    rerun: str,
    secrets: Iterable[str],
    level: str | None = None,
) -> str:
    """The failure report: title, each distinct failure with its reproducing curl, the seed;
    level: a line saying how much the failures weigh (must, or should only).

    Hypothesis notes are left out: they repr the case, headers and all, before redaction.
    """
    body = "\n\n".join(dict.fromkeys(_messages(error)))
    lines = [
        f"Generated case failed: {title}",
        f"Seed: {seed}  (rerun exactly: {rerun})",
        *([level] if level else []),
        "",
        body,
    ]
    return redact_text("\n".join(lines), secrets)
