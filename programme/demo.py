"""Demo work programme: Đầm Hà's 2024 programme with shared and separate activities, a caught
overlap, a kept one, a recorded exception, and tasks in every state. Idempotent."""
from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils import timezone

from khoi.models import AdministrativeUnit, CoordinationRule, JointBody, Person
from programme import services
from programme.models import Activity, ActivityStatus, Overlap, OverlapStatus
from subcommittees.models import Task, TaskStatus

D = dt.date
DONE, PLANNED, CANCELLED = ActivityStatus.DONE, ActivityStatus.PLANNED, ActivityStatus.CANCELLED

# (title, rule, owner type or None, subcommittee kind, target groups, area commune names, start, end, status, tags)
ACTIVITIES = [
    ("Xây dựng chương trình công tác năm 2024 của Cơ quan Khối", "C1", None, "office", [], [], D(2024, 1, 8), D(2024, 1, 19), DONE, ["kế hoạch"]),
    ("Tuyên truyền, vận động nhân dân hiến đất làm đường giao thông nông thôn", "C5", None, "propaganda", ["households"], ["Xã Quảng Lâm", "Xã Quảng An"], D(2024, 3, 1), D(2024, 5, 31), DONE, ["nông thôn mới", "giao thông nông thôn"]),
    ("Tập huấn nghiệp vụ chung cho cán bộ Mặt trận, đoàn thể cơ sở", "C4", None, "office", ["cadres"], [], D(2024, 4, 16), D(2024, 4, 17), DONE, ["tập huấn", "nghiệp vụ"]),
    ("Báo cáo sơ kết 6 tháng đầu năm 2024", "C2", None, "office", [], [], D(2024, 6, 10), D(2024, 6, 20), DONE, ["báo cáo"]),
    ("Giám sát thực hiện chính sách hỗ trợ nhà ở cho hộ nghèo", "C6", None, "inspection", ["households"], ["Xã Dực Yên", "Xã Đại Bình"], D(2024, 8, 5), D(2024, 8, 23), DONE, ["giảm nghèo", "giám sát"]),
    ("Tiếp công dân định kỳ, tiếp nhận đơn thư qua một đầu mối", "C7", None, "democracy", [], [], D(2024, 10, 10), D(2024, 10, 10), DONE, ["tiếp dân"]),
    ("Ngày hội Đại đoàn kết toàn dân tộc ở khu dân cư", "C5", None, "propaganda", ["households"], [], D(2024, 11, 10), D(2024, 11, 18), DONE, ["đại đoàn kết"]),
    ("Hội nghị tổng kết công tác năm 2024 của Cơ quan Khối", "C3", None, "office", ["cadres"], [], D(2024, 12, 16), D(2024, 12, 17), PLANNED, ["tổng kết"]),
    ("Tháng Thanh niên năm 2024", "R6", "DTN", None, ["youth"], [], D(2024, 3, 1), D(2024, 3, 31), DONE, ["tháng thanh niên"]),
    ("Hội thi “Phụ nữ với pháp luật”", "R6", "HLHPN", None, ["women"], ["Thị trấn Đầm Hà"], D(2024, 5, 18), D(2024, 5, 18), DONE, ["pháp luật"]),
    ("Hội nghị Ban Chấp hành Hội Cựu chiến binh huyện quý II", "R2", "HCCB", None, ["veterans"], [], D(2024, 6, 25), D(2024, 6, 25), DONE, []),
    ("Phát triển đoàn viên công đoàn khu vực ngoài nhà nước", "R3", "LDLD", None, ["workers"], [], D(2024, 7, 1), D(2024, 9, 30), DONE, ["phát triển đoàn viên"]),
    ("Câu lạc bộ nông dân sản xuất, kinh doanh giỏi", "R10", "HND", None, ["farmers"], ["Xã Quảng Tân"], D(2024, 7, 12), D(2024, 7, 12), DONE, ["sản xuất giỏi"]),
    # the caught overlap: two organizations, same topic, same commune, same week
    ("Tập huấn kỹ năng tuyên truyền phòng chống ma túy cho hội viên phụ nữ", "R6", "HLHPN", None, ["women", "households"], ["Xã Tân Bình"], D(2024, 9, 10), D(2024, 9, 11), PLANNED, ["phòng chống ma túy"]),
    ("Tập huấn kỹ năng tuyên truyền phòng chống ma túy cho đoàn viên thanh niên", "R6", "DTN", None, ["youth", "households"], ["Xã Tân Bình"], D(2024, 9, 11), D(2024, 9, 12), PLANNED, ["phòng chống ma túy"]),
    # an overlap the head kept, with a reason
    ("Ra quân vệ sinh môi trường, thu gom rác thải nhựa", "R6", "HND", None, ["farmers", "households"], ["Xã Đầm Hà"], D(2024, 4, 20), D(2024, 4, 20), DONE, ["môi trường"]),
    ("Ra quân vệ sinh môi trường bờ biển, thu gom rác thải", "R6", "HCCB", None, ["veterans", "households"], ["Xã Đầm Hà"], D(2024, 4, 20), D(2024, 4, 21), DONE, ["môi trường"]),
]

