"""Data for the roll-up and build tests, made directly with the models.

A province with its own report template (calendar months, 5 days to submit) and its own small
indicator catalog, one of each aggregation: AS01 sum, TC04/TC09 latest, TC10 ratio TC04/TC09,
TC15 max, GC01 text, UD01 counted by the app.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from khoi.models import (
    AdministrativeUnit,
    JointBody,
    JointBodyMembership,
    Organization,
    OrganizationType,
    UnitSuccession,
)
from reports.models import Figure, Indicator, Period, Report, ReportTemplate, Submission
from reports.services import get_or_create_period

ORG_TYPES = ("MTTQ", "HLHPN")


@dataclass
class Place:
    unit: AdministrativeUnit
    orgs: dict[str, Organization]
    body: JointBody | None = None


def province(code: str = "95", name: str = "Thử Nghiệm") -> AdministrativeUnit:
    return AdministrativeUnit.objects.create(code=code, name=f"Tỉnh {name}", level="province", unit_type="Tỉnh")


def place(parent, code: str, name: str, *, level: str = "district", types=ORG_TYPES, body: bool = True,
          valid_from: dt.date | None = None, valid_to: dt.date | None = None) -> Place:
    """A unit under ``parent`` with one organization per type (and a joint body of them)."""
    unit_type = {"district": "Huyện", "commune": "Xã"}[level]
    unit = AdministrativeUnit.objects.create(
        code=code, name=f"{unit_type} {name}", level=level, unit_type=unit_type, parent=parent,
        valid_from=valid_from, valid_to=valid_to,
    )
    org_types = {t.code: t for t in OrganizationType.objects.filter(code__in=types)}
    orgs = {c: Organization.objects.create(org_type=org_types[c], unit=unit, name=f"{org_types[c].short_name} {name}")
            for c in types}
    joint = None
    if body:
        joint = JointBody.objects.create(unit=unit, name=f"Cơ quan Khối {unit_type.lower()} {name}", short_name="KDV")
        JointBodyMembership.objects.bulk_create(JointBodyMembership(joint_body=joint, organization=o) for o in orgs.values())
    return Place(unit, orgs, joint)


def many_places(parent, count: int, *, types=ORG_TYPES) -> list[Place]:
    """``count`` districts with their organizations (few queries: units need their path)."""
    units = [
        AdministrativeUnit.objects.create(code=f"{parent.code}{i:03d}", name=f"Huyện Số {i}", level="district",
                                          unit_type="Huyện", parent=parent)
        for i in range(count)
    ]
    org_types = {t.code: t for t in OrganizationType.objects.filter(code__in=types)}
    orgs = Organization.objects.bulk_create(
        Organization(org_type=org_types[c], unit=u, name=f"{c} {u.code}", search_name=f"{c} {u.code}".lower())
        for u in units for c in types
    )
    by_unit: dict[int, dict[str, Organization]] = {}
    for org in orgs:
        by_unit.setdefault(org.unit_id, {})[org.org_type.code] = org
    return [Place(u, by_unit[u.pk]) for u in units]


def succession(predecessor: AdministrativeUnit, successor: AdministrativeUnit, *, takes_history: bool = True) -> None:
    UnitSuccession.objects.create(predecessor=predecessor, successor=successor, effective_date=dt.date(2025, 7, 1),
                                  takes_history=takes_history)


def template(prov: AdministrativeUnit, *, cutoff_day: int = 1, deadline_days: int = 5) -> ReportTemplate:
    return ReportTemplate.objects.create(province=prov, cutoff_day=cutoff_day, deadline_days=deadline_days,
                                         submission_kind="month")


def catalog(prov: AdministrativeUnit) -> dict[str, Indicator]:
    def ind(code, name, aggregation="sum", value_type="count", group="Tổ chức", **kw):
        return Indicator.objects.create(catalog_unit=prov, code=code, name=name, aggregation=aggregation,
                                        value_type=value_type, group=group, unit_label="người", **kw)

    found = {
        "AS01": ind("AS01", "Quỹ Vì người nghèo: số tiền vận động", value_type="amount", group="An sinh xã hội",
                    sort_order=1),
        "TC04": ind("TC04", "Tổng số hội viên", "latest", sort_order=2),
        "TC09": ind("TC09", "Số người có thể tập hợp", "latest", sort_order=3),
        "TC15": ind("TC15", "Đã hoàn thành đại hội", "max", sort_order=5),
        "GC01": ind("GC01", "Ghi chú", value_type="text", sort_order=6),
        "UD01": ind("UD01", "Hồ sơ đầu mối tiếp nhận", group="Phần mềm", auto_source="cases_received", sort_order=7),
    }
    found["TC10"] = ind("TC10", "Tỷ lệ tập hợp", "ratio", value_type="percent", numerator=found["TC04"],
                        denominator=found["TC09"], sort_order=4)
    return found


def period(tpl: ReportTemplate, code: str) -> Period:
    return get_or_create_period(tpl, code)


def on_time(per: Period) -> dt.datetime:
    """Noon of the last day of the period, local time."""
    return timezone.make_aware(dt.datetime.combine(per.end, dt.time(12)))


def late(per: Period) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(per.deadline + dt.timedelta(days=1), dt.time(9)))


def submit(org: Organization, per: Period, figures: dict, *, status: str = "approved", submitted_at=None,
           revision: int = 1, is_current: bool = True) -> Submission:
    """A submission with its figures ({Indicator or code: number or text}); on time by default."""
    sub = Submission.objects.create(
        organization=org, period=per, status=status, revision=revision, is_current=is_current,
        submitted_at=submitted_at if submitted_at is not None else (on_time(per) if status != "draft" else None),
    )
    add_figures(sub, figures)
    return sub


def add_figures(sub: Submission, figures: dict) -> None:
    indicators = {}
    codes = [k for k in figures if isinstance(k, str)]
    if codes:
        root = sub.organization.unit.ancestor_ids()[0]
        indicators = {i.code: i for i in Indicator.objects.filter(catalog_unit_id=root, code__in=codes)}
    rows = []
    for key, value in figures.items():
        indicator = indicators[key] if isinstance(key, str) else key
        if isinstance(value, str) and indicator.value_type == "text":
            rows.append(Figure(submission=sub, indicator=indicator, text=value))
        else:
            rows.append(Figure(submission=sub, indicator=indicator, value=None if value is None else Decimal(str(value))))
    Figure.objects.bulk_create(rows)


def report(body: JointBody, per: Period, **narrative) -> Report:
    return Report.objects.create(joint_body=body, period=per, **narrative)


@dataclass
class Quarter:
    """Province 95 → districts A and B (MTTQ, HLHPN each), figures for 2023-Q1 and 2022-Q4/2022-Q1."""

    prov: AdministrativeUnit
    a: Place
    b: Place
    tpl: ReportTemplate
    ind: dict[str, Indicator]
    q1: Period
    months: list[Period]


def quarter_world() -> Quarter:
    prov = province()
    tpl = template(prov)
    ind = catalog(prov)
    a = place(prov, "95001", "Đông")
    b = place(prov, "95002", "Tây")
    months = [period(tpl, f"2023-{m:02d}") for m in (1, 2, 3)]
    jan, feb, mar = months
    # A/MTTQ: money every month, members as a stock, congress held in February
    submit(a.orgs["MTTQ"], jan, {"AS01": 10, "TC04": 100, "TC09": 1000, "TC15": 0, "GC01": "ổn"})
    submit(a.orgs["MTTQ"], feb, {"AS01": 20, "TC04": 110, "TC09": 1000, "TC15": 1})
    submit(a.orgs["MTTQ"], mar, {"AS01": 30, "TC04": 120, "TC09": 1000, "TC15": 0})
    # A/HLHPN: no March submission: its stock is February's
    submit(a.orgs["HLHPN"], jan, {"AS01": 1, "TC04": 50, "TC09": 60})
    submit(a.orgs["HLHPN"], feb, {"AS01": 2, "TC04": 55, "TC09": 60}, submitted_at=late(feb))
    # B/MTTQ: one month only; B/HLHPN: a draft (not counted)
    submit(b.orgs["MTTQ"], mar, {"AS01": 5, "TC04": 9, "TC09": 10, "TC15": 1})
    submit(b.orgs["HLHPN"], mar, {"AS01": 1000, "TC04": 1000}, status="draft")
    # figures of earlier periods (previous period and same period last year)
    submit(a.orgs["MTTQ"], period(tpl, "2022-12"), {"AS01": 7, "TC04": 90, "TC09": 900})
    submit(a.orgs["MTTQ"], period(tpl, "2022-02"), {"AS01": 3, "TC04": 80, "TC09": 800})
    return Quarter(prov, a, b, tpl, ind, period(tpl, "2023-Q1"), months)
