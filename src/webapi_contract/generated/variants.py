"""What one generated test item exercises: an operation, a generation mode, a kind of body."""

from __future__ import annotations

from dataclasses import dataclass

from schemathesis import GenerationMode

from webapi_contract.generated.entity import EntityApi

__all__ = ["BODY_MEDIA_TYPES", "Variant", "variants"]

# The request media types the derived document gives each kind of patch body.
BODY_MEDIA_TYPES = {
    "json-patch": ("application/json-patch+json", "application/json"),
    "merge-patch": ("application/merge-patch+json", "application/json"),
    "malformed": ("application/json-patch+json",),
}


@dataclass(frozen=True)
class Variant:
    """An operation generated in one mode; `body` names our own body strategy, if any."""

    operation_id: str
    mode: GenerationMode
    body: str | None = None
    mutating: bool = False

    @property
    def name(self) -> str:
        """The id of the variant in test names, e.g. `PatchContact-json-patch`."""
        return f"{self.operation_id}-{self.body or self.mode.value}"


def variants(api: EntityApi) -> list[Variant]:
    """Every operation in positive and negative mode; a PATCH update with meaningful and
    malformed bodies.

    A schema-valid JSON Patch may still name a property the entity lacks, which a conformant
    server refuses, so valid patches come from our strategies and Schemathesis adds negatives.
    A whole-entity update (PUT) is drawn by Schemathesis in both modes, like a create.
    """
    found: list[Variant] = []
    listing = [api.list_all] if api.list_all else []
    patches = api.update_body == "patch"
    for operation in (*listing, api.read, api.create, api.update, api.delete):
        mutating = operation in api.mutating
        patch = patches and operation == api.update
        modes = [GenerationMode.NEGATIVE] if patch else list(GenerationMode)
        found += [Variant(operation, mode, mutating=mutating) for mode in modes]
        if patch:
            found += [
                Variant(operation, GenerationMode.POSITIVE, body, mutating=True)
                for body in BODY_MEDIA_TYPES
            ]
    return found
