"""The JSON API of the campaigns (issue: campaigns): campaigns, phases, work teams and their areas,
households and their visits, citizens' cases. The same access rules as the UI; the provincial
board reads a campaign's numbers but never its households; one area, one team (409 naming the
team that has it); visits move a household forward; the responsible person answers a case.

The world is tests/world.py's (module-scoped ``world``): province P1 ("91") with districts D1
("own", Đầm Hà) and D2 ("other_district"), province P2 with D3 ("other_province"). Each district
has a campaign run by the propaganda subcommittee over its commune, one work team led by the
Veterans' chair (no login) covering the commune, one household of the commune covered by that
team, and a case about that household for which the Veterans' chair is responsible. At D1 the
"field" user is a member of the team; the deputy (who heads the Women's Union) and the Front
staff member are not. Expected statuses are written by hand from the requirements, not computed
with khoi.access.
"""
from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from campaigns.models import Campaign, Case, Household, Phase, TeamArea, TeamMember, Visit, WorkTeam
from khoi import services as khoi_services
from khoi.models import CoordinationRule
from tests.world import login_for, unit

pytestmark = pytest.mark.django_db

API = "/api/v1"

# ---------------------------------------------------------------- the expected-results table
#
# Operation × role × object position → status. Roles as in tests/khoi/access_matrix.py: the D1
# head of the joint body, the deputy (who heads the Women's Union, not on the team), the
# propaganda-subcommittee head (whose part runs the campaign), a Front staff member (not on the
# team), the field member of the team, P1's mass-mobilization board (reads its province's
# campaigns and their numbers, never households, writes nothing), an administrator, a user with
# no position, an anonymous caller. A cell "a b c" gives own / other district / other province;
# one value applies to all three. tests/khoi/test_api.py checks that this MATRIX and the other
# tables together cover the OpenAPI document.

ROLES = ("anon", "norole", "admin", "board", "head", "deputy", "sub_head", "staff", "field")
WHERE = ("own", "other_district", "other_province")
DISTRICT_ROLES = ("head", "deputy", "sub_head", "staff", "field")

LIST = {"anon": "401", **{role: "200" for role in ROLES[1:]}}
# a campaign, its numbers and its teams: every cadre of the district, the board in its province
READ = {"anon": "401", "norole": "404", "admin": "200", "board": "200 200 404",
        **{role: "200 404 404" for role in DISTRICT_ROLES}}


def manage(ok: str) -> dict[str, str]:
    """Managing a campaign (edit, phases, teams, areas, households): the body's head and the head of
    the subcommittee running it. Out of reach → 404, visible but not manageable → 403."""
    return {"anon": "401", "norole": "404", "admin": ok, "board": "403 403 404",
            **{role: "403 404 404" for role in DISTRICT_ROLES},
            "head": f"{ok} 404 404", "sub_head": f"{ok} 404 404"}


def create(*allowed: str) -> dict[str, str]:
    ok = set(allowed) | {"admin"}
    return {"anon": "401", **{role: "201" if role in ok else "403" for role in ROLES[1:]}}


def household(ok: str, **others: str) -> dict[str, str]:
    """A household holds personal data: the head, the subcommittee running the campaign and the
    team's members; nobody else learns that it exists (404), the board included."""
    return {"anon": "401", "norole": "404", "admin": ok, "board": "404", "deputy": "404", "staff": "404",
            "head": f"{ok} 404 404", "sub_head": f"{ok} 404 404", "field": f"{ok} 404 404", **others}


# cases: the body's head, deputy and subcommittee heads; organizations' staff read them; field
# members and the board do not learn they exist
CASE_READ = {"anon": "401", "norole": "404", "admin": "200", "board": "404", "field": "404",
             **{role: "200 404 404" for role in ("head", "deputy", "sub_head", "staff")}}

MATRIX: dict[tuple[str, str], dict[str, str]] = {
    ("get", "/campaigns"): LIST,
    ("post", "/campaigns"): create("head", "sub_head"),
    ("get", "/campaigns/{campaign_id}"): READ,
    ("patch", "/campaigns/{campaign_id}"): manage("200"),
    # numbers only: the board reads them (its province)
    ("get", "/campaigns/{campaign_id}/progress"): READ,
    ("post", "/campaigns/{campaign_id}/phases"): manage("201"),
    ("get", "/campaigns/{campaign_id}/teams"): READ,
    ("post", "/campaigns/{campaign_id}/teams"): manage("201"),
    ("post", "/teams/{team_id}/areas"): manage("201"),
    # who sees the campaign but none of its households is told so (403); the field member gets
    # their team's households
    ("get", "/campaigns/{campaign_id}/households"): {
        "anon": "401", "norole": "404", "admin": "200", "board": "403 403 404", "deputy": "403 404 404",
        "staff": "403 404 404", "head": "200 404 404", "sub_head": "200 404 404", "field": "200 404 404"},
    ("post", "/campaigns/{campaign_id}/households"): manage("201"),
    ("get", "/households/{household_id}"): household("200"),
    # moving a household to another team: the campaign's managers, not a team member
    ("post", "/households/{household_id}/reassign"): household("200", field="403 404 404"),
    ("post", "/households/{household_id}/visits"): household("201"),
    ("post", "/households/{household_id}/status"): household("200"),
    ("get", "/cases"): LIST,
    ("post", "/campaigns/{campaign_id}/cases"): {
        "anon": "401", "norole": "404", "admin": "201", "board": "403 403 404", "staff": "403 404 404",
        "field": "403 404 404", **{role: "201 404 404" for role in ("head", "deputy", "sub_head")}},
    ("get", "/cases/{case_id}"): CASE_READ,
    # the responsible person (the Veterans' chair, no login here) or the body's leaders answer
    ("post", "/cases/{case_id}/answer"): {**CASE_READ, "staff": "403 404 404"},
}

