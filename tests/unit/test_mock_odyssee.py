"""The Odyssee mock: routes, keys, validation, defaults, dates, paging, Prefer, auth, media types
and each fault of its catalogue."""

from __future__ import annotations

import base64
import json
import re
import uuid
from datetime import UTC, datetime

import pytest
import requests
from defusedxml import ElementTree

from webapi_contract import cli
from webapi_contract.contract import cite
from webapi_contract.mock import MockCredentials, MockServer, faults
from webapi_contract.mock.auth import SECRET_ALPHABET

VENDOR = "odyssee"
CATALOGUE = faults.catalogue(VENDOR)
DATE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z")
DATE_FIELDS = ("birthdate", "create_date", "modified_dateutc")
ACME = "3f2a6c1e-8d4b-4e0a-9b6f-1c2d3e4f5a01"  # a seed company's id (code ACME)
MAX_LENGTHS = [
    ("firstname", 50),
    ("lastname", 50),
    ("e_login", 50),
    ("e_password", 50),
    ("phone", 50),
    ("mobile", 50),
    ("private_phone", 50),
    ("private_mobile", 50),
    ("reference_back_office", 50),
    ("functions", 64),
    ("email", 250),
    ("skype", 250),
    ("private_email", 250),
]


def basic(user: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{secret}".encode()).decode()


class Probe:
    """Plain HTTP against one Odyssee mock, authenticated as `user:password@domain`."""

    def __init__(self, server: MockServer) -> None:
        self.server = server
        self.base = server.base_url
        creds = server.credentials
        self.session = requests.Session()
        self.session.headers["Authorization"] = basic(
            creds.username, f"{creds.password}@{creds.domain}"
        )

    def url(self, key: str) -> str:
        return f"{self.base}/Contact({key})"

    def post(self, body, **kwargs):
        return self.session.post(f"{self.base}/Contact", json=body, **kwargs)

    def create(self, **fields):
        sent = self.post({"lastname": "Probe", "company_code": "ACME", **fields})
        assert sent.status_code == 201, sent.text
        return sent.json()

    def get(self, key, **kwargs):
        return self.session.get(self.url(key), **kwargs)

    def put(self, key, body, **kwargs):
        return self.session.put(self.url(key), json=body, **kwargs)

    def listing(self, query="", **kwargs):
        return self.session.get(f"{self.base}/Contact{query}", **kwargs)


@pytest.fixture(scope="module")
def clean():
    with MockServer(vendor=VENDOR) as server:
        yield Probe(server)


@pytest.fixture
def fresh():
    with MockServer(vendor=VENDOR) as server:
        yield Probe(server)


def _nulls(value, where="") -> list[str]:
    if value is None:
        return [where or "the body"]
    if isinstance(value, dict):
        return [n for key, member in value.items() for n in _nulls(member, f"{where}/{key}")]
    if isinstance(value, list):
        return [n for i, member in enumerate(value) for n in _nulls(member, f"{where}/{i}")]
    return []


def _error(response) -> str:
    body = response.json()
    assert set(body) == {"error"}
    assert body["error"]["code"]
    assert body["error"]["message"]
    return str(body["error"]["message"])


# Routes and statuses.


def test_post_answers_201_with_the_contact_and_a_location_that_reads_it_back(clean):
    sent = clean.post({"lastname": "Durand", "firstname": "Camille", "company_code": "ACME"})
    assert sent.status_code == 201, sent.text
    contact = sent.json()
    assert uuid.UUID(contact["id"])
    assert sent.headers["Location"] == clean.url(contact["id"])
    read = clean.session.get(sent.headers["Location"])
    assert read.status_code == 200
    assert read.json() == contact
    assert read.json()["company"]["code"] == "ACME"
    assert read.json()["company_id"] == ACME


def test_post_keeps_a_client_supplied_id_and_refuses_it_twice(clean):
    wanted = str(uuid.uuid4()).upper()
    first = clean.post({"id": wanted, "lastname": "Mine", "company_id": ACME})
    assert first.status_code == 201, first.text
    assert first.json()["id"] == wanted.lower()
    again = clean.post({"id": wanted, "lastname": "Again", "company_id": ACME})
    assert again.status_code == 409
    _error(again)


def test_put_replaces_the_whole_contact_and_persists(clean):
    contact = clean.create(firstname="Before", phone="+33 1", notes="kept?")
    body = {"id": contact["id"], "lastname": "After", "company_code": "GLOBEX"}
    answer = clean.put(contact["id"], body)
    assert answer.status_code == 200, answer.text
    read = clean.get(contact["id"]).json()
    assert read == answer.json()
    assert (read["lastname"], read["firstname"], read["phone"], read["notes"]) == (
        "After",
        "",
        "",
        "",
    )
    assert read["company_code"] == "GLOBEX"
    assert read["create_date"] == contact["create_date"]


def test_delete_answers_204_then_the_contact_is_gone(clean):
    contact = clean.create()
    assert clean.session.delete(clean.url(contact["id"])).status_code == 204
    assert clean.get(contact["id"]).status_code == 404
    assert clean.session.delete(clean.url(contact["id"])).status_code == 404


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
def test_an_unknown_guid_answers_404_with_a_readable_body(clean, method):
    key = str(uuid.uuid4())
    body = {"id": key, "lastname": "Nobody", "company_code": "ACME"}
    answer = clean.session.request(method, clean.url(key), json=body if method == "PUT" else None)
    assert answer.status_code == 404
    assert key in _error(answer)


@pytest.mark.parametrize("form", ["{}", "'{}'", "guid'{}'", "GUID'{}'"])
def test_keys_are_taken_bare_quoted_or_as_guid_literals_in_any_case(clean, form):
    contact = clean.create()
    assert clean.get(form.format(contact["id"].upper())).json() == contact


@pytest.mark.parametrize("key", ["abc", "'", "guid'zz'", "", "'abc'", "guid'", "1" * 10240, "%00"])
@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
def test_a_malformed_key_answers_400_never_500(clean, key, method):
    body = {"id": str(uuid.uuid4()), "lastname": "Key", "company_code": "ACME"}
    url = f"{clean.base}/Contact({key})"
    answer = clean.session.request(method, url, json=body if method == "PUT" else None)
    assert answer.status_code == 400, answer.text[:200]
    assert "not a guid" in _error(answer)


def test_unknown_routes_and_methods_are_404_and_405(clean):
    assert clean.session.get(f"{clean.base}/Company").status_code == 404
    assert clean.session.patch(f"{clean.base}/Contact", json={}).status_code == 405


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        (b"{not json", "application/json"),
        (b"", "application/json"),
        (b"[1, 2]", "application/json"),
        (b'"text"', "application/json"),
        (b"<contact><lastname>x</lastname>", "application/xml"),
    ],
)
def test_a_malformed_body_answers_400_never_500(clean, data, content_type):
    answer = clean.session.post(
        f"{clean.base}/Contact", data=data, headers={"Content-Type": content_type}
    )
    assert answer.status_code == 400, answer.text
    _error(answer)


