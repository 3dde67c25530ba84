"""The JSON API of the joint periodic reports (issue 5): periods, the indicator catalog,
submissions and their workflow, joint reports, their builds, files and the board's return.
The same access rules as the UI (tests/reports/matrix_rows_submissions.py and
matrix_rows_reports.py); every write goes through reports/services.py or reports/reporting.py.

The world is tests/world.py's (module-scoped ``world``): province P1 ("91") with districts D1
("own", Đầm Hà) and D2 ("other_district"), province P2 with D3 ("other_province"). P1 and P2
adapted the indicator catalog (P1 renamed PT06); every district's organizations use the shipped
monthly template (cut-off 15). Each district has the Front's draft figures for 2024-10, the
Women's Union's submitted figures for 2024-10 and its approved figures for 2024-09, and a 2023
annual joint report with one finished build (a tiny fake file per format). At D1 the staff
member works for the Front; the deputy heads the Women's Union (so approves its figures) and
deputises the joint body (so writes its report with the head); the subcommittee head and the
field member only read; the board (P1) reads its province and returns reports, writes nothing.
Expected statuses are written by hand from the requirements, not computed with khoi.access.
"""
from __future__ import annotations

import hashlib
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from khoi import services as khoi_services
from khoi.models import JointBody, Notification, Person, PositionRole
from reports import building, render, selectors
from reports.models import (
    BuildStatus,
    Figure,
    Indicator,
    Period,
    Report,
    ReportBuild,
    ReportStatus,
    ReportTemplate,
    Submission,
    SubmissionStatus,
    ValueType,
)
from reports.services import get_or_create_period
from tests.khoi import conftest as shared
from tests.world import REPORT_FILE_BYTES, login_for, position, unit

pytestmark = pytest.mark.django_db

world, client_for = shared.world, shared.client_for  # the shared access-test world (module-scoped)

API = "/api/v1"

# ---------------------------------------------------------------- the expected-results table
#
# Operation × role × object position → status. A cell "a b c" gives own / other district / other
# province; one value applies to all three. tests/khoi/test_api.py checks that this MATRIX and
# the other tables together cover the OpenAPI document.

ROLES = ("anon", "norole", "admin", "board", "head", "deputy", "sub_head", "staff", "field")
WHERE = ("own", "other_district", "other_province")
DISTRICT_ROLES = ("head", "deputy", "sub_head", "staff", "field")

LIST = {"anon": "401", **{role: "200" for role in ROLES[1:]}}
READ = {"anon": "401", "norole": "404", "admin": "200", "board": "200 200 404",
        **{role: "200 404 404" for role in DISTRICT_ROLES}}
# the default template's periods and the default catalog are everyone's; P2's own are P2's
SHARED_READ = {**READ, **{role: "200 200 404" for role in DISTRICT_ROLES}}


def change(**allowed: str) -> dict[str, str]:
    """Writes to an object: out of reach → 404, visible but not allowed → 403."""
    return {"anon": "401", "norole": "404", "admin": "200", "board": "403 403 404",
            **{role: "403 404 404" for role in DISTRICT_ROLES}, **allowed}


def create(*allowed: str) -> dict[str, str]:
    ok = set(allowed) | {"admin"}
    return {"anon": "401", **{role: "201" if role in ok else "403" for role in ROLES[1:]}}


WRITERS = {"head": "200 404 404", "deputy": "200 404 404"}  # the body's head and deputy write its report

