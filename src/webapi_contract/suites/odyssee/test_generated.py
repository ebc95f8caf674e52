"""Generated contract tests: Schemathesis cases from schemas/odyssee/openapi.json, checked as
answered: each operation in positive and negative mode (generated/harness.py), and sequences
along the links (POST Contact, then GET/PUT/DELETE Contact({id}) of the new id).

Live-safe as SuperOffice's: only contacts the run created are changed, lists are narrowed to
them, and the company every valid contact needs is the suite's (the `company` fixture).
"""

from __future__ import annotations

import pytest

from webapi_contract.config import Settings
from webapi_contract.contract import MUST, SHOULD
from webapi_contract.generated import harness
from webapi_contract.generated.shared_tests import (  # noqa: F401 (collected here)
    test_generated_cases_conform,
    test_linked_sequences_conform,
)
from webapi_contract.suites.odyssee.entity_api import ODYSSEE_CONTACT

# Counted as generated cases (not clauses) in the conformance report. The tests, their fixtures
# and their parametrisation are every vendor's (generated.shared_tests, generated.fixtures); this
# module names the entity (API) and gives the vendor's own fixture: `generated`.
pytestmark = pytest.mark.generated

API = ODYSSEE_CONTACT
LEVELS = harness.Levels(MUST, SHOULD)


@pytest.fixture(scope="session")
def generated(contract_settings: Settings, request: pytest.FixtureRequest) -> harness.Generated:
    """The contact, the fields every contact the run creates carries (the run's company by its
    code, then the test-contact setting), levels. Under --readonly nothing is created: none."""
    if contract_settings.readonly:
        return harness.Generated(API, LEVELS, {})
    request.getfixturevalue("new_contact")  # its teardown deletes the company fixture's contact
    company: dict[str, str] = request.getfixturevalue("company")
    mandatory = {"company_code": company["code"], **contract_settings.test_contact}
    return harness.Generated(API, LEVELS, mandatory)
