"""The JSON API of the joint work programme and tasks (issue 3): the same access rules as the UI,
shared matters stay joint (409 ``shared_matter`` with the joint activity to join), overlaps are
listed and resolved, tasks are given and reported on.

The world is tests/world.py's (module-scoped ``world``): province P1 ("91") with districts D1
("own", Đầm Hà) and D2 ("other_district"), province P2 with D3 ("other_province"). Each district
has a 2024 programme with a joint C5 activity run by the propaganda subcommittee, the Women's
Union's own R6 training (the deputy heads that union), the Youth Union's look-alike training
(an open overlap with it) and a propaganda-subcommittee task. Expected statuses are written by
hand from the requirements, not computed with khoi.access.
"""
from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from khoi import services as khoi_services
from khoi.models import CoordinationRule
from khoi.selectors import rule_catalog_for_unit
from programme import services
from programme.models import Activity, Overlap, OverlapStatus, SharedException, WorkProgramme
from subcommittees.models import Task

pytestmark = pytest.mark.django_db

API = "/api/v1"
D = dt.date

# ---------------------------------------------------------------- the expected-results table
#
# Operation × role × object position → status. Roles as in tests/khoi/access_matrix.py: the D1
# head of the joint body, the deputy (who heads the Women's Union), the propaganda-subcommittee
# head, a Front staff member, a field-team member, P1's mass-mobilization board (reads its
# province, writes nothing), an administrator, a user with no position, an anonymous caller.
# A cell "a b c" gives own / other district / other province; one value applies to all three.
# tests/khoi/test_api.py checks that MATRIX and its own table together cover the OpenAPI document.

ROLES = ("anon", "norole", "admin", "board", "head", "deputy", "sub_head", "staff", "field")
WHERE = ("own", "other_district", "other_province")
DISTRICT_ROLES = ("head", "deputy", "sub_head", "staff", "field")

LIST = {"anon": "401", **{role: "200" for role in ROLES[1:]}}
READ = {"anon": "401", "norole": "404", "admin": "200", "board": "200 200 404",
        **{role: "200 404 404" for role in DISTRICT_ROLES}}


def change(**allowed: str) -> dict[str, str]:
    """Writes to an object: out of reach → 404, visible but not changeable → 403."""
    return {"anon": "401", "norole": "404", "admin": "200", "board": "403 403 404",
            **{role: "403 404 404" for role in DISTRICT_ROLES}, **allowed}


def create(*allowed: str) -> dict[str, str]:
    ok = set(allowed) | {"admin"}
    return {"anon": "401", **{role: "201" if role in ok else "403" for role in ROLES[1:]}}


MATRIX: dict[tuple[str, str], dict[str, str]] = {
    ("get", "/programmes"): LIST,
    ("post", "/programmes"): create("head"),  # the body's head opens a year's programme
    ("get", "/programmes/{programme_id}"): READ,
    ("get", "/activities"): LIST,
    # a joint activity of the propaganda part: the head, or that part's head
    ("post", "/activities"): create("head", "sub_head"),
    ("get", "/activities/{activity_id}"): READ,
    # the Women's Union's own training: her union's people (the deputy) only, not the body's head.
    # Admin in P2: 422, not an access answer — P2 adopted a catalog (only C3) after the programme
    # was planned, so the training's default-catalog rule R6 is no longer in force there.
    ("patch", "/activities/{activity_id}"): change(deputy="200 404 404", admin="200 200 422"),
    # the Women's Union joins the joint activity: her union's people (the deputy)
    ("post", "/activities/{activity_id}/join"): change(deputy="200 404 404"),
    ("get", "/overlaps"): LIST,
    **{("post", f"/overlaps/{{overlap_id}}/{action}"): change(head="200 404 404")
       for action in ("merge", "keep", "move")},  # the body's head resolves overlaps
    ("get", "/tasks"): LIST,
    ("post", "/tasks"): create("head", "sub_head"),
    ("get", "/tasks/{task_id}"): READ,
    ("patch", "/tasks/{task_id}"): change(head="200 404 404", sub_head="200 404 404"),
    # the assignee (no login here) or a manager of the task
    ("post", "/tasks/{task_id}/status"): change(head="200 404 404", sub_head="200 404 404"),
}

