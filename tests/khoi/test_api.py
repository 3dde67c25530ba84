"""The JSON API (/api/v1/): authentication, the same access rules as the UI, errors as JSON.

The world: two provinces. Quảng Ninh has the districts Đầm Hà (with a commune, a joint body,
its head and a staff member of the district Front) and Hải Hà; Tuyên Quang has Na Hang. The
Party's mass-mobilization board of Quảng Ninh reads the whole province and writes nothing.
Expected id sets are written by hand from this description, not computed with khoi.access.
The work programme's and tasks' operations (issue 3) have their own table, over the shared
world of tests/world.py, in tests/programme/test_api.py.
"""
import datetime as dt
import json
import re
import unicodedata
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from khoi import services
from khoi.models import (
    AdministrativeUnit,
    ApiToken,
    CoordinationRule,
    JointBody,
    Organization,
    OrganizationType,
    Person,
    Position,
    Subcommittee,
    UnitSuccession,
)
from tests.campaigns.test_api import MATRIX as CAMPAIGNS_MATRIX
from tests.programme.test_api import MATRIX as PROGRAMME_MATRIX
from tests.reports.test_api import MATRIX as REPORTS_MATRIX

API = "/api/v1"
START = dt.date(2024, 1, 1)
CSRF = "k" * 32  # an unmasked CSRF secret: the cookie and the header carry the same value

# ---------------------------------------------------------------- the expected-results table
#
# Operation × role × object position → status, written by hand from the requirements (not
# derived from khoi/access.py). Roles: anonymous, a logged-in user with no position, an
# administrator, Quảng Ninh's mass-mobilization board (reads its province, writes nothing),
# the head of Đầm Hà's joint body, a staff member of Đầm Hà's Front (not its head). Positions:
# own district (Đầm Hà), other district (Hải Hà, same province), other province (Na Hang); for
# rules: Quảng Ninh's own catalog, the default catalog, Tuyên Quang's catalog. A cell
# "a b c" gives own / other district / other province; operations without an object have one.

ROLES = ("anon", "norole", "admin", "board", "head", "staff")
WHERE = ("own", "other_district", "other_province")

LIST = {"anon": "401", **{role: "200" for role in ROLES[1:]}}
READ = {"anon": "401", "norole": "404", "admin": "200", "board": "200 200 404", "head": "200 404 404",
        "staff": "200 404 404"}
RULE_READ = {**READ, "head": "200 200 404", "staff": "200 200 404"}  # the default catalog is everyone's


def change(**allowed: str) -> dict[str, str]:
    """Writes to an object: out of reach → 404, visible but not changeable → 403."""
    return {"anon": "401", "norole": "404", "admin": "200", "board": "403 403 404", "head": "403 404 404",
            "staff": "403 404 404", **allowed}


def create(*allowed: str) -> dict[str, str]:
    ok = set(allowed) | {"admin"}
    return {"anon": "401", **{role: "201" if role in ok else "403" for role in ROLES[1:]}}


MATRIX: dict[tuple[str, str], dict[str, str]] = {
    ("get", "/units"): LIST,
    ("post", "/units"): create("head"),  # a district's head adds communes below it
    ("get", "/units/{unit_id}"): READ,
    ("patch", "/units/{unit_id}"): change(head="200 404 404"),
    ("get", "/organization-types"): LIST,
    ("get", "/organizations"): LIST,
    ("post", "/organizations"): create("head"),
    ("get", "/organizations/{organization_id}"): READ,
    ("patch", "/organizations/{organization_id}"): change(head="200 404 404"),
    ("get", "/bodies"): LIST,
    ("post", "/bodies"): create(),  # a new joint body is a new seat: administrators only
    ("get", "/bodies/{body_id}"): READ,
    ("patch", "/bodies/{body_id}"): change(head="200 404 404"),
    ("get", "/bodies/{body_id}/chart"): READ,
    ("get", "/subcommittees/{subcommittee_id}"): READ,
    ("patch", "/subcommittees/{subcommittee_id}"): change(head="200 404 404"),
    ("get", "/people"): LIST,
    ("post", "/people"): create("head", "staff"),
    ("get", "/people/{person_id}"): READ,
    ("patch", "/people/{person_id}"): change(head="200 404 404", staff="200 404 404"),
    ("get", "/positions"): LIST,
    ("post", "/positions"): create("head"),  # staff who do not head their organization: no
    ("patch", "/positions/{position_id}"): change(head="200 404 404"),
    ("post", "/positions/{position_id}/end"): change(head="200 404 404"),
    ("get", "/rules"): LIST,
    ("post", "/rules"): create(),  # a province's catalog: its provincial head (none here) or an admin
    ("get", "/rules/{rule_id}"): RULE_READ,
    ("patch", "/rules/{rule_id}"): change(head="403 403 404", staff="403 403 404"),
    ("post", "/rules/adopt"): {"anon": "401", **{role: "403" for role in ROLES[1:]}},  # no provincial head
    ("post", "/tokens"): {"anon": "401", **{role: "201" for role in ROLES[1:]}},
}

