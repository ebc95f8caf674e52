"""Every call stays under the documented NsApiSlow threshold (a warning unless made strict)."""

from __future__ import annotations

import warnings

from webapi_contract.contract import clause
from webapi_contract.suites.superoffice.contact_api import (
    JSON_PATCH,
    PATCH_DOC_V2,
    SAVE,
    contact_path,
    value_of,
)
from webapi_contract.vendors import SUPEROFFICE

NS_API_SLOW = "NsApiSlow threshold: 2000 ms"


class SlowCallWarning(UserWarning):
    """A call took longer than the documented NsApiSlow threshold."""


@clause(
    "reads (GET of a contact) answer within the NsApiSlow threshold",
    area="latency",
    doc=PATCH_DOC_V2,
    quote=NS_API_SLOW,
)
def test_reads_stay_under_threshold(api, contract_settings, readable_contact, verdict):
    path = contact_path(value_of(readable_contact, "ContactId"))
    _judge([api.get(path)], verdict, contract_settings)


@clause(
    "writes (PATCH, save) answer within the NsApiSlow threshold",
    area="latency",
    doc=PATCH_DOC_V2,
    quote=NS_API_SLOW,
    mutating=True,
)
def test_writes_stay_under_threshold(api, contract_settings, contact, verdict):
    path = contact_path(contact["ContactId"])
    calls = [
        api.patch(
            path,
            headers={"Content-Type": JSON_PATCH},
            json_body=[{"op": "replace", "path": "/Number2", "value": "timed"}],
        ),
        api.post(SAVE, json_body={**contact, "Number2": "timed again"}),
    ]
    _judge(calls, verdict, contract_settings)


def _judge(calls, verdict, settings):
    """Every call answered 200; one over the threshold warns (fails when --latency-strict)."""
    threshold = SUPEROFFICE.slow_ms
    # A throttled call's time includes the waits before it was sent again: not its latency.
    slow = [c for c in calls if c.elapsed_ms > threshold and not c.retries]
    for call in calls:
        verdict.true(call.status == 200, f"{call.method} answered 200", f"{call.status}", call)
    if not slow:
        return
    summary = ", ".join(f"{c.method} {c.elapsed_ms:.0f} ms" for c in slow)
    if settings.latency_strict:
        verdict.fail(f"every call under {threshold} ms", summary, slow[0])
    warnings.warn(SlowCallWarning(f"over NsApiSlow {threshold} ms: {summary}"), stacklevel=2)