MATRIX: dict[tuple[str, str], dict[str, str]] = {
    ("get", "/periods"): LIST,
    ("get", "/periods/{period_id}"): SHARED_READ,
    ("get", "/indicators"): LIST,
    ("get", "/indicators/{indicator_id}"): SHARED_READ,
    ("get", "/submissions"): LIST,
    # the Front's staff open the Front's figures (the deputy's union is another organization)
    ("post", "/submissions"): create("staff"),
    # the Front's draft: everyone of the district reads it, the Front's staff save and submit it
    ("get", "/submissions/{submission_id}"): READ,
    ("patch", "/submissions/{submission_id}/figures"): change(staff="200 404 404"),
    ("post", "/submissions/{submission_id}/submit"): change(staff="200 404 404"),
    # the Women's Union's submitted figures: its head (the deputy) approves or returns them
    ("post", "/submissions/{submission_id}/approve"): change(deputy="200 404 404"),
    ("post", "/submissions/{submission_id}/return"): change(deputy="200 404 404"),
    # the Women's Union's approved figures: its people open a correction (a new revision)
    ("post", "/submissions/{submission_id}/correct"): change(deputy="201 404 404", admin="201"),
    ("get", "/reports"): LIST,
    ("post", "/reports"): create("head", "deputy"),
    ("get", "/reports/{report_id}"): READ,
    ("patch", "/reports/{report_id}"): change(**WRITERS),
    # a new build (the narrative is the same, but the world's build was made by hand): 202
    ("post", "/reports/{report_id}/build"): change(head="202 404 404", deputy="202 404 404", admin="202"),
    # the board returns reports of its province; nobody else does
    ("post", "/reports/{report_id}/return"): change(board="200 200 404"),
    ("get", "/report-builds/{build_id}"): READ,
    ("get", "/report-builds/{build_id}/files/{fmt}"): READ,
}

# Cells the code does not meet yet (each is xfail(strict): it fails loudly once fixed).
KNOWN_BUGS: dict[tuple[str, str, str, str], str] = {}

SUBMISSION_TARGETS = {
    "approve": "submitted_submission", "return": "submitted_submission", "correct": "approved_submission",
}


def p2_period(world) -> Period:
    """A period of a template of P2's own (made on demand): out of P1's reach."""
    template, _created = ReportTemplate.objects.get_or_create(province=world.p2, defaults={"name": "Mẫu tỉnh Hai"})
    return get_or_create_period(template, "2024-10")


def target(world, d, where: str, path: str, name: str):
    """The object a path parameter points to in each position."""
    if name == "period_id":
        return p2_period(world) if where == "other_province" else d.draft_submission.period
    if name == "submission_id":
        return getattr(d, SUBMISSION_TARGETS.get(path.rsplit("/", 1)[-1], "draft_submission"))
    return getattr(d, {"indicator_id": "indicator", "report_id": "report", "build_id": "build"}[name])


def fill_draft(submission: Submission) -> None:
    """Every typed indicator of the organization filled (so the draft may be submitted)."""
    have = set(submission.figures.values_list("indicator_id", flat=True))
    Figure.objects.bulk_create([
        Figure(submission=submission, indicator=ind, value=None if ind.value_type == ValueType.TEXT else 1,
               text="Không có" if ind.value_type == ValueType.TEXT else "")
        for ind in selectors.indicators_for_organization(submission.organization)
        if ind.is_typed and ind.pk not in have])


# Made before the request (and before "what must not change" is read).
SETUP = {
    ("post", "/submissions/{submission_id}/submit"): lambda d: fill_draft(d.draft_submission),
}

PAYLOADS = {
    ("post", "/submissions"): lambda w, d: {"organization_id": w.districts["own"].orgs["MTTQ"].pk,
                                            "period_code": "2024-11"},
    ("patch", "/submissions/{submission_id}/figures"): lambda w, d: {"values": {"PT06": 6},
                                                                      "note": "Theo sổ theo dõi"},
    ("post", "/submissions/{submission_id}/return"): lambda w, d: {"comment": "TC04 chưa khớp sổ hội viên."},
    ("post", "/reports"): lambda w, d: {"joint_body_id": w.districts["own"].body.pk, "kind": "year",
                                        "period_code": "2024"},
    ("patch", "/reports/{report_id}"): lambda w, d: {"title": "Báo cáo tổng kết năm 2023",
                                                     "achievements": "Vận động 120 hộ hiến đất."},
    ("post", "/reports/{report_id}/return"): lambda w, d: {"comment": "Số liệu đoàn viên chưa khớp."},
}


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


def everything() -> tuple:
    """What a refused request must leave as it was."""
    return (
        list(Period.objects.order_by("pk").values_list("template_id", "code")),
        list(Submission.objects.order_by("pk").values_list("organization_id", "period_id", "revision", "is_current",
                                                           "status", "return_comment", "note", "decided_at")),
        list(Figure.objects.order_by("pk").values_list("submission_id", "indicator_id", "value", "text")),
        list(Report.objects.order_by("pk").values_list("joint_body_id", "period_id", "status", "title",
                                                       "achievements", "return_comment")),
        list(ReportBuild.objects.order_by("pk").values_list("report_id", "version", "status")),
        Notification.objects.count(),
    )