# Cells the code does not meet yet (each is xfail(strict): it fails loudly once fixed).
KNOWN_BUGS: dict[tuple[str, str, str, str], str] = {}

DEFAULT_TARGETS = {"campaign_id": "campaign", "team_id": "team", "household_id": "household", "case_id": "case"}


def p1_rule(code: str) -> CoordinationRule:
    return CoordinationRule.objects.get(catalog_unit__code="91", code=code)  # province P1's catalog


def free_commune(d) -> dict:
    """A second commune of the district, added to the campaign and covered by no team yet."""
    commune = unit(d.unit.code + "02", f"Xã Bờ Sông {d.unit.code}", "commune", d.unit)
    d.campaign.areas.add(commune)
    return {"commune": commune}


def second_team(d) -> dict:
    return {"team": WorkTeam.objects.create(campaign=d.campaign, name="Tổ công tác số 2", leader=d.team.leader)}


# Made before the request (and before "what must not change" is read): what the payload needs.
SETUP = {
    ("post", "/teams/{team_id}/areas"): free_commune,
    ("post", "/households/{household_id}/reassign"): second_team,
}

PAYLOADS = {
    ("post", "/campaigns"): lambda w, d, extra: {
        "joint_body_id": w.districts["own"].body.pk, "subcommittee_id": w.districts["own"].subs["propaganda"].pk,
        "name": "Chiến dịch ra quân làm đường giao thông nông thôn", "rule_id": p1_rule("C5").pk,
        "reference_prefix": "GT", "area_codes": [w.districts["own"].commune.code],
        "start_date": "2025-03-01", "end_date": "2025-04-30"},
    ("patch", "/campaigns/{campaign_id}"): lambda w, d, extra: {
        "message": "Vận động hộ dân bàn giao mặt bằng trước ngày 30/6", "status": "closed"},
    ("post", "/campaigns/{campaign_id}/phases"): lambda w, d, extra: {
        "name": "Giai đoạn 1: tuyên truyền", "start_date": "2020-06-01", "end_date": "2020-06-10",
        "target": "Mọi hộ được tiếp xúc", "target_agreed_percent": 50},
    ("post", "/campaigns/{campaign_id}/teams"): lambda w, d, extra: {
        "name": "Tổ công tác số 2", "leader_id": d.team.leader_id,
        "members": [{"person_id": d.org_position.person_id, "organization_id": d.orgs["HLHPN"].pk}]},
    ("post", "/teams/{team_id}/areas"): lambda w, d, extra: {"unit_code": extra["commune"].code},
    ("post", "/campaigns/{campaign_id}/households"): lambda w, d, extra: {
        "head_name": "Trần Thị Mới", "address": "Thôn 2", "area_code": d.commune.code, "phone": "0987654321"},
    ("post", "/households/{household_id}/reassign"): lambda w, d, extra: {
        "team_id": extra["team"].pk, "reason": "Tổ 2 có người quen của hộ, vận động thuận lợi hơn"},
    ("post", "/households/{household_id}/visits"): lambda w, d, extra: {
        "date": "2020-06-05", "outcome": "agreed", "raised": "Đồng ý bàn giao sau khi nhận tiền bồi thường",
        "next_step": "Hẹn ký biên bản"},
    ("post", "/households/{household_id}/status"): lambda w, d, extra: {
        "status": "blocked", "reason": "Tranh chấp ranh giới với hộ bên cạnh"},
    ("post", "/campaigns/{campaign_id}/cases"): lambda w, d, extra: {
        "topic": "Tái định cư", "citizen_name": "Nguyễn Văn Hộ", "phone": "0912 345 678",
        "content": "Hỏi về lô đất tái định cư", "responsible_id": d.team.leader_id, "deadline": "2030-01-15"},
    ("post", "/cases/{case_id}/answer"): lambda w, d, extra: {
        "answer": "Mức bồi thường theo bảng giá đất của tỉnh năm 2020.", "close": False},
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
        list(Campaign.objects.order_by("pk").values_list("name", "message", "status", "subcommittee_id", "rule_id",
                                                         "start_date", "end_date")),
        list(Campaign.areas.through.objects.order_by("pk").values_list("campaign_id", "administrativeunit_id")),
        list(Phase.objects.order_by("pk").values_list("campaign_id", "name", "target_agreed_percent")),
        list(WorkTeam.objects.order_by("pk").values_list("campaign_id", "name", "leader_id")),
        list(TeamMember.objects.order_by("pk").values_list("team_id", "person_id", "organization_id")),
        list(TeamArea.objects.order_by("pk").values_list("team_id", "unit_id")),
        list(Household.objects.order_by("pk").values_list("head_name", "team_id", "status", "blocked_reason",
                                                          "reassignment_reason")),
        list(Visit.objects.order_by("pk").values_list("household_id", "date", "outcome")),
        list(Case.objects.order_by("pk").values_list("reference", "status", "answer", "responsible_id")),
    )