EXCEPTION = ("Hội nghị tổng kết công tác Đoàn và phong trào thanh niên năm 2024", "C3", "DTN", D(2024, 12, 10), D(2024, 12, 10),
             "Huyện đoàn phải tổng kết riêng theo hướng dẫn của Tỉnh đoàn trước ngày 15/12 để kịp báo cáo ngành dọc; "
             "kết quả được báo cáo lại tại hội nghị tổng kết chung.")


def seed_programme() -> None:
    body = JointBody.objects.filter(name="Cơ quan Khối MTTQ và các đoàn thể huyện Đầm Hà").select_related("unit").first()
    if body is None:
        return
    admin = get_user_model().objects.get(username="admin")
    programme = services.programme_get_or_create(actor=admin, joint_body=body, year=2024)
    if programme.activities.exists():
        return
    rules = {r.code: r for r in CoordinationRule.objects.filter(catalog_unit__isnull=True)}
    orgs = {m.org_type.code: m for m in body.members.select_related("org_type")}
    subs = {s.kind: s for s in body.subcommittees.all()}
    communes = {u.name: u for u in AdministrativeUnit.objects.filter(parent=body.unit)}
    created = {}
    for title, rule, owner, sub, groups, areas, start, end, status, tags in ACTIVITIES:
        created[title] = services.activity_save(
            actor=admin, programme=programme, title=title, content="", tags=tags, rule=rules[rule],
            owner=orgs[owner] if owner else None, subcommittee=subs.get(sub), target_groups=groups,
            areas=[communes[a] for a in areas], participants=[], start_date=start, end_date=end, status=status,
            result_notes="",
        )
    title, rule, owner, start, end, reason = EXCEPTION
    services.activity_save(actor=admin, programme=programme, title=title, content="", tags=["tổng kết"],
                           rule=rules[rule], owner=orgs[owner], subcommittee=None, target_groups=["youth"], areas=[],
                           participants=[], start_date=start, end_date=end, status=PLANNED, result_notes="",
                           exception_reason=reason)
    kept = Overlap.objects.filter(first__title__startswith="Ra quân vệ sinh", status=OverlapStatus.OPEN).first()
    if kept:
        services.overlap_keep(actor=admin, overlap=kept, reason="Hai địa điểm khác nhau trong xã (đồng ruộng và bờ biển), "
                                                                 "hai hội đã thống nhất phân công.")
    _seed_tasks(body, programme, created, admin)


def _seed_tasks(body, programme, created, admin) -> None:
    people = {p.full_name: p for p in Person.objects.filter(unit=body.unit)}
    today = timezone.localdate()
    conference = created["Hội nghị tổng kết công tác năm 2024 của Cơ quan Khối"]
    rows = [
        ("Chuẩn bị dự thảo báo cáo tổng kết chung năm 2024", "Phạm Thị Hồng Nhung", conference, today + dt.timedelta(days=14), TaskStatus.IN_PROGRESS, "office"),
        ("Gửi giấy mời hội nghị tổng kết chung tới các tổ chức thành viên", "Phạm Thị Hồng Nhung", conference, today + dt.timedelta(days=5), TaskStatus.TODO, "office"),
        ("Tổng hợp số liệu giám sát chính sách nhà ở hộ nghèo", "Nịnh Thị Mai", created["Giám sát thực hiện chính sách hỗ trợ nhà ở cho hộ nghèo"], today - dt.timedelta(days=9), TaskStatus.TODO, "inspection"),
        ("Lập danh sách hộ đã hiến đất làm đường", "La Văn Tiến", created["Tuyên truyền, vận động nhân dân hiến đất làm đường giao thông nông thôn"], D(2024, 5, 31), TaskStatus.DONE, "propaganda"),
        ("In tài liệu tập huấn chung", "Đặng Quang Huy", created["Tập huấn nghiệp vụ chung cho cán bộ Mặt trận, đoàn thể cơ sở"], D(2024, 4, 12), TaskStatus.DONE, "office"),
        ("Thuê hội trường cho hội nghị sơ kết riêng của Hội Nông dân", "Nịnh Thị Mai", None, D(2024, 6, 15), TaskStatus.CANCELLED, "office"),
        ("Rà soát quy chế chi tiêu nội bộ của Cơ quan Khối", "Bùi Thị Thanh", None, today + dt.timedelta(days=30), TaskStatus.TODO, "office"),
    ]
    for title, name, activity, due, status, sub in rows:
        Task.objects.create(
            joint_body=body, subcommittee=body.subcommittees.get(kind=sub), activity=activity, title=title,
            assignee=people[name], assigned_by=admin, due_date=due, status=status,
            done_at=timezone.now() if status == TaskStatus.DONE else None,
            result="Đã hoàn thành đúng hạn." if status == TaskStatus.DONE else "",
        )