def text(response) -> str:
    return "<a file>" if response.streaming else response.content.decode()


def send(client, method: str, url: str, payload: dict | None = None):
    if method == "get":
        return client.get(url, payload or {})
    return getattr(client, method)(url, json.dumps(payload or {}), content_type="application/json")


@pytest.mark.parametrize("method,path,role,where,expected", list(matrix_cases()))
def test_access_matrix(world, client_for, method, path, role, where, expected):
    # given a user of a role and an object in some position
    d = world.districts[where]
    params = {name: target(world, d, where, path, name).pk
              for name in re.findall(r"{(\w+)}", path) if name != "fmt"}
    SETUP.get((method, path), lambda d: None)(d)
    payload = PAYLOADS.get((method, path), lambda w, d: {})(world, d)
    before = everything()
    # when
    response = send(client_for(role), method, API + path.format(fmt="pdf", **params),
                    payload if method != "get" else None)
    # then
    assert response.status_code == expected, text(response)
    if path.endswith("/files/{fmt}") and expected == 200:
        assert response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content) == REPORT_FILE_BYTES["pdf"]
    else:
        assert response["Content-Type"].startswith("application/json")
    if expected >= 400:
        assert everything() == before, "a refused request must change nothing"


# ---------------------------------------------------------------- helpers


def post(client, url, data=None, **extra):
    return client.post(API + url, json.dumps(data or {}), content_type="application/json", **extra)


def patch(client, url, data, **extra):
    return client.patch(API + url, json.dumps(data), content_type="application/json", **extra)


def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, response.content.decode()
    return response.json()


def ids(response) -> list[int]:
    return [item["id"] for item in ok(response)["items"]]


def errors(response) -> dict[tuple, list[str]]:
    """A 422 answer as {loc: [messages]}."""
    assert response.status_code == 422, response.content.decode()
    found: dict[tuple, list[str]] = {}
    for error in response.json()["detail"]:
        assert set(error) == {"loc", "msg", "type"}
        found.setdefault(tuple(error["loc"]), []).append(error["msg"])
    return found


def bearer(world, client_for, role: str):
    """A script of that user's, with a bearer token (no session, no CSRF cookie)."""
    _token, key = khoi_services.api_token_issue(actor=world.users[role], name="máy chủ báo cáo")
    return client_for("anon", HTTP_AUTHORIZATION=f"Bearer {key}")


@pytest.fixture
def own(world):
    return world.districts["own"]


@pytest.fixture
def front_chair(own):
    """The Front's chair at D1, with a login: heads the Front, so approves its figures."""
    chair = Person.objects.create(full_name="Chủ Tịch Mặt Trận", unit=own.unit)
    position(chair, own.orgs["MTTQ"], "Chủ tịch Ủy ban MTTQ huyện", PositionRole.HEAD)
    return login_for(chair, "chu-tich-mttq")


@pytest.fixture
def fake_render(monkeypatch):
    """Rendering replaced by a fake (the renderers have their own tests): bytes naming the format."""
    for fmt in ("pdf", "docx", "xlsx"):
        monkeypatch.setattr(render, f"render_{fmt}", lambda snapshot, fmt=fmt: f"{fmt}:{snapshot['report']['id']}".encode())


# ---------------------------------------------------------------- submissions: the whole workflow


