"""Demo campaign: Đầm Hà's "30 ngày đêm" site-clearance campaign for the Vân Đồn – Móng Cái
expressway (June 2020, seed 000): 4 work teams led by organization leaders, one per commune,
a few hundred households in every status, visits over 14 days, open and closed cases.

The seed does not name the four communes; we chose four real communes of the former Đầm Hà
district. Household names are invented. Idempotent."""
from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth import get_user_model
from django.utils import timezone

from campaigns import services
from campaigns.models import Campaign, HouseholdStatus, VisitOutcome
from khoi.models import AdministrativeUnit, CoordinationRule, JointBody, Person

D = dt.date
START = D(2020, 6, 1)
COMMUNES = ["Xã Đại Bình", "Xã Tân Bình", "Xã Đầm Hà", "Xã Quảng Tân"]
TEAMS = [  # (team, leader, members (name, org type))
    ("Tổ công tác số 1", "Trần Thị Thu Hà", [("Phạm Thị Hồng Nhung", "HLHPN")]),
    ("Tổ công tác số 2", "Lý Văn Thắng", [("Tằng Văn Lộc", "HCCB")]),
    ("Tổ công tác số 3", "Chíu Văn Dũng", [("Nịnh Thị Mai", "HND")]),
    ("Tổ công tác số 4", "Hoàng Văn Nam", [("La Văn Tiến", "DTN"), ("Đặng Quang Huy", "DTN")]),
]
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Lý", "Chíu", "Tằng", "Nịnh", "Dương", "Lưu"]
MIDDLE = ["Văn", "Thị", "Đức", "Thị Thu", "Văn Hải", "Minh", "Quang", "Thị Hồng"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hùng", "Khánh", "Lan", "Long", "Mai", "Nam",
         "Nga", "Phúc", "Quân", "Sơn", "Tâm", "Thắng", "Thủy", "Tiến", "Trung", "Tuấn", "Vân", "Yến"]
HAMLETS = ["thôn 1", "thôn 2", "thôn 3", "thôn Đồng Tâm", "thôn Tân Hợp", "khu Lâm Sinh"]
HOUSEHOLDS_PER_COMMUNE = 60
CASES = [
    ("Mức bồi thường đất vườn liền kề", "Hỏi đơn giá bồi thường đất vườn liền kề đất ở.", True),
    ("Hỗ trợ tái định cư", "Đề nghị được bố trí lô tái định cư gần đường liên xã.", True),
    ("Thời hạn bàn giao mặt bằng", "Xin lùi thời hạn bàn giao 5 ngày để thu hoạch vụ lúa.", False),
    ("Di dời mộ phần", "Hỏi chế độ hỗ trợ di dời mộ phần của gia đình.", False),
    ("Hỗ trợ chuyển đổi nghề", "Đề nghị hỗ trợ học nghề cho con sau khi mất đất sản xuất.", True),
    ("Kiểm đếm cây cối", "Đề nghị kiểm đếm lại số cây keo trên thửa đất.", False),
]


def seed_campaign() -> None:
    body = JointBody.objects.filter(name="Cơ quan Khối MTTQ và các đoàn thể huyện Đầm Hà").select_related("unit").first()
    if body is None or Campaign.objects.filter(joint_body=body).exists():
        return
    admin = get_user_model().objects.get(username="admin")
    people = {p.full_name: p for p in Person.objects.filter(unit=body.unit)}
    orgs = {m.org_type.code: m for m in body.members.select_related("org_type")}
    communes = [AdministrativeUnit.objects.get(parent=body.unit, name=name) for name in COMMUNES]
    campaign = services.campaign_save(
        actor=admin, joint_body=body, subcommittee=body.subcommittees.get(kind="propaganda"),
        rule=CoordinationRule.objects.get(catalog_unit__isnull=True, code="C5"),
        name="Chiến dịch “30 ngày đêm” hoàn thành GPMB dự án đường cao tốc Vân Đồn – Móng Cái",
        kind="campaign", reference_prefix="DH", status="active", director=people["Nềnh Quốc Sinh"],
        message="Cả 6 tổ chức cùng một nội dung: vận động hộ dân đồng thuận, bàn giao mặt bằng đúng tiến độ cho dự án cao tốc.",
        situation="Dự án đường cao tốc Vân Đồn – Móng Cái sau điều chỉnh đi qua 4 xã của huyện; còn nhiều hộ chưa bàn giao mặt bằng.",
        requirements="Tiếp cận 100% hộ bị ảnh hưởng; không chồng chéo đối tượng, địa bàn giữa các tổ chức; một đầu mối tiếp nhận kiến nghị.",
        solutions="Lập 4 tổ công tác liên tổ chức, mỗi tổ một xã, do lãnh đạo các tổ chức làm tổ trưởng; giao ban hằng ngày.",
        start_date=START, end_date=D(2020, 6, 30), areas=communes,
    )
    services.phase_save(actor=admin, campaign=campaign, name="Giai đoạn 1: tiếp xúc, tuyên truyền", start_date=START,
                        end_date=D(2020, 6, 7), target="Tiếp xúc 100% hộ", target_agreed_percent=50, sort_order=0)
    services.phase_save(actor=admin, campaign=campaign, name="Giai đoạn 2: vận động đồng thuận", start_date=D(2020, 6, 8),
                        end_date=D(2020, 6, 14), target="Hộ đồng thuận: 100% vào ngày thứ 14", target_agreed_percent=100,
                        sort_order=1)
    services.phase_save(actor=admin, campaign=campaign, name="Giai đoạn 3: bàn giao mặt bằng", start_date=D(2020, 6, 15),
                        end_date=D(2020, 6, 30), target="Bàn giao toàn bộ mặt bằng", sort_order=2)
    teams = []
    for (name, leader, members), commune in zip(TEAMS, communes):
        team = services.team_save(actor=admin, campaign=campaign, name=name, leader=people[leader],
                                  members=[(people[m], orgs[o]) for m, o in members])
        services.team_assign_area(actor=admin, team=team, unit=commune)
        teams.append(team)
    _seed_households(admin, campaign, communes, orgs)
    _seed_cases(admin, campaign, people)


