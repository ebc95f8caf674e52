"""Contract violations the mock can be started with, one at a time, to prove the suite notices.

Each fault is one realistic deviation a vendor release could ship, and each breaks a documented
behaviour (the doc line is given with it). The clean code path asks `active(name)` at the exact
point where the deviation would live — one `if` per fault — so a faulty mock is the reference mock
with one switch flipped, never a second implementation.

The fault is per server, not per process: MockApp marks each request it handles with its fault (a
context variable), so mocks with different faults can serve side by side in one process.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

__all__ = ["FAULTS", "Fault", "active", "current", "listing", "require", "switched_on"]


@dataclass(frozen=True)
class Fault:
    """One deviation: its name, the area of the contract it breaks, what the server then does."""

    name: str
    area: str
    summary: str
    # The doc line the deviation breaks: a page below docs/vendor and a quote from that line.
    doc: str
    quote: str


_PATCH = "superoffice-patch-contact.v1.md"
_SAVE = "superoffice-save-contact-entity.v1.md"
_FACTS = "reference/vendor-facts.md"

_ALL = (
    Fault(
        "paths-case-sensitive",
        "PATCH semantics",
        "JSON Patch paths match property names case-sensitively: '/department' is refused",
        _PATCH,
        "The path is case insensitive",
    ),
    Fault(
        "leading-slash-required",
        "PATCH semantics",
        "JSON Patch paths without the leading slash ('Department') are refused",
        _PATCH,
        "the leading slash is optional",
    ),
    Fault(
        "updateddate-not-bumped",
        "PATCH semantics",
        "a successful PATCH leaves UpdatedDate where it was",
        _PATCH,
        "UpdatedDate | date-time | Date last updated in UTC.",
    ),
    Fault(
        "test-op-ignored",
        "JSON Patch ops",
        "'test' operations are skipped, so a failing test no longer blocks the patch",
        _PATCH,
        "409 | Update blocked because a 'test' operation has detected a conflict",
    ),
    Fault(
        "move-accepted",
        "JSON Patch ops",
        "'move' and 'copy' operations are applied instead of refused",
        _PATCH,
        '"move" and "copy" not supported',
    ),
    Fault(
        "remove-ignored",
        "JSON Patch ops",
        "'remove' answers 200 but leaves the property's value in place",
        _PATCH,
        "JSON PATCH supports operations 'add', 'replace', 'remove' and 'test'.",
    ),
    Fault(
        "add-to-end-replaces",
        "JSON Patch ops",
        "'add' to '/Emails/-' replaces the whole array instead of appending to it",
        _PATCH,
        '"/users/0/email", "/users/-"',
    ),
    Fault(
        "merge-null-ignored",
        "merge patch",
        "a null in a JSON Merge Patch leaves the property as it was instead of clearing it",
        _PATCH,
        "See RFC6902 and RFC 7396",
    ),
    Fault(
        "merge-object-replaces-array",
        "merge patch",
        "an object given in a merge patch where the contact has an array replaces the array's "
        "items with that one object instead of appending it",
        _FACTS,
        "an object given where an array is expected is appended",
    ),
    Fault(
        "merge-array-appends",
        "merge patch",
        "an array given in a merge patch is appended to the contact's array instead of replacing "
        "it",
        _FACTS,
        "an array replaces the whole array",
    ),
    Fault(
        "patch-not-atomic",
        "atomicity",
        "operations before a failing one stay applied: a patch is no longer all or nothing",
        _PATCH,
        "Update blocked because a 'test' operation has detected a conflict",
    ),
    Fault(
        "404-wrong-error-body",
        "404",
        "a missing contact answers 404 with an RFC 9457 problem+json body, not the documented "
        "SoNotFoundException error body",
        _FACTS,
        '"ErrorType": "SoNotFoundException"',
    ),
    Fault(
        "missing-contact-200-null",
        "404",
        "GET of a missing contact answers 200 with a null body (the Agents convention), not 404",
        _FACTS,
        "200 ContactEntityWithLinks; 304 not changed since If-Modified-Since; 404",
    ),
    Fault(
        "test-conflict-400",
        "409",
        "a failing 'test' operation answers 400 instead of 409 (nothing is applied)",
        _PATCH,
        "409 | Update blocked because a 'test' operation has detected a conflict",
    ),
    Fault(
        "412-ignored",
        "412",
        "If-Unmodified-Since is ignored: a write based on a stale read applies",
        _PATCH,
        "412 | Update aborted because ContactEntity has changed since the requested",
    ),
    Fault(
        "if-unmodified-since-local-time",
        "412",
        "If-Unmodified-Since is read as the server's local time (UTC-05:00), not GMT, so a stale "
        "date passes",
        _PATCH,
        "412 | Update aborted because ContactEntity has changed since the requested",
    ),
    Fault(
        "select-omits-instead-of-null",
        "$select",
        "$select drops unselected properties from the body instead of returning them as null",
        _PATCH,
        "Other fields are then nulled out to reduce payload size",
    ),
    Fault(
        "select-ignored-on-patch",
        "$select",
        "$select shapes GET responses, but PATCH responses come back whole",
        _PATCH,
        "PATCH /api/v1/Contact/{id}?$select=name,department,category/id",
    ),
    Fault(
        "save-update-creates-new",
        "SaveContactEntity",
        "SaveContactEntity with a non-zero ContactId creates a new contact instead of updating",
        _SAVE,
        "Updates the existing ContactEntity",
    ),
    Fault(
        "save-create-echoes-zero-id",
        "SaveContactEntity",
        "SaveContactEntity with ContactId 0 creates the contact but answers ContactId 0, as sent",
        _SAVE,
        "creates a new ContactEntity if the id parameter is empty",
    ),
    Fault(
        "save-without-id-refused",
        "SaveContactEntity",
        "SaveContactEntity refuses a body without a ContactId key (400) instead of creating",
        _SAVE,
        "creates a new ContactEntity if the id parameter is empty",
    ),
    Fault(
        "patch-not-persisted",
        "persistence",
        "PATCH answers the changed contact but does not store the change",
        _PATCH,
        "200 | ContactEntity updated.",
    ),
    Fault(
        "ticket-scheme-rejected",
        "auth",
        "the SoTicket scheme is refused with 401; only Basic and Bearer work",
        _PATCH,
        "Supports 'Basic', 'SoTicket' and 'Bearer' schemes",
    ),
    Fault(
        "wrong-password-accepted",
        "auth",
        "Basic auth checks the user name but not the password",
        _PATCH,
        "Supports 'Basic', 'SoTicket' and 'Bearer' schemes",
    ),
    Fault(
        "anonymous-get-allowed",
        "auth",
        "GET without any credentials answers 200 instead of 401",
        _FACTS,
        "A request with neither Authorization nor X-XSRF-TOKEN gets 401",
    ),
    Fault(
        "xsrf-ignored",
        "auth",
        "X-XSRF-TOKEN with its session cookie is refused with 401: only Authorization works",
        _PATCH,
        "If not using Authorization header, you must provide XSRF value from cookie",
    ),
    Fault(
        "xml-accept-ignored",
        "content negotiation",
        "Accept: application/xml or text/xml still gets JSON",
        _PATCH,
        "Content-type(s) you would like the response in",
    ),
    Fault(
        "text-json-406",
        "content negotiation",
        "Accept: text/json answers 406 Not Acceptable",
        _PATCH,
        "Content-type(s) you would like the response in",
    ),
    Fault(
        "json-as-text-plain",
        "content types",
        "JSON responses are labelled Content-Type: text/plain",
        _PATCH,
        "Content-type(s) you would like the response in",
    ),
    Fault(
        "charset-param-415",
        "content types",
        "a request Content-Type with a charset ('application/json; charset=utf-8') gets 415",
        _PATCH,
        "Content-Type: application/json; charset=utf-8",
    ),
    Fault(
        "merge-patch-415",
        "content types",
        "PATCH with Content-Type application/merge-patch+json gets 415",
        _PATCH,
        "or a MERGE-PATCH object",
    ),
    Fault(
        "save-xml-form-415",
        "content types",
        "SaveContactEntity refuses XML and form bodies with 415 (only JSON is taken)",
        _SAVE,
        "Content-type of the request body:",
    ),
    Fault(
        "save-text-json-415",
        "content types",
        "SaveContactEntity refuses a JSON body labelled Content-Type: text/json with 415",
        _SAVE,
        "Content-type of the request body:",
    ),
    Fault(
        "contactid-as-string",
        "schema drift",
        'GET and PATCH responses carry ContactId as a string ("42")',
        _PATCH,
        "ContactId | int32 | Primary key",
    ),
    Fault(
        "booleans-as-numbers",
        "schema drift",
        "GET and PATCH responses carry NoMailing and Xstop as 0/1 (a SQL bit) instead of booleans",
        _PATCH,
        "NoMailing | bool | Spam filter.",
    ),
    Fault(
        "interests-omitted",
        "schema drift",
        "GET and PATCH answers leave Interests out (a serializer that skips empty collections)",
        _PATCH,
        "Default = show all fields",
    ),
    Fault(
        "patch-answer-without-links",
        "schema drift",
        "PATCH answers the agent's ContactEntity: no _Links, unlike ContactEntityWithLinks",
        _PATCH,
        "Response body: ContactEntityWithLinks",
    ),
    Fault(
        "save-answer-omits-nulls",
        "schema drift",
        "SaveContactEntity answers leave out every property whose value is null",
        _SAVE,
        "Response body: ContactEntity",
    ),
    Fault(
        "dates-local-time",
        "date formats",
        "CreatedDate and UpdatedDate carry the server's local wall time (UTC+02:00) marked as UTC",
        _PATCH,
        "CreatedDate | date-time | Date registered in UTC.",
    ),
    Fault(
        "timezone-header-shifts-dates",
        "header handling",
        "SO-TimeZone moves CreatedDate and UpdatedDate to the zone's wall time, still marked UTC",
        _FACTS,
        "CreatedDate and UpdatedDate are always UTC",
    ),
    Fault(
        "zoned-dates-labelled-utc",
        "header handling",
        "SO-TimeZone with includeTZOffset moves DbiLastModified and the other date-times to the "
        "zone's wall time but labels them +00:00 (wrong instants)",
        _FACTS,
        "includeTZOffset adds offsets to dates",
    ),
    Fault(
        "if-modified-since-ignored",
        "header handling",
        "GET ignores If-Modified-Since: an unchanged contact answers 200 instead of 304",
        _FACTS,
        "304 not changed since If-Modified-Since",
    ),
    Fault(
        "malformed-json-500",
        "robustness",
        "a request body that is not valid JSON answers 500 instead of 400",
        _PATCH,
        "JSON-Patch array of operations+path+value, or a MERGE-PATCH object",
    ),
    Fault(
        "wrong-type-500",
        "robustness",
        "a PATCH value of the wrong type (text for an int32) answers 500 instead of 400",
        _PATCH,
        "JSON-Patch array of operations+path+value, or a MERGE-PATCH object",
    ),
)

# name -> fault, in listing order. Tests may add a fault here (it then changes nothing).
FAULTS: dict[str, Fault] = {fault.name: fault for fault in _ALL}

_ACTIVE: ContextVar[str | None] = ContextVar("webapi_contract_mock_fault", default=None)


def require(name: str | None) -> str | None:
    """name when it is a known fault (or None); ValueError naming the known faults otherwise."""
    if name is not None and name not in FAULTS:
        raise ValueError(f"unknown fault {name!r}; known faults: {', '.join(FAULTS)}")
    return name


def active(name: str) -> bool:
    """Whether the request being handled runs with fault `name` switched on."""
    if name not in FAULTS:
        raise KeyError(f"the mock consults an unregistered fault {name!r}")
    return _ACTIVE.get() == name


def current() -> str | None:
    """The fault switched on for the request being handled, if any."""
    return _ACTIVE.get()


@contextmanager
def switched_on(name: str | None) -> Iterator[None]:
    """Handle the requests inside the block with fault `name` (None: the clean mock)."""
    token = _ACTIVE.set(name)
    try:
        yield
    finally:
        _ACTIVE.reset(token)


def listing() -> list[str]:
    """One line per fault: name, area and what the server then does."""
    width = max((len(name) for name in FAULTS), default=0)
    return [f"{f.name:<{width}}  [{f.area}] {f.summary}" for f in FAULTS.values()]