# Cells the code does not meet yet (each is xfail(strict): it fails loudly once fixed).
KNOWN_BUGS = {
}

PAYLOADS = {
    ("post", "/units"): lambda w: {"code": "07999", "name": "Xã Thử", "unit_type": "Xã", "level": "commune",
                                   "parent_code": "201"},
    ("patch", "/units/{unit_id}"): {"short_name": "Thử"},
    ("post", "/organizations"): lambda w: {"org_type": "HND", "unit_code": "201",
                                           "name": "Hội Nông dân huyện Đầm Hà"},
    ("patch", "/organizations/{organization_id}"): {"short_name": "Thử"},
    ("post", "/bodies"): lambda w: {"name": "Cơ quan Khối thử", "unit_code": "201"},
    ("patch", "/bodies/{body_id}"): {"short_name": "Thử"},
    ("patch", "/subcommittees/{subcommittee_id}"): {"name": "Tiểu ban thử"},
    ("post", "/people"): lambda w: {"full_name": "Người Thử", "unit_code": "201"},
    ("patch", "/people/{person_id}"): {"phone": "0203 3880 000"},
    ("post", "/positions"): lambda w: {"person_id": w.commune.pk, "title": "Ủy viên", "role": "member",
                                       "organization_id": w.hlhpn_damha.pk, "start_date": "2025-01-01"},
    ("patch", "/positions/{position_id}"): {"title": "Chức danh thử"},
    ("post", "/positions/{position_id}/end"): {"end_date": "2025-12-31"},
    ("post", "/rules"): lambda w: {"code": "Z1", "name": "Quy tắc thử", "mode": "shared"},
    ("patch", "/rules/{rule_id}"): {"name": "Tên thử"},
    ("post", "/tokens"): {"name": "thử"},
}


# ---------------------------------------------------------------- the world


def _unit(code, name, unit_type, level, parent=None, **extra):
    return AdministrativeUnit.objects.create(
        code=code, name=name, unit_type=unit_type, level=level, parent=parent, **extra
    )


def _org(type_code, unit, name):
    org_type = OrganizationType.objects.get(code=type_code)  # the types come with migration 0002
    return Organization.objects.create(org_type=org_type, unit=unit, name=name)


def _person(name, unit, username=None):
    user = get_user_model().objects.create_user(username=username) if username else None
    return Person.objects.create(full_name=name, unit=unit, user=user)


def _position(person, title, role, *, organization=None, joint_body=None, subcommittee=None):
    seat_unit = (organization or joint_body or subcommittee.joint_body).unit
    return Position.objects.create(
        person=person, title=title, role=role, organization=organization, joint_body=joint_body,
        subcommittee=subcommittee, unit=seat_unit, start_date=START,
    )