# Cells the code does not meet yet (each is xfail(strict): it fails loudly once fixed).
KNOWN_BUGS: dict[tuple[str, str, str, str], str] = {}


def rule(code: str) -> CoordinationRule:
    return CoordinationRule.objects.get(catalog_unit__code="91", code=code)  # province P1's catalog


# The object a path parameter points to, per operation (default: by the parameter's name).
TARGETS = {
    ("patch", "/activities/{activity_id}"): lambda d: d.own_activity,
}
DEFAULT_TARGETS = {"programme_id": "programme", "activity_id": "joint_activity", "overlap_id": "overlap",
                   "task_id": "task"}

PAYLOADS = {
    ("post", "/programmes"): lambda w, where: {"joint_body_id": w.districts["own"].body.pk, "year": 2025},
    ("post", "/activities"): lambda w, where: {
        "programme_id": w.districts["own"].programme.pk, "title": "Tuyên truyền an toàn giao thông",
        "rule_id": rule("C5").pk, "subcommittee_id": w.districts["own"].subs["propaganda"].pk,
        "area_codes": [w.districts["own"].commune.code], "start_date": "2024-11-05", "end_date": "2024-11-06"},
    ("patch", "/activities/{activity_id}"): lambda w, where: {"status": "in_progress"},
    ("post", "/activities/{activity_id}/join"): lambda w, where: {
        "organization_id": w.districts[where].orgs["HLHPN"].pk},
    ("post", "/overlaps/{overlap_id}/merge"): lambda w, where: {
        "rule_id": rule_catalog_for_unit(w.districts[where].unit).get(code="C3").pk,
        "title": "Tập huấn chung phòng chống ma túy"},
    ("post", "/overlaps/{overlap_id}/keep"): lambda w, where: {"reason": "Hai lớp cho hai đối tượng khác nhau."},
    ("post", "/overlaps/{overlap_id}/move"): lambda w, where: {
        "activity_id": w.districts[where].overlap.second_id, "start_date": "2024-10-01", "end_date": "2024-10-01"},
    ("post", "/tasks"): lambda w, where: {
        "joint_body_id": w.districts["own"].body.pk, "subcommittee_id": w.districts["own"].subs["propaganda"].pk,
        "title": "Chuẩn bị tài liệu tuyên truyền", "assignee_id": w.districts["own"].org_position.person_id,
        "due_date": "2030-06-30"},
    ("patch", "/tasks/{task_id}"): lambda w, where: {"title": "Lập danh sách hộ hiến đất (bổ sung)"},
    ("post", "/tasks/{task_id}/status"): lambda w, where: {"status": "in_progress", "result": "Đã lập một nửa."},
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
        list(WorkProgramme.objects.order_by("pk").values_list("joint_body_id", "year", "title")),
        list(Activity.objects.order_by("pk").values_list("title", "owner_id", "rule_id", "start_date", "end_date",
                                                         "status", "merged_into_id")),
        list(Activity.participants.through.objects.order_by("pk").values_list("activity_id", "organization_id")),
        list(Overlap.objects.order_by("pk").values_list("status", "resolution")),
        list(Task.objects.order_by("pk").values_list("title", "status", "assignee_id", "result")),
    )


