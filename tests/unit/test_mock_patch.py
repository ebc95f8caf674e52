"""PATCH Contact/{id} on the mock, over real HTTP: JSON Patch, merge patch, all or nothing."""

from __future__ import annotations

import pytest

SAVE = "Agents/Contact/SaveContactEntity"


@pytest.fixture
def contact(mock, api):
    body = {
        "ContactId": 0,
        "Name": "Patch target",
        "Department": "Sales",
        "Emails": [{"Value": "first@example.com", "Description": "work"}],
        "Phones": [{"Value": "+47 1"}],
        "Category": {"Id": 1, "Value": "VIP Customer"},
        "CustomFields": {"SuperOffice:1": "one"},
    }
    saved = api.post(f"{mock.base_url}/{SAVE}", json=body)
    assert saved.status_code == 200, saved.text
    return saved.json()


def patch(mock, api, contact_id, body, content_type="application/json", **headers):
    return api.patch(
        f"{mock.base_url}/Contact/{contact_id}",
        json=body,
        headers={"Content-Type": content_type, **headers},
    )


def read(mock, api, contact_id):
    return api.get(f"{mock.base_url}/Contact/{contact_id}").json()


@pytest.mark.parametrize("path", ["/Department", "/department", "Department", "department"])
def test_path_case_and_leading_slash_do_not_matter(mock, api, contact, path):
    sent = patch(mock, api, contact["ContactId"], [{"op": "replace", "path": path, "value": "x"}])
    assert sent.status_code == 200, sent.text
    assert sent.json()["Department"] == "x"
    assert "department" not in sent.json()


@pytest.mark.parametrize(
    "content_type",
    [
        "application/json",
        "text/json",
        "application/json-patch+json",
        "application/json-patch+json; charset=utf-8",
        "Application/JSON; charset=utf-8",
    ],
)
def test_json_patch_content_types_are_accepted(mock, api, contact, content_type):
    ops = [{"op": "replace", "path": "/Number1", "value": "n"}]
    sent = patch(mock, api, contact["ContactId"], ops, content_type)
    assert sent.status_code == 200, sent.text


def test_nested_array_paths_resolve_to_stored_spelling(mock, api, contact):
    ops = [
        {"op": "replace", "path": "/emails/0/value", "value": "second@example.com"},
        {"op": "add", "path": "Emails/-", "value": {"Value": "third@example.com"}},
    ]
    sent = patch(mock, api, contact["ContactId"], ops)
    assert sent.status_code == 200, sent.text
    emails = sent.json()["Emails"]
    assert [e["Value"] for e in emails] == ["second@example.com", "third@example.com"]


def test_remove_and_test_ops_apply(mock, api, contact):
    ops = [
        {"op": "test", "path": "/Department", "value": "Sales"},
        {"op": "remove", "path": "/Emails/0"},
        {"op": "remove", "path": "/Department"},
    ]
    sent = patch(mock, api, contact["ContactId"], ops)
    assert sent.status_code == 200, sent.text
    assert sent.json()["Emails"] == []
    assert sent.json()["Department"] is None  # a removed property stays, as null


def test_a_removed_property_is_there_for_the_rest_of_the_patch(mock, api, contact):
    # Found by 300 generated cases per variant: the second remove failed (400) because the
    # default came back only after the last operation.
    ops = [
        {"op": "remove", "path": "GroupId"},
        {"op": "remove", "path": "groupid"},
        {"op": "test", "path": "/GroupId", "value": None},
        {"op": "remove", "path": "/Emails"},
        {"op": "test", "path": "/Emails", "value": []},
        {"op": "replace", "path": "/Department", "value": "after"},
    ]
    sent = patch(mock, api, contact["ContactId"], ops)
    assert sent.status_code == 200, sent.text
    assert (sent.json()["GroupId"], sent.json()["Emails"]) == (None, [])


def test_whole_phones_array_and_custom_fields_map_are_replaced(mock, api, contact):
    ops = [
        {"op": "replace", "path": "Phones", "value": [{"Value": "+1"}, {"Value": "+2"}]},
        {"op": "replace", "path": "CustomFields", "value": {"SuperOffice:1": "x"}},
        {"op": "add", "path": "CustomFields/x_foobar", "value": "y"},
    ]
    sent = patch(mock, api, contact["ContactId"], ops)
    assert sent.status_code == 200, sent.text
    body = read(mock, api, contact["ContactId"])
    assert [p["Value"] for p in body["Phones"]] == ["+1", "+2"]
    assert body["CustomFields"] == {"SuperOffice:1": "x", "x_foobar": "y"}


def test_failing_test_after_earlier_ops_applies_nothing(mock, api, contact):
    before = read(mock, api, contact["ContactId"])
    ops = [
        {"op": "replace", "path": "/Name", "value": "changed"},
        {"op": "add", "path": "/Emails/-", "value": {"Value": "x@example.com"}},
        {"op": "test", "path": "/Department", "value": "not the department"},
    ]
    sent = patch(mock, api, contact["ContactId"], ops)
    assert sent.status_code == 409
    assert sent.json()["Error"] is True
    assert read(mock, api, contact["ContactId"]) == before