@pytest.fixture
def w(db):
    """Units, organizations, a joint body and the people who hold its roles."""
    admin = get_user_model().objects.create_superuser(username="admin", password=None)
    qn = _unit("22", "Tỉnh Quảng Ninh", "Tỉnh", "province")
    damha = _unit("201", "Huyện Đầm Hà", "Huyện", "district", qn)
    xa_damha = _unit("06895", "Xã Đầm Hà", "Xã", "commune", damha)
    dai_binh = _unit("06898", "Xã Đại Bình", "Xã", "commune", damha)
    haiha = _unit("202", "Huyện Hải Hà", "Huyện", "district", qn)
    xa_quangha = _unit("06910", "Xã Quảng Hà", "Xã", "commune", haiha)
    tq = _unit("08", "Tỉnh Tuyên Quang", "Tỉnh", "province")
    nahang = _unit("072", "Huyện Na Hang", "Huyện", "district", tq)
    xa_thuonglam = _unit("02248", "Xã Thượng Lâm", "Xã", "commune", nahang)

    mttq_damha = _org("MTTQ", damha, "Ủy ban MTTQ huyện Đầm Hà")
    hlhpn_damha = _org("HLHPN", damha, "Hội LHPN huyện Đầm Hà")
    mttq_haiha = _org("MTTQ", haiha, "Ủy ban MTTQ huyện Hải Hà")
    mttq_nahang = _org("MTTQ", nahang, "Ủy ban MTTQ huyện Na Hang")
    bdv_qn = _org("BDV", qn, "Ban Dân vận Tỉnh ủy Quảng Ninh")
    body = services.joint_body_save(  # through the service: it adds the four parts
        actor=admin, name="Cơ quan Khối huyện Đầm Hà", unit=damha,
        member_organizations=[mttq_damha, hlhpn_damha],
    )
    sub = body.subcommittees.order_by("sort_order").first()

    head = _person("Nguyễn Văn Thủ", damha, "head")
    _position(head, "Trưởng Ban Dân vận, Chủ tịch UBMTTQ huyện", "head", joint_body=body)
    staff = _person("Trần Thị Cán", damha, "staff")
    _position(staff, "Chuyên viên", "staff", organization=mttq_damha)
    _position(staff, "Thành viên tiểu ban", "member", subcommittee=sub)
    board = _person("Lê Văn Ban", qn, "board")
    _position(board, "Phó Trưởng Ban Dân vận Tỉnh ủy", "member", organization=bdv_qn)
    commune = _person("Vũ Thị Xã", xa_damha)
    haiha_person = _person("Phạm Văn Hải", haiha)
    nahang_person = _person("Hoàng Thị Na", nahang)
    norole = get_user_model().objects.create_user(username="norole")
    return SimpleNamespace(**locals())


def logged_in(user, **kwargs) -> Client:
    """A test client with a session for this user (tests/khoi/conftest.py's client_for works by role)."""
    client = Client(**kwargs)
    client.force_login(user)
    return client


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {item["id"] for item in response.json()["items"]}


def snapshot(obj) -> dict:
    obj.refresh_from_db()
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def patch(client, url, data, **extra):
    return client.patch(url, json.dumps(data), content_type="application/json", **extra)


def post(client, url, data=None, **extra):
    return client.post(url, json.dumps(data or {}), content_type="application/json", **extra)


# ---------------------------------------------------------------- the document


def test_openapi_document_lists_every_operation_of_the_matrix(db):
    response = Client().get(f"{API}/openapi.json")

    assert response.status_code == 200
    document = response.json()
    operations = {
        (method, path.removeprefix(API)) for path, item in document["paths"].items() for method in item
    }
    # The work programme's, the campaigns' and the reports' operations have their own tables, over
    # tests/world.py's world.
    tables = [MATRIX, PROGRAMME_MATRIX, CAMPAIGNS_MATRIX, REPORTS_MATRIX]
    assert sum(len(t) for t in tables) == len(set().union(*tables)), "an operation belongs to one table"
    assert operations == set().union(*tables), (
        "every operation needs a row in MATRIX, in tests/programme/test_api.py's, "
        "tests/campaigns/test_api.py's or tests/reports/test_api.py's MATRIX, and no more")
    assert set(document["components"]["securitySchemes"]) == {"SessionAuth", "TokenAuth"}
    assert Client().get(f"{API}/docs").status_code == 200


# ---------------------------------------------------------------- authentication


def test_anonymous_gets_401_json(w):
    response = Client().get(f"{API}/people")

    assert response.status_code == 401
    assert "khóa API" in response.json()["detail"]