@pytest.mark.parametrize("method,path,role,where,expected", list(matrix_cases()))
def test_access_matrix(world, client_for, method, path, role, where, expected):
    # given a user of a role and an object in some position
    d = world.districts[where]
    target = TARGETS.get((method, path))
    params = {name: (target(d) if target else getattr(d, DEFAULT_TARGETS[name])).pk
              for name in re.findall(r"{(\w+)}", path)}
    url = API + path.format(**params)
    payload = PAYLOADS.get((method, path), lambda w, where: {})(world, where)
    before = everything()
    # when
    client = client_for(role)
    if method == "get":
        response = client.get(url)
    else:
        response = getattr(client, method)(url, json.dumps(payload), content_type="application/json")
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


@pytest.fixture
def own(world):
    return world.districts["own"]


@pytest.fixture
def joint_conference(world, own):
    """The body's joint year-end review (C3), with the Front committee taking part so far."""
    return services.activity_save(
        actor=world.users["head"], programme=own.programme, title="Hội nghị tổng kết công tác năm 2024 của Cơ quan Khối",
        rule=rule("C3"), participants=[own.orgs["MTTQ"]], start_date=D(2024, 12, 16), end_date=D(2024, 12, 17),
    )


def year_end_review(own, **extra) -> dict:
    """The Women's Union's own year-end review, a week before the joint one."""
    return {"programme_id": own.programme.pk, "title": "Hội nghị tổng kết công tác Hội LHPN năm 2024",
            "rule_id": rule("C3").pk, "owner_id": own.orgs["HLHPN"].pk, "start_date": "2024-12-09",
            "end_date": "2024-12-09", **extra}


# ---------------------------------------------------------------- shared matters stay joint


def test_deputy_own_year_end_review_is_409_with_the_joint_activity_to_join(world, client_for, own, joint_conference):
    client = client_for("deputy")
    count = Activity.objects.count()

    refused = post(client, "/activities", year_end_review(own))

    assert refused.status_code == 409, refused.content.decode()
    body = refused.json()
    assert body["code"] == "shared_matter"
    assert body["joint_activity"]["id"] == joint_conference.pk
    assert body["joint_activity"]["title"] == "Hội nghị tổng kết công tác năm 2024 của Cơ quan Khối"
    assert body["joint_activity"]["url"] == f"http://testserver{joint_conference.get_absolute_url()}"
    assert "“Hội nghị tổng kết công tác năm 2024 của Cơ quan Khối”" in body["detail"]
    assert "việc chung của cơ quan khối (quy tắc C3)" in body["detail"]
    assert "<" not in body["detail"] and "&" not in body["detail"]
    assert Activity.objects.count() == count
    # she takes the offer: the Women's Union joins the joint review
    joined = post(client, f"/activities/{body['joint_activity']['id']}/join", {"organization_id": own.orgs["HLHPN"].pk})
    assert joined.status_code == 200, joined.content.decode()
    assert set(joined.json()["participant_ids"]) == {own.orgs["MTTQ"].pk, own.orgs["HLHPN"].pk}
    assert own.orgs["HLHPN"] in joint_conference.participants.all()


def test_the_conflict_is_documented_in_the_openapi_answers(world, client_for):
    document = client_for("anon").get(f"{API}/openapi.json").json()

    answer = document["paths"][f"{API}/activities"]["post"]["responses"]["409"]
    ref = answer["content"]["application/json"]["schema"]["$ref"]
    assert ref.endswith("/SharedMatterOut")
    assert set(document["components"]["schemas"]["SharedMatterOut"]["properties"]) == {
        "detail", "code", "joint_activity"}


def test_only_the_head_allows_an_exception(world, client_for, own, joint_conference):
    denied = post(client_for("deputy"), "/activities", year_end_review(own, exception_reason="Hội muốn làm riêng"))
    assert errors(denied) == {("body",): ["Chỉ thủ trưởng cơ quan khối được cho phép ngoại lệ."]}
    # the head, who also chairs the Front committee, allows its own review with a reason
    from khoi.models import PositionRole
    from tests.world import position

    position(world.users["head"].person, own.orgs["MTTQ"], "Chủ tịch Ủy ban MTTQ huyện", PositionRole.HEAD)
    allowed = post(client_for("head"), "/activities", year_end_review(
        own, title="Hội nghị tổng kết riêng của Ủy ban MTTQ", owner_id=own.orgs["MTTQ"].pk,
        exception_reason="Theo hướng dẫn ngành dọc, phải tổng kết trước ngày 10/12."))

    assert allowed.status_code == 201, allowed.content.decode()
    exception = allowed.json()["exception"]
    assert exception["joint_activity_id"] == joint_conference.pk and "ngành dọc" in exception["reason"]
    assert SharedException.objects.filter(activity_id=allowed.json()["id"]).exists()


