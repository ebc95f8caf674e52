"""What the generated tests build once and reuse across cases judges and draws as if built anew:
the format check's compiled validator, the checks of a case, the patch strategies, and the order
the generated items run in under pytest-xdist."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from schemathesis import GenerationMode

from webapi_contract.generated import checks
from webapi_contract.generated.fixtures import heaviest_first, pytest_collection_modifyitems
from webapi_contract.generated.patches import PatchBodies
from webapi_contract.generated.safe import LiveSafe
from webapi_contract.generated.variants import Variant
from webapi_contract.suites.superoffice.entity_api import SUPEROFFICE_CONTACT

API = SUPEROFFICE_CONTACT


def _answer(body: Any) -> tuple[Any, Any]:
    operation = SimpleNamespace(path="/Contact/{id}", method="GET", label="GET /Contact/{id}")
    response = SimpleNamespace(status_code=200, json=lambda: body)
    return response, SimpleNamespace(operation=operation)


@pytest.fixture
def contact_entity_answers(monkeypatch: pytest.MonkeyPatch) -> None:
    """The judged answer is documented as a ContactEntity (open, no required members)."""
    monkeypatch.setattr(checks, "response_schema_names", lambda *args: ("ContactEntity",))


@pytest.mark.parametrize(
    "body",
    [
        {"Name": "Acme", "CreatedDate": "2024-05-01T10:00:00"},  # no offset: SuperOffice's way
        {"Name": "Acme", "CreatedDate": "2024-05-01T10:00:00+02:00"},
        {"Name": 5, "CreatedDate": "not a date"},  # a wrong type: response_schema_conformance's
        {"Name": 5},
    ],
)
def test_a_body_without_a_format_error_alone_passes_the_format_check(
    body: Any, contact_entity_answers: None
) -> None:
    response, case = _answer(body)
    assert checks.response_formats("superoffice", response, case) is None


@pytest.mark.parametrize(
    "value", ["not a date", "2024-13-01T10:00:00", "2024-05-01", "2024-05-01T25:00:00Z"]
)
def test_a_date_time_in_the_wrong_format_fails_the_format_check(
    value: str, contact_entity_answers: None
) -> None:
    response, case = _answer({"Name": "Acme", "CreatedDate": value})
    with pytest.raises(checks.FormatMismatch, match="CreatedDate"):
        checks.response_formats("superoffice", response, case)


def test_the_checks_of_a_case_are_built_once_and_handed_out_as_a_fresh_list() -> None:
    judge = checks.Judge(API)
    first = judge.checks(malformed=False, confirm_auth=True)
    first.append(checks.is_agents_null)  # a caller may extend its list
    again = judge.checks(malformed=False, confirm_auth=True)
    assert checks.is_agents_null not in again
    assert [c.__name__ for c in again] == [c.__name__ for c in first[:-1]]
    assert all(a is b for a, b in zip(again, first, strict=False))
    unconfirmed = [c.__name__ for c in judge.checks(malformed=False, confirm_auth=False)]
    malformed = [c.__name__ for c in judge.checks(malformed=True, confirm_auth=True)]
    assert "ignored_auth_unless_throttled" not in unconfirmed
    assert "malformed_patch_refused" in malformed
    assert "malformed_patch_refused" not in [c.__name__ for c in again]
    steps = judge.stateful_checks()
    steps.clear()
    assert "use_after_free" in [c.__name__ for c in judge.stateful_checks()]


def test_patch_strategies_are_built_once_per_entity_description() -> None:
    bodies = PatchBodies(API.entity, API.stamped, vendor=API.vendor)
    assert bodies.json_patch() is bodies.json_patch()
    assert bodies.merge_patch() is bodies.merge_patch()
    assert bodies.malformed() is bodies.malformed()
    safe = LiveSafe(API, {})
    assert safe.patch_bodies() is safe.patch_bodies()
    assert safe.entity() is safe.entity()
    assert safe.select() is safe.select()


class _Item:
    """What the ordering reads of a test item: its generated marker, parameters, module."""

    def __init__(self, name: str, variant: Variant | None = None, generated: bool = True) -> None:
        self.name = name
        self.generated = generated
        if variant is not None:
            self.callspec = SimpleNamespace(params={"variant": variant, "shard": 0})
        self.module = SimpleNamespace(API=API)

    def get_closest_marker(self, name: str) -> object | None:
        return object() if name == "generated" and self.generated else None


def _names(items: list[Any]) -> list[str]:
    return [item.name for item in items]


def _items() -> list[Any]:
    negative, positive = GenerationMode.NEGATIVE, GenerationMode.POSITIVE
    return [
        _Item("foundation clause", generated=False),
        _Item("read positive", Variant(API.read, positive)),
        _Item("read negative", Variant(API.read, negative)),
        _Item("create negative", Variant(API.create, negative, mutating=True)),
        _Item("json patch", Variant(API.update, positive, "json-patch", mutating=True)),
        _Item("linked sequences"),
        _Item("create positive", Variant(API.create, positive, mutating=True)),
        _Item("later clause", generated=False),
    ]


def test_generated_items_run_first_heaviest_first_then_the_clauses_in_their_order() -> None:
    assert _names(heaviest_first(_items())) == [
        "linked sequences",
        "create negative",
        "create positive",
        "read negative",
        "read positive",
        "json patch",
        "foundation clause",
        "later clause",
    ]


def test_only_xdist_workers_reorder_a_run() -> None:
    items = _items()
    pytest_collection_modifyitems(SimpleNamespace(), items)  # type: ignore[arg-type]
    assert _names(items) == _names(_items())  # serial: foundations first, for -x
    worker = SimpleNamespace(workerinput={"workerid": "gw0"})
    pytest_collection_modifyitems(worker, items)  # type: ignore[arg-type]
    assert _names(items)[0] == "linked sequences"
    assert _names(items)[-2:] == ["foundation clause", "later clause"]