@pytest.mark.parametrize("op", ["move", "copy"])
def test_move_and_copy_are_refused(mock, api, contact, op):
    ops = [{"op": op, "from": "/Name", "path": "/Department"}]
    sent = patch(mock, api, contact["ContactId"], ops)
    assert sent.status_code == 400
    assert sent.json()["ErrorType"] == "NotSupported"


@pytest.mark.parametrize(
    "ops",
    [
        [{"op": "replace", "path": "/NoSuchProperty", "value": 1}],
        [{"op": "replace", "path": "/Category/NoSuchMember", "value": 1}],
        [{"op": "replace", "path": "/Department", "value": 42}],
        [{"op": "replace", "path": "/Emails", "value": "not an array"}],
        [{"op": "replace", "path": "/Emails/7/Value", "value": "x"}],
        [{"op": "remove", "path": "/Emails/7"}],
        [{"op": "replace", "path": "", "value": {}}],
        [{"op": "replace", "path": "/Name"}],
        [{"op": "frobnicate", "path": "/Name", "value": 1}],
        [{"path": "/Name", "value": 1}],
        ["not an op"],
    ],
    ids=[
        "unknown",
        "unknown-nested",
        "wrong-type",
        "array-as-string",
        "index-out-of-range",
        "remove-missing",
        "root",
        "no-value",
        "unknown-op",
        "no-op",
        "op-not-object",
    ],
)
def test_bad_operations_are_400_and_change_nothing(mock, api, contact, ops):
    before = read(mock, api, contact["ContactId"])
    sent = patch(mock, api, contact["ContactId"], ops)
    assert sent.status_code == 400, sent.text
    assert set(sent.json()) == {"Error", "ErrorType", "ErrorMessage", "ErrorSource"}
    assert read(mock, api, contact["ContactId"]) == before


def test_merge_patch_is_case_insensitive_and_null_clears(mock, api, contact):
    body = {"department": None, "NAME": "merged", "category": {"value": "Prospect"}}
    sent = patch(mock, api, contact["ContactId"], body, "application/merge-patch+json")
    assert sent.status_code == 200, sent.text
    entity = sent.json()
    assert entity["Department"] is None
    assert entity["Name"] == "merged"
    assert entity["Category"] == {"Id": 1, "Value": "Prospect"}


def test_merge_patch_object_for_array_appends_and_array_replaces(mock, api, contact):
    body = {"Emails": {"Value": "appended@example.com"}, "Phones": [{"Value": "+9"}]}
    sent = patch(mock, api, contact["ContactId"], body, "application/merge-patch+json")
    assert sent.status_code == 200, sent.text
    entity = sent.json()
    assert [e["Value"] for e in entity["Emails"]] == ["first@example.com", "appended@example.com"]
    assert entity["Phones"] == [{"Value": "+9"}]


def test_merge_patch_null_removes_a_map_entry(mock, api, contact):
    body = {"CustomFields": {"superoffice:1": None, "x_new": "v"}}
    sent = patch(mock, api, contact["ContactId"], body)
    assert sent.status_code == 200, sent.text
    assert sent.json()["CustomFields"] == {"x_new": "v"}


@pytest.mark.parametrize(
    ("content_type", "body"),
    [("application/json-patch+json", {"Name": "x"}), ("application/merge-patch+json", [])],
)
def test_body_shape_must_fit_the_patch_media_type(mock, api, contact, content_type, body):
    assert patch(mock, api, contact["ContactId"], body, content_type).status_code == 400


def test_success_bumps_updated_date_and_persists(mock, api, contact):
    ops = [{"op": "replace", "path": "/Number2", "value": "kept"}]
    first = patch(mock, api, contact["ContactId"], ops).json()
    second = patch(mock, api, contact["ContactId"], ops).json()
    assert contact["UpdatedDate"] < first["UpdatedDate"] < second["UpdatedDate"]
    assert first["CreatedDate"] == contact["CreatedDate"]
    assert read(mock, api, contact["ContactId"])["Number2"] == "kept"
    assert second["_Links"]["Self"] == f"{mock.base_url}/Contact/{contact['ContactId']}"


def test_server_managed_fields_are_not_taken_from_the_patch(mock, api, contact):
    ops = [
        {"op": "replace", "path": "/ContactId", "value": 999},
        {"op": "replace", "path": "/CreatedDate", "value": "2000-01-01T00:00:00Z"},
    ]
    entity = patch(mock, api, contact["ContactId"], ops).json()
    assert entity["ContactId"] == contact["ContactId"]
    assert entity["CreatedDate"] == contact["CreatedDate"]


def test_select_on_patch_shapes_the_response(mock, api, contact):
    url = f"{mock.base_url}/Contact/{contact['ContactId']}?$select=name,department,category/id"
    sent = api.patch(url, json=[{"op": "replace", "path": "/Department", "value": "Sel"}])
    assert sent.status_code == 200
    entity = sent.json()
    assert entity["Department"] == "Sel"
    assert entity["Category"] == {"Id": 1}
    assert entity["Emails"] is None
    assert read(mock, api, contact["ContactId"])["Emails"] != []