def test_a_body_of_another_media_type_answers_415(clean):
    answer = clean.session.post(
        f"{clean.base}/Contact", data=b"lastname=x", headers={"Content-Type": "text/plain"}
    )
    assert answer.status_code == 415


# Validation.


@pytest.mark.parametrize(("field", "limit"), MAX_LENGTHS)
def test_each_max_length_is_accepted_at_the_limit_and_refused_above(clean, field, limit):
    at = clean.post({"lastname": "Len", "company_code": "ACME", field: "x" * limit})
    assert at.status_code == 201, at.text
    assert at.json()[field] == "x" * limit
    above = clean.post({"lastname": "Len", "company_code": "ACME", field: "x" * (limit + 1)})
    assert above.status_code == 422, above.text
    assert field in _error(above)


def test_put_checks_max_lengths_too(clean):
    contact = clean.create()
    body = {"id": contact["id"], "lastname": "x" * 51, "company_code": "ACME"}
    assert clean.put(contact["id"], body).status_code == 422
    assert clean.get(contact["id"]).json()["lastname"] == "Probe"


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"company_code": "ACME"}, "lastname"),
        ({"lastname": None, "company_code": "ACME"}, "lastname"),
        ({"lastname": "No company"}, "company"),
        ({"lastname": "No company", "company_id": None, "company_code": None}, "company"),
        ({"lastname": "x", "company_code": "NO-SUCH-CODE"}, "NO-SUCH-CODE"),
        ({"lastname": "x", "company_id": str(uuid.uuid4())}, "company_id"),
        ({"lastname": "x", "company": {"name": "no code"}}, "company.code"),
        (
            {
                "lastname": "x",
                "company_code": "ACME",
                "company_id": "3f2a6c1e-8d4b-4e0a-9b6f-1c2d3e4f5a02",
            },
            "different",
        ),
        ({"lastname": "x", "company_code": "ACME", "archived": "yes"}, "archived"),
        ({"lastname": "x", "company_code": "ACME", "id": "not-a-guid"}, "id"),
    ],
)
def test_an_invalid_contact_answers_422_naming_the_problem(clean, body, words):
    answer = clean.post(body)
    assert answer.status_code == 422, answer.text
    assert words in _error(answer)