# ---------------------------------------------------------------- activities: reads and writes


def test_activity_detail_shows_participants_areas_rule_and_owner(world, client_for, own):
    data = client_for("staff").get(f"{API}/activities/{own.own_activity.pk}").json()

    assert data["owner_id"] == own.orgs["HLHPN"].pk and data["is_joint"] is False
    assert data["participant_ids"] == [own.orgs["HLHPN"].pk]
    assert data["area_codes"] == [own.commune.code] and data["area_ids"] == [own.commune.pk]
    assert (data["rule_code"], data["rule_mode"]) == ("R6", "separate")
    assert data["tags"] == ["phòng chống ma túy"]
    assert data["merged_into_id"] is None and data["exception"] is None
    joint = client_for("staff").get(f"{API}/activities/{own.joint_activity.pk}").json()
    assert joint["owner_id"] is None and joint["is_joint"] is True
    assert joint["subcommittee_id"] == own.subs["propaganda"].pk
    assert set(joint["participant_ids"]) == {o.pk for o in own.orgs.values()}


def test_activity_list_filters_like_the_programme_page(world, client_for, own):
    client = client_for("staff")
    url = f"{API}/activities"
    programme = {"programme_id": own.programme.pk}

    assert ids(client.get(url)) == ids(client.get(url, programme))  # staff see their district only
    assert ids(client.get(url, {**programme, "rule": "shared"})) == [own.joint_activity.pk]
    assert ids(client.get(url, {**programme, "rule": str(rule("R6").pk)})) == [
        own.own_activity.pk, own.overlap.second_id]
    assert ids(client.get(url, {**programme, "q": "ma tuy phu nu"})) == [own.own_activity.pk]
    assert set(ids(client.get(url, {**programme, "organization_id": own.orgs["DTN"].pk}))) == {
        own.joint_activity.pk, own.overlap.second_id}
    assert ids(client.get(url, {**programme, "date_from": "2024-09-05", "date_to": "2024-09-30"})) == [
        own.own_activity.pk, own.overlap.second_id]
    assert ids(client.get(url, {**programme, "status": "done"})) == []
    other = world.districts["other_district"].programme
    assert errors(client.get(url, {"programme_id": other.pk})).keys() == {("query", "programme_id")}


def test_partial_change_keeps_areas_and_participants(world, client_for, own):
    changed = patch(client_for("deputy"), f"/activities/{own.own_activity.pk}",
                    {"title": "Tập huấn phòng chống ma túy (sửa)", "target_groups": ["women"]})

    assert changed.status_code == 200, changed.content.decode()
    data = changed.json()
    assert data["title"] == "Tập huấn phòng chống ma túy (sửa)" and data["target_groups"] == ["women"]
    assert data["participant_ids"] == [own.orgs["HLHPN"].pk] and data["area_codes"] == [own.commune.code]
    assert own.own_activity.history.count() >= 2