def test_session_auth_reads_and_refuses_unsafe_request_without_csrf(w):
    client = logged_in(w.staff.user, enforce_csrf_checks=True)
    assert client.get(f"{API}/people").status_code == 200
    before = Person.objects.count()

    refused = post(client, f"{API}/people", {"full_name": "Đỗ Văn Mới", "unit_code": "201"})

    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    assert Person.objects.count() == before
    client.cookies["csrftoken"] = CSRF
    accepted = post(client, f"{API}/people", {"full_name": "Đỗ Văn Mới", "unit_code": "201"},
                    HTTP_X_CSRFTOKEN=CSRF)
    assert accepted.status_code == 201, accepted.content


def test_token_issued_to_session_user_then_authenticates(w):
    session = logged_in(w.staff.user, enforce_csrf_checks=True)
    session.cookies["csrftoken"] = CSRF

    issued = post(session, f"{API}/tokens", {"name": "Máy chủ báo cáo"}, HTTP_X_CSRFTOKEN=CSRF)

    assert issued.status_code == 201, issued.content
    key = issued.json()["key"]
    token = ApiToken.objects.get(user=w.staff.user)
    assert token.key_hash == ApiToken.hash_key(key) and key not in token.key_hash
    assert token.last_used_at is None
    # A script: no session, no CSRF cookie; the bearer key is enough, also for writes.
    script = Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Bearer {key}")
    assert ids(script.get(f"{API}/people")) == {w.head.pk, w.staff.pk, w.commune.pk}
    created = post(script, f"{API}/people", {"full_name": "Đỗ Thị Mới", "unit_code": "06895"})
    assert created.status_code == 201, created.content
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_bad_token_gets_401(w):
    response = Client(HTTP_AUTHORIZATION="Bearer not-a-key").get(f"{API}/people")

    assert response.status_code == 401
    assert "detail" in response.json()


def test_token_of_inactive_user_gets_401(w):
    _token, key = services.api_token_issue(actor=w.staff.user, name="cũ")
    w.staff.user.is_active = False
    w.staff.user.save()

    response = Client(HTTP_AUTHORIZATION=f"Bearer {key}").get(f"{API}/people")

    assert response.status_code == 401


def test_a_token_cannot_mint_tokens(w):
    _token, key = services.api_token_issue(actor=w.staff.user, name="script")

    response = post(Client(HTTP_AUTHORIZATION=f"Bearer {key}"), f"{API}/tokens", {"name": "thêm"})

    assert response.status_code == 401
    assert ApiToken.objects.count() == 1


# ---------------------------------------------------------------- scoping


@pytest.mark.parametrize("role", ["staff", "head", "board", "admin"])
def test_people_list_is_scoped(w, role):
    expected = {
        "staff": {w.head, w.staff, w.commune},  # Đầm Hà and below
        "head": {w.head, w.staff, w.commune},
        "board": {w.head, w.staff, w.commune, w.board, w.haiha_person},  # all of Quảng Ninh
        "admin": {w.head, w.staff, w.commune, w.board, w.haiha_person, w.nahang_person},
    }[role]
    user = w.admin if role == "admin" else getattr(w, role).user

    response = logged_in(user).get(f"{API}/people")

    assert ids(response) == {p.pk for p in expected}
    assert response.json()["count"] == len(expected)


def test_staff_of_district_never_sees_other_district(w):
    client = logged_in(w.staff.user)

    assert ids(client.get(f"{API}/organizations")) == {w.mttq_damha.pk, w.hlhpn_damha.pk}
    assert ids(client.get(f"{API}/units")) == {w.damha.pk, w.xa_damha.pk, w.dai_binh.pk}
    assert ids(client.get(f"{API}/people", {"q": "hai"})) == set()
    assert client.get(f"{API}/people/{w.haiha_person.pk}").status_code == 404
    assert client.get(f"{API}/units/{w.haiha.pk}").status_code == 404


def test_list_filters_within_and_unknown_within_is_422(w):
    client = logged_in(w.board.user)

    assert ids(client.get(f"{API}/people", {"within_code": "202"})) == {w.haiha_person.pk}
    assert ids(client.get(f"{API}/people", {"organization_id": w.mttq_damha.pk})) == {w.staff.pk}
    outside = client.get(f"{API}/people", {"within_code": "072"})  # Na Hang: another province
    assert outside.status_code == 422
    assert outside.json()["detail"][0]["loc"] == ["query", "within_code"]