def test_put_with_a_body_id_other_than_the_uri_id_answers_400(clean):
    contact = clean.create()
    body = {"id": str(uuid.uuid4()), "lastname": "Other", "company_code": "ACME"}
    answer = clean.put(contact["id"], body)
    assert answer.status_code == 400
    assert "id" in _error(answer)
    assert clean.get(contact["id"]).json()["lastname"] == "Probe"


def test_put_without_a_body_id_answers_422(clean):
    contact = clean.create()
    answer = clean.put(contact["id"], {"lastname": "No id", "company_code": "ACME"})
    assert answer.status_code == 422


def test_unknown_members_are_ignored_and_names_match_ignoring_case(clean):
    contact = clean.create(LastName="Case", surprise="ignored")
    assert contact["lastname"] == "Case"
    assert "surprise" not in contact


# Embedded companies.


def test_an_embedded_company_is_added_by_its_code_then_updated_by_it(clean):
    code = f"NEW-{uuid.uuid4().hex[:8]}"
    first = clean.post({"lastname": "Emb", "company": {"code": code, "name": "First name"}})
    assert first.status_code == 201, first.text
    company = first.json()["company"]
    assert (company["code"], company["name"]) == (code, "First name")
    assert first.json()["company_code"] == code
    by_code = clean.create(company_code=code)
    assert by_code["company_id"] == company["id"]
    clean.post({"lastname": "Upd", "company": {"code": code, "name": "Second name"}})
    assert clean.get(by_code["id"]).json()["company"]["name"] == "Second name"


# No nulls, dates, system fields.


def test_no_response_holds_a_null(clean):
    posted = clean.post({"lastname": "Nulls", "company_code": "ACME", "firstname": None})
    contact = posted.json()
    assert _nulls(contact) == []
    assert contact["firstname"] == ""
    assert contact["archived"] is False
    assert contact["db_title_id"] == "00000000-0000-0000-0000-000000000000"
    assert contact["birthdate"] == "1980-01-01T00:00:00.000Z"
    body = {**contact, "notes": None, "company": None}
    assert _nulls(clean.put(contact["id"], body).json()) == []
    assert _nulls(clean.get(contact["id"]).json()) == []
    assert _nulls(clean.listing().json()) == []


def test_dates_are_written_to_the_millisecond_in_utc(clean):
    contact = clean.create(birthdate="1990-05-17", create_date="2024-03-01T12:00:00+02:00")
    for field in DATE_FIELDS:
        assert DATE.fullmatch(contact[field]), (field, contact[field])
    assert contact["birthdate"] == "1990-05-17T00:00:00.000Z"
    assert contact["create_date"] == "2024-03-01T10:00:00.000Z"
    sample = clean.create(birthdate="2026-04-24T10:59:50.6554761+00:00")
    assert sample["birthdate"] == "2026-04-24T10:59:50.655Z"


@pytest.mark.parametrize(
    ("sent", "answered"),
    [
        ("0215-04-25T05:43:35+06:10", "0215-04-24T23:33:35.000Z"),
        ("0011-11-30T15:41:25.37", "0011-11-30T15:41:25.370Z"),
        ("0058-05-01", "0058-05-01T00:00:00.000Z"),
        ("2020-01-01t10:00:00z", "2020-01-01T10:00:00.000Z"),
        # UTC outside the years 0001-9999: clamped, as Json.NET reads it into a DateTime.
        ("0001-01-01T00:00:00+06:00", "0001-01-01T00:00:00.000Z"),
        ("9999-12-31T23:00:00-06:00", "9999-12-31T23:59:59.999Z"),
    ],
)
def test_every_valid_date_is_accepted_and_written_with_a_four_digit_year(clean, sent, answered):
    contact = clean.create(birthdate=sent, create_date=sent)
    assert (contact["birthdate"], contact["create_date"]) == (answered, answered)
    body = {**contact, "birthdate": sent}
    assert clean.put(contact["id"], body).json()["birthdate"] == answered
    assert clean.get(contact["id"]).json()["birthdate"] == answered