def test_subcommittee_head_plans_for_her_part_only(world, client_for, own):
    payload = {"programme_id": own.programme.pk, "title": "Tuyên truyền bảo vệ môi trường", "rule_id": rule("C5").pk,
               "start_date": "2024-11-05", "end_date": "2024-11-05"}
    client = client_for("sub_head")
    count = Activity.objects.count()

    elsewhere = post(client, "/activities", {**payload, "subcommittee_id": own.subs["inspection"].pk})
    whole_body = post(client, "/activities", payload)
    own_part = post(client, "/activities", {**payload, "subcommittee_id": own.subs["propaganda"].pk})

    for refused in (elsewhere, whole_body):
        assert refused.status_code == 403, refused.content.decode()
        assert "việc chung do thủ trưởng, trưởng tiểu ban lập" in refused.json()["detail"]
    assert own_part.status_code == 201, own_part.content.decode()
    assert Activity.objects.count() == count + 1
    # a joint activity without participants: every member organization takes part
    assert set(own_part.json()["participant_ids"]) == {o.pk for o in own.orgs.values()}


# ---------------------------------------------------------------- overlaps


def test_head_lists_and_merges_overlaps(world, client_for, own):
    client = client_for("head")

    listed = client.get(f"{API}/overlaps")
    assert ids(listed) == [own.overlap.pk]  # D2's and D3's are out of reach
    [item] = listed.json()["items"]
    assert {item["first"]["id"], item["second"]["id"]} == {own.own_activity.pk, own.overlap.second_id}
    assert any(label.startswith("cùng chủ đề") for label in item["reason_labels"])
    assert item["programme_id"] == own.programme.pk and item["status"] == "open"
    assert ids(client_for("staff").get(f"{API}/overlaps")) == [own.overlap.pk]  # everyone there sees it

    merged = post(client, f"/overlaps/{own.overlap.pk}/merge",
                  {"rule_id": rule("C5").pk, "title": "Tập huấn chung phòng chống ma túy"})

    assert merged.status_code == 200, merged.content.decode()
    data = merged.json()
    assert data["id"] == own.overlap.first_id and data["owner_id"] is None and data["rule_code"] == "C5"
    assert data["title"] == "Tập huấn chung phòng chống ma túy"
    assert {own.orgs["HLHPN"].pk, own.orgs["DTN"].pk} <= set(data["participant_ids"])
    assert ids(client.get(f"{API}/overlaps")) == []
    assert ids(client.get(f"{API}/overlaps", {"status": "merged"})) == [own.overlap.pk]
    absorbed = client.get(f"{API}/activities/{own.overlap.second_id}").json()
    assert absorbed["merged_into_id"] == data["id"] and absorbed["status"] == "cancelled"
    assert own.overlap.second_id not in ids(client.get(f"{API}/activities", {"programme_id": own.programme.pk}))
    assert Overlap.objects.get(pk=own.overlap.pk).status == OverlapStatus.MERGED


def test_merge_needs_a_shared_rule_of_the_local_catalog(world, client_for, own):
    client = client_for("head")
    default_c5 = CoordinationRule.objects.get(catalog_unit__isnull=True, code="C5")

    separate = post(client, f"/overlaps/{own.overlap.pk}/merge", {"rule_id": rule("R6").pk})
    foreign = post(client, f"/overlaps/{own.overlap.pk}/merge", {"rule_id": default_c5.pk})

    assert errors(separate) == {("body", "rule_id"): ["Hoạt động gộp là việc chung: hãy chọn một quy tắc “chung”."]}
    assert errors(foreign).keys() == {("body", "rule_id")}
    assert Overlap.objects.get(pk=own.overlap.pk).status == OverlapStatus.OPEN


