"""Named object types with typed, cited properties, merged across the pages that document them."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from webapi_contract.derive.kinds import Kind, merge
from webapi_contract.derive.model import Field, Source

__all__ = ["Entity", "Prop", "union"]


@dataclass
class Prop:
    """One property: its kind, a description and every place that documents it."""

    name: str
    kind: Kind
    description: str = ""
    sources: list[Source] = field(default_factory=list)
    max_length: int | None = None
    alternatives: list[tuple[Kind, list[Source]]] = field(default_factory=list)

    def cite(self, source: Source) -> None:
        """Add a source, keeping one per file (the first given)."""
        if all(s.file != source.file for s in self.sources):
            self.sources.append(source)


@dataclass
class Entity:
    """An object type: ordered properties, required names and groups of which one is required."""

    name: str
    props: dict[str, Prop] = field(default_factory=dict)
    description: str = ""
    required: list[str] = field(default_factory=list)
    one_of_required: list[tuple[str, ...]] = field(default_factory=list)
    nullable: bool = True  # every property also admits null

    def add(self, prop: Prop, warnings: list[str] | None = None) -> Prop:
        """Merge a property in: sources add up, a more specific kind wins, a clash is a union."""
        known = self.props.get(prop.name)
        if known is None:
            self.props[prop.name] = prop
            return prop
        for source in prop.sources:
            known.cite(source)
        merged = merge(known.kind, prop.kind)
        if merged is None:
            other = next((a for a in known.alternatives if merge(a[0], prop.kind)), None)
            if other is not None:
                other[1].extend(prop.sources)
            else:
                known.alternatives.append((prop.kind, list(prop.sources)))
                if warnings is not None:
                    where = ", ".join(str(s) for s in prop.sources)
                    warnings.append(
                        f"{self.name}.{prop.name}: documented as {known.kind} and {prop.kind}"
                        f" ({where}); the schema accepts both"
                    )
        elif merged != known.kind:
            known.kind = merged
            # the row that refines the kind is the better citation for its file
            known.sources = [
                next((s for s in prop.sources if s.file == k.file), k) for k in known.sources
            ]
        if not known.description:
            known.description = prop.description
        if prop.max_length is not None:
            known.max_length = prop.max_length
        return known


def union(
    name: str,
    field_lists: Iterable[list[Field]],
    kind_of: Callable[[Field], Kind],
    warnings: list[str],
) -> Entity:
    """One entity from several tables documenting it: every property any of them lists."""
    entity = Entity(name)
    for fields in field_lists:
        for item in fields:
            prop = Prop(item.name, kind_of(item), item.description, [item.source], item.max_length)
            entity.add(prop, warnings)
            if item.required and item.name not in entity.required:
                entity.required.append(item.name)
            if item.one_of_required and item.one_of_required not in entity.one_of_required:
                entity.one_of_required.append(item.one_of_required)
    return entity