def test_modified_dateutc_is_the_servers_and_moves_forward_on_every_update(clean):
    contact = clean.create(modified_dateutc="2000-01-01T00:00:00.000Z")
    stamps = [contact["modified_dateutc"]]
    assert abs(datetime.fromisoformat(stamps[0]) - datetime.now(UTC)).total_seconds() < 60
    for n in range(3):
        body = {**contact, "notes": f"update {n}", "modified_dateutc": "2000-01-01T00:00:00.000Z"}
        stamps.append(clean.put(contact["id"], body).json()["modified_dateutc"])
    assert stamps == sorted(set(stamps)), stamps
    assert clean.get(contact["id"]).json()["modified_dateutc"] == stamps[-1]


# Paging and $filter.


def test_45_contacts_come_in_three_pages_through_absolute_next_links(fresh):
    made = [fresh.create(lastname=f"Page {n}")["id"] for n in range(45)]
    seen, url, pages = [], f"{fresh.base}/Contact", []
    while url:
        page = fresh.session.get(url).json()
        pages.append(len(page["value"]))
        seen += [item["id"] for item in page["value"]]
        url = page.get("@odata.nextLink")
        if url:
            assert url.startswith(f"{fresh.base}/Contact?")
    assert pages == [20, 20, 5]
    assert seen == made
    first = fresh.listing().json()["value"][0]
    fresh.put(first["id"], {**first, "notes": "updated"})
    assert fresh.listing().json()["value"][0]["id"] == first["id"]  # a PUT keeps the order


def test_top_and_skip_page_and_bad_values_are_400(fresh):
    made = [fresh.create(lastname=f"Top {n}")["id"] for n in range(30)]
    five = fresh.listing("?$top=5").json()
    assert [c["id"] for c in five["value"]] == made[:5]
    assert "@odata.nextLink" not in five
    first = fresh.listing("?$top=25").json()
    assert len(first["value"]) == 20
    rest = fresh.session.get(first["@odata.nextLink"]).json()
    assert [c["id"] for c in rest["value"]] == made[20:25]
    assert "@odata.nextLink" not in rest
    assert [c["id"] for c in fresh.listing("?$skip=28").json()["value"]] == made[28:]
    assert fresh.listing("?$top=0").json() == {"value": []}
    for query in ("?$top=-1", "?$top=abc", "?$skip=1.5", f"?$skip={2**40}"):
        assert fresh.listing(query).status_code == 400, query
    for query in (f"?$top={2**31 - 1}", f"?$skip={2**31 - 1}&$top={2**31 - 1}"):
        assert fresh.listing(query).status_code == 200, query  # any Edm.Int32 from 0
    assert fresh.listing(f"?$top={2**31}").status_code == 400


def test_filter_eq_selects_on_a_text_member_and_pages_with_its_filter(fresh):
    for n in range(23):
        fresh.create(lastname="O'Brien", firstname=str(n))
    fresh.create(lastname="Other")
    page = fresh.listing("?$filter=lastname eq 'O''Brien'").json()
    assert len(page["value"]) == 20
    assert {c["lastname"] for c in page["value"]} == {"O'Brien"}
    rest = fresh.session.get(page["@odata.nextLink"]).json()
    assert [c["firstname"] for c in rest["value"]] == ["20", "21", "22"]
    assert fresh.listing("?$filter=lastname eq 'Other'").json()["value"][0]["lastname"] == "Other"
    assert fresh.listing("?$filter=LASTNAME eq 'nobody'").json() == {"value": []}
    for query in ("lastname gt 'a'", "archived eq 'true'", "nosuch eq 'x'", "lastname eq x"):
        assert fresh.listing(f"?$filter={query}").status_code == 400, query


# Prefer.


def test_prefer_minimal_answers_only_the_id_on_post_and_no_body_on_put(clean):
    prefer = {"Prefer": "return=minimal"}
    posted = clean.post({"lastname": "Min", "company_code": "ACME"}, headers=prefer)
    assert posted.status_code == 201
    assert set(posted.json()) == {"id"}
    assert posted.headers["Preference-Applied"] == "return=minimal"
    key = posted.json()["id"]
    body = {"id": key, "lastname": "Min 2", "company_code": "ACME"}
    put = clean.put(key, body, headers=prefer)
    assert (put.status_code, put.content) == (204, b"")
    assert clean.get(key).json()["lastname"] == "Min 2"
    assert "lastname" in clean.put(key, body).json()