def send(client, method: str, url: str, payload: dict | None = None):
    if method == "get":
        return client.get(url, payload or {})
    return getattr(client, method)(url, json.dumps(payload or {}), content_type="application/json")


@pytest.mark.parametrize("method,path,role,where,expected", list(matrix_cases()))
def test_access_matrix(world, client_for, method, path, role, where, expected):
    # given a user of a role and an object in some position
    d = world.districts[where]
    params = {name: getattr(d, DEFAULT_TARGETS[name]).pk for name in re.findall(r"{(\w+)}", path)}
    extra = SETUP.get((method, path), lambda d: {})(d)
    payload = PAYLOADS.get((method, path), lambda w, d, extra: {})(world, d, extra)
    before = everything()
    # when
    response = send(client_for(role), method, API + path.format(**params), payload if method != "get" else None)
    # then
    assert response.status_code == expected, response.content.decode()
    assert response["Content-Type"].startswith("application/json")
    if expected >= 400:
        assert everything() == before, "a refused request must change nothing"


# ---------------------------------------------------------------- helpers


def post(client, url, data=None, **extra):
    return client.post(API + url, json.dumps(data or {}), content_type="application/json", **extra)


def patch(client, url, data, **extra):
    return client.patch(API + url, json.dumps(data), content_type="application/json", **extra)


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content.decode()
    return [item["id"] for item in response.json()["items"]]


def errors(response) -> dict[tuple, list[str]]:
    """A 422 answer as {loc: [messages]}."""
    assert response.status_code == 422, response.content.decode()
    found: dict[tuple, list[str]] = {}
    for error in response.json()["detail"]:
        assert set(error) == {"loc", "msg", "type"}
        found.setdefault(tuple(error["loc"]), []).append(error["msg"])
    return found


def bearer(world, client_for, role: str):
    """A script of that user's, with a bearer token (as a phone app would call)."""
    _token, key = khoi_services.api_token_issue(actor=world.users[role], name="điện thoại")
    return client_for("anon", HTTP_AUTHORIZATION=f"Bearer {key}")


@pytest.fixture
def own(world):
    return world.districts["own"]


# ---------------------------------------------------------------- the board: numbers, never households


def test_the_board_reads_the_numbers_but_never_the_households(world, client_for, own):
    board = client_for("board")
    # the numbers of its province's campaigns
    progress = board.get(f"{API}/campaigns/{own.campaign.pk}/progress")
    assert progress.status_code == 200, progress.content.decode()
    data = progress.json()
    # (the world's household was imported with one visit recorded before the API: still "new")
    assert data["overall"] == {"total": 1, "by_status": {"new": 1, "contacted": 0, "agreed": 0, "completed": 0,
                                                         "blocked": 0},
                               "agreed_or_done": 0, "reached": 0, "percent_agreed": 0.0, "percent_reached": 0.0}
    assert [(t["team_id"], t["team_name"], t["total"]) for t in data["teams"]] == [
        (own.team.pk, "Tổ công tác số 1", 1)]
    assert [(a["unit_id"], a["unit_code"], a["name"], a["total"]) for a in data["areas"]] == [
        (own.commune.pk, own.commune.code, own.commune.name, 1)]
    assert data["daily"][0] == {"day": "2020-06-03", "reached": 1, "agreed": 0, "percent_agreed": 0.0}
    assert data["daily"][-1]["day"] == "2020-06-30"
    # aggregates only: no names, no phones
    text = progress.content.decode()
    assert "Nguyễn Văn Hộ" not in text and "0912345678" not in text and "head_name" not in text
    assert board.get(f"{API}/campaigns/{world.districts['other_district'].campaign.pk}/progress").status_code == 200
    # the households: refused, the list with a pointer to the numbers
    refused = board.get(f"{API}/campaigns/{own.campaign.pk}/households")
    assert refused.status_code == 403
    assert f"/campaigns/{own.campaign.pk}/progress" in refused.json()["detail"]
    assert board.get(f"{API}/households/{own.household.pk}").status_code == 404
    assert post(board, f"/households/{own.household.pk}/visits", {"outcome": "agreed"}).status_code == 404
    # nor through a case about the household
    assert board.get(f"{API}/cases/{own.case.pk}").status_code == 404
    assert ids(board.get(f"{API}/cases")) == []


def test_progress_compares_each_phase_with_its_target(world, client_for, own):
    sub_head = client_for("sub_head")
    made = post(sub_head, f"/campaigns/{own.campaign.pk}/phases", {
        "name": "Giai đoạn 1", "start_date": "2020-06-01", "end_date": "2020-06-10", "target_agreed_percent": 60})
    assert made.status_code == 201, made.content.decode()
    assert made.json()["sort_order"] == 1
    Visit.objects.create(household=own.household, team=own.team, date=dt.date(2020, 6, 8), outcome="agreed")

    data = client_for("board").get(f"{API}/campaigns/{own.campaign.pk}/progress").json()

    assert [(p["name"], p["target_agreed_percent"], p["actual_percent_agreed"]) for p in data["phases"]] == [
        ("Giai đoạn 1", 60, 100.0)]
    assert client_for("board").get(f"{API}/campaigns/{own.campaign.pk}").json()["phases"][0]["name"] == "Giai đoạn 1"