def test_foreign_object_is_404_and_nothing_changes(w):
    client = logged_in(w.head.user)
    person_before = snapshot(w.nahang_person)
    org_before = snapshot(w.mttq_haiha)

    person = patch(client, f"{API}/people/{w.nahang_person.pk}", {"full_name": "Đổi Tên"})
    org = patch(client, f"{API}/organizations/{w.mttq_haiha.pk}", {"name": "Đổi Tên"})
    put = client.put(f"{API}/people/{w.nahang_person.pk}", json.dumps({"full_name": "X"}),
                     content_type="application/json")

    assert person.status_code == 404 and person.json() == {"detail": "Không tìm thấy."}
    assert org.status_code == 404
    assert put.status_code == 405
    assert snapshot(w.nahang_person) == person_before
    assert snapshot(w.mttq_haiha) == org_before


def test_board_reads_but_cannot_write(w):
    client = logged_in(w.board.user)
    before = snapshot(w.staff)
    body_before = snapshot(w.body)
    people = Person.objects.count()

    assert client.get(f"{API}/people/{w.staff.pk}").status_code == 200
    assert client.get(f"{API}/bodies/{w.body.pk}/chart").status_code == 200
    changed = patch(client, f"{API}/people/{w.staff.pk}", {"full_name": "Đổi Tên"})
    created = post(client, f"{API}/people", {"full_name": "Người Mới", "unit_code": "201"})
    body = patch(client, f"{API}/bodies/{w.body.pk}", {"name": "Đổi Tên"})
    adopt = client.post(f"{API}/rules/adopt", "", content_type="application/json")  # no body at all

    for response in (changed, created, body, adopt):
        assert response.status_code == 403, response.content
        assert response.json()["detail"]
    assert snapshot(w.staff) == before
    assert snapshot(w.body) == body_before
    assert Person.objects.count() == people
    assert not CoordinationRule.objects.filter(catalog_unit__isnull=False).exists()


# ---------------------------------------------------------------- validation and errors


def test_position_end_before_start_is_422_naming_the_field(w):
    client = logged_in(w.head.user)
    positions = Position.objects.count()

    response = post(client, f"{API}/positions", {
        "person_id": w.commune.pk, "title": "Ủy viên", "role": "member", "subcommittee_id": w.sub.pk,
        "start_date": "2025-03-01", "end_date": "2025-01-01",
    })

    assert response.status_code == 422
    expected = {"loc": ["body", "end_date"], "msg": "Ngày kết thúc phải sau ngày bắt đầu.",
                "type": "value_error"}
    assert expected in response.json()["detail"]
    assert Position.objects.count() == positions


def test_request_that_does_not_parse_is_422_json(w):
    response = post(logged_in(w.head.user), f"{API}/positions", {"person_id": "ai", "start_date": "hôm qua"})

    assert response.status_code == 422
    locs = {tuple(e["loc"][-1:]) for e in response.json()["detail"]}
    assert {("person_id",), ("start_date",), ("title",)} <= locs
    # the same shape and language as Django's errors: ["body", field], in Vietnamese
    found = {tuple(e["loc"]): e["msg"] for e in response.json()["detail"]}
    assert found[("body", "person_id")] == "Hãy nhập một số nguyên."
    assert found[("body", "title")] == "Trường này là bắt buộc."
    assert found[("body", "start_date")].startswith("Hãy nhập một ngày hợp lệ")
    assert all(set(e) == {"loc", "msg", "type"} for e in response.json()["detail"])


def test_unit_outside_reach_is_422_on_unit_code(w):
    response = post(logged_in(w.staff.user), f"{API}/people", {"full_name": "Ai Đó", "unit_code": "202"})

    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["loc"] == ["body", "unit_code"]
    assert "Không tìm thấy đơn vị" in error["msg"]


def test_unit_is_required_on_create(w):
    response = post(logged_in(w.staff.user), f"{API}/people", {"full_name": "Ai Đó"})

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "unit_id"]


def test_integrity_error_is_409(w, monkeypatch):
    def clash(**kwargs):
        raise IntegrityError("UNIQUE constraint failed")

    monkeypatch.setattr(services, "person_save", clash)

    response = patch(logged_in(w.staff.user), f"{API}/people/{w.commune.pk}", {"phone": "0203"})

    assert response.status_code == 409
    assert "không có gì được lưu" in response.json()["detail"]


