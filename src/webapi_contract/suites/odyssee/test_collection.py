"""GET Contact: collections as {"value": [...]}, 20 a page with @odata.nextLink, and $filter."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from webapi_contract.contract import SHOULD, clause
from webapi_contract.suites.odyssee.contact_api import (
    FACTS,
    body_of,
    relative_link,
    value_of,
)

PAGE = 20
PAGING = "`@odata.nextLink` paging (20 a page)"
FILTER = "`$filter=code eq '…'` filters"
NEXT_LINK = "@odata.nextLink"
# Pages the paging clause follows at most (it made PAGE + 1 contacts: two pages are enough).
MAX_PAGES = 5


def _filtered(member, text):
    """The path of GET Contact filtered on member eq 'text' (quotes doubled, as OData has it)."""
    literal = text.replace("'", "''")
    return "Contact?$filter=" + quote(f"{member} eq '{literal}'", safe="'")


def _page(api, verdict, path):
    read = api.get(path)
    verdict.status(read, 200)
    body = body_of(read)
    items = value_of(body, "value")
    verdict.true(
        isinstance(body, dict) and isinstance(items, list),
        'a collection {"value": [...]}',
        f"{type(body).__name__} with value {type(items).__name__}",
        read,
    )
    return read, body, items


def _ids(items):
    return [str(value_of(item, "id")).lower() for item in items]


@clause(
    "$filter=<member> eq '<text>' answers only the contacts whose member is that text",
    area="collections",
    doc=FACTS,
    quote=FILTER,
    mutating=True,
    # The facts show `$filter=code eq '…'` only; that other string members filter alike, the
    # vendor's pages do not promise.
    level=SHOULD,
)
def test_filter(api, new_contact, run_tag, verdict):
    label = f"filter {run_tag[-6:]}"
    wanted = [new_contact(label), new_contact(label)]
    other = new_contact(f"other {run_tag[-6:]}")
    lastname = wanted[0]["lastname"]
    read, _, items = _page(api, verdict, _filtered("lastname", lastname))
    found = _ids(items)
    verdict.true(
        sorted(found) == sorted(str(c["id"]).lower() for c in wanted),
        f"exactly the {len(wanted)} contacts whose lastname is {lastname!r}",
        f"{len(found)} contacts: {', '.join(found[:5])}"
        + (" (the other contact among them)" if str(other["id"]).lower() in found else ""),
        read,
    )


@clause(
    "a collection answers 20 contacts a page, and @odata.nextLink leads to the rest",
    area="collections",
    doc=FACTS,
    quote=PAGING,
    mutating=True,
)
def test_paging(api, new_contact, run_tag, verdict):
    # The run's own contacts are singled out by $filter on lastname, which the facts do not
    # promise (test_filter, a should): when the tenant refuses or ignores that filter, the
    # paging of these contacts cannot be told apart, and the clause is not judged (a skip).
    label = f"page {run_tag[-6:]}"
    contacts = [new_contact(label) for _ in range(PAGE + 1)]
    made = {str(c["id"]).lower() for c in contacts}
    lastname = contacts[0]["lastname"]
    first = api.get(_filtered("lastname", lastname))
    items = value_of(body_of(first), "value")
    if first.status != 200 or not isinstance(items, list):
        pytest.skip(
            f"not judged: the tenant does not filter on lastname ($filter answered {first.status})"
        )
    if any(str(value_of(item, "id")).lower() not in made for item in items):
        pytest.skip("not judged: the tenant does not filter on lastname (others' contacts listed)")
    read, body = first, body_of(first)
    verdict.equal(len(items), PAGE, f"contacts on the first page of {PAGE + 1}", read)
    seen = _ids(items)
    for _ in range(MAX_PAGES):
        link = value_of(body, NEXT_LINK)
        if link is None:
            break
        verdict.true(
            isinstance(link, str) and bool(link.strip()),
            f"{NEXT_LINK} a URL (absolute, or relative to the request's)",
            f"{NEXT_LINK} = {link!r}",
            read,
        )
        read, body, items = _page(api, verdict, relative_link(link, read.url))
        verdict.true(len(items) <= PAGE, f"at most {PAGE} a page", f"{len(items)}", read)
        seen += _ids(items)
    verdict.true(
        len(seen) == len(set(seen)) and set(seen) == made,
        f"the {PAGE + 1} contacts across the pages, each once",
        f"{len(seen)} contacts ({len(set(seen) & made)} of ours, {len(set(seen))} distinct)",
        read,
    )
