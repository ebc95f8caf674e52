"""Verdicts: checks whose failures name the clause, its doc line, the exchange and the gap."""

from __future__ import annotations

import json
from typing import Any, NoReturn

from webapi_contract import schemastore
from webapi_contract.client import Exchange, redact_body
from webapi_contract.contract.clauses import Clause

__all__ = ["ContractViolation", "Verdict"]


def _show(value: Any) -> str:
    try:
        text = json.dumps(redact_body(value), default=str)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= 500 else f"{text[:500]}…"


class ContractViolation(AssertionError):
    """The target broke a documented clause."""

    def __init__(
        self, clause: Clause | None, expected: str, received: str, exchange: Exchange | None
    ) -> None:
        self.clause = clause
        self.expected = expected
        self.received = received
        self.exchange = exchange
        super().__init__(self.render())

    def render(self) -> str:
        """The message: clause and citation, expected vs received, then the exchange."""
        lines = []
        if self.clause is not None:
            citation = self.clause.citation
            lines.append(f"Clause broken: {self.clause.title} [{citation}]")
            lines.append(f'  documented: "{citation.quote}"')
        lines.append(f"Expected: {self.expected}")
        lines.append(f"Received: {self.received}")
        if self.exchange is not None:
            lines.append(self.exchange.describe())
        return "\n".join(lines)


class Verdict:
    """Checks bound to one clause; each failure raises ContractViolation."""

    def __init__(self, clause: Clause | None) -> None:
        self.clause = clause

    def fail(self, expected: str, received: str, exchange: Exchange | None = None) -> NoReturn:
        """Raise the violation of this clause."""
        raise ContractViolation(self.clause, expected, received, exchange)

    def status(self, exchange: Exchange, *expected: int) -> None:
        """The response status is one of expected."""
        __tracebackhide__ = True
        if exchange.status not in expected:
            wanted = " or ".join(str(code) for code in expected)
            self.fail(f"status {wanted}", f"status {exchange.status}", exchange)

    def json_body(self, exchange: Exchange) -> Any:
        """The response body parsed as JSON."""
        __tracebackhide__ = True
        try:
            return exchange.json()
        except ValueError:
            self.fail("a JSON body", f"{exchange.response.text[:200]!r}", exchange)

    def schema(self, value: Any, name: str, exchange: Exchange | None = None) -> None:
        """Value validates against the derived schema `name`."""
        __tracebackhide__ = True
        errors = sorted(schemastore.validator(name).iter_errors(value), key=lambda e: e.path)
        if errors:
            shown = "; ".join(
                f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}"
                for e in errors[:5]
            )
            more = f" (+{len(errors) - 5} more)" if len(errors) > 5 else ""
            self.fail(f"a body valid against {name}", f"{shown}{more}", exchange)

    def equal(
        self, received: Any, expected: Any, what: str, exchange: Exchange | None = None
    ) -> None:
        """Received equals expected."""
        __tracebackhide__ = True
        if received != expected:
            self.fail(f"{what} = {_show(expected)}", f"{what} = {_show(received)}", exchange)

    def true(
        self, condition: bool, expected: str, received: str, exchange: Exchange | None = None
    ) -> None:
        """Condition holds."""
        __tracebackhide__ = True
        if not condition:
            self.fail(expected, received, exchange)