# ---------------------------------------------------------------- search, text, reads


def test_search_without_diacritics(w):
    client = logged_in(w.admin)

    assert ids(client.get(f"{API}/units", {"q": "dam ha"})) == {w.damha.pk, w.xa_damha.pk}
    assert ids(client.get(f"{API}/units", {"q": "0689"})) == {w.xa_damha.pk, w.dai_binh.pk}
    assert ids(client.get(f"{API}/organizations", {"q": "dam ha"})) == {w.mttq_damha.pk, w.hlhpn_damha.pk}
    assert ids(client.get(f"{API}/people", {"q": "tran thi can"})) == {w.staff.pk}


def test_created_person_is_stored_nfc(w):
    nfd = unicodedata.normalize("NFD", "  Nguyễn   Thị Hoà ")
    assert nfd != unicodedata.normalize("NFC", nfd)

    response = post(logged_in(w.staff.user), f"{API}/people", {"full_name": nfd, "unit_id": w.xa_damha.pk})

    assert response.status_code == 201, response.content
    person = Person.objects.get(pk=response.json()["id"])
    assert person.full_name == unicodedata.normalize("NFC", "Nguyễn Thị Hoà")
    assert response.json()["full_name"] == person.full_name
    assert response.json()["unit_code"] == "06895"


def test_unit_detail_has_successors_and_predecessors(w):
    new = _unit("06900", "Xã Đầm Hà mới", "Xã", "commune", w.damha, valid_from=dt.date(2025, 7, 1))
    UnitSuccession.objects.create(predecessor=w.xa_damha, successor=new, effective_date=dt.date(2025, 7, 1))
    UnitSuccession.objects.create(predecessor=w.dai_binh, successor=new, effective_date=dt.date(2025, 7, 1))
    client = logged_in(w.staff.user)

    old = client.get(f"{API}/units/{w.xa_damha.pk}").json()
    merged = client.get(f"{API}/units/{new.pk}").json()

    assert [s["code"] for s in old["successors"]] == ["06900"]
    assert [p["code"] for p in merged["predecessors"]] == ["06895", "06898"]
    assert merged["parent_code"] == "201" and merged["valid_from"] == "2025-07-01"


def test_chart_shows_heads_subcommittees_and_members_organizations(w):
    chart = logged_in(w.staff.user).get(f"{API}/bodies/{w.body.pk}/chart")

    assert chart.status_code == 200
    data = chart.json()
    assert [h["person_id"] for h in data["heads"]] == [w.head.pk]
    assert len(data["subcommittees"]) == 4
    first = data["subcommittees"][0]
    assert first["id"] == w.sub.pk
    assert [m["person_id"] for m in first["members"]] == [w.staff.pk]
    assert [o["id"] for o in first["members"][0]["organizations"]] == [w.mttq_damha.pk]
    assert {o["id"] for o in data["member_organizations"]} == {w.mttq_damha.pk, w.hlhpn_damha.pk}


LIST_URLS = ["/units", "/organization-types", "/organizations", "/bodies", "/people", "/positions", "/rules"]


def test_lists_issue_a_fixed_number_of_queries_whatever_the_rows(w):
    client = logged_in(w.head.user)

    def query_counts() -> dict[str, int]:
        counts = {}
        for url in LIST_URLS:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(f"{API}{url}").status_code == 200
            counts[url] = len(queries)
        return counts

    before = query_counts()
    for n in range(5):
        commune = _unit(f"0700{n}", f"Xã Mới {n}", "Xã", "commune", w.damha)
        org = _org("HND", commune, f"Hội Nông dân xã Mới {n}")
        body = JointBody.objects.create(name=f"Cơ quan Khối xã Mới {n}", unit=commune)
        person = _person(f"Cán bộ {n}", commune)
        _position(person, "Chủ tịch Hội", "head", organization=org)
        _position(person, "Trưởng khối", "head", joint_body=body)

    assert ids(client.get(f"{API}/people")) >= {w.head.pk, w.staff.pk, w.commune.pk}
    assert query_counts() == before


# ---------------------------------------------------------------- writes that work


