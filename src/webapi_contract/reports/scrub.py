"""Masking secrets in free text and, as a last line of defence, in every file of a report folder.

The client masks what it knows at the source (headers, secret-looking body fields, known secret
values). Text that did not come through the client — an assertion message, captured output, a
log record, an exception from a library — goes through `scrub_text` before it reaches a report;
`scrub_tree` then replaces any known secret value left in any file under a report folder.

Which forms of a secret are looked for (escaped, encoded, case-folded, split by whitespace) is
the client's `masker`, the one place that knows: the console, the reports and `scrub_tree` all
mask with it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from webapi_contract.client import MASK, masker, redact_text

__all__ = ["scrub_text", "scrub_tree", "secret_variants"]

# "Authorization: Basic abc…" wherever it stands (a header line, a curl -H '…' argument).
_HEADER = re.compile(
    r"(?i)\b((?:authorization|x-xsrf-token|set-cookie|cookie|so-apptoken)[ \t]*:[ \t]*)"
    r"([^'\"\r\n]+)"
)
# "password": "…", 'e_password': '…', password='…' (JSON, Python reprs, keyword arguments).
_QUOTED_FIELD = re.compile(
    r"(?i)([\"']?[\w-]*(?:pass(?:word|wd)?|secret|token|ticket)[\w-]*[\"']?[ \t]*[:=][ \t]*)"
    r"(\"(?:[^\"\\\r\n]|\\.)*\"|'(?:[^'\\\r\n]|\\.)*')"
)
# password=… in a form body or a query string.
_FORM_FIELD = re.compile(r"(?i)\b([\w-]*(?:pass(?:word|wd)?|secret)[\w-]*=)([^&\s'\"]+)")
# <Password>…</Password>, <e_password>…</e_password> in XML.
_XML_FIELD = re.compile(
    r"(?i)(<([\w:-]*(?:pass(?:word|wd)?|secret|token|ticket)[\w-]*)(?:\s[^>]*)?>)([^<]*)(</\2>)"
)


# A string shortened by pytest's saferepr: 'head...tail' (the middle of a long value cut out).
_ELLIPSIZED = re.compile(r"(['\"])([^'\"\r\n]{0,400}?)\.\.\.([^'\"\r\n]{0,400}?)\1")
_FRAGMENT = 6


def _shows_part_of(head: str, tail: str, secrets: list[str]) -> bool:
    """Whether an ellipsized value ends or resumes inside one of the secrets."""
    parts = [p for p in (head[-_FRAGMENT:], tail[:_FRAGMENT]) if len(p) == _FRAGMENT]
    return any(part in secret for part in parts for secret in secrets)


def scrub_text(text: str, secrets: Iterable[str] = ()) -> str:
    """Text with known secret values (whole, or cut short by a repr) and secret-looking headers
    and fields masked."""
    given = [s for s in secrets if s]
    text = redact_text(text, given)
    known = [s for s in given if len(s) >= 2 * _FRAGMENT]
    if known and "..." in text:
        text = _ELLIPSIZED.sub(
            lambda m: (
                f"{m.group(1)}{MASK}{m.group(1)}"
                if _shows_part_of(m.group(2), m.group(3), known)
                else m.group(0)
            ),
            text,
        )
    text = _HEADER.sub(lambda m: m.group(1) + MASK, text)
    text = _QUOTED_FIELD.sub(lambda m: m.group(1) + _quoted_mask(m.group(2)), text)
    text = _FORM_FIELD.sub(lambda m: m.group(1) + MASK, text)
    return _XML_FIELD.sub(lambda m: m.group(1) + (MASK if m.group(3) else "") + m.group(4), text)


def _quoted_mask(value: str) -> str:
    return f"{value[0]}{MASK}{value[0]}"


def secret_variants(secrets: Iterable[str]) -> list[str]:
    """Each secret in every form the masking looks for (JSON, XML/HTML, URLs, base64, hex, other
    letter case), longest first."""
    return list(masker(secrets).forms)


def scrub_tree(root: Path, secrets: Iterable[str]) -> list[Path]:
    """Mask every known secret, in any of its forms, in every file under root; the files that
    changed."""
    masking = masker(secrets)
    changed: list[Path] = []
    if not masking.forms or not root.exists():
        return changed
    files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
    for path in files:
        try:
            data = path.read_bytes()
        except OSError:
            continue
        cleaned = masking.data(data)
        if cleaned != data:
            try:
                path.write_bytes(cleaned)
            except OSError:
                continue
            changed.append(path)
    return changed
