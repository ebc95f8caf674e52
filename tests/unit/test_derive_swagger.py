"""Cross-check with the vendor's own Swagger 2.0: where both describe a property, types agree."""

from __future__ import annotations

import copy
import json

import pytest

from webapi_contract.derive import derive
from webapi_contract.derive.crosscheck import Disagreement, disagreements, known_differences
from webapi_contract.derive.superoffice import KNOWN_DIFFERENCES
from webapi_contract.paths import docs_dir

SWAGGER_FILES = ["superoffice-swagger-v1-Contact.json", "superoffice-swagger-v1-ContactAgent.json"]
CONTACT_DEFINITION = "SuperOffice.CRM.Services.ContactEntity"


@pytest.fixture(scope="module")
def schemas():
    return derive(docs_dir()).schemas


def swagger(name):
    return json.loads((docs_dir() / "reference" / name).read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", SWAGGER_FILES)
def test_swagger_types_agree_except_known_differences(schemas, name):
    found, compared = disagreements(swagger(name), schemas)
    assert compared > 200  # ContactEntity and every carrier were compared
    known = known_differences(KNOWN_DIFFERENCES)
    unexplained = [str(d) for d in found if (d.entity, d.property) not in known]
    assert unexplained == [], "record each in swagger_known_differences.json with a reason"


def test_every_known_difference_still_occurs(schemas):
    found = {
        (d.entity, d.property)
        for name in SWAGGER_FILES
        for d in disagreements(swagger(name), schemas)[0]
    }
    stale = sorted(set(known_differences(KNOWN_DIFFERENCES)) - found)
    assert stale == []


def test_a_type_disagreement_is_reported(schemas):
    changed = copy.deepcopy(swagger(SWAGGER_FILES[0]))
    changed["definitions"][CONTACT_DEFINITION]["properties"]["Department"] = {"type": "integer"}
    changed["definitions"][CONTACT_DEFINITION]["properties"]["UpdatedDate"] = {"type": "string"}
    found, _ = disagreements(changed, schemas)
    assert found == [
        Disagreement("ContactEntity", "Department", "string", "integer"),
        Disagreement("ContactEntity", "UpdatedDate", "string(date-time)", "string"),
    ]


def test_known_differences_need_a_reason(tmp_path):
    path = tmp_path / "known.json"
    entry = {
        "entity": "ContactEntity",
        "property": "Department",
        "ours": "string",
        "theirs": "integer",
    }
    path.write_text(json.dumps({"differences": [entry]}), encoding="utf-8")
    with pytest.raises(ValueError, match="without a reason"):
        known_differences(path)
    path.write_text(json.dumps({"differences": [{**entry, "reason": "r"}]}), encoding="utf-8")
    assert set(known_differences(path)) == {("ContactEntity", "Department")}


def test_known_differences_file_explains_what_is_ignored_everywhere():
    data = json.loads(KNOWN_DIFFERENCES.read_text(encoding="utf-8"))
    assert {entry["aspect"] for entry in data["ignored_everywhere"]} == {
        "null",
        "number format double",
    }
    assert all(entry["reason"] for entry in data["ignored_everywhere"])
