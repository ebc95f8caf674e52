"""JUnit XML for CI test viewers: each testcase named by what it checks, not by its function.

GitHub's and GitLab's test viewers show a testcase's classname and name and ignore its
properties. A clause's testcase is named by its clause title (plus " [param]" for a
parametrised case) with classname "<vendor>.<area>"; a generated test by its operation, mode and
shard ("PatchContact merge-patch 1of2") with classname "<vendor>.generated"; other tests keep
their names. The original classname::name stays as the property "nodeid".
"""

from __future__ import annotations

import os
import re
import stat
import tempfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

__all__ = ["NODEID", "JunitError", "pytest_name", "read_testcases", "rename_testcases"]

NODEID = "nodeid"
CUSTOM = "custom"  # the vendor of a user's own suite
GENERATED_AREA = "generated"
STATEFUL_TEST = "test_linked_sequences_conform"
STATEFUL_NAME = "linked sequences (stateful)"
_GENERATED = re.compile(
    r"^test_generated_cases_conform\[(?P<operation>[^-\]]+)-(?P<mode>.+)-(?P<k>\d+)of(?P<n>\d+)\]$"
)
_GENERATED_MODULE = "test_generated"
_VENDOR = re.compile(r"(?:^|\.)suites\.(?P<vendor>[A-Za-z_]\w*)\.[^.]+$")
_PARAM = re.compile(r"\[(?P<param>.*)\]$", re.DOTALL)


class JunitError(ValueError):
    """A JUnit XML file that cannot be read: absent, not XML, or not a JUnit report."""


@dataclass(frozen=True)
class _Original:
    classname: str
    name: str


def _parse(path: Path) -> ET.ElementTree[ET.Element]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise JunitError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    if b"<!DOCTYPE" in raw or b"<!ENTITY" in raw:  # pytest never writes one: refuse, never expand
        raise JunitError(f"{path}: has a DOCTYPE; not a pytest JUnit report")
    try:
        root = ET.fromstring(raw)
    except (ET.ParseError, ValueError, LookupError) as exc:
        raise JunitError(f"{path}: not well-formed XML ({exc})") from exc
    if root.tag not in ("testsuites", "testsuite"):
        raise JunitError(f"{path}: <{root.tag}> is not a JUnit report (no <testsuites>)")
    return ET.ElementTree(root)


def _properties(case: ET.Element) -> dict[str, str]:
    found: dict[str, str] = {}
    for prop in case.iterfind("properties/property"):
        name = prop.get("name")
        if name is not None and name not in found:
            found[name] = prop.get("value") or ""
    return found


def _original(case: ET.Element, properties: dict[str, str]) -> _Original:
    """The testcase as pytest named it: from the "nodeid" property once renamed."""
    kept = properties.get(NODEID, "")
    classname, sep, name = kept.partition("::")
    if sep:
        return _Original(classname, name)
    return _Original(case.get("classname") or "", case.get("name") or "")


def pytest_name(case: ET.Element) -> str:
    """The name pytest gave a testcase (its test function and parameters), renamed or not."""
    return _original(case, _properties(case)).name


def _vendor(classname: str) -> str:
    found = _VENDOR.search(classname)
    return found.group("vendor") if found else CUSTOM


def _new_names(original: _Original, properties: dict[str, str]) -> tuple[str, str] | None:
    """(classname, name) for a CI viewer, or None when the testcase keeps its names."""
    vendor = _vendor(original.classname)
    title = properties.get("clause")
    if title:
        area = properties.get("clause_area") or "other"
        param = _PARAM.search(original.name)
        name = f"{title} [{param.group('param')}]" if param else title
        return f"{vendor}.{area}", name
    if original.classname.rsplit(".", 1)[-1] != _GENERATED_MODULE:
        return None
    generated = _GENERATED.match(original.name)
    if generated:
        operation, mode, k, n = generated.group("operation", "mode", "k", "n")
        return f"{vendor}.{GENERATED_AREA}", f"{operation} {mode} {k}of{n}"
    if original.name == STATEFUL_TEST:
        return f"{vendor}.{GENERATED_AREA}", STATEFUL_NAME
    return None


def _rename(case: ET.Element) -> bool:
    """Rename one testcase in place; whether anything changed."""
    properties = _properties(case)
    original = _original(case, properties)
    renamed = _new_names(original, properties)
    if renamed is None:
        return False
    classname, name = renamed
    changed = (case.get("classname"), case.get("name")) != (classname, name)
    case.set("classname", classname)
    case.set("name", name)
    if NODEID not in properties:
        holder = case.find("properties")
        if holder is None:
            holder = ET.Element("properties")
            case.insert(0, holder)
        ET.SubElement(
            holder, "property", name=NODEID, value=f"{original.classname}::{original.name}"
        )
        changed = True
    return changed


def read_testcases(path: Path) -> list[ET.Element]:
    """The testcases of a JUnit XML file, named for CI viewers (the file is not changed).

    Raises JunitError when the file is absent or not a JUnit report.
    """
    cases = list(_parse(path).getroot().iter("testcase"))
    for case in cases:
        _rename(case)
    return cases


def _write_atomically(tree: ET.ElementTree[ET.Element], path: Path) -> None:
    mode = stat.S_IMODE(path.stat().st_mode)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            tree.write(out, encoding="utf-8", xml_declaration=True)
        os.chmod(temporary, mode)  # mkstemp's 0600 would hide the report from a CI uploader
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def rename_testcases(path: Path) -> str | None:
    """Rename the testcases of the JUnit XML file at path for CI viewers, in place (atomically).

    Idempotent. Never raises for a bad file: returns a one-line problem instead (the run's
    verdict never depends on it), None when the file was renamed or needed nothing.
    """
    try:
        tree = _parse(path)
        changed = [_rename(case) for case in tree.getroot().iter("testcase")]
        if any(changed):
            _write_atomically(tree, path)
    except JunitError as exc:
        return f"junit names left as they are: {exc}"
    except OSError as exc:
        return f"junit names left as they are: {path}: cannot write ({exc.strerror or exc})"
    except Exception as exc:  # a cosmetic step: whatever it meets, the run's outcome stands
        return f"junit names left as they are: {path}: {type(exc).__name__}: {exc}"
    return None
