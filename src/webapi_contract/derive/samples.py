"""Sample bodies in page text: the JSON after a "Sample request/response" marker, fenced or not."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

from webapi_contract.derive.model import Sample, Source

__all__ = ["find_samples", "json_after", "scan_json"]

_MARKERS = (
    (re.compile(r"^(#+\s*)?Sample request\b", re.IGNORECASE), "request"),
    (re.compile(r"^(#+\s*)?Sample response\b", re.IGNORECASE), "response"),
    (re.compile(r"^Request Formats\b", re.IGNORECASE), "request"),
    (re.compile(r"^Response Formats\b", re.IGNORECASE), "response"),
)
_STOP = re.compile(r"^(#+\s*)?(Sample (request|response)|Request Formats|Response Formats)\b", re.I)


def scan_json(text: str, start: int, line: int) -> tuple[int, dict[tuple[str, ...], int]]:
    """End offset of the balanced JSON value at `start`, and the first line of every key path.

    Paths name object keys; array items are `*`. Raises ValueError when the value never closes.
    """
    stack: list[str] = []
    path: list[str] = []
    key_lines: dict[tuple[str, ...], int] = {}
    last_key = ""
    index = start
    while index < len(text):
        char = text[index]
        if char == "\n":
            line += 1
        elif char == '"':
            end = index + 1
            while end < len(text) and text[end] != '"':
                end += 2 if text[end] == "\\" else 1
            after = text[end + 1 : end + 40].lstrip()
            if stack and stack[-1] == "{" and after.startswith(":"):
                last_key = json.loads(text[index : end + 1])
                key_lines.setdefault((*path, last_key), line)
            index = end
        elif char in "{[":
            if stack:
                path.append(last_key if stack[-1] == "{" else "*")
            stack.append(char)
        elif char in "}]":
            stack.pop()
            if not stack:
                return index + 1, key_lines
            path.pop()
        index += 1
    raise ValueError("unbalanced JSON: the value never closes")


def _body_start(lines: Sequence[str], first: int) -> int | None:
    for index in range(first, len(lines)):
        text = lines[index].strip()
        if index > first and _STOP.match(text):
            return None
        if text.startswith(("{", "[")):
            return index
    return None


def find_samples(lines: Sequence[str], file: str) -> tuple[list[Sample], list[str]]:
    """Every sample body after a marker line, parsed; problems come back as warnings."""
    samples: list[Sample] = []
    warnings: list[str] = []
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line) + 1)
    text = "\n".join(lines)
    for index, line in enumerate(lines):
        kind = next((k for pattern, k in _MARKERS if pattern.match(line.strip())), None)
        if kind is None:
            continue
        body_line = _body_start(lines, index + 1)
        if body_line is None:
            continue
        begin = offsets[body_line] + lines[body_line].index(lines[body_line].strip()[0])
        try:
            end, key_lines = scan_json(text, begin, body_line + 1)
            body: Any = json.loads(text[begin:end])
        except ValueError as exc:
            warnings.append(f"{file}:{body_line + 1}: sample {kind} body is not JSON ({exc})")
            continue
        samples.append(Sample(kind, body, Source(file, body_line + 1), key_lines))
    return samples, warnings


def json_after(lines: Sequence[str], marker: str, file: str, kind: str = "response") -> Sample:
    """The JSON value on the first `{`/`[` line after the first line containing `marker`."""
    start = next((i for i, line in enumerate(lines) if marker in line), None)
    body_line = _body_start(lines, start + 1) if start is not None else None
    if body_line is None:
        raise ValueError(f"{file}: no JSON after {marker!r}")
    text = "\n".join(lines[body_line:])
    begin = lines[body_line].index(lines[body_line].strip()[0])
    end, key_lines = scan_json(text, begin, body_line + 1)
    return Sample(kind, json.loads(text[begin:end]), Source(file, body_line + 1), key_lines)
