"""Generated contract tests: Schemathesis cases from schemas/openapi.json, checked as answered.

Every operation variant (operation x generation mode x body kind) is split into shards, each
drawing its share of the examples from its own seed (generated/harness.py); items are independent
(each owns its contacts), so `-n 2` runs the same cases with the same outcomes.
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
from webapi_contract.suites.superoffice.entity_api import SUPEROFFICE_CONTACT

# Counted as generated cases (not clauses) in the conformance report. The tests, their fixtures
# and their parametrisation are every vendor's (generated.shared_tests, generated.fixtures); this
# module names the entity (API) and gives the vendor's own fixture: `generated`.
pytestmark = pytest.mark.generated

API = SUPEROFFICE_CONTACT
LEVELS = harness.Levels(MUST, SHOULD)


@pytest.fixture(scope="session")
def generated(contract_settings: Settings) -> harness.Generated:
    """The contact, the fields every contact the run creates carries (test-contact), levels."""
    return harness.Generated(API, LEVELS, dict(contract_settings.test_contact))
