"""SuperOffice facts the generated tests need: the entity, its id, who creates and mutates it."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["SUPEROFFICE_CONTACT", "EntityApi"]


@dataclass(frozen=True)
class EntityApi:
    """One entity's operations, as the derived OpenAPI document names them."""

    entity: str
    id_property: str
    # Properties the server stamps; the docs do not say whether a client may send them, so
    # generated requests leave them out rather than judge a server for ignoring or refusing them.
    stamped: frozenset[str]
    create: str
    read: str
    update: str
    delete: str
    create_path: str
    item_path: str
    # The merge-patch schema (by name) when the docs let an object stand for an array item
    # (appended) where the derived schema only admits the array.
    merge_patch_appends: str | None = None
    id_parameter: str = "id"
    name_property: str = "Name"
    # Operations that report a failure as 200 with a `null` body instead of an HTTP error.
    agents: frozenset[str] = frozenset()
    # What generated requests may change on a live tenant: plain, documented, writable scalar
    # properties, and element arrays by the kind of value their items' `Value` holds.
    writable: frozenset[str] = frozenset()
    elements: tuple[tuple[str, str], ...] = ()
    # Members whose values name other entities (persons, ...) a save could move or change:
    # never sent to a live tenant, not even in an invalid body.
    foreign: frozenset[str] = frozenset()

    def path_of(self, entity_id: int) -> str:
        """The by-id path of one entity, below the base URL."""
        return self.item_path.format(**{self.id_parameter: entity_id})

    @property
    def mutating(self) -> frozenset[str]:
        """Operation ids that change data."""
        return frozenset({self.create, self.update, self.delete})

    @property
    def by_id(self) -> frozenset[str]:
        """Operation ids that address one existing entity through the path."""
        return frozenset({self.read, self.update, self.delete})


SUPEROFFICE_CONTACT = EntityApi(
    entity="ContactEntity",
    id_property="ContactId",
    stamped=frozenset({"ContactId", "CreatedDate", "UpdatedDate"}),
    create="SaveContactEntity",
    read="GetContact",
    update="PatchContact",
    delete="DeleteContact",
    create_path="Agents/Contact/SaveContactEntity",
    item_path="Contact/{id}",
    # docs/vendor/reference/vendor-facts.md:44: "In a merge patch, an object given where an array
    # is expected is appended (as `add` to `/Phones/-`); an array replaces the whole array."
    merge_patch_appends="ContactMergePatch",
    # docs/vendor/reference/vendor-facts.md:18: Agents "do not return HTTP errors": a failed call
    # answers 200 with a `null` body.
    agents=frozenset({"SaveContactEntity"}),
    writable=frozenset({"Department", "Description", "Number1", "Number2", "OrgNr"}),
    elements=(("Emails", "email"), ("Phones", "phone"), ("Urls", "url"), ("Faxes", "phone")),
    foreign=frozenset({"Persons", "SupportPerson"}),
)