def test_head_updates_body_members_and_subcommittee(w):
    client = logged_in(w.head.user)

    body = patch(client, f"{API}/bodies/{w.body.pk}", {"member_organization_ids": [w.mttq_damha.pk],
                                                       "decision_number": "12-QĐ/HU"})
    sub = patch(client, f"{API}/subcommittees/{w.sub.pk}", {"name": "Tiểu ban Tuyên truyền"})
    foreign = patch(client, f"{API}/bodies/{w.body.pk}", {"member_organization_ids": [w.mttq_nahang.pk]})

    assert body.status_code == 200, body.content
    assert body.json()["member_organization_ids"] == [w.mttq_damha.pk]
    assert body.json()["decision_number"] == "12-QĐ/HU"
    assert sub.status_code == 200 and sub.json()["name"] == "Tiểu ban Tuyên truyền"
    assert foreign.status_code == 422
    assert foreign.json()["detail"][0]["loc"] == ["body", "member_organization_ids"]
    assert list(JointBody.objects.get(pk=w.body.pk).members.all()) == [w.mttq_damha]


def test_head_creates_and_ends_a_position(w):
    client = logged_in(w.head.user)

    created = post(client, f"{API}/positions", {
        "person_id": w.commune.pk, "title": "Ủy viên", "role": "member", "subcommittee_id": w.sub.pk,
        "start_date": "2025-01-01",
    })
    assert created.status_code == 201, created.content
    position_id = created.json()["id"]
    ended = post(client, f"{API}/positions/{position_id}/end", {"end_date": "2025-06-30"})

    assert ended.status_code == 200, ended.content
    assert ended.json()["end_date"] == "2025-06-30" and ended.json()["is_current"] is False
    assert Position.objects.get(pk=position_id).unit_id == w.damha.pk


def test_staff_cannot_change_organization(w):
    before = snapshot(w.mttq_damha)

    response = patch(logged_in(w.staff.user), f"{API}/organizations/{w.mttq_damha.pk}", {"name": "Đổi Tên"})

    assert response.status_code == 403
    assert snapshot(w.mttq_damha) == before


def test_provincial_head_adopts_and_edits_the_catalog(w):
    province_body = services.joint_body_save(actor=w.admin, name="Cơ quan Khối tỉnh Quảng Ninh", unit=w.qn)
    chief = _person("Đặng Văn Tỉnh", w.qn, "chief")
    _position(chief, "Trưởng Ban Dân vận Tỉnh ủy", "head", joint_body=province_body)
    client = logged_in(chief.user)
    defaults = CoordinationRule.objects.filter(catalog_unit__isnull=True).count()

    first = post(client, f"{API}/rules/adopt")
    again = post(client, f"{API}/rules/adopt")

    assert first.status_code == 200, first.content
    assert len(first.json()) == defaults
    assert {r["id"] for r in again.json()} == {r["id"] for r in first.json()}
    assert {r["catalog_unit_code"] for r in first.json()} == {"22"}
    own = first.json()[0]
    edited = patch(client, f"{API}/rules/{own['id']}", {"name": "Chương trình công tác chung của Khối"})
    assert edited.status_code == 200 and edited.json()["name"] == "Chương trình công tác chung của Khối"
    default_rule = CoordinationRule.objects.filter(catalog_unit__isnull=True).first()
    assert patch(client, f"{API}/rules/{default_rule.pk}", {"name": "X"}).status_code == 403
    created = post(client, f"{API}/rules", {"code": "C10", "name": "Quy tắc thêm", "mode": "shared"})
    assert created.status_code == 201, created.content
    assert created.json()["catalog_unit_id"] == w.qn.pk


def test_units_and_organizations_are_created_by_code(w):
    admin, head = logged_in(w.admin), logged_in(w.head.user)

    unit = post(admin, f"{API}/units", {"code": "06901", "name": "Xã Tân Bình", "unit_type": "Xã",
                                        "level": "commune", "parent_code": "201"})
    assert unit.status_code == 201, unit.content
    assert unit.json()["parent_id"] == w.damha.pk
    org = post(head, f"{API}/organizations", {"org_type": "HND", "unit_code": "06901",
                                              "name": "Hội Nông dân xã Tân Bình"})
    clash = post(head, f"{API}/organizations", {"org_type": "HND", "unit_id": unit.json()["id"],
                                                "name": "Hội Nông dân xã Tân Bình (2)"})

    assert org.status_code == 201, org.content
    assert org.json()["unit_code"] == "06901" and org.json()["org_type"] == "HND"
    assert clash.status_code == 422
    assert "Địa bàn này đã có một tổ chức cùng loại." in [e["msg"] for e in clash.json()["detail"]]




