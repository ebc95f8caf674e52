"""Machinery every vendor's contract suite reuses: clauses, citations and verdicts."""

from webapi_contract.contract.clauses import Citation, Clause, cite, clause
from webapi_contract.contract.verdict import ContractViolation, Verdict

__all__ = ["Citation", "Clause", "ContractViolation", "Verdict", "cite", "clause"]