# ---------------------------------------------------------------- visits by a team member


def test_a_field_member_records_a_visit_and_the_household_moves_forward(world, client_for, own):
    phone = bearer(world, client_for, "field")
    # the team's households, from the phone
    listed = phone.get(f"{API}/campaigns/{own.campaign.pk}/households")
    assert ids(listed) == [own.household.pk]
    row = listed.json()["items"][0]
    assert (row["status"], row["team_id"], row["last_visit"]) == ("new", own.team.pk, "2020-06-03")
    today = timezone.localdate()
    # a visit: the household agreed
    recorded = post(phone, f"/households/{own.household.pk}/visits",
                    {"date": today.isoformat(), "outcome": "agreed", "raised": "Xin hỗ trợ di chuyển mồ mả",
                     "next_step": "Hẹn ký biên bản bàn giao"})
    assert recorded.status_code == 201, recorded.content.decode()
    data = recorded.json()
    assert data["status"] == "agreed" and data["last_visit"] == today.isoformat()
    newest = data["visits"][0]
    assert (newest["outcome"], newest["date"], newest["recorded_by"]) == ("agreed", today.isoformat(), "Tổ Viên")
    # the team's organizations went (the member's Youth Union, the leader's Veterans' Association)
    assert set(newest["organization_ids"]) == {own.orgs["DTN"].pk, own.orgs["HCCB"].pk}
    assert Household.objects.get(pk=own.household.pk).status == "agreed"
    # a later hesitation does not move it back
    again = post(phone, f"/households/{own.household.pk}/visits", {"outcome": "hesitant"})
    assert again.status_code == 201 and again.json()["status"] == "agreed"
    assert [v["outcome"] for v in again.json()["visits"]] == ["hesitant", "agreed", "hesitant"]
    # the land is handed over
    done = post(phone, f"/households/{own.household.pk}/status", {"status": "completed"})
    assert done.status_code == 200 and done.json()["status"] == "completed"
    # the numbers follow
    numbers = client_for("board").get(f"{API}/campaigns/{own.campaign.pk}/progress").json()
    assert numbers["overall"]["agreed_or_done"] == 1 and numbers["overall"]["percent_agreed"] == 100.0
    # the member may not move the household to another team
    team2 = WorkTeam.objects.create(campaign=own.campaign, name="Tổ công tác số 2", leader=own.team.leader)
    refused = post(phone, f"/households/{own.household.pk}/reassign", {"team_id": team2.pk, "reason": "Thử"})
    assert refused.status_code == 403
    assert Household.objects.get(pk=own.household.pk).team_id == own.team.pk


def test_a_member_of_another_team_does_not_see_the_household(world, client_for, own):
    # the field member moves to a second team: the first team's household is out of their sight
    team2 = WorkTeam.objects.create(campaign=own.campaign, name="Tổ công tác số 2", leader=own.team.leader)
    TeamMember.objects.filter(team=own.team).update(team=team2)
    client = client_for("field")

    assert ids(client.get(f"{API}/campaigns/{own.campaign.pk}/households")) == []
    assert client.get(f"{API}/households/{own.household.pk}").status_code == 404
    assert post(client, f"/households/{own.household.pk}/visits", {"outcome": "agreed"}).status_code == 404
    assert Visit.objects.filter(household=own.household).count() == 1


def test_the_team_leader_sees_each_household_once_and_records_visits(world, client_for, own):
    # the Veterans' chair gets a login; the team has two members (the leader is not one of them)
    leader = login_for(own.team.leader, "cuu-chien-binh")
    TeamMember.objects.create(team=own.team, person=own.org_position.person, organization=own.orgs["HLHPN"])
    client = client_for("anon")
    client.force_login(leader)

    listed = client.get(f"{API}/campaigns/{own.campaign.pk}/households")

    assert ids(listed) == [own.household.pk] and listed.json()["count"] == 1
    recorded = post(client, f"/households/{own.household.pk}/visits", {"outcome": "refused"})
    assert recorded.status_code == 201 and recorded.json()["status"] == "contacted"


# ---------------------------------------------------------------- teams: one area, one team


