"""SuperOffice WebAPI: which pages document the Contact endpoints and the schemas they give."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from webapi_contract.derive.entities import Entity, Prop, union
from webapi_contract.derive.facts import Carriers
from webapi_contract.derive.kinds import Kind, from_sample, from_word, schema_of
from webapi_contract.derive.model import Endpoint, Field, Sample, Source
from webapi_contract.derive.schema import (
    PRESENT_KEY,
    SOURCE_KEY,
    document,
    entity_schema,
    present_in_any_case,
    prop_schema,
)

__all__ = [
    "API_ROOT",
    "PATCH_PAGES",
    "RESPONSE",
    "SAVE_PAGES",
    "contact_schemas",
    "patch_schemas",
]

PATCH_PAGES = ("superoffice-patch-contact.v1.md", "superoffice-patch-contact.v2.txt")
SAVE_PAGES = ("superoffice-save-contact-entity.v1.md", "superoffice-save-contact-entity.v2.txt")
API_ROOT = "/api/v1"  # the configured base URL already ends here; OpenAPI paths are below it
ENTITY, WITH_LINKS, LINKS = "ContactEntity", "ContactEntityWithLinks", "_Links"
RESPONSE = "ContactEntityResponse"  # ContactEntity as SaveContactEntity answers it
# Array properties the carrier list does not name an item type for (the samples show these).
ARRAY_ITEMS = {
    "Persons": Kind("ref", ref="Person"),
    "BounceEmails": Kind("string"),
    "Domains": Kind("string"),
}
# RFC 6902 section 4: these operations carry a `value`.
VALUE_OPS = ("add", "replace", "test")
_UNSUPPORTED = re.compile(r'((?:"\w+"\s+and\s+)*"\w+")\s+not supported')


def _kind_of(carriers: Carriers) -> Callable[[Field], Kind]:
    """Table type words to kinds; arrays and maps take their item type from the carrier list."""
    known = frozenset(carriers.entities)

    def kind_of(field: Field) -> Kind:
        kind = from_word(field.type, known)
        if kind.name == "array":
            item = carriers.items_of.get(field.name)
            return Kind("array", of=Kind("ref", ref=item) if item else ARRAY_ITEMS[field.name])
        if kind.name == "object":
            value = carriers.values_of.get(field.name)
            return Kind("map", of=Kind("ref", ref=value) if value else Kind("string"))
        return kind

    return kind_of


def _persons(
    endpoints: list[Endpoint],
) -> Iterator[tuple[dict[str, Any], Sample, tuple[str, ...]]]:
    """Every Person object in the samples: the object, its sample, and its key path there."""
    for endpoint in endpoints:
        for sample in endpoint.samples:
            body = sample.body if isinstance(sample.body, dict) else {}
            for person in body.get("Persons") or []:
                yield person, sample, ("Persons", "*")
            if isinstance(body.get("SupportPerson"), dict):
                yield body["SupportPerson"], sample, ("SupportPerson",)


def _person(carriers: Carriers, endpoints: list[Endpoint], warnings: list[str]) -> None:
    """Person: the carrier list's members plus every member the sample bodies show."""
    person = carriers.entities.setdefault("Person", Entity("Person"))
    carriers.unread.pop("Person", None)  # "the fields shown in the seed samples": read here
    for body, sample, path in _persons(endpoints):
        for key, value in body.items():
            line = sample.key_lines.get((*path, key), sample.source.line)
            where = Source(sample.source.file, line)
            if value is not None:
                person.add(Prop(key, from_sample(value), "", [where]), warnings)
            elif key in person.props:
                person.props[key].cite(where)


def _by_file(endpoints: list[Endpoint], names: tuple[str, ...]) -> list[Endpoint]:
    return [e for e in endpoints if e.file.rsplit("/", 1)[-1] in names]


def _in_every_version(pages: list[Endpoint]) -> tuple[list[str], list[dict[str, Any]]]:
    """The response properties every version of a page documents, in the order of the first,
    and where each version's response table starts. A newer version may add properties that a
    server of an older version lacks: those are never required."""
    tables = [page.response_body for page in pages if page.response_body]
    if not tables:
        return [], []
    names = [f.name for f in tables[0] if all(any(g.name == f.name for g in t) for t in tables)]
    cited = [{"file": t[0].source.file, "line": t[0].source.line} for t in tables]
    return names, cited


def _present(pages: list[Endpoint]) -> dict[str, Any]:
    """What a response documented by pages must carry (keys in any case): an annotation listing
    the names, their sources, and one subschema per name to append to an `allOf`."""
    names, cited = _in_every_version(pages)
    return {PRESENT_KEY: names, SOURCE_KEY: cited, "allOf": present_in_any_case(names)}


