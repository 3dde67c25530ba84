"""Demo data: the district-level Khối of Đầm Hà (Quảng Ninh, 2015–30/06/2025) and Na Hang
(Tuyên Quang, from 11/2018), and the commune-level Front agency of Xã Đầm Hà (2025), each
with organizations, subcommittees, people and one login per role. Idempotent.

The names of Nềnh Quốc Sinh, Nguyễn Trọng Đoan and Đàm Thanh Hương come from the press
articles the project started from (shared/seeds); every other person is invented.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from khoi.defaults import SUBCOMMITTEES
from khoi.models import (
    AdministrativeUnit,
    JointBody,
    JointBodyMembership,
    Organization,
    OrganizationType,
    Person,
    Position,
    PositionRole,
    Subcommittee,
)

DEMO_PASSWORD = "khoi-demo-2025"
D = dt.date


@dataclass
class Seat:
    kind: str  # "org:<TYPE>", "body", "sub:<kind>"
    title: str
    role: str
    start: dt.date


@dataclass
class DemoPerson:
    name: str
    seats: list[Seat]
    login: str = ""
    role_label: str = ""
    phone: str = ""


@dataclass
class DemoBody:
    key: str
    unit_code: str
    unit_current: bool
    name: str
    short_name: str
    decision: str
    decision_date: dt.date | None
    valid_from: dt.date
    valid_to: dt.date | None
    org_suffix: str
    org_types: list[str]
    people: list[DemoPerson]
    board_unit_code: str = ""
    board_login: str = ""
    board_person: str = ""


def _s(kind, title, role, start):
    return Seat(kind, title, role, start)


H, DEP, MEM, STF, FLD = PositionRole.HEAD, PositionRole.DEPUTY, PositionRole.MEMBER, PositionRole.STAFF, PositionRole.FIELD

DAM_HA = DemoBody(
    key="damha", unit_code="200", unit_current=False,
    name="Cơ quan Khối MTTQ và các đoàn thể huyện Đầm Hà", short_name="CQK",
    decision="44-QĐ/TU", decision_date=D(2015, 11, 30), valid_from=D(2015, 12, 1), valid_to=D(2025, 6, 30),
    org_suffix="huyện Đầm Hà", org_types=["MTTQ", "LDLD", "HLHPN", "DTN", "HND", "HCCB"],
    board_unit_code="22", board_login="quangninh.bandanvan", board_person="Hoàng Thị Minh Nguyệt",
    people=[
        DemoPerson("Nềnh Quốc Sinh", [
            _s("body", "Trưởng Ban Dân vận Huyện ủy, Chủ tịch UBMTTQ huyện, Thủ trưởng Cơ quan Khối", H, D(2018, 1, 1)),
            _s("org:MTTQ", "Chủ tịch Ủy ban MTTQ huyện", H, D(2018, 1, 1)),
        ], login="damha.truongkhoi", role_label="Thủ trưởng cơ quan khối", phone="0912000101"),
        DemoPerson("Trần Thị Thu Hà", [
            _s("org:HLHPN", "Chủ tịch Hội LHPN huyện", H, D(2016, 5, 1)),
            _s("body", "Phó Trưởng khối", DEP, D(2016, 5, 1)),
            _s("sub:propaganda", "Trưởng Tiểu ban Tuyên truyền – Vận động", H, D(2016, 5, 1)),
        ], login="damha.truongtieuban", role_label="Trưởng tiểu ban (kiêm Phó Trưởng khối)", phone="0912000102"),
        DemoPerson("Lý Văn Thắng", [
            _s("org:HCCB", "Chủ tịch Hội Cựu chiến binh huyện", H, D(2017, 3, 1)),
            _s("body", "Phó Trưởng khối", DEP, D(2017, 3, 1)),
        ], login="damha.phokhoi", role_label="Phó Trưởng khối", phone="0912000103"),
        DemoPerson("Chíu Văn Dũng", [
            _s("org:HND", "Chủ tịch Hội Nông dân huyện", H, D(2016, 1, 1)),
            _s("body", "Phó Trưởng khối", DEP, D(2016, 1, 1)),
            _s("sub:inspection", "Trưởng Tiểu ban Kiểm tra – Giám sát", H, D(2016, 1, 1)),
        ]),
        DemoPerson("Vi Thị Lan", [
            _s("org:LDLD", "Chủ tịch Liên đoàn Lao động huyện", H, D(2019, 7, 1)),
            _s("body", "Phó Trưởng khối", DEP, D(2019, 7, 1)),
            _s("sub:democracy", "Trưởng Tiểu ban Dân chủ – Pháp luật", H, D(2019, 7, 1)),
        ]),
        DemoPerson("Hoàng Văn Nam", [
            _s("org:DTN", "Bí thư Huyện đoàn", H, D(2020, 9, 1)),
            _s("body", "Phó Trưởng khối", DEP, D(2020, 9, 1)),
        ]),
        DemoPerson("Phạm Thị Hồng Nhung", [
            _s("org:HLHPN", "Chuyên viên Hội LHPN huyện", STF, D(2017, 1, 1)),
            _s("sub:office", "Chánh Văn phòng Cơ quan Khối", H, D(2017, 1, 1)),
        ], login="damha.canbo", role_label="Cán bộ (Văn phòng)", phone="0912000104"),
        DemoPerson("Đặng Quang Huy", [
            _s("org:DTN", "Phó Bí thư Huyện đoàn", STF, D(2019, 1, 1)),
            _s("sub:propaganda", "Thành viên Tiểu ban Tuyên truyền – Vận động", MEM, D(2019, 1, 1)),
        ]),
        DemoPerson("Nịnh Thị Mai", [
            _s("org:HND", "Phó Chủ tịch Hội Nông dân huyện", STF, D(2018, 6, 1)),
            _s("sub:propaganda", "Thành viên Tiểu ban Tuyên truyền – Vận động", MEM, D(2018, 6, 1)),
            _s("sub:inspection", "Thành viên Tiểu ban Kiểm tra – Giám sát", MEM, D(2018, 6, 1)),
        ]),
        DemoPerson("Tằng Văn Lộc", [
            _s("org:HCCB", "Phó Chủ tịch Hội Cựu chiến binh huyện", STF, D(2018, 1, 1)),
            _s("sub:inspection", "Thành viên Tiểu ban Kiểm tra – Giám sát", MEM, D(2018, 1, 1)),
        ]),
        DemoPerson("Bùi Thị Thanh", [
            _s("org:MTTQ", "Phó Chủ tịch Ủy ban MTTQ huyện", STF, D(2016, 1, 1)),
            _s("sub:democracy", "Thành viên Tiểu ban Dân chủ – Pháp luật", MEM, D(2016, 1, 1)),
        ]),
        DemoPerson("Đỗ Văn Khánh", [
            _s("org:LDLD", "Cán bộ Liên đoàn Lao động huyện", STF, D(2020, 1, 1)),
            _s("sub:democracy", "Thành viên Tiểu ban Dân chủ – Pháp luật", MEM, D(2020, 1, 1)),
        ]),
        DemoPerson("La Văn Tiến", [
            _s("org:DTN", "Tổ viên tổ công tác (Đoàn Thanh niên)", FLD, D(2020, 5, 1)),
        ], login="damha.tocongtac", role_label="Tổ viên tổ công tác", phone="0912000105"),
    ],
)

NA_HANG = DemoBody(
    key="nahang", unit_code="072", unit_current=False,
    name="Cơ quan khối Dân huyện Na Hang", short_name="CQKD",
    decision="", decision_date=D(2018, 11, 1), valid_from=D(2018, 11, 1), valid_to=D(2025, 6, 30),
    org_suffix="huyện Na Hang", org_types=["MTTQ", "LDLD", "HLHPN", "DTN", "HND", "HCCB"],
    board_unit_code="08", board_login="tuyenquang.bandanvan", board_person="Ma Văn Tuấn",
    people=[
        DemoPerson("Nguyễn Trọng Đoan", [
            _s("body", "Trưởng Ban Dân vận Huyện ủy, Trưởng Cơ quan khối Dân", H, D(2018, 11, 1)),
        ], login="nahang.truongkhoi", role_label="Thủ trưởng cơ quan khối", phone="0913000201"),
        DemoPerson("Đàm Thanh Hương", [
            _s("org:HLHPN", "Chủ tịch Hội LHPN huyện", H, D(2018, 11, 1)),
            _s("body", "Phó Trưởng khối Dân", DEP, D(2018, 11, 1)),
            _s("sub:propaganda", "Trưởng Tiểu ban Tuyên truyền – Vận động", H, D(2018, 11, 1)),
        ], login="nahang.truongtieuban", role_label="Trưởng tiểu ban (kiêm Phó Trưởng khối)", phone="0913000202"),
        DemoPerson("Ma Văn Hùng", [
            _s("org:MTTQ", "Chủ tịch Ủy ban MTTQ huyện", H, D(2018, 11, 1)),
            _s("body", "Phó Trưởng khối Dân", DEP, D(2018, 11, 1)),
            _s("sub:inspection", "Trưởng Tiểu ban Kiểm tra – Giám sát", H, D(2018, 11, 1)),
        ], login="nahang.phokhoi", role_label="Phó Trưởng khối", phone="0913000203"),
        DemoPerson("Quan Văn Thành", [
            _s("org:HND", "Chủ tịch Hội Nông dân huyện", H, D(2018, 11, 1)),
            _s("body", "Phó Trưởng khối Dân", DEP, D(2018, 11, 1)),
            _s("sub:democracy", "Trưởng Tiểu ban Dân chủ – Pháp luật", H, D(2018, 11, 1)),
        ]),
        DemoPerson("Hà Thị Lụa", [
            _s("org:DTN", "Phó Bí thư Huyện đoàn", STF, D(2019, 1, 1)),
            _s("sub:office", "Chánh Văn phòng", H, D(2019, 1, 1)),
            _s("sub:propaganda", "Thành viên Tiểu ban Tuyên truyền – Vận động", MEM, D(2019, 1, 1)),
        ], login="nahang.canbo", role_label="Cán bộ (Văn phòng)", phone="0913000204"),
        DemoPerson("Nông Văn Phúc", [
            _s("org:HCCB", "Phó Chủ tịch Hội Cựu chiến binh huyện", STF, D(2019, 1, 1)),
            _s("sub:inspection", "Thành viên Tiểu ban Kiểm tra – Giám sát", MEM, D(2019, 1, 1)),
        ]),
        DemoPerson("Triệu Thị Vân", [
            _s("org:HLHPN", "Tổ viên tổ công tác (Hội LHPN)", FLD, D(2020, 3, 1)),
        ], login="nahang.tocongtac", role_label="Tổ viên tổ công tác", phone="0913000205"),
    ],
)

XA_DAM_HA = DemoBody(
    key="xadamha", unit_code="06895", unit_current=True,
    name="Cơ quan Ủy ban MTTQ Việt Nam xã Đầm Hà", short_name="MTTQ",
    decision="", decision_date=D(2025, 7, 1), valid_from=D(2025, 7, 1), valid_to=None,
    org_suffix="xã Đầm Hà", org_types=["MTTQ", "HLHPN", "DTN", "HND", "HCCB"],  # no trade union in this commune
    people=[
        DemoPerson("Lục Văn Quang", [
            _s("body", "Chủ tịch Ủy ban MTTQ Việt Nam xã, Thủ trưởng cơ quan", H, D(2025, 7, 1)),
            _s("org:MTTQ", "Chủ tịch Ủy ban MTTQ xã", H, D(2025, 7, 1)),
        ], login="xadamha.chutich", role_label="Thủ trưởng cơ quan (Chủ tịch UBMTTQ xã)", phone="0914000301"),
        DemoPerson("Trương Thị Hạnh", [
            _s("org:HLHPN", "Chủ tịch Hội LHPN xã", H, D(2025, 7, 1)),
            _s("body", "Phó Chủ tịch Ủy ban MTTQ xã", DEP, D(2025, 7, 1)),
            _s("sub:propaganda", "Trưởng ban Tuyên truyền – Vận động", H, D(2025, 7, 1)),
        ], login="xadamha.truongban", role_label="Trưởng ban (kiêm Phó Chủ tịch)", phone="0914000302"),
        DemoPerson("Vương Văn Bình", [
            _s("org:HCCB", "Chủ tịch Hội Cựu chiến binh xã", H, D(2025, 7, 1)),
            _s("body", "Phó Chủ tịch Ủy ban MTTQ xã", DEP, D(2025, 7, 1)),
        ], login="xadamha.phochutich", role_label="Phó Chủ tịch Ủy ban MTTQ xã", phone="0914000303"),
        DemoPerson("Sầm Văn Kiên", [
            _s("org:HND", "Chủ tịch Hội Nông dân xã", H, D(2025, 7, 1)),
            _s("body", "Phó Chủ tịch Ủy ban MTTQ xã", DEP, D(2025, 7, 1)),
            _s("sub:inspection", "Trưởng ban Kiểm tra – Giám sát", H, D(2025, 7, 1)),
        ]),
        DemoPerson("Lâm Thị Ngọc", [
            _s("org:DTN", "Bí thư Đoàn xã", H, D(2025, 7, 1)),
            _s("body", "Phó Chủ tịch Ủy ban MTTQ xã", DEP, D(2025, 7, 1)),
            _s("sub:democracy", "Trưởng ban Dân chủ – Pháp luật", H, D(2025, 7, 1)),
        ]),
        DemoPerson("Mạc Thị Hoa", [
            _s("org:MTTQ", "Công chức Cơ quan Ủy ban MTTQ xã", STF, D(2025, 7, 1)),
            _s("sub:office", "Phụ trách Văn phòng", H, D(2025, 7, 1)),
            _s("sub:propaganda", "Thành viên ban Tuyên truyền – Vận động", MEM, D(2025, 7, 1)),
        ], login="xadamha.canbo", role_label="Cán bộ", phone="0914000304"),
        DemoPerson("Phùn Văn Sáng", [
            _s("org:DTN", "Tổ viên tổ công tác (Đoàn Thanh niên xã)", FLD, D(2025, 8, 1)),
        ], login="xadamha.tocongtac", role_label="Tổ viên tổ công tác", phone="0914000305"),
    ],
)

BODIES = [DAM_HA, NA_HANG, XA_DAM_HA]


def _unit(code: str, current: bool) -> AdministrativeUnit:
    qs = AdministrativeUnit.objects.filter(code=code)
    return qs.get(valid_to__isnull=True) if current else qs.filter(valid_to__isnull=False).order_by("-valid_to").first()


def _user(username: str, person: Person | None, *, superuser: bool = False):
    User = get_user_model()
    user, created = User.objects.get_or_create(username=username, defaults={"is_superuser": superuser, "is_staff": superuser})
    if created:
        user.set_password(DEMO_PASSWORD)
        if person is not None:
            user.first_name = person.full_name[:150]
        user.save()
    if person is not None and person.user_id != user.pk:
        person.user = user
        person.save(update_fields=["user"])
    return user


def _position(person: Person, seat_obj, title: str, role: str, start: dt.date) -> None:
    field = {Organization: "organization", JointBody: "joint_body", Subcommittee: "subcommittee"}[type(seat_obj)]
    pos, created = Position.objects.get_or_create(
        person=person, title=title, **{field: seat_obj},
        defaults={"role": role, "start_date": start, "unit": _seat_unit(seat_obj)},
    )


def _seat_unit(seat_obj) -> AdministrativeUnit:
    return seat_obj.joint_body.unit if isinstance(seat_obj, Subcommittee) else seat_obj.unit


def _seed_body(spec: DemoBody, logins: list[tuple[str, str, str]]) -> JointBody:
    unit = _unit(spec.unit_code, spec.unit_current)
    types = {t.code: t for t in OrganizationType.objects.all()}
    orgs = {}
    for code in spec.org_types:
        org_type = types[code]
        base = "Ủy ban MTTQ Việt Nam" if code == "MTTQ" else ("Đoàn Thanh niên" if code == "DTN" else org_type.name)
        orgs[code], _ = Organization.objects.get_or_create(
            org_type=org_type, unit=unit,
            defaults={"name": f"{base} {spec.org_suffix}", "short_name": f"{org_type.short_name} {spec.org_suffix}",
                      "valid_from": spec.valid_from if spec.unit_current else None, "valid_to": spec.valid_to},
        )
    body, created = JointBody.objects.get_or_create(
        unit=unit, name=spec.name,
        defaults={"short_name": spec.short_name, "decision_number": spec.decision, "decision_date": spec.decision_date,
                  "valid_from": spec.valid_from, "valid_to": spec.valid_to},
    )
    for order, (kind, name) in enumerate(SUBCOMMITTEES):
        label = name if spec.unit_current is False else name.replace("Tiểu ban ", "Ban ")
        Subcommittee.objects.get_or_create(joint_body=body, kind=kind, defaults={"name": label, "sort_order": order})
    subs = {s.kind: s for s in body.subcommittees.all()}
    for org in orgs.values():
        JointBodyMembership.objects.get_or_create(joint_body=body, organization=org, defaults={"valid_from": spec.valid_from})
    for entry in spec.people:
        person, _ = Person.objects.get_or_create(full_name=entry.name, unit=unit, defaults={"phone": entry.phone})
        for seat in entry.seats:
            kind, _, arg = seat.kind.partition(":")
            seat_obj = {"org": lambda: orgs[arg], "body": lambda: body, "sub": lambda: subs[arg]}[kind]()
            _position(person, seat_obj, seat.title, seat.role, seat.start)
        if entry.login:
            _user(entry.login, person)
            logins.append((entry.login, entry.role_label, f"{spec.name}"))
    if spec.board_login:
        province = _unit(spec.board_unit_code, True)
        board_org, _ = Organization.objects.get_or_create(
            org_type=types["BDV"], unit=province,
            defaults={"name": f"Ban Tuyên giáo và Dân vận Tỉnh ủy {province.short_name or province.name}"},
        )
        person, _ = Person.objects.get_or_create(full_name=spec.board_person, unit=province)
        _position(person, board_org, "Phó Trưởng Ban Tuyên giáo và Dân vận Tỉnh ủy", PositionRole.DEPUTY, D(2025, 3, 1))
        _user(spec.board_login, person)
        logins.append((spec.board_login, "Ban Dân vận tỉnh (chỉ xem)", board_org.name))
    return body


@transaction.atomic
def seed_demo() -> list[tuple[str, str, str]]:
    """Create (or complete) the demo; returns (login, role, where) for each demo login."""
    logins: list[tuple[str, str, str]] = []
    for spec in BODIES:
        _seed_body(spec, logins)
    _user("admin", None, superuser=True)
    logins.append(("admin", "Quản trị hệ thống", "—"))
    return logins