def test_a_second_team_for_the_same_area_is_409_naming_the_team_that_has_it(world, client_for, own):
    sub_head = client_for("sub_head")
    deputy = world.users["deputy"].person  # heads the Women's Union: may lead a team
    made = post(sub_head, f"/campaigns/{own.campaign.pk}/teams", {
        "name": "Tổ công tác số 2", "leader_id": deputy.pk,
        "members": [{"person_id": own.org_position.person_id, "organization_id": own.orgs["HLHPN"].pk}]})
    assert made.status_code == 201, made.content.decode()
    team2 = made.json()
    assert (team2["leader_name"], team2["areas"]) == ("Phó Khối", [])
    assert team2["members"] == [{"person_id": own.org_position.person_id, "person_name": "Cán Bộ Hội Đầm Hà",
                                 "organization_id": own.orgs["HLHPN"].pk,
                                 "organization_name": own.orgs["HLHPN"].name}]
    before = list(TeamArea.objects.order_by("pk").values_list("team_id", "unit_id"))

    taken = post(sub_head, f"/teams/{team2['id']}/areas", {"unit_code": own.commune.code})

    assert taken.status_code == 409, taken.content.decode()
    body = taken.json()
    assert body["detail"] == ("Xã Trung Tâm Đầm Hà đã được giao cho Tổ công tác số 1; "
                              "mỗi địa bàn chỉ do một tổ phụ trách.")
    assert (body["code"], body["team_id"], body["team_name"]) == ("area_taken", own.team.pk, "Tổ công tác số 1")
    assert list(TeamArea.objects.order_by("pk").values_list("team_id", "unit_id")) == before
    assert Household.objects.get(pk=own.household.pk).team_id == own.team.pk
    # a free commune goes to team 2 with its households that had no team
    extra = free_commune(own)
    stray = Household.objects.create(campaign=own.campaign, head_name="Lê Thị Bến", area=extra["commune"])
    given = post(sub_head, f"/teams/{team2['id']}/areas", {"unit_id": extra["commune"].pk})
    assert given.status_code == 201, given.content.decode()
    assert [a["unit_code"] for a in given.json()["areas"]] == [extra["commune"].code]
    assert Household.objects.get(pk=stray.pk).team_id == team2["id"]
    # again: it has it already
    assert post(sub_head, f"/teams/{team2['id']}/areas", {"unit_id": extra["commune"].pk}).status_code == 200
    # the teams as everyone sees them
    teams = client_for("staff").get(f"{API}/campaigns/{own.campaign.pk}/teams").json()["items"]
    assert [(t["name"], [a["unit_code"] for a in t["areas"]]) for t in teams] == [
        ("Tổ công tác số 1", [own.commune.code]), ("Tổ công tác số 2", [extra["commune"].code])]


def test_an_area_outside_the_campaign_is_refused(world, client_for, own):
    outside = unit(own.unit.code + "09", "Xã Ngoài Chiến Dịch", "commune", own.unit)
    response = post(client_for("head"), f"/teams/{own.team.pk}/areas", {"unit_code": outside.code})

    assert errors(response) == {("body", "unit_code"): ["Xã Ngoài Chiến Dịch không thuộc địa bàn của chiến dịch."]}
    assert not TeamArea.objects.filter(unit=outside).exists()


def test_the_campaign_managers_reassign_a_household_with_a_reason(world, client_for, own):
    team2 = WorkTeam.objects.create(campaign=own.campaign, name="Tổ công tác số 2", leader=own.team.leader)
    client = client_for("sub_head")

    without = post(client, f"/households/{own.household.pk}/reassign", {"team_id": team2.pk})
    foreign = post(client, f"/households/{own.household.pk}/reassign",
                   {"team_id": world.districts["other_district"].team.pk, "reason": "Thử"})
    moved = post(client, f"/households/{own.household.pk}/reassign",
                 {"team_id": team2.pk, "reason": "Hộ có người thân trong Hội Phụ nữ"})

    assert errors(without) == {("body", "reason"): [
        "Hộ Nguyễn Văn Hộ đã do Tổ công tác số 1 phụ trách: giao lại cần ghi lý do."]}
    assert errors(foreign) == {("body", "team_id"): [
        f"Chiến dịch không có tổ số {world.districts['other_district'].team.pk}."]}
    assert moved.status_code == 200, moved.content.decode()
    assert (moved.json()["team_id"], moved.json()["reassignment_reason"]) == (
        team2.pk, "Hộ có người thân trong Hội Phụ nữ")
    # the field member, on team 1, no longer sees it
    assert client_for("field").get(f"{API}/households/{own.household.pk}").status_code == 404


# ---------------------------------------------------------------- campaigns and households


def test_the_subcommittee_head_creates_and_changes_her_campaign(world, client_for, own):
    client = client_for("sub_head")
    created = post(client, "/campaigns", {
        "joint_body_id": own.body.pk, "subcommittee_id": own.subs["propaganda"].pk,
        "name": "Cuộc vận động  “Ngày thứ bảy xanh”", "kind": "movement", "reference_prefix": "tb xanh",
        "area_codes": [own.commune.code], "start_date": "2025-03-01", "end_date": "2025-12-31"})
    assert created.status_code == 201, created.content.decode()
    data = created.json()
    assert data["rule_code"] == "C5" and data["rule_id"] == p1_rule("C5").pk  # the local catalog's default
    assert (data["reference_prefix"], data["kind"], data["status"]) == ("TBXANH", "movement", "draft")
    assert data["area_codes"] == [own.commune.code] and data["subcommittee_id"] == own.subs["propaganda"].pk
    # a partial change keeps the areas
    changed = patch(client, f"/campaigns/{data['id']}", {"status": "active", "message": "Mỗi tuần một việc"})
    assert changed.status_code == 200, changed.content.decode()
    assert changed.json()["area_codes"] == [own.commune.code] and changed.json()["status"] == "active"
    # she may not hand it to another part of the body
    before = list(Campaign.objects.filter(pk=data["id"]).values_list("subcommittee_id", "name"))
    moved = patch(client, f"/campaigns/{data['id']}", {"subcommittee_id": own.subs["inspection"].pk})
    assert moved.status_code == 403
    assert list(Campaign.objects.filter(pk=data["id"]).values_list("subcommittee_id", "name")) == before
    # listed for everyone of the district, searched without diacritics
    assert data["id"] in ids(client_for("field").get(f"{API}/campaigns", {"q": "thu bay xanh"}))
    assert ids(client_for("field").get(f"{API}/campaigns", {"status": "draft"})) == []


