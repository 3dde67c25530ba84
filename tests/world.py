"""A small world for access tests: province P1 with districts D1 (own) and D2 (other
district), province P2 with district D3 (other province); at each district a joint body, its
organizations, four parts and people; at D1 one login per role, at P1 the provincial board."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model

from khoi.models import (
    AdministrativeUnit,
    CoordinationRule,
    JointBody,
    JointBodyMembership,
    Organization,
    OrganizationType,
    Person,
    Position,
    PositionRole,
    Subcommittee,
)
from khoi.defaults import SUBCOMMITTEES

START = dt.date(2020, 1, 1)
PASSWORD = "mat-khau-thu-nghiem-2025"


@dataclass
class District:
    unit: AdministrativeUnit
    commune: AdministrativeUnit
    body: JointBody
    orgs: dict[str, Organization]
    subs: dict[str, Subcommittee]
    person: Person  # a plain person registered at the district
    org_position: Position  # a staff position in the women's union
    programme: object = None  # the 2024 work programme
    joint_activity: object = None  # a shared (C5) activity run by the propaganda subcommittee
    own_activity: object = None  # the Women's Union's own (R6) activity
    overlap: object = None  # the Women's Union's and the Youth Union's look-alike trainings
    task: object = None  # a propaganda-subcommittee task
    attachment: object = None  # a file attached to the joint activity
    campaign: object = None  # a campaign run by the propaganda subcommittee
    team: object = None  # its one work team, led by the Veterans' chair, covering the commune
    household: object = None  # a household of the commune, covered by the team
    case: object = None  # a citizen's case about that household
    report: object = None  # the body's 2023 annual joint report (built once)
    build: object = None  # its one done build, with a tiny fake file per format (access tests only)
    draft_submission: object = None  # the Front's figures for 2024-10, a draft
    submitted_submission: object = None  # the Women's Union's figures for 2024-10, waiting for approval
    approved_submission: object = None  # the Women's Union's figures for 2024-09, approved
    indicator: object = None  # PT06 of the catalog in force here (P1's own, the default, P2's own)


@dataclass
class World:
    p1: AdministrativeUnit
    p2: AdministrativeUnit
    districts: dict[str, District]  # "own", "other_district", "other_province"
    users: dict[str, object] = field(default_factory=dict)
    rules: dict[str, CoordinationRule] = field(default_factory=dict)
    indicators: dict[str, object] = field(default_factory=dict)  # by position, like rules


def unit(code, name, level, parent=None, unit_type=None):
    return AdministrativeUnit.objects.create(
        code=code, name=name, level=level, parent=parent,
        unit_type=unit_type or {"province": "Tỉnh", "district": "Huyện", "commune": "Xã"}[level],
    )


def position(person, seat, title, role):
    kw = {Organization: "organization", JointBody: "joint_body", Subcommittee: "subcommittee"}[type(seat)]
    seat_unit = seat.joint_body.unit if isinstance(seat, Subcommittee) else seat.unit
    return Position.objects.create(person=person, title=title, role=role, start_date=START, unit=seat_unit, **{kw: seat})


def login_for(person, username, **extra):
    user = get_user_model().objects.create_user(username=username, password=PASSWORD, **extra)
    person.user = user
    person.save(update_fields=["user"])
    return user


def build_district(code: str, name: str, province: AdministrativeUnit) -> District:
    types = {t.code: t for t in OrganizationType.objects.all()}
    district = unit(code, f"Huyện {name}", "district", province)
    commune = unit(code + "01", f"Xã Trung Tâm {name}", "commune", district)
    orgs = {
        c: Organization.objects.create(org_type=types[c], unit=district, name=f"{types[c].short_name} huyện {name}")
        for c in ("MTTQ", "HLHPN", "DTN", "HND", "HCCB")
    }
    body = JointBody.objects.create(unit=district, name=f"Cơ quan Khối huyện {name}", valid_from=START)
    subs = {kind: Subcommittee.objects.create(joint_body=body, kind=kind, name=label, sort_order=i)
            for i, (kind, label) in enumerate(SUBCOMMITTEES)}
    for org in orgs.values():
        JointBodyMembership.objects.create(joint_body=body, organization=org)
    person = Person.objects.create(full_name=f"Người Dân {name}", unit=district)
    staffer = Person.objects.create(full_name=f"Cán Bộ Hội {name}", unit=district)
    org_position = position(staffer, orgs["HLHPN"], "Chuyên viên Hội LHPN", PositionRole.STAFF)
    d = District(district, commune, body, orgs, subs, person, org_position)
    build_programme(d)
    build_campaign(d, code)
    build_report(d, code)
    return d


REPORT_FILE_BYTES = {"pdf": b"%PDF-1.4 world", "docx": b"PK\x03\x04 world docx", "xlsx": b"PK\x03\x04 world xlsx"}


def build_report(d: District, code: str) -> None:
    import hashlib

    from django.core.files.base import ContentFile
    from django.utils import timezone

    from reports.models import Report, ReportBuild, ReportFile
    from reports.selectors import template_for
    from reports.services import get_or_create_period

    period = get_or_create_period(template_for(d.unit), "2023-Y")
    d.report = Report.objects.create(joint_body=d.body, period=period, number=f"12-BC/K{code}", status="built",
                                     title="Báo cáo kết quả công tác phối hợp năm 2023")
    d.build = ReportBuild.objects.create(report=d.report, version=1, idempotency_key=f"world-{code}", status="done",
                                         progress=100, stage="Xong", finished_at=timezone.now(),
                                         snapshot={"format": 1, "submissions": []})
    for fmt, content in REPORT_FILE_BYTES.items():
        stored = ReportFile(build=d.build, format=fmt, sha256=hashlib.sha256(content).hexdigest(), size=len(content))
        stored.file.save(f"report.{fmt}", ContentFile(content), save=True)


def build_campaign(d: District, code: str) -> None:
    from campaigns.models import Campaign, Case, Household, TeamArea, TeamMember, Visit, WorkTeam

    from khoi.selectors import rule_catalog_for_unit

    c5 = rule_catalog_for_unit(d.unit).get(code="C5")
    d.campaign = Campaign.objects.create(
        joint_body=d.body, subcommittee=d.subs["propaganda"], rule=c5, name="Chiến dịch 30 ngày đêm giải phóng mặt bằng",
        message="Vận động hộ dân bàn giao mặt bằng cho dự án cao tốc", reference_prefix="T" + code,
        start_date=dt.date(2020, 6, 1), end_date=dt.date(2020, 6, 30), status="active")
    d.campaign.areas.set([d.commune])
    veteran = Person.objects.create(full_name=f"Chủ Tịch Hội Cựu Chiến Binh {code}", unit=d.unit)
    position(veteran, d.orgs["HCCB"], "Chủ tịch Hội CCB", PositionRole.HEAD)
    d.team = WorkTeam.objects.create(campaign=d.campaign, name="Tổ công tác số 1", leader=veteran)
    TeamArea.objects.create(campaign=d.campaign, team=d.team, unit=d.commune)
    d.household = Household.objects.create(campaign=d.campaign, head_name="Nguyễn Văn Hộ", name_key="nguyen van ho",
                                           area=d.commune, team=d.team, phone="0912345678")
    Visit.objects.create(household=d.household, team=d.team, date=dt.date(2020, 6, 3), outcome="hesitant")
    d.case = Case.objects.create(
        reference=f"T{code}-2020-000001", joint_body=d.body, campaign=d.campaign, household=d.household,
        topic="Mức bồi thường", topic_key="muc boi thuong", citizen_name="Nguyễn Văn Hộ", phone="0912345678",
        content="Hỏi mức bồi thường đất vườn", responsible=veteran, deadline=dt.date(2020, 6, 15))
    d.team_member_model = TeamMember


def build_programme(d: District) -> None:
    from programme.models import Activity, Overlap, WorkProgramme
    from subcommittees.models import Task

    from khoi.selectors import rule_catalog_for_unit

    rules = {r.code: r for r in rule_catalog_for_unit(d.unit)}
    d.programme = WorkProgramme.objects.create(joint_body=d.body, year=2024, title="Chương trình công tác năm 2024")

    def activity(title, rule, owner=None, sub=None, day=10, tags=()):
        a = Activity.objects.create(programme=d.programme, title=title, rule=rules[rule], owner=owner, subcommittee=sub,
                                    tags=list(tags), start_date=dt.date(2024, 9, day), end_date=dt.date(2024, 9, day + 1))
        a.areas.set([d.commune])
        a.participants.set([owner] if owner else list(d.orgs.values()))
        return a

    d.joint_activity = activity("Tuyên truyền hiến đất làm đường", "C5", sub=d.subs["propaganda"], day=2)
    d.own_activity = activity("Tập huấn phòng chống ma túy cho hội viên phụ nữ", "R6", owner=d.orgs["HLHPN"],
                              tags=["phòng chống ma túy"])
    youth = activity("Tập huấn phòng chống ma túy cho đoàn viên", "R6", owner=d.orgs["DTN"], tags=["phòng chống ma túy"])
    d.overlap = Overlap.objects.create(first=d.own_activity, second=youth, reasons=["tags:phong chong ma tuy", "dates"])
    from django.core.files.base import ContentFile

    from programme.models import ActivityAttachment

    d.attachment = ActivityAttachment(activity=d.joint_activity, name="ke-hoach.pdf")
    d.attachment.file.save("ke-hoach.pdf", ContentFile(b"%PDF-1.4 demo"), save=True)
    d.task = Task.objects.create(joint_body=d.body, subcommittee=d.subs["propaganda"], activity=d.joint_activity,
                                 title="Lập danh sách hộ hiến đất", assignee=d.org_position.person,
                                 due_date=dt.date(2030, 1, 1))


def build_world() -> World:
    p1 = unit("91", "Tỉnh Một", "province")
    p2 = unit("92", "Tỉnh Hai", "province")
    # Province P1 adapted the catalog (a full copy, C3 renamed); P2 keeps the default one.
    for r in CoordinationRule.objects.filter(catalog_unit__isnull=True):
        name = "Hội nghị tổng kết chung" if r.code == "C3" else r.name
        CoordinationRule.objects.create(catalog_unit=p1, code=r.code, name=name, mode=r.mode, sort_order=r.sort_order)
    world = World(p1, p2, {
        "own": build_district("911", "Đầm Hà", p1),
        "other_district": build_district("912", "Bình Liêu", p1),
        "other_province": build_district("921", "Na Hang", p2),
    })
    d1 = world.districts["own"]
    types = {t.code: t for t in OrganizationType.objects.all()}

    head = Person.objects.create(full_name="Trưởng Khối", unit=d1.unit)
    position(head, d1.body, "Thủ trưởng Cơ quan Khối", PositionRole.HEAD)
    deputy = Person.objects.create(full_name="Phó Khối", unit=d1.unit)
    position(deputy, d1.orgs["HLHPN"], "Chủ tịch Hội LHPN", PositionRole.HEAD)
    position(deputy, d1.body, "Phó Trưởng khối", PositionRole.DEPUTY)
    sub_head = Person.objects.create(full_name="Trưởng Tiểu Ban", unit=d1.unit)
    position(sub_head, d1.subs["propaganda"], "Trưởng Tiểu ban Tuyên truyền – Vận động", PositionRole.HEAD)
    staff = Person.objects.create(full_name="Cán Bộ Mặt Trận", unit=d1.unit)
    position(staff, d1.orgs["MTTQ"], "Chuyên viên Ủy ban MTTQ", PositionRole.STAFF)
    field_member = Person.objects.create(full_name="Tổ Viên", unit=d1.unit)
    position(field_member, d1.orgs["DTN"], "Tổ viên tổ công tác", PositionRole.FIELD)
    d1.team_member_model.objects.create(team=d1.team, person=field_member, organization=d1.orgs["DTN"])
    board_org = Organization.objects.create(org_type=types["BDV"], unit=p1, name="Ban Dân vận Tỉnh ủy Tỉnh Một")
    board = Person.objects.create(full_name="Chuyên Viên Ban Dân Vận", unit=p1)
    position(board, board_org, "Chuyên viên Ban Dân vận Tỉnh ủy", PositionRole.STAFF)

    world.users = {
        "head": login_for(head, "head"),
        "deputy": login_for(deputy, "deputy"),
        "sub_head": login_for(sub_head, "sub_head"),
        "staff": login_for(staff, "staff"),
        "field": login_for(field_member, "field"),
        "board": login_for(board, "board"),
        "norole": get_user_model().objects.create_user(username="norole", password=PASSWORD),
        "admin": get_user_model().objects.create_superuser(username="admin", password=PASSWORD),
    }
    build_submissions(world)
    default_rule = CoordinationRule.objects.get(catalog_unit__isnull=True, code="C3")
    world.rules = {
        "own": CoordinationRule.objects.get(catalog_unit=p1, code="C3"),
        "other_district": default_rule,
        "other_province": CoordinationRule.objects.create(catalog_unit=p2, code="C3", name="Hội nghị chung", mode="shared"),
    }
    return world


def build_submissions(world: World) -> None:
    """Reports: P1 and P2 adapted the indicator catalog (P1 renamed PT06); each district has a
    draft (the Front, 2024-10), a submitted (Women's Union, 2024-10) and an approved
    (Women's Union, 2024-09) submission of the default template (cut-off 15, monthly)."""
    from django.utils import timezone

    from reports import catalog
    from reports.models import Figure, Indicator, Submission
    from reports.selectors import template_for
    from reports.services import get_or_create_period

    catalog.adopt_catalog(world.p1)
    catalog.adopt_catalog(world.p2)
    renamed = Indicator.objects.get(catalog_unit=world.p1, code="PT06")
    renamed.name = "Số buổi tuyên truyền, vận động"
    renamed.save()  # through save(): the folded search name follows
    by_position = {"own": world.p1, "other_district": None, "other_province": world.p2}
    world.indicators = {k: Indicator.objects.get(catalog_unit=u, code="PT06") for k, u in by_position.items()}
    for where, d in world.districts.items():
        d.indicator = world.indicators[where]
        template = template_for(d.unit)
        september, october = get_or_create_period(template, "2024-09"), get_or_create_period(template, "2024-10")
        root = d.unit.ancestor_ids()[0]
        ind = {i.code: i for i in Indicator.objects.filter(catalog_unit_id=root, code__in=["PT06", "PT07", "TC04", "TC05"])}
        on_time = timezone.make_aware(dt.datetime(2024, 9, 16, 9, 0))
        d.draft_submission = Submission.objects.create(organization=d.orgs["MTTQ"], period=october)
        d.submitted_submission = Submission.objects.create(
            organization=d.orgs["HLHPN"], period=october, status="submitted",
            submitted_at=on_time + dt.timedelta(days=30))
        d.approved_submission = Submission.objects.create(
            organization=d.orgs["HLHPN"], period=september, status="approved", submitted_at=on_time,
            decided_at=on_time + dt.timedelta(days=1))
        Figure.objects.bulk_create([
            Figure(submission=d.draft_submission, indicator=ind["PT06"], value=4),
            Figure(submission=d.approved_submission, indicator=ind["PT06"], value=3),
            Figure(submission=d.approved_submission, indicator=ind["TC04"], value=1200),
            Figure(submission=d.submitted_submission, indicator=ind["PT06"], value=5),
            Figure(submission=d.submitted_submission, indicator=ind["TC04"], value=1210),
        ])