def test_keep_needs_a_reason_and_move_must_end_the_clash(world, client_for, own):
    client = client_for("head")
    url = f"/overlaps/{own.overlap.pk}"

    no_reason = post(client, f"{url}/keep", {"reason": "  "})
    still_clashing = post(client, f"{url}/move", {"activity_id": own.overlap.second_id,
                                                  "start_date": "2024-09-11", "end_date": "2024-09-11"})
    not_one_of_them = post(client, f"{url}/move", {"activity_id": own.joint_activity.pk,
                                                   "start_date": "2024-10-01", "end_date": "2024-10-01"})
    moved = post(client, f"{url}/move", {"activity_id": own.overlap.second_id,
                                         "start_date": "2024-10-01", "end_date": "2024-10-01"})

    assert errors(no_reason) == {("body", "reason"): ["Hãy ghi lý do giữ cả hai hoạt động."]}
    assert "vẫn trùng thời gian" in errors(still_clashing)[("body",)][0]
    assert errors(not_one_of_them).keys() == {("body", "activity_id")}
    assert moved.status_code == 200, moved.content.decode()
    assert moved.json()["status"] == "moved" and "01/10/2024" in moved.json()["resolution"]
    assert Activity.objects.get(pk=own.overlap.second_id).start_date == D(2024, 10, 1)


# ---------------------------------------------------------------- tasks


