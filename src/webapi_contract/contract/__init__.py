"""Machinery every vendor's contract suite reuses: clauses, citations and verdicts."""

from webapi_contract.contract.clauses import LEVELS, MUST, SHOULD, Citation, Clause, cite, clause
from webapi_contract.contract.verdict import ContractViolation, Verdict

__all__ = [
    "LEVELS",
    "MUST",
    "SHOULD",
    "Citation",
    "Clause",
    "ContractViolation",
    "Verdict",
    "cite",
    "clause",
]