# Auth.


def test_credentials_need_user_password_and_domain(clean):
    creds = clean.server.credentials
    url = f"{clean.base}/Contact"
    for authorization in (
        None,
        basic(creds.username, creds.password),
        basic(creds.username, f"wrong@{creds.domain}"),
        basic(creds.username, f"{creds.password}@OTHER"),
        basic("someone", f"{creds.password}@{creds.domain}"),
        f"Bearer {creds.token}",
        "Basic !!!",
    ):
        headers = {"Authorization": authorization} if authorization else {}
        answer = requests.get(url, headers=headers)
        assert answer.status_code == 401, authorization
        assert answer.headers["WWW-Authenticate"].startswith("Basic realm=")
    lower = basic(creds.username, f"{creds.password}@{creds.domain.lower()}")
    assert requests.get(url, headers={"Authorization": lower}).status_code == 200


def test_the_odyssee_mock_needs_a_domain_and_generated_secrets_are_safe():
    with pytest.raises(ValueError, match="domain"):
        MockServer(vendor=VENDOR, credentials=MockCredentials("u", "p", "t", "k")).start()
    for _ in range(50):
        creds = MockCredentials.generate()
        for secret in (creds.password, creds.token, creds.xsrf_token, creds.domain):
            assert secret[0] != "-"
            assert set(secret) <= set(SECRET_ALPHABET)


# Media types.


def test_a_text_json_body_is_taken_and_answered_as_application_json(clean):
    data = json.dumps({"lastname": "Tj", "company_code": "ACME"})
    posted = clean.session.post(
        f"{clean.base}/Contact", data=data, headers={"Content-Type": "text/json"}
    )
    assert posted.status_code == 201, posted.text
    assert posted.headers["Content-Type"].startswith("application/json")
    key = posted.json()["id"]
    body = json.dumps({"id": key, "lastname": "Tj 2", "company_code": "ACME"})
    put = clean.session.put(clean.url(key), data=body, headers={"Content-Type": "text/json"})
    assert put.status_code == 200


def test_xml_is_answered_on_accept_and_taken_as_a_body(clean):
    clean.create(lastname="Xml listed")  # the listing below needs two, whatever ran before
    contact = clean.create(lastname="Xml")
    xml = clean.get(contact["id"], headers={"Accept": "application/xml"})
    assert xml.headers["Content-Type"].startswith("application/xml")
    root = ElementTree.fromstring(xml.content)
    assert root.tag == "contact"
    assert root.findtext("lastname") == "Xml"
    listed = clean.listing("?$top=2", headers={"Accept": "application/xml"})
    assert ElementTree.fromstring(listed.content).tag == "ArrayOfcontact"
    assert len(ElementTree.fromstring(listed.content)) == 2
    body = b"<contact><lastname>FromXml</lastname><company_code>ACME</company_code></contact>"
    posted = clean.session.post(
        f"{clean.base}/Contact", data=body, headers={"Content-Type": "application/xml"}
    )
    assert posted.status_code == 201, posted.text
    assert posted.json()["lastname"] == "FromXml"