def test_the_front_enters_submits_and_corrects_its_figures_and_its_chair_approves(world, client_for, own,
                                                                                  front_chair):
    staff = bearer(world, client_for, "staff")  # a script of the Front's staff member
    # the Front's figures for November 2024: a new draft, then the same one again
    opened = ok(post(staff, "/submissions", {"organization_id": own.orgs["MTTQ"].pk, "period_code": "2024-11"}), 201)
    assert (opened["status"], opened["revision"], opened["period_code"], opened["period_label"]) == (
        "draft", 1, "2024-11", "Tháng 11/2024")
    assert opened["deadline"] == "2024-11-17" and opened["actions"] == ["save", "submit"]
    assert ok(post(staff, "/submissions", {"organization_id": own.orgs["MTTQ"].pk, "period_code": "2024-11"}))[
        "id"] == opened["id"]
    sid = opened["id"]
    figures = {f["code"]: f for f in opened["figures"]}
    assert figures["PT06"]["name"] == "Số buổi tuyên truyền, vận động"  # P1's own catalog
    assert figures["PT06"]["previous"] == 4.0  # October's draft
    typed = [code for code, f in figures.items() if f["source"] == "typed"]
    counted = next(code for code, f in figures.items() if f["source"] == "auto")
    # wrong values: one message per indicator, in Vietnamese, and nothing stored
    wrong = patch(staff, f"/submissions/{sid}/figures", {"values": {
        "PT06": "-3", "PT07": "mười", counted: 2, "XX99": 1, "GS02": 2, "GS03": 9}})
    assert errors(wrong) == {
        ("body", "values", "PT06"): ["PT06 (Số buổi tuyên truyền, vận động): số liệu không được âm."],
        ("body", "values", "PT07"): [f"PT07 ({figures['PT07']['name']}): “mười” không phải là số."],
        ("body", "values", counted): [f"{counted} do phần mềm tự đếm: không nhập."],
        ("body", "values", "XX99"): ["Mã chỉ tiêu “XX99” không có trong danh mục chỉ tiêu của tổ chức."],
        ("body", "values", "GS03"): [(f"GS03 ({figures['GS03']['name']}) = 9 không được lớn hơn GS02 "
                                      f"({figures['GS02']['name']}) = 2.")],
    }
    assert not Figure.objects.filter(submission_id=sid).exists()
    # submitting an incomplete draft names every missing figure
    missing = errors(post(staff, f"/submissions/{sid}/submit"))
    assert set(missing) == {("values", code) for code in typed}
    assert missing[("values", "PT06")] == [
        "PT06 (Số buổi tuyên truyền, vận động): chưa nhập số liệu (ghi 0 nếu không phát sinh)."]
    # good values, in Vietnamese notation too; a jump over last month warns without blocking
    values = {code: 0 for code in typed} | {"PT06": "1.234", "PT07": 3}
    saved = ok(patch(staff, f"/submissions/{sid}/figures", {"values": values, "note": "Số liệu sổ theo dõi"}))
    shown = {f["code"]: f for f in saved["figures"]}
    assert (shown["PT06"]["value"], shown["PT07"]["value"], saved["note"]) == (1234.0, 3.0, "Số liệu sổ theo dõi")
    assert saved["warnings"]["PT06"] == [
        "PT06 (Số buổi tuyên truyền, vận động): 1.234 cao gấp hơn 3 lần kỳ trước (4). Hãy kiểm tra lại."]
    assert Figure.objects.filter(submission_id=sid).count() == len(typed)
    # submitted: no longer editable, and the staff member may not approve it
    submitted = ok(post(staff, f"/submissions/{sid}/submit"))
    assert (submitted["status"], submitted["submitted_by"], submitted["actions"]) == ("submitted", "Cán Bộ Mặt Trận", [])
    assert post(staff, f"/submissions/{sid}/approve").status_code == 403
    assert errors(patch(staff, f"/submissions/{sid}/figures", {"values": {"PT06": 1}})) == {("body",): [
        "Số liệu đã gửi, đang chờ duyệt: không sửa được cho đến khi được trả lại."]}
    # the Front's chair is told, and approves
    assert Notification.objects.filter(recipient=front_chair).exists()
    chair = client_for("anon")
    chair.force_login(front_chair)
    assert ok(chair.get(f"{API}/submissions/{sid}"))["actions"] == ["approve", "return"]
    approved = ok(post(chair, f"/submissions/{sid}/approve"))
    assert (approved["status"], approved["decided_by"]) == ("approved", "Chủ Tịch Mặt Trận")
    assert errors(post(chair, f"/submissions/{sid}/approve")) == {("body",): [
        "Chỉ duyệt hoặc trả lại được số liệu đã gửi, đang chờ duyệt."]}
    # a correction: revision 2, a draft with the same figures; revision 1 is kept
    corrected = ok(post(staff, f"/submissions/{sid}/correct"), 201)
    assert corrected["id"] != sid
    assert (corrected["revision"], corrected["status"], corrected["is_current"]) == (2, "draft", True)
    assert {f["code"]: f["value"] for f in corrected["figures"]}["PT06"] == 1234.0
    assert [(r["revision"], r["status"], r["is_current"]) for r in corrected["revisions"]] == [
        (2, "draft", True), (1, "approved", False)]
    assert ids(staff.get(f"{API}/submissions", {"period_code": "2024-11"})) == [corrected["id"]]
    old = ok(staff.get(f"{API}/submissions/{sid}"))
    assert (old["is_current"], old["actions"]) == (False, [])