def contact_schemas(
    endpoints: list[Endpoint], carriers: Carriers, warnings: list[str]
) -> dict[str, dict[str, Any]]:
    """ContactEntity, ContactEntityWithLinks, ContactMergePatch and every carrier."""
    kind_of = _kind_of(carriers)
    saves, patches = _by_file(endpoints, SAVE_PAGES), _by_file(endpoints, PATCH_PAGES)
    tables = [e.request_body for e in saves] + [e.response_body for e in saves + patches]
    entity = union(ENTITY, ([f for f in t if f.name != LINKS] for t in tables), kind_of, warnings)
    entity.description = "A contact (company) as SaveContactEntity and PATCH Contact/{id} carry it."
    links = union(
        WITH_LINKS,
        ([f for f in e.response_body if f.name == LINKS] for e in patches),
        kind_of,
        warnings,
    )
    _person(carriers, endpoints, warnings)
    schemas = {name: entity_schema(carrier) for name, carrier in carriers.entities.items()}
    schemas[ENTITY] = entity_schema(entity)
    in_patch, in_save = _present(patches), _present(saves)
    schemas[WITH_LINKS] = document(
        WITH_LINKS,
        {
            "type": "object",
            "allOf": [
                {"$ref": f"{ENTITY}.schema.json"},
                {
                    "type": "object",
                    "properties": {n: prop_schema(p, True) for n, p in links.props.items()},
                },
                *in_patch.pop("allOf"),
            ],
            **in_patch,
        },
        "ContactEntity plus the hypermedia links of the REST endpoints, as GET and PATCH answer "
        f"it: every property every version of the page documents is present ({PRESENT_KEY}; "
        "null when empty, any key case).",
    )
    schemas[RESPONSE] = document(
        RESPONSE,
        {
            "type": "object",
            "allOf": [{"$ref": f"{ENTITY}.schema.json"}, *in_save.pop("allOf")],
            **in_save,
        },
        "ContactEntity as SaveContactEntity answers it: every property every version of the page "
        f"documents is present ({PRESENT_KEY}; null when empty, any key case). A request body "
        "is a ContactEntity, where any property may be left out.",
    )
    schemas["ContactMergePatch"] = _merge_patch(entity)
    return schemas


def _merge_patch(entity: Entity) -> dict[str, Any]:
    """RFC 7396 body: any subset of ContactEntity; an object where an array is expected appends."""
    props: dict[str, Any] = {}
    for name, prop in entity.props.items():
        schema = prop_schema(prop, nullable=True)
        item = prop.kind.of if prop.kind.name == "array" else None
        if item is not None and item.name == "ref":
            schema = {
                "anyOf": [schema_of(prop.kind), schema_of(item), {"type": "null"}],
                **{k: v for k, v in schema.items() if k not in ("type", "items")},
            }
        props[name] = schema
    return document(
        "ContactMergePatch",
        {"type": "object", "properties": props},
        "A JSON Merge Patch of a ContactEntity: any subset of its properties; null clears one.",
    )


def patch_schemas(endpoints: list[Endpoint], warnings: list[str]) -> dict[str, dict[str, Any]]:
    """JsonPatchOperation (ops as documented, unsupported ones left out) and JsonPatchDocument."""
    patches = _by_file(endpoints, PATCH_PAGES)
    operation = union(
        "JsonPatchOperation",
        (e.request_body for e in patches),
        lambda f: Kind("any") if f.type.lower() == "object" else from_word(f.type),
        warnings,
    )
    operation.nullable = False
    op = operation.props["op"]
    named = re.findall(r'"(\w+)"', op.description)
    refused = {w for m in _UNSUPPORTED.findall(op.description) for w in re.findall(r'"(\w+)"', m)}
    ops = tuple(o for o in named if o not in refused)
    op.kind = Kind("enum", values=ops)
    operation.required = ["op", "path"]
    schema = entity_schema(operation)
    needs_value = [o for o in VALUE_OPS if o in ops]
    schema["allOf"] = [
        {
            "if": {"properties": {"op": {"enum": needs_value}}, "required": ["op"]},
            "then": {"required": ["value"]},
        }
    ]
    document_schema = document(
        "JsonPatchDocument",
        {"type": "array", "items": {"$ref": "JsonPatchOperation.schema.json"}},
        "An RFC 6902 JSON Patch: the operations in order.",
    )
    return {"JsonPatchOperation": schema, "JsonPatchDocument": document_schema}
