"""The ignored-auth check gives throttled probes time: auth stays unconfirmed while its probes are
answered 429."""

from __future__ import annotations

import contextlib


def test_auth_stays_unconfirmed_while_its_probes_are_throttled(monkeypatch):
    from types import SimpleNamespace

    from schemathesis.core.failures import Failure

    from webapi_contract.generated import checks

    outcomes = ["throttled"] * 4 + ["enforced"]

    def stub(ctx, response, case):
        if outcomes.pop(0) == "throttled":
            raise Failure(
                operation="PATCH /Contact/{id}",
                title="Unexpected response to invalid authentication",
                message="Expected 401 or 403, got `429 Too Many Requests` for `PATCH`",
            )
        return None

    monkeypatch.setattr(checks, "builtin", lambda *names: [stub])
    monkeypatch.setattr(checks, "_PROBE_WAITS_S", (0.0, 0.0, 0.0))
    # The stub sends nothing: no generated run's settings are needed (none may have run here).
    monkeypatch.setattr(checks, "_probes_in_our_session", contextlib.nullcontext)
    case = SimpleNamespace(operation=SimpleNamespace(label="PATCH /Contact/{id}"))
    assert checks.ignored_auth_unless_throttled(None, None, case) is None
    assert "PATCH /Contact/{id}" in checks.THROTTLED_AUTH
    assert checks.ignored_auth_unless_throttled(None, None, case) is None
    assert "PATCH /Contact/{id}" not in checks.THROTTLED_AUTH
    assert outcomes == []