def test_the_head_of_the_union_returns_figures_with_a_reason(world, client_for, own):
    deputy = client_for("deputy")
    url = f"/submissions/{own.submitted_submission.pk}/return"

    assert errors(post(deputy, url, {"comment": "   "})) == {("body", "comment"): [
        "Hãy ghi lý do trả lại để người nhập biết cần sửa gì."]}
    assert Submission.objects.get(pk=own.submitted_submission.pk).status == SubmissionStatus.SUBMITTED
    returned = ok(post(deputy, url, {"comment": "TC04 chưa khớp sổ hội viên."}))
    assert (returned["status"], returned["return_comment"], returned["decided_by"]) == (
        "returned", "TC04 chưa khớp sổ hội viên.", "Phó Khối")


def test_opening_figures_checks_the_period_and_the_organization(world, client_for, own):
    staff = client_for("staff")
    before = everything()

    quarter = post(staff, "/submissions", {"organization_id": own.orgs["MTTQ"].pk, "period_code": "2024-Q4"})
    bad = post(staff, "/submissions", {"organization_id": own.orgs["MTTQ"].pk, "period_code": "2024-13"})
    foreign = post(staff, "/submissions", {"organization_id": world.districts["other_district"].orgs["MTTQ"].pk,
                                           "period_code": "2024-11"})
    union = post(staff, "/submissions", {"organization_id": own.orgs["HLHPN"].pk, "period_code": "2024-11"})

    [message] = errors(quarter)[("body", "period_code")]
    assert message.startswith("Số liệu được nhập theo tháng (ví dụ ")
    [message] = errors(bad)[("body", "period_code")]
    assert message.startswith("Mã kỳ “2024-13” không hợp lệ.")
    other = world.districts["other_district"].orgs["MTTQ"].pk
    assert errors(foreign) == {("body", "organization_id"): [
        f"Không tìm thấy tổ chức số {other} trong phạm vi của bạn."]}
    assert union.status_code == 403  # another organization of her district: seen, not hers
    assert everything() == before


def test_submission_list_filters(world, client_for, own):
    head = client_for("head")
    url = f"{API}/submissions"

    assert set(ids(head.get(url))) == {own.draft_submission.pk, own.submitted_submission.pk,
                                       own.approved_submission.pk}
    assert set(ids(head.get(url, {"period_code": "2024-10"}))) == {own.draft_submission.pk,
                                                                   own.submitted_submission.pk}
    assert ids(head.get(url, {"organization_id": own.orgs["MTTQ"].pk})) == [own.draft_submission.pk]
    assert ids(head.get(url, {"status": "approved"})) == [own.approved_submission.pk]
    # both of the Women's Union's were sent in time; the Front's draft is past its deadline
    assert set(ids(head.get(url, {"late": "false"}))) == {own.approved_submission.pk, own.submitted_submission.pk}
    assert ids(head.get(url, {"late": "true"})) == [own.draft_submission.pk]
    assert ids(head.get(url, {"q": "lhpn", "period_code": "2024-09"})) == [own.approved_submission.pk]
    other = world.districts["other_district"].orgs["MTTQ"].pk
    assert errors(head.get(url, {"organization_id": other})) == {("query", "organization_id"): [
        f"Không tìm thấy tổ chức số {other} trong phạm vi của bạn."]}
    row = next(r for r in ok(head.get(url))["items"] if r["id"] == own.submitted_submission.pk)
    assert (row["organization_name"], row["org_type"], row["status"], row["is_late"]) == (
        own.orgs["HLHPN"].name, "HLHPN", "submitted", False)
    # the board reads its province's figures, not the other province's
    board = set(ids(client_for("board").get(url, {"period_code": "2024-09"})))
    assert board == {world.districts[w].approved_submission.pk for w in ("own", "other_district")}


