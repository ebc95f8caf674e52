"""POST Contact: a new contact, under the id the client supplies."""

from __future__ import annotations

from webapi_contract.contract import clause
from webapi_contract.suites.odyssee.conftest import post_contact, tagged
from webapi_contract.suites.odyssee.contact_api import (
    CREATED,
    FACTS,
    body_of,
    read_back,
    same_id,
    value_of,
)


@clause(
    "POST Contact creates a contact that GET Contact({id}) reads back",
    area="create",
    doc=FACTS,
    quote="POST api/Contact",
    mutating=True,
)
def test_post_creates_a_readable_contact(api, company, created_ids, run_tag, verdict):
    lastname = tagged(run_tag, "created")
    sent = post_contact(api, {"lastname": lastname, "company_code": company["code"]}, created_ids)
    verdict.status(sent, *CREATED)
    answered = body_of(sent)
    new_id = value_of(answered, "id")
    verdict.true(
        isinstance(new_id, str) and bool(new_id.strip()),
        "the new contact's id in the answer",
        f"id = {new_id!r}",
        sent,
    )
    created_ids.append(new_id)  # deleted at the end (again: a client-supplied id is noted)
    read = read_back(api, verdict, new_id)
    verdict.equal(value_of(read, "lastname"), lastname, "lastname on GET", api.last)


@clause(
    "a client-supplied id on POST becomes the new contact's id",
    area="create",
    doc=FACTS,
    quote="a client may supply the `id` of a new entity on POST",
    mutating=True,
)
def test_post_keeps_a_client_supplied_id(api, company, created_ids, run_tag, verdict):
    sent = post_contact(
        api,
        {"lastname": tagged(run_tag, "client id"), "company_code": company["code"]},
        created_ids,
    )
    wanted = sent.request_body["id"]
    verdict.status(sent, *CREATED)
    answered = value_of(body_of(sent), "id")
    verdict.true(
        same_id(answered, wanted),
        f"id = {wanted} (the one sent, in any letter case)",
        f"id = {answered!r}",
        sent,
    )
    read_back(api, verdict, wanted)