def test_the_head_adds_a_household_it_goes_to_the_team_of_its_area(world, client_for, own):
    response = post(client_for("head"), f"/campaigns/{own.campaign.pk}/households", {
        "head_name": "  Trần   Thị Mới ", "area_code": own.commune.code, "phone": "0987654321",
        "extra": {"diện tích": "120 m²"}})

    assert response.status_code == 201, response.content.decode()
    data = response.json()
    assert (data["head_name"], data["team_id"], data["status"], data["visits"]) == (
        "Trần Thị Mới", own.team.pk, "new", [])
    assert data["extra"] == {"diện tích": "120 m²"}
    # the team's member finds it, without diacritics
    found = client_for("field").get(f"{API}/campaigns/{own.campaign.pk}/households", {"q": "tran thi moi"})
    assert ids(found) == [data["id"]]


def test_household_list_filters(world, client_for, own):
    other = Household.objects.create(campaign=own.campaign, head_name="Lê Văn Khác", area=own.commune,
                                     team=own.team, status="agreed")
    client = client_for("head")
    url = f"{API}/campaigns/{own.campaign.pk}/households"

    assert ids(client.get(url)) == [other.pk, own.household.pk]
    assert ids(client.get(url, {"status": "agreed"})) == [other.pk]
    assert ids(client.get(url, {"q": "nguyen van"})) == [own.household.pk]
    assert ids(client.get(url, {"team_id": own.team.pk, "area_code": own.commune.code})) == [other.pk, own.household.pk]
    assert errors(client.get(url, {"team_id": world.districts["other_district"].team.pk})) == {
        ("query", "team_id"): [f"Chiến dịch không có tổ số {world.districts['other_district'].team.pk}."]}
    assert errors(client.get(url, {"status": "xong"})) == {("query", "status"): [
        "Hãy chọn một trong các giá trị: 'new', 'contacted', 'agreed', 'completed' hoặc 'blocked'."]}


def test_household_detail_shows_its_visits(world, client_for, own):
    data = client_for("sub_head").get(f"{API}/households/{own.household.pk}").json()

    assert (data["head_name"], data["phone"], data["area_code"], data["team_name"]) == (
        "Nguyễn Văn Hộ", "0912345678", own.commune.code, "Tổ công tác số 1")
    assert [(v["date"], v["outcome"], v["team_id"]) for v in data["visits"]] == [("2020-06-03", "hesitant", own.team.pk)]


# ---------------------------------------------------------------- cases


def test_the_responsible_person_answers_the_case(world, client_for, own):
    # the head records a question; the Veterans' chair (no login) is to answer it
    opened = post(client_for("head"), f"/campaigns/{own.campaign.pk}/cases", {
        "topic": "Hỗ trợ di chuyển mồ mả", "citizen_name": "Nguyễn Văn Hộ", "phone": "0912.345.678",
        "content": "Gia đình có hai ngôi mộ trong khu đất", "household_id": own.household.pk,
        "responsible_id": own.team.leader_id, "organization_ids": [own.orgs["HCCB"].pk]})
    assert opened.status_code == 201, opened.content.decode()
    case = opened.json()
    assert re.fullmatch(rf"T911-{timezone.localdate().year}-\d{{6}}", case["reference"])
    assert (case["phone"], case["status"], case["responsible_name"]) == (
        "0912345678", "open", own.team.leader.full_name)
    assert case["deadline"] == (timezone.localdate() + dt.timedelta(days=15)).isoformat()
    assert case["organization_ids"] == [own.orgs["HCCB"].pk] and case["is_overdue"] is False
    # handed over to the field member, who cannot read cases otherwise
    Case.objects.filter(pk=case["id"]).update(responsible=world.users["field"].person)
    phone = bearer(world, client_for, "field")
    # the field member reads and answers the case given to them, and no other
    assert phone.get(f"{API}/cases/{case['id']}").status_code == 200
    assert phone.get(f"{API}/cases/{own.case.pk}").status_code == 404
    assert post(phone, f"/cases/{own.case.pk}/answer", {"answer": "Thử"}).status_code == 404
    answered = post(phone, f"/cases/{case['id']}/answer", {"answer": "Hỗ trợ 5 triệu đồng mỗi ngôi mộ."})
    assert answered.status_code == 200, answered.content.decode()
    assert (answered.json()["status"], answered.json()["answer"]) == ("answered", "Hỗ trợ 5 triệu đồng mỗi ngôi mộ.")
    assert answered.json()["answered_at"] is not None and answered.json()["closed_at"] is None
    # a Front staff member reads it but may not answer
    staff = client_for("staff")
    assert staff.get(f"{API}/cases/{case['id']}").status_code == 200
    assert post(staff, f"/cases/{case['id']}/answer", {"answer": "Khác", "close": True}).status_code == 403
    closed = post(phone, f"/cases/{case['id']}/answer", {"answer": "Đã chi trả xong.", "close": True})
    assert closed.json()["status"] == "closed" and closed.json()["closed_at"] is not None
    assert Case.objects.get(pk=case["id"]).answer == "Đã chi trả xong."
    # listed for the body's leaders, filtered
    head = client_for("head")
    assert ids(head.get(f"{API}/cases", {"q": "mo ma"})) == [case["id"]]
    assert ids(head.get(f"{API}/cases", {"status": "closed", "campaign_id": own.campaign.pk})) == [case["id"]]