# ---------------------------------------------------------------- periods and indicators


def test_periods_of_the_template_in_reach(world, client_for, own):
    client = client_for("staff")
    october = own.draft_submission.period

    listed = ok(client.get(f"{API}/periods", {"unit_code": own.unit.code, "year": 2024, "kind": "month"}))["items"]
    assert [p["code"] for p in listed] == ["2024-10", "2024-09"]
    detail = ok(client.get(f"{API}/periods/{october.pk}"))
    assert detail == {"id": october.pk, "template_id": october.template_id, "code": "2024-10", "kind": "month",
                      "label": "Tháng 10/2024", "year": 2024, "start": "2024-09-15", "end": "2024-10-14",
                      "deadline": "2024-10-17"}
    assert [p["code"] for p in ok(client.get(f"{API}/periods", {"kind": "year"}))["items"]] == ["2023-Y"]
    assert ids(client.get(f"{API}/periods", {"code": "2024-10"})) == [october.pk]
    assert errors(client.get(f"{API}/periods", {"unit_code": world.districts["other_province"].unit.code}))[
        ("query", "unit_code")]
    assert ok(client_for("norole").get(f"{API}/periods"))["items"] == []


def test_indicators_of_the_catalog_in_force(world, client_for, own):
    client = client_for("field")
    url = f"{API}/indicators"

    found = ok(client.get(url, {"unit_code": own.commune.code, "q": "PT06"}))["items"]
    assert [(i["id"], i["name"], i["catalog_unit_code"]) for i in found] == [
        (own.indicator.pk, "Số buổi tuyên truyền, vận động", "91")]
    assert ok(client.get(url, {"unit_code": own.unit.code}))["count"] == Indicator.objects.filter(
        catalog_unit=world.p1).count()
    groups = {i["group"] for i in ok(client.get(url, {"unit_code": own.unit.code, "group": "Hòa giải ở cơ sở"}))[
        "items"]}
    assert groups == {"Hòa giải ở cơ sở"}
    women = ok(client.get(url, {"unit_code": own.unit.code, "org_type": "hlhpn", "page_size": 200}))["items"]
    assert women and all(not i["reported_by"] or "HLHPN" in i["reported_by"] for i in women)
    # both catalogs the district reaches: P1's own and the default one
    assert {i["catalog_unit_code"] for i in ok(client.get(url, {"q": "PT06"}))["items"]} == {"91", None}
    detail = ok(client.get(f"{url}/{Indicator.objects.get(catalog_unit=world.p1, code='GS03').pk}"))
    assert (detail["not_above_code"], detail["reported_by"], detail["is_typed"]) == ("GS02", ["MTTQ"], True)
    ratio = ok(client.get(url, {"unit_code": own.unit.code, "q": "TC10"}))["items"][0]
    assert ratio["aggregation"] == "ratio" and ratio["numerator_code"] and ratio["is_typed"] is False


# ---------------------------------------------------------------- reports