def test_subcommittee_head_gives_a_task_and_the_assignee_reports_on_it(world, client_for, own):
    staff_person = world.users["staff"].person
    given = post(client_for("sub_head"), "/tasks", {
        "joint_body_id": own.body.pk, "subcommittee_id": own.subs["propaganda"].pk,
        "activity_id": own.joint_activity.pk, "title": "Chuẩn bị pa-nô tuyên truyền",
        "assignee_id": staff_person.pk, "due_date": "2030-03-31"})

    assert given.status_code == 201, given.content.decode()
    task = given.json()
    assert (task["assignee_id"], task["status"], task["activity_id"]) == (staff_person.pk, "todo", own.joint_activity.pk)
    assert world.users["staff"].notifications.filter(text__contains="Chuẩn bị pa-nô tuyên truyền").exists()
    # the assignee's script (a bearer token) sees it among her tasks
    _token, key = khoi_services.api_token_issue(actor=world.users["staff"], name="điện thoại")
    script = client_for("anon", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert ids(script.get(f"{API}/tasks", {"scope": "mine"})) == [task["id"]]
    assert ids(client_for("deputy").get(f"{API}/tasks", {"scope": "mine"})) == []
    assert task["id"] in ids(client_for("sub_head").get(f"{API}/tasks", {"scope": "given"}))
    assert ids(script.get(f"{API}/tasks", {"activity_id": own.joint_activity.pk})) == [own.task.pk, task["id"]]
    # she reports; someone who neither does nor manages it may not
    done = post(script, f"/tasks/{task['id']}/status", {"status": "done", "result": "Đã treo 4 pa-nô."})
    assert done.status_code == 200, done.content.decode()
    assert (done.json()["status"], done.json()["result"]) == ("done", "Đã treo 4 pa-nô.")
    assert done.json()["done_at"] is not None
    assert post(client_for("deputy"), f"/tasks/{task['id']}/status", {"status": "todo"}).status_code == 403
    assert Task.objects.get(pk=task["id"]).status == "done"


def test_a_subcommittee_head_gives_tasks_in_her_part_only_and_the_head_changes_them(world, client_for, own):
    task = {"joint_body_id": own.body.pk, "title": "Rà soát danh sách", "assignee_id": own.org_position.person_id,
            "due_date": "2030-03-31"}
    count = Task.objects.count()

    elsewhere = post(client_for("sub_head"), "/tasks", {**task, "subcommittee_id": own.subs["inspection"].pk})
    whole_body = post(client_for("sub_head"), "/tasks", task)
    own_part = post(client_for("sub_head"), "/tasks", {**task, "subcommittee_id": own.subs["propaganda"].pk})

    assert (elsewhere.status_code, whole_body.status_code, own_part.status_code) == (403, 403, 201)
    assert Task.objects.count() == count + 1
    changed = patch(client_for("head"), f"/tasks/{own_part.json()['id']}", {"due_date": "2030-02-01",
                                                                           "status": "in_progress"})
    assert changed.status_code == 200, changed.content.decode()
    assert (changed.json()["due_date"], changed.json()["status"]) == ("2030-02-01", "in_progress")
    assert changed.json()["title"] == "Rà soát danh sách"
    assert changed.json()["subcommittee_id"] == own.subs["propaganda"].pk
    assert changed.json()["assignee_id"] == own.org_position.person_id


def test_a_task_goes_to_people_of_the_body_only(world, client_for, own):
    other = world.districts["other_district"]
    outsider = post(client_for("head"), "/tasks", {
        "joint_body_id": own.body.pk, "title": "Việc thử", "assignee_id": own.person.pk, "due_date": "2030-03-31"})
    out_of_reach = post(client_for("head"), "/tasks", {
        "joint_body_id": own.body.pk, "title": "Việc thử", "assignee_id": other.org_position.person_id,
        "due_date": "2030-03-31"})
    past = post(client_for("head"), "/tasks", {
        "joint_body_id": own.body.pk, "title": "Việc thử", "assignee_id": own.org_position.person_id,
        "due_date": "2020-01-01"})

    assert errors(outsider) == {("body", "assignee_id"): [
        "Người thực hiện phải là cán bộ của cơ quan khối hoặc một tổ chức thành viên."]}
    assert errors(out_of_reach).keys() == {("body", "assignee_id")}
    assert errors(past) == {("body", "due_date"): ["Hạn hoàn thành không được ở trong quá khứ."]}


# ---------------------------------------------------------------- programmes


def test_head_opens_a_programme_once(world, client_for, own):
    client = client_for("head")

    made = post(client, "/programmes", {"joint_body_id": own.body.pk, "year": 2025})
    again = post(client, "/programmes", {"joint_body_id": own.body.pk, "year": 2025})
    bad_year = post(client, "/programmes", {"joint_body_id": own.body.pk, "year": 1999})
    other_body = post(client, "/programmes", {"joint_body_id": world.districts["other_district"].body.pk, "year": 2025})

    assert made.status_code == 201, made.content.decode()
    assert made.json()["title"] == "Chương trình công tác năm 2025" and made.json()["unit_code"] == "911"
    assert again.status_code == 200 and again.json()["id"] == made.json()["id"]
    assert errors(bad_year) == {("body", "year"): ["Năm phải từ 2000 đến 2100."]}
    assert errors(other_body).keys() == {("body", "joint_body_id")}
    assert ids(client.get(f"{API}/programmes", {"year": 2025})) == [made.json()["id"]]
    # the deputy may not open one, not even one that exists
    assert post(client_for("deputy"), "/programmes", {"joint_body_id": own.body.pk, "year": 2025}).status_code == 403


# ---------------------------------------------------------------- validation and the document


def test_validation_errors_are_422_in_vietnamese(world, client_for, own):
    client = client_for("head")
    count = Activity.objects.count()
    base = {"programme_id": own.programme.pk, "title": "Hoạt động thử", "rule_id": rule("C5").pk,
            "start_date": "2024-11-05", "end_date": "2024-11-05"}

    backwards = post(client, "/activities", {**base, "start_date": "2024-11-06"})
    foreign_area = post(client, "/activities", {**base, "area_codes": [world.districts["other_district"].commune.code]})
    unparsable = post(client, "/activities", {"programme_id": own.programme.pk, "rule_id": "C5",
                                              "start_date": "hôm qua", "end_date": "2024-11-05", "status": "xong"})
    bad_filter = client.get(f"{API}/activities", {"rule": "chung", "status": "xong"})

    assert errors(backwards) == {("body",): ["Ngày kết thúc phải sau hoặc bằng ngày bắt đầu."]}
    assert errors(foreign_area) == {
        ("body", "area_codes"): ["Không tìm thấy đơn vị có mã hoặc tên “91201” trong phạm vi của bạn."]}
    assert errors(unparsable) == {
        ("body", "title"): ["Trường này là bắt buộc."],
        ("body", "rule_id"): ["Hãy nhập một số nguyên."],
        ("body", "start_date"): ["Hãy nhập một ngày hợp lệ theo dạng YYYY-MM-DD, ví dụ 2025-12-31."],
        ("body", "status"): ["Hãy chọn một trong các giá trị: 'planned', 'in_progress', 'done' hoặc 'cancelled'."],
    }
    assert errors(bad_filter) == {
        ("query", "status"): ["Hãy chọn một trong các giá trị: 'planned', 'in_progress', 'done' hoặc 'cancelled'."]}
    assert errors(client.get(f"{API}/activities", {"rule": "chung"})) == {
        ("query", "rule"): ["Hãy nhập “shared”, “separate” hoặc số hiệu một quy tắc."]}
    not_json = client.post(f"{API}/activities", "{", content_type="application/json")
    assert not_json.status_code == 400
    assert not_json.json() == {"detail": "Không đọc được nội dung gửi lên: JSON không hợp lệ."}
    assert Activity.objects.count() == count


def test_a_separate_rule_needs_an_owner(world, client_for, own):
    response = post(client_for("head"), "/activities", {
        "programme_id": own.programme.pk, "title": "Hoạt động thử", "rule_id": rule("R6").pk,
        "start_date": "2024-11-05", "end_date": "2024-11-05"})

    assert errors(response) == {("body", "owner_id"): ["Việc riêng (quy tắc “chia”) phải do một tổ chức chủ trì."]}


NEW_PATHS = {
    "/programmes", "/programmes/{programme_id}", "/activities", "/activities/{activity_id}",
    "/activities/{activity_id}/join", "/overlaps", "/overlaps/{overlap_id}/merge", "/overlaps/{overlap_id}/keep",
    "/overlaps/{overlap_id}/move", "/tasks", "/tasks/{task_id}", "/tasks/{task_id}/status",
}


def test_openapi_document_lists_every_new_path(world, client_for):
    document = client_for("anon").get(f"{API}/openapi.json").json()

    paths = {path.removeprefix(API) for path in document["paths"]}
    assert NEW_PATHS <= paths
    operations = {(method, path.removeprefix(API)) for path, item in document["paths"].items() for method in item
                  if path.removeprefix(API) in NEW_PATHS}
    assert operations == set(MATRIX)
    tags = {tag for item in document["paths"].values() for op in item.values() for tag in op["tags"]}
    assert {"programme", "overlaps", "tasks"} <= tags


LIST_URLS = ["/programmes", "/activities", "/overlaps?status=all", "/tasks"]


def test_lists_issue_a_fixed_number_of_queries_whatever_the_rows(world, client_for, own):
    client = client_for("head")

    def query_counts() -> dict[str, int]:
        counts = {}
        for url in LIST_URLS:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(f"{API}{url}").status_code == 200
            counts[url] = len(queries)
        return counts

    before = query_counts()
    for year in (2025, 2026):
        WorkProgramme.objects.create(joint_body=own.body, year=year, title=f"Chương trình {year}")
    for n in range(4):
        a = Activity.objects.create(programme=own.programme, title=f"Hoạt động {n}", rule=rule("R6"),
                                    owner=own.orgs["HND"], tags=["thử"], start_date=D(2024, 3, 1 + n),
                                    end_date=D(2024, 3, 2 + n))
        a.participants.set([own.orgs["HND"], own.orgs["HCCB"]])
        a.areas.set([own.commune])
        b = Activity.objects.create(programme=own.programme, title=f"Hoạt động khác {n}", rule=rule("R6"),
                                    owner=own.orgs["HCCB"], start_date=D(2024, 3, 1 + n), end_date=D(2024, 3, 2 + n))
        Overlap.objects.create(first=a, second=b, reasons=["dates"])
        Task.objects.create(joint_body=own.body, activity=a, title=f"Việc {n}", assignee=own.org_position.person,
                            due_date=D(2030, 1, 1))
    SharedException.objects.create(activity=a, joint_activity=own.joint_activity, reason="thử")

    assert query_counts() == before