def test_one_household_one_topic_one_case(world, client_for, own):
    client = client_for("deputy")
    count = Case.objects.count()

    again = post(client, f"/campaigns/{own.campaign.pk}/cases", {
        "topic": "mức  bồi thường", "citizen_name": "Nguyễn Văn Hộ", "phone": "0912345678",
        "content": "Hỏi lại", "responsible_id": own.team.leader_id, "household_id": own.household.pk})

    # the deputy does not see households: she cannot attach one
    assert errors(again) == {("body", "household_id"): [
        f"Không tìm thấy hộ số {own.household.pk} của chiến dịch trong phạm vi của bạn."]}
    again = post(client_for("head"), f"/campaigns/{own.campaign.pk}/cases", {
        "topic": "mức  bồi thường", "citizen_name": "Nguyễn Văn Hộ", "phone": "0912345678",
        "content": "Hỏi lại", "responsible_id": own.team.leader_id, "household_id": own.household.pk})
    assert again.status_code == 409, again.content.decode()
    assert again.json()["code"] == "case_exists" and again.json()["case_id"] == own.case.pk
    assert "T911-2020-000001" in again.json()["detail"]
    assert Case.objects.count() == count


# ---------------------------------------------------------------- validation


def test_validation_errors_are_422_in_vietnamese(world, client_for, own):
    head = client_for("head")
    before = everything()
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    unparsable = post(head, f"/households/{own.household.pk}/visits", {"date": "hôm qua", "outcome": "xong"})
    future = post(head, f"/households/{own.household.pk}/visits", {"date": tomorrow, "outcome": "agreed"})
    foreign_org = post(head, f"/households/{own.household.pk}/visits",
                       {"outcome": "agreed", "organization_ids": [world.districts["other_district"].orgs["DTN"].pk]})
    blocked = post(head, f"/households/{own.household.pk}/status", {"status": "blocked", "reason": "  "})
    new_status = post(head, f"/households/{own.household.pk}/status", {"status": "new"})
    leader = post(head, f"/campaigns/{own.campaign.pk}/teams",
                  {"name": "Tổ thanh niên", "leader_id": world.users["field"].person.pk})
    stranger = post(head, f"/campaigns/{own.campaign.pk}/teams", {
        "name": "Tổ thanh niên", "leader_id": own.team.leader_id,
        "members": [{"person_id": own.person.pk, "organization_id": own.orgs["DTN"].pk}]})
    same_name = post(head, f"/campaigns/{own.campaign.pk}/teams",
                     {"name": "Tổ công tác số 1", "leader_id": own.team.leader_id})
    backwards = post(head, "/campaigns", {
        "joint_body_id": own.body.pk, "name": "Thử", "reference_prefix": "TH", "start_date": "2025-03-02",
        "end_date": "2025-03-01", "area_codes": [world.districts["other_district"].commune.code]})
    separate = post(head, "/campaigns", {
        "joint_body_id": own.body.pk, "name": "Thử", "reference_prefix": "TH", "rule_id": p1_rule("R6").pk,
        "start_date": "2025-03-01", "end_date": "2025-03-02"})
    no_area = post(head, f"/campaigns/{own.campaign.pk}/households", {"head_name": "Hộ Thử"})
    phase = post(head, f"/campaigns/{own.campaign.pk}/phases",
                 {"name": "Giai đoạn", "start_date": "2020-06-10", "end_date": "2020-06-01",
                  "target_agreed_percent": 120})
    case = post(head, f"/campaigns/{own.campaign.pk}/cases", {
        "topic": "Thử", "citizen_name": "Người Dân", "phone": "0912", "content": "Hỏi",
        "responsible_id": world.districts["other_district"].team.leader_id, "deadline": "2020-01-01"})
    short_phone = post(head, f"/campaigns/{own.campaign.pk}/cases", {
        "topic": "Thử", "citizen_name": "Người Dân", "phone": "0912", "content": "Hỏi",
        "responsible_id": own.team.leader_id})
    empty_answer = post(head, f"/cases/{own.case.pk}/answer", {"answer": "   "})

    assert errors(unparsable) == {
        ("body", "date"): ["Hãy nhập một ngày hợp lệ theo dạng YYYY-MM-DD, ví dụ 2025-12-31."],
        ("body", "outcome"): ["Hãy chọn một trong các giá trị: 'agreed', 'hesitant', 'refused' hoặc 'support'."]}
    assert errors(future) == {("body", "date"): ["Ngày tiếp xúc không được ở tương lai."]}
    foreign_pk = world.districts["other_district"].orgs["DTN"].pk
    assert errors(foreign_org) == {("body", "organization_ids"): [
        f"Tổ chức số {foreign_pk} không phải tổ chức thành viên của cơ quan khối."]}
    assert errors(blocked) == {("body", "reason"): ["Hãy ghi lý do vướng mắc."]}
    assert errors(new_status) == {("body", "status"): ["Hãy chọn một trong các giá trị: 'completed' hoặc 'blocked'."]}
    assert errors(leader) == {("body", "leader_id"): [
        "Tổ trưởng phải là lãnh đạo (trưởng hoặc phó) một tổ chức thành viên."]}
    assert errors(stranger) == {("body", "members"): [
        f"Người số {own.person.pk} không giữ chức vụ nào ở {own.orgs['DTN'].name}."]}
    assert errors(same_name) == {("body",): ["Chiến dịch đã có tổ cùng tên."]}
    assert errors(backwards) == {("body", "area_codes"): [
        "Không tìm thấy đơn vị có mã hoặc tên “91201” trong phạm vi của bạn."]}
    assert errors(separate) == {("body", "rule_id"): [
        "Chiến dịch là việc chung của cơ quan khối: hãy chọn một quy tắc “chung”."]}
    assert errors(no_area) == {("body", "area_id"): ["Hãy nhập area_id hoặc area_code."]}
    assert errors(phase) == {("body", "target_agreed_percent"): ["Giá trị phải nhỏ hơn hoặc bằng 100."]}
    assert errors(case) == {
        ("body", "responsible_id"): ["Người phụ trách phải là cán bộ của cơ quan khối hoặc một tổ chức thành viên."],
        ("body", "deadline"): ["Hạn trả lời không được ở quá khứ."]}
    assert errors(short_phone) == {("body", "phone"): [
        "Số điện thoại cần ít nhất 9 chữ số (dùng để người dân tra cứu)."]}
    assert errors(empty_answer) == {("body", "answer"): ["Hãy ghi nội dung trả lời."]}
    reversed_dates = post(head, "/campaigns", {
        "joint_body_id": own.body.pk, "name": "Thử", "reference_prefix": "TH", "start_date": "2025-03-02",
        "end_date": "2025-03-01"})
    assert errors(reversed_dates) == {("body",): ["Ngày kết thúc phải sau ngày bắt đầu."]}
    assert everything() == before