def _seed_households(admin, campaign, communes, orgs) -> None:
    rng = random.Random(2020)
    for commune in communes:
        for i in range(HOUSEHOLDS_PER_COMMUNE):
            name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
            household = services.household_save(
                actor=admin, campaign=campaign, head_name=name, area=commune,
                address=f"{rng.choice(HAMLETS)}, {commune.name}", phone=f"09{rng.randrange(10**7, 10**8)}",
                extra={"Thửa đất": str(rng.randrange(1, 400)), "Số hồ sơ bồi thường": f"BT-{commune.code}-{i + 1:03d}"},
            )
            _visit(admin, household, rng, orgs)


def _visit(admin, household, rng, orgs) -> None:
    fate = rng.random()
    if fate < 0.06:
        return  # not yet contacted
    first_day = START + dt.timedelta(days=rng.randrange(0, 7))
    team_orgs = list(services.team_organizations(household.team))
    orgs_for_visit = [o for o in orgs.values() if o.pk in team_orgs][:2]
    if fate < 0.16:
        services.visit_record(actor=admin, household=household, date=first_day, outcome=VisitOutcome.REFUSED,
                              organizations=orgs_for_visit, raised="Chưa đồng ý với đơn giá bồi thường.",
                              next_step="Mời lên làm việc với hội đồng bồi thường")
        return
    services.visit_record(actor=admin, household=household, date=first_day, outcome=VisitOutcome.HESITANT,
                          organizations=orgs_for_visit, raised="Cần thêm thông tin về tái định cư.",
                          next_step="Gặp lại sau 2 ngày")
    if fate < 0.24:
        return  # contacted, still hesitant
    agreed_day = min(first_day + dt.timedelta(days=rng.randrange(1, 8)), START + dt.timedelta(days=13))
    services.visit_record(actor=admin, household=household, date=agreed_day, outcome=VisitOutcome.AGREED,
                          organizations=orgs_for_visit, next_step="Ký biên bản bàn giao")
    if fate > 0.97:
        services.household_set_status(actor=admin, household=household, status=HouseholdStatus.BLOCKED,
                                      reason="Tranh chấp ranh giới thửa đất với hộ liền kề")
    elif fate > 0.55:
        services.household_set_status(actor=admin, household=household, status=HouseholdStatus.COMPLETED)
    else:
        return
    # blocked or land handed over a few days after the agreement, in 2020 (not on the seeding day)
    changed = agreed_day + dt.timedelta(days=1 + household.pk % 4)  # not from rng: the rest of the demo stays as it was
    type(household).objects.filter(pk=household.pk).update(
        status_changed_at=timezone.make_aware(dt.datetime.combine(changed, dt.time(10))))


def _seed_cases(admin, campaign, people) -> None:
    households = list(campaign.households.order_by("pk")[:len(CASES)])
    for (topic, content, closed), household in zip(CASES, households):
        case = services.case_open(
            actor=admin, campaign=campaign, topic=topic, citizen_name=household.head_name, phone=household.phone,
            content=content, responsible=household.team.leader, deadline=D(2020, 6, 20), household=household,
            organizations=[], received=D(2020, 6, 5),
        )
        if closed:
            services.case_answer(actor=admin, case=case, close=True,
                                 answer="Đã giải đáp trực tiếp tại hộ; hội đồng bồi thường xác nhận theo quy định.")
