"""What a generated test found: one record per distinct failure, for the reports to group.

A check marks each failure it raises with its name, whether the docs promise what it judges
(`documented`: a must; otherwise good practice, a should) and the schema location it concerns.
When a case fails, the runner turns the marked failures into `Finding`s (with the status and a
curl line) and attaches them to the exception Hypothesis reports; `findings_of` collects them from
whatever the run finally raised.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from functools import cache
from typing import Any

from webapi_contract import schemastore

__all__ = [
    "Finding",
    "attach",
    "findings_of",
    "mark",
    "response_schema_name",
    "response_schema_names",
]

_CHECK = "webapi_check"
_DOCUMENTED = "webapi_documented"
_LOCATION = "webapi_location"
_FINDINGS = "webapi_findings"
_SCHEMA_AT = re.compile(r"^Schema at (/\S+):$", re.MULTILINE)
_MESSAGE_CHARS = 300


@dataclass(frozen=True)
class Finding:
    """One distinct failure of a generated test."""

    check: str
    documented: bool  # the vendor's pages promise what failed (a must), else a should
    operation: str  # e.g. "GET /Contact/{id}"
    status: int | None
    location: str  # the schema location concerned, or ""
    message: str  # one line
    curl: str  # the request to resend it (secrets masked by the caller)

    @property
    def key(self) -> tuple[str, int | None, str, str]:
        """What tells two findings apart."""
        return (self.check, self.status, self.location, self.message)

    def record(self, must: str, should: str) -> dict[str, Any]:
        """The finding as the reports read it, its level spelled must or should."""
        fields = asdict(self)
        documented = fields.pop("documented")
        return {"check": fields.pop("check"), "level": must if documented else should, **fields}


def mark(
    failure: Any, check: str, documented: bool, location: str = "", *, keep: bool = False
) -> Any:
    """failure, marked as raised by check (keep: leave an earlier mark as it is)."""
    if not (keep and hasattr(failure, _CHECK)):
        setattr(failure, _CHECK, check)
        setattr(failure, _DOCUMENTED, documented)
        setattr(failure, _LOCATION, location)
    return failure


def attach(error: BaseException, case: Any, response: Any, vendor: str) -> None:
    """Record on error (a group of failures of one case) the findings it stands for; vendor:
    whose derived document the case came from."""
    curl = case.as_curl_command(headers=dict(response.request.headers), verify=response.verify)
    found = [_finding(failure, case, response, curl, vendor) for failure in _failures(error)]
    setattr(error, _FINDINGS, found)


def findings_of(error: BaseException | None, operation: str = "") -> list[Finding]:
    """Every distinct finding in what a generated test raised; an error that is no check's
    failure (no answer, a harness error) is one finding of its own, a must."""
    found: list[Finding] = []
    _collect(error, operation, found)
    return list({finding.key: finding for finding in found}.values())


def _collect(error: BaseException | None, operation: str, found: list[Finding]) -> None:
    if error is None:
        return
    attached = getattr(error, _FINDINGS, None)
    if attached is not None:
        found += attached
        return
    nested = getattr(error, "exceptions", None)
    if nested:
        for sub in nested:
            _collect(sub, operation, found)
        return
    line = _one_line(str(error)) or type(error).__name__
    found.append(Finding(type(error).__name__, True, operation, None, "", line, ""))


def _failures(error: BaseException) -> list[Any]:
    nested = getattr(error, "exceptions", None)
    return list(nested) if nested else [error]


def _finding(failure: Any, case: Any, response: Any, curl: str, vendor: str) -> Finding:
    check = getattr(failure, _CHECK, None) or type(failure).__name__
    location = getattr(failure, _LOCATION, "") or _schema_location(failure, case, response, vendor)
    title = getattr(failure, "title", "") or type(failure).__name__
    detail = _one_line(getattr(failure, "message", "") or "")
    message = f"{title}: {detail}" if detail else title
    return Finding(
        check=check,
        documented=bool(getattr(failure, _DOCUMENTED, True)),
        operation=case.operation.label,
        status=response.status_code,
        location=location,
        message=message[:_MESSAGE_CHARS],
        curl=curl,
    )


@cache
def response_schema_names(path: str, method: str, status: str, vendor: str) -> tuple[str, ...]:
    """The derived schema names a documented JSON response may have: its `$ref`, or those of
    its `anyOf` (e.g. the entity, or only its id)."""
    operation = schemastore.openapi(vendor)["paths"].get(path, {}).get(method.lower(), {})
    content = operation.get("responses", {}).get(status, {}).get("content", {})
    schema = content.get("application/json", {}).get("schema", {})
    options = schema.get("anyOf") or [schema]
    refs = [option.get("$ref", "") for option in options if isinstance(option, dict)]
    return tuple(ref.rsplit("/", 1)[-1] for ref in refs if ref)


def response_schema_name(path: str, method: str, status: str, vendor: str) -> str | None:
    """The derived schema name of a documented JSON response, e.g. ContactEntityWithLinks
    (None when there is none, or a choice of several)."""
    names = response_schema_names(path, method, status, vendor)
    return names[0] if len(names) == 1 else None


def _schema_location(failure: Any, case: Any, response: Any, vendor: str) -> str:
    """Where in the document a response schema violation sits, e.g.
    /components/schemas/ContactEntity/properties/ContactId/type (the same for every operation
    answering that schema, so the reports can group them)."""
    path = getattr(failure, "schema_path", None)
    if not path:
        return ""
    keyword = str(list(path)[-1])
    found = _SCHEMA_AT.search(getattr(failure, "message", "") or "")
    if found:
        return f"{found.group(1)}/{keyword}"
    operation = case.operation
    name = response_schema_name(operation.path, operation.method, str(response.status_code), vendor)
    return "/".join(["", "components", "schemas", name or "?", *map(str, path)])


def _one_line(text: str) -> str:
    return next((line.strip() for line in text.splitlines() if line.strip()), "")