# ---------------------------------------------------------------- the access matrix


def _target(w, name: str, where: str):
    """The object a path parameter points to in each position (extra objects made on demand)."""
    district = {"own": w.damha, "other_district": w.haiha, "other_province": w.nahang}[where]
    if name == "unit_id":
        return {"own": w.xa_damha, "other_district": w.haiha, "other_province": w.nahang}[where]
    if name == "organization_id":
        return {"own": w.hlhpn_damha, "other_district": w.mttq_haiha, "other_province": w.mttq_nahang}[where]
    if name == "person_id":
        return {"own": w.commune, "other_district": w.haiha_person, "other_province": w.nahang_person}[where]
    if name in ("body_id", "subcommittee_id"):
        body = w.body if where == "own" else services.joint_body_save(
            actor=w.admin, name=f"Cơ quan Khối {district.name}", unit=district)
        return body if name == "body_id" else body.subcommittees.order_by("sort_order").first()
    if name == "position_id":
        person = _target(w, "person_id", where)
        return _position(person, "Phó Chủ tịch", "deputy", organization=_target(w, "organization_id", where))
    if name == "rule_id":
        if where == "other_district":
            return CoordinationRule.objects.filter(catalog_unit__isnull=True).first()
        province = w.qn if where == "own" else w.tq
        return CoordinationRule.objects.create(catalog_unit=province, code="C1", name="Chương trình chung",
                                               mode="shared")
    raise KeyError(name)


def _everything() -> tuple:
    """What a refused request must leave as it was."""
    return (
        list(AdministrativeUnit.objects.order_by("pk").values_list("code", "name", "short_name")),
        list(Organization.objects.order_by("pk").values_list("name", "short_name")),
        list(JointBody.objects.order_by("pk").values_list("name", "short_name")),
        list(Subcommittee.objects.order_by("pk").values_list("name")),
        list(Person.objects.order_by("pk").values_list("full_name", "phone")),
        list(Position.objects.order_by("pk").values_list("title", "end_date")),
        list(CoordinationRule.objects.order_by("pk").values_list("name", "catalog_unit_id")),
        ApiToken.objects.count(),
    )


def matrix_cases():
    for (method, path), row in MATRIX.items():
        assert set(row) == set(ROLES), f"{method} {path}: every role needs a cell"
        has_object = "{" in path
        for role in ROLES:
            cells = row[role].split()
            cells = cells * 3 if len(cells) == 1 and has_object else cells
            for where, expected in zip(WHERE if has_object else ("own",), cells):
                bug = KNOWN_BUGS.get((method, path, role, where))
                marks = [pytest.mark.xfail(strict=True, reason=bug)] if bug else []
                yield pytest.param(method, path, role, where, int(expected), marks=marks,
                                   id=f"{method}-{path}-{role}" + (f"-{where}" if has_object else ""))


@pytest.mark.parametrize("method,path,role,where,expected", list(matrix_cases()))
def test_access_matrix(w, method, path, role, where, expected):
    # given a user of a role and an object in some position
    params = {name: _target(w, name, where).pk for name in re.findall(r"{(\w+)}", path)}
    url = API + path.format(**params)
    users = {"admin": w.admin, "norole": w.norole,
             "board": w.board.user, "head": w.head.user, "staff": w.staff.user}
    client = Client() if role == "anon" else logged_in(users[role])
    payload = PAYLOADS.get((method, path), {})
    payload = payload(w) if callable(payload) else payload
    before = _everything()
    # when
    if method == "get":
        response = client.get(url)
    else:
        response = getattr(client, method)(url, json.dumps(payload), content_type="application/json")
    # then
    assert response.status_code == expected, response.content
    assert response["Content-Type"].startswith("application/json")
    if expected >= 400:
        assert _everything() == before, "a refused request must change nothing"
