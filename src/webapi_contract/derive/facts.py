"""Carrier types from a bullet list: `**Name**: Prop type, Prop (enum A, B), Prop (array of X)`."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from webapi_contract.derive.entities import Entity, Prop
from webapi_contract.derive.kinds import Kind, from_word
from webapi_contract.derive.model import Source

__all__ = ["Carriers", "parse_carriers"]

_BULLET = re.compile(r"^\s*[-*]\s+(?P<head>\*\*[^:]*?):\s*(?P<body>.*)$")
_NAMES = re.compile(r"\*\*(\w+)\*\*")
_HINT = re.compile(r"\((items|values) of ([^)]*)\)")
_ITEM = re.compile(
    r"^(?:plus\s+)?(?P<names>`?\w+`?(?:\s+and\s+`?\w+`?)*)"
    r"(?:\s+(?P<word>int|bool|double|date-time|map|string))?"
    r"\s*(?:\((?P<paren>[^)]*)\))?\s*(?:\{(?P<brace>[^}]*)\})?\.?$"
)
_ARRAY = re.compile(r"^array of ((?:arrays of )*)(\w+)$")


@dataclass
class Carriers:
    """Carrier entities, which properties hold arrays or maps of them, and what was not read."""

    entities: dict[str, Entity] = field(default_factory=dict)
    items_of: dict[str, str] = field(default_factory=dict)  # array property -> item carrier
    values_of: dict[str, str] = field(default_factory=dict)  # map property -> value carrier
    unread: dict[str, list[str]] = field(default_factory=dict)  # carrier -> items not understood


def _split(body: str) -> list[str]:
    """Comma-separated items, ignoring commas inside parentheses, braces and backticks."""
    items, depth, current, ticks = [], 0, "", False
    for char in body.strip().rstrip("."):
        if char == "`":
            ticks = not ticks
        depth += char in "({" and not ticks
        depth -= char in ")}" and not ticks
        if char == "," and depth == 0 and not ticks:
            items.append(current.strip())
            current = ""
        else:
            current += char
    return [*items, current.strip()] if current.strip() else items


def _paren_kind(paren: str, known: frozenset[str]) -> Kind | None:
    """The kind a parenthesis states (enum, array of, a carrier name, strings), else None."""
    text = paren.strip()
    if text.startswith("enum "):
        return Kind("enum", values=tuple(v.strip() for v in text[5:].split(",")))
    if match := _ARRAY.match(text):
        word = "string" if match.group(2) == "strings" else match.group(2)
        kind = from_word(word, known)
        for _ in range(match.group(1).count("arrays of") + 1):
            kind = Kind("array", of=kind)
        return kind
    if text in known:
        return Kind("ref", ref=text)
    if text == "strings":
        return Kind("string")
    return None


def parse_carriers(lines: Sequence[str], file: str) -> Carriers:
    """Every `**Name**: …` bullet of the lines as a carrier entity, each property cited."""
    bullets = [(i, m) for i, line in enumerate(lines) if (m := _BULLET.match(line))]
    known = {n for _, m in bullets for n in _NAMES.findall(m.group("head"))}
    inline = [b for _, m in bullets for b in _split(m.group("body")) if "{" in b]
    known |= {b.split("{")[0].split()[-1] for b in inline}
    carriers = Carriers()
    frozen = frozenset(known)
    for _, match in bullets:
        first = _NAMES.findall(match.group("head"))[0]
        for kind, targets in _HINT.findall(match.group("head")):
            for target in re.split(r"[/,]\s*", targets.replace("`", "")):
                (carriers.items_of if kind == "items" else carriers.values_of)[target] = first
    for index, match in bullets:
        source = Source(file, index + 1)
        for name in _NAMES.findall(match.group("head")):
            entity = carriers.entities.setdefault(name, Entity(name))
            for item in _split(match.group("body")):
                _add_item(carriers, entity, item, source, frozen)
    return carriers


def _add_item(
    carriers: Carriers, entity: Entity, item: str, source: Source, known: frozenset[str]
) -> None:
    match = _ITEM.match(item)
    if match is None:
        carriers.unread.setdefault(entity.name, []).append(item)
        return
    paren = match.group("paren") or ""
    names = [n.strip("`") for n in re.split(r"\s+and\s+", match.group("names"))]
    if match.group("brace") is not None:
        inner = carriers.entities.setdefault(names[0], Entity(names[0]))
        for member in _split(match.group("brace")):
            _add_item(carriers, inner, member, source, known)
    for name in names:
        if match.group("brace") is not None or name in known:
            kind = Kind("ref", ref=name)
        elif name in carriers.values_of:
            kind = Kind("map", of=Kind("ref", ref=carriers.values_of[name]))
        elif match.group("word"):
            kind = from_word(match.group("word"), known)
        else:
            kind = _paren_kind(paren, known) or Kind("string")
        note = paren if paren and _paren_kind(paren, known) is None else ""
        entity.add(Prop(name, kind, note, [source]))
