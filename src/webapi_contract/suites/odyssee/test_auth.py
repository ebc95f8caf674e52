"""Basic auth over base64 of `username:password@domain`: without it 401 (or 403); without the
right domain, the same (a should)."""

from __future__ import annotations

import base64

import pytest

from webapi_contract.contract import SHOULD, clause
from webapi_contract.suites.odyssee.contact_api import COLLECTION, FACTS

BASIC = "Basic over base64 of `username:password@domain`"


def _basic(user, password):
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def _parts(settings):
    """(user, password, domain) of the primary credential; None unless it is Basic with a
    domain (given with the domain setting, or as password@domain)."""
    primary = settings.primary
    if primary is None or primary.scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(primary.authorization.split(" ", 1)[-1], validate=True)
    except ValueError:
        return None
    user, colon, rest = decoded.decode("utf-8", "replace").partition(":")
    password, at, domain = rest.rpartition("@")
    return (user, password, domain) if colon and at else None


ANY_REFUSAL = (401, 403)  # vendor-facts.md:67 lists both; which one refuses a login, no page says
PATH = f"{COLLECTION}?$top=1"  # a read: wrongly accepted, it changes nothing


def _refused(api, verdict, attempts):
    for why, authorization in attempts.items():
        read = api.get(PATH, authorization=authorization)
        verdict.true(
            read.status in ANY_REFUSAL,
            f"401 or 403 for {why}",
            f"{why} answered {read.status}",
            read,
        )
    verdict.status(api.get(PATH), 200)


@clause(
    "a request without credentials is refused (401 or 403)",
    area="auth",
    doc=FACTS,
    quote=BASIC,
)
def test_unauthenticated_answers_401(api, verdict):
    _refused(api, verdict, {"no Authorization": None})


@clause(
    "a password without @domain, or with a wrong domain, is refused (401 or 403)",
    area="auth",
    doc=FACTS,
    quote=BASIC,
    # The facts describe what a client sends; that a tenant checks the domain part (a tenant
    # with one domain may not need it), they do not promise.
    level=SHOULD,
)
def test_login_without_the_right_domain_is_refused(api, contract_settings, verdict):
    parts = _parts(contract_settings)
    if parts is None:
        pytest.skip("not run: the credentials are no Basic username:password@domain")
    user, password, domain = parts
    _refused(
        api,
        verdict,
        {
            "username:password without @domain": _basic(user, password),
            "a wrong domain": _basic(user, f"{password}@{domain}-wrong"),
        },
    )