def test_serve_lists_the_odyssee_faults_and_refuses_a_superoffice_one(capsys):
    assert cli.main(["serve", "--vendor", VENDOR, "--list-faults"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines] == list(CATALOGUE)
    assert cli.main(["serve", "--vendor", VENDOR, "--fault", "paths-case-sensitive"]) == 2
    assert "unknown fault 'paths-case-sensitive'" in capsys.readouterr().err


# Faults.


def _upper_key(p):
    return p.get(p.create()["id"].upper()).status_code


def _modified_after_put(p):
    contact = p.create()
    return (
        p.put(contact["id"], {**contact, "notes": "x"}).json()["modified_dateutc"]
        == (contact["modified_dateutc"])
    )


def _put_persisted(p):
    contact = p.create()
    p.put(contact["id"], {**contact, "lastname": "Stored?"})
    return p.get(contact["id"]).json()["lastname"]


def _client_id(p):
    wanted = str(uuid.uuid4())
    return p.post({"id": wanted, "lastname": "C", "company_code": "ACME"}).json()["id"] == wanted


def _minimal_post(p):
    return sorted(p.post({"lastname": "M", "company_code": "ACME"}, headers=_MINIMAL).json())


def _paged(p):
    while not p.listing("?$skip=20&$top=1").json()["value"]:
        p.create()
    return "@odata.nextLink" in p.listing().json()


def _filtered(p):
    p.create(lastname="Filtered")
    p.create(lastname="Unfiltered")
    return {c["lastname"] for c in p.listing("?$filter=lastname eq 'Filtered'").json()["value"]}


def _auth_without_domain(p):
    creds = p.server.credentials
    headers = {"Authorization": basic(creds.username, creds.password)}
    return requests.get(f"{p.base}/Contact", headers=headers).status_code


_MINIMAL = {"Prefer": "return=minimal"}
_JSON_POST = {"Content-Type": "text/json"}

# fault -> an observation of the behaviour it breaks; the clean mock and the faulty one differ.
PROBES = {
    "maxlength-not-enforced": lambda p: (
        p.post({"lastname": "x" * 51, "company_code": "ACME"}).status_code
    ),
    "lastname-not-required": lambda p: p.post({"company_code": "ACME"}).status_code,
    "company-rule-ignored": lambda p: p.post({"lastname": "No company"}).status_code,
    "unknown-company-code-accepted": lambda p: (
        p.post({"lastname": "x", "company_code": "NO-SUCH"}).status_code
    ),
    "modified-date-writable": lambda p: p.create(modified_dateutc="2000-01-01T00:00:00.000Z")[
        "modified_dateutc"
    ],
    "modified-date-frozen": _modified_after_put,
    "nulls-stored": lambda p: _nulls(p.create()),
    "dates-offset-format": lambda p: bool(DATE.fullmatch(p.create()["create_date"])),
    "guid-keys-case-sensitive": _upper_key,
    "malformed-guid-500": lambda p: p.get("abc").status_code,
    "unknown-guid-200": lambda p: p.get(str(uuid.uuid4())).status_code,
    "body-id-mismatch-accepted": lambda p: (
        p.put(
            p.create()["id"], {"id": str(uuid.uuid4()), "lastname": "x", "company_code": "ACME"}
        ).status_code
    ),
    "put-not-persisted": _put_persisted,
    "client-id-ignored": _client_id,
    "prefer-ignored": _minimal_post,
    "paging-without-nextlink": _paged,
    "filter-ignored": _filtered,
    "auth-without-domain-accepted": _auth_without_domain,
    "text-json-refused": lambda p: (
        p.session.post(
            f"{p.base}/Contact",
            data=b'{"lastname": "t", "company_code": "ACME"}',
            headers=_JSON_POST,
        ).status_code
    ),
    "xml-accept-ignored": lambda p: p.get(
        p.create()["id"], headers={"Accept": "application/xml"}
    ).headers["Content-Type"],
    "json-as-text-plain": lambda p: p.get(p.create()["id"]).headers["Content-Type"],
    "malformed-json-500": lambda p: (
        p.session.post(
            f"{p.base}/Contact", data=b"{", headers={"Content-Type": "application/json"}
        ).status_code
    ),
}


def test_the_catalogue_has_enough_faults_each_with_a_probe():
    assert len(CATALOGUE) >= 12
    assert set(PROBES) == set(CATALOGUE)


@pytest.mark.parametrize("fault", list(CATALOGUE.values()), ids=list(CATALOGUE))
def test_each_fault_cites_the_doc_line_it_breaks(fault):
    assert cite(fault.doc, fault.quote).line > 0
    assert fault.summary
    assert "\n" not in fault.summary


@pytest.mark.parametrize("fault", list(CATALOGUE))
def test_fault_changes_the_behaviour_it_names(clean, fault):
    with MockServer(vendor=VENDOR, fault=fault) as server:
        broken = PROBES[fault](Probe(server))
    assert broken != PROBES[fault](clean), f"{fault} changed nothing the probe sees"


def test_faults_of_one_vendor_are_refused_for_the_other():
    with pytest.raises(ValueError, match="unknown fault 'nulls-stored'"):
        MockServer(fault="nulls-stored")
    with pytest.raises(ValueError, match="unknown fault 'paths-case-sensitive'"):
        MockServer(vendor=VENDOR, fault="paths-case-sensitive")
    with pytest.raises(ValueError, match="unknown vendor 'acme'"):
        MockServer(vendor="acme")