# ---------------------------------------------------------------- the document and the lists


def test_openapi_document_lists_every_campaign_operation(world, client_for):
    document = client_for("anon").get(f"{API}/openapi.json").json()

    ours = ("/campaigns", "/teams", "/households", "/cases")
    operations = {(method, path.removeprefix(API)) for path, item in document["paths"].items() for method in item
                  if path.removeprefix(API).startswith(ours)}
    assert operations == set(MATRIX)
    tags = {tag for item in document["paths"].values() for op in item.values() for tag in op["tags"]}
    assert {"campaigns", "households", "cases"} <= tags
    conflict = document["paths"][f"{API}/teams/{{team_id}}/areas"]["post"]["responses"]["409"]
    assert conflict["content"]["application/json"]["schema"]["$ref"].endswith("/AreaTakenOut")
    # the numbers carry no household's name or phone
    progress = document["components"]["schemas"]["ProgressOut"]
    assert "head_name" not in json.dumps(progress) and "phone" not in json.dumps(progress)


def test_lists_issue_a_fixed_number_of_queries_whatever_the_rows(world, client_for, own):
    client = client_for("head")
    urls = ["/campaigns", "/cases", f"/campaigns/{own.campaign.pk}/households", f"/campaigns/{own.campaign.pk}/teams",
            f"/campaigns/{own.campaign.pk}/progress"]

    def query_counts() -> dict[str, int]:
        counts = {}
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(f"{API}{url}").status_code == 200
            counts[url] = len(queries)
        return counts

    before = query_counts()
    extra = free_commune(own)["commune"]
    for n in range(3):
        campaign = Campaign.objects.create(joint_body=own.body, subcommittee=own.subs["propaganda"],
                                           rule=p1_rule("C5"), name=f"Chiến dịch {n}", reference_prefix="X",
                                           start_date=dt.date(2021, 1, 1), end_date=dt.date(2021, 2, 1))
        campaign.areas.set([own.commune, extra])
        Phase.objects.create(campaign=campaign, name="Giai đoạn", start_date=dt.date(2021, 1, 1),
                             end_date=dt.date(2021, 1, 5))
        team = WorkTeam.objects.create(campaign=own.campaign, name=f"Tổ {n}", leader=own.team.leader)
        TeamMember.objects.create(team=team, person=own.org_position.person, organization=own.orgs["HLHPN"])
        TeamArea.objects.create(campaign=own.campaign, team=team, unit=unit(f"{own.unit.code}1{n}", f"Thôn {n}",
                                                                            "area", extra, "Thôn"))
        household = Household.objects.create(campaign=own.campaign, head_name=f"Hộ {n}", area=extra, team=team)
        visit = Visit.objects.create(household=household, team=team, date=dt.date(2020, 6, 4), outcome="agreed")
        visit.organizations.set([own.orgs["HLHPN"]])
        case = Case.objects.create(reference=f"X-{n}", joint_body=own.body, campaign=own.campaign,
                                   household=household, topic="Thử", citizen_name="A", phone="0912345678",
                                   content="Hỏi", responsible=own.team.leader, deadline=dt.date(2030, 1, 1))
        case.organizations.set([own.orgs["HLHPN"], own.orgs["HCCB"]])

    assert query_counts() == before