def test_the_head_creates_writes_and_builds_a_report(world, client_for, own, fake_render):
    head = client_for("head")
    created = ok(post(head, "/reports", {"joint_body_id": own.body.pk, "kind": "year", "period_code": "2024"}), 201)
    assert (created["period_code"], created["status"], created["latest_build"]) == ("2024-Y", "draft", None)
    assert created["title"] == "Báo cáo kết quả công tác phối hợp năm 2024"
    assert created["actions"] == ["change", "build"]
    rid = created["id"]
    # the same period again, a code of another kind: refused in Vietnamese
    assert errors(post(head, "/reports", {"joint_body_id": own.body.pk, "kind": "year", "period_code": "2024-Y"})) == {
        ("body",): ["Cơ quan khối đã có báo cáo cho kỳ này."]}
    assert errors(post(head, "/reports", {"joint_body_id": own.body.pk, "kind": "year", "period_code": "2024-Q1"})) == {
        ("body", "period_code"): ["Mã kỳ “2024-Q1” là kỳ quý, không phải kỳ năm đã chọn."]}
    # the narrative
    written = ok(patch(head, f"/reports/{rid}", {"number": "15-BC/KDH", "issued_on": "2024-12-20",
                                                 "achievements": "Vận động 120 hộ hiến đất."}))
    assert (written["number"], written["issued_on"], written["achievements"]) == (
        "15-BC/KDH", "2024-12-20", "Vận động 120 hộ hiến đất.")
    assert written["title"] == created["title"]  # not sent: kept
    # asked twice: one build
    first = ok(post(head, f"/reports/{rid}/build"), 202)
    again = ok(post(head, f"/reports/{rid}/build"), 202)
    assert again["id"] == first["id"] and ReportBuild.objects.filter(report_id=rid).count() == 1
    assert (first["status"], first["progress"], first["finished"], first["files"]) == ("pending", 0, False, [])
    # the worker runs it
    assert building.run_build(first["id"]).outcome == BuildStatus.DONE
    status = ok(client_for("sub_head").get(f"{API}/report-builds/{first['id']}"))
    assert (status["status"], status["progress"], status["stage"], status["attempts"], status["finished"]) == (
        "done", 100, "Xong", 1, True)
    assert status["finished_at"] is not None and status["error"] is None
    assert [f["format"] for f in status["files"]] == ["pdf", "docx", "xlsx"]
    pdf = status["files"][0]
    assert pdf["sha256"] == hashlib.sha256(f"pdf:{rid}".encode()).hexdigest() and pdf["size"] == len(f"pdf:{rid}")
    assert pdf["url"] == f"{API}/report-builds/{first['id']}/files/pdf"
    # the link works with a bearer token (a script), through the access check
    download = bearer(world, client_for, "field").get(pdf["url"])
    assert download.status_code == 200 and b"".join(download.streaming_content) == f"pdf:{rid}".encode()
    assert download["ETag"] == f'"{pdf["sha256"]}"'
    assert "bao-cao-huyen-dam-ha-2024-Y-v1.pdf" in download["Content-Disposition"]
    # built; asking again for the same content gives the finished build back
    report = ok(head.get(f"{API}/reports/{rid}"))
    assert (report["status"], report["latest_build"]["id"], report["latest_done_build"]["id"]) == (
        "built", first["id"], first["id"])
    assert ok(post(head, f"/reports/{rid}/build"))["id"] == first["id"]


def test_the_board_returns_a_report_and_the_head_sees_the_comment(world, client_for, own):
    board = client_for("board")
    url = f"/reports/{own.report.pk}/return"
    assert ok(board.get(f"{API}/reports/{own.report.pk}"))["actions"] == ["return"]

    assert errors(post(board, url, {"comment": "  "})) == {("body", "comment"): [
        "Hãy ghi ý kiến trả lại để cơ quan khối biết cần sửa gì."]}
    assert post(client_for("head"), url, {"comment": "Tự trả."}).status_code == 403
    assert Report.objects.get(pk=own.report.pk).status == ReportStatus.BUILT
    returned = ok(post(board, url, {"comment": "Số liệu đoàn viên chưa khớp với báo cáo quý III."}))
    assert (returned["status"], returned["actions"]) == ("returned", [])
    assert errors(post(board, url, {"comment": "Lần nữa."})) == {("body",): [
        "Báo cáo đã bị trả lại và đang chờ cơ quan khối sửa."]}

    seen = ok(client_for("head").get(f"{API}/reports/{own.report.pk}"))
    assert (seen["status"], seen["return_comment"], seen["returned_by"]) == (
        "returned", "Số liệu đoàn viên chưa khớp với báo cáo quý III.", "Chuyên Viên Ban Dân Vận")
    assert seen["returned_at"] is not None
    assert Notification.objects.filter(recipient=world.users["head"], url=own.report.get_absolute_url()).exists()
    assert [r["id"] for r in ok(client_for("head").get(f"{API}/reports", {"status": "returned"}))["items"]] == [
        own.report.pk]


def test_report_list_filters_and_the_world_build(world, client_for, own):
    head = client_for("head")
    assert ids(head.get(f"{API}/reports")) == [own.report.pk]
    assert ids(head.get(f"{API}/reports", {"q": "12-BC", "kind": "year", "year": 2023})) == [own.report.pk]
    assert ids(head.get(f"{API}/reports", {"kind": "quarter"})) == []
    row = ok(head.get(f"{API}/reports"))["items"][0]
    assert (row["latest_build_version"], row["latest_build_status"], row["period_label"]) == (1, "done", "Năm 2023")
    assert set(ids(client_for("board").get(f"{API}/reports"))) == {
        world.districts[w].report.pk for w in ("own", "other_district")}
    # a failed build's reason: for the report's writers only
    ReportBuild.objects.filter(pk=own.build.pk).update(status=BuildStatus.FAILED, error="WeasyPrint: thiếu phông chữ")
    assert ok(head.get(f"{API}/report-builds/{own.build.pk}"))["error"] == "WeasyPrint: thiếu phông chữ"
    failed = ok(client_for("board").get(f"{API}/report-builds/{own.build.pk}"))
    assert (failed["error"], failed["files"], failed["finished"]) == (None, [], True)


def test_a_file_of_an_unknown_format_or_not_built_yet(world, client_for, own):
    client = client_for("head")
    assert errors(client.get(f"{API}/report-builds/{own.build.pk}/files/odt"))[("path", "fmt")]
    pending = ReportBuild.objects.create(report=own.report, version=2, idempotency_key="pending-2")
    assert client.get(f"{API}/report-builds/{pending.pk}/files/pdf").status_code == 404


# ---------------------------------------------------------------- the document and the lists


def test_openapi_document_lists_every_reporting_operation(world, client_for):
    document = client_for("anon").get(f"{API}/openapi.json").json()

    ours = ("/periods", "/indicators", "/submissions", "/reports", "/report-builds")
    operations = {(method, path.removeprefix(API)) for path, item in document["paths"].items() for method in item
                  if path.removeprefix(API).startswith(ours)}
    assert operations == set(MATRIX)
    tags = {tag for item in document["paths"].values() for op in item.values() for tag in op["tags"]}
    assert {"periods", "indicators", "submissions", "reports"} <= tags
    build = document["paths"][f"{API}/reports/{{report_id}}/build"]["post"]["responses"]
    assert {"200", "202"} <= set(build)
    download = document["paths"][f"{API}/report-builds/{{build_id}}/files/{{fmt}}"]["get"]["responses"]["200"]
    assert "application/pdf" in download["content"]


def test_lists_issue_a_fixed_number_of_queries_whatever_the_rows(world, client_for, own):
    client = client_for("head")
    urls = ["/periods", "/indicators", "/submissions", "/reports"]

    def query_counts() -> dict[str, int]:
        counts = {}
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(f"{API}{url}").status_code == 200
            counts[url] = len(queries)
        return counts

    before = query_counts()
    template = own.draft_submission.period.template
    chair = Person.objects.create(full_name="Người Gửi", unit=own.unit)
    sender = login_for(chair, "nguoi-gui")
    for n, code in enumerate(("2023-01", "2023-02", "2023-03")):
        period = get_or_create_period(template, code)
        for org in own.orgs.values():
            Submission.objects.create(organization=org, period=period, status="approved", submitted_by=sender,
                                      decided_by=world.users["deputy"])
        commune = unit(f"{own.unit.code}5{n}", f"Xã Thêm {n}", "commune", own.unit)
        body = JointBody.objects.create(unit=commune, name=f"Cơ quan Khối xã Thêm {n}")
        report = Report.objects.create(joint_body=body, period=get_or_create_period(template, f"202{n}-Y"))
        ReportBuild.objects.create(report=report, version=1, idempotency_key=f"list-{n}", status="running")
    for n in range(3):
        Indicator.objects.create(catalog_unit=world.p1, code=f"ZZ0{n}", name=f"Chỉ tiêu thêm {n}",
                                 numerator=own.indicator, not_above=own.indicator)

    assert ok(client.get(f"{API}/submissions"))["count"] == 3 + 3 * len(own.orgs)
    assert query_counts() == before
