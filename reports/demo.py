"""Demo reports: two years (2023–2024) of monthly figures for every organization of Đầm Hà
and Na Hang and of their communes, one late and one returned submission, and the 2023 year
report of Đầm Hà built (PDF, Word, Excel).

Figures are invented but plausible: stocks (members, households) grow slowly and are never
added across months; flows (meetings, visits, money raised) vary month to month; numerators
stay below their denominators and cross-field rules hold. A fixed random seed makes every
run give the same numbers. Idempotent: a second run changes nothing.
"""
from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from khoi.models import AdministrativeUnit, JointBody, Organization, OrganizationType
from reports import selectors, services
from reports.models import Figure, Indicator, Report, Submission, SubmissionStatus

YEARS = (2023, 2024)
DISTRICTS = ("200", "072")  # Đầm Hà (Quảng Ninh), Na Hang (Tuyên Quang), pre-2025 codes
# Communes have no Labour Federation of their own (trade unions sit in workplaces).
COMMUNE_ORGS = {"MTTQ": "Ủy ban MTTQ", "HLHPN": "Hội LHPN", "DTN": "Đoàn TN", "HND": "Hội Nông dân", "HCCB": "Hội CCB"}
RETURN_COMMENT = "Số hội viên kết nạp mới chưa khớp với báo cáo quý; đề nghị rà soát và gửi lại."

# Rough monthly size of a flow, or size of a stock, for a commune organization; a district
# organization's own figures are about three times larger. Keyed by the unit of measure.
SCALE = {
    "người": (40, 900), "lượt người": (60, 600), "lượt": (2, 40), "cuộc": (1, 8), "hội nghị": (0, 2),
    "triệu đồng": (5, 120), "căn": (0, 2), "ban": (1, 12), "hộ": (300, 2500), "mô hình": (0, 3),
    "đơn": (0, 6), "vụ việc": (0, 5), "vụ": (0, 3), "kiến nghị": (0, 6), "ý kiến": (2, 30),
}

# Each organization is one unit that must hold its congress (the denominator of TC16).
FIXED = {"TC20": 1}

# People counted as a monthly flow (new members, members removed) are a few percent of the
# stock over a year, not a multiple of it.
FLOW_SCALE = {"người": (1, 12)}

NARRATIVE = {
    "title": "Kết quả công tác dân vận, Mặt trận và các đoàn thể năm 2023; phương hướng, nhiệm vụ năm 2024",
    "number": "25-BC/KDV",
    "place": "Đầm Hà",
    "achievements": (
        "Năm 2023, Cơ quan Khối MTTQ và các đoàn thể huyện Đầm Hà điều hành công việc theo quy chế phối hợp “9 chung, 14 chia”: "
        "một chương trình công tác chung, một báo cáo chung và một hội nghị tổng kết chung thay cho sáu hội nghị riêng.\n"
        "Các tổ chức thành viên phối hợp tuyên truyền, vận động đồng bào dân tộc thiểu số ở các xã Quảng Lâm, Quảng An, "
        "Quảng Tân thực hiện tốt chủ trương của Đảng, chính sách, pháp luật của Nhà nước; cuộc vận động “Toàn dân đoàn "
        "kết xây dựng nông thôn mới, đô thị văn minh” và Quỹ “Vì người nghèo” được hưởng ứng rộng rãi.\n"
        "Công tác giám sát, phản biện xã hội và tiếp nhận, phản ánh ý kiến, kiến nghị của cử tri được thực hiện qua một đầu mối."
    ),
    "limitations": (
        "Một số tổ chức cơ sở còn gửi số liệu chậm; chất lượng sinh hoạt chi hội ở một số thôn vùng cao chưa đều."
    ),
    "causes": (
        "Địa bàn rộng, giao thông đi lại khó khăn; cán bộ cơ sở kiêm nhiệm nhiều việc, chưa quen nhập số liệu trên phần mềm."
    ),
    "next_tasks": (
        "Tiếp tục thực hiện quy chế phối hợp; tổ chức một hội nghị tổng kết chung.\n"
        "Hướng dẫn tổ chức cơ sở nhập số liệu đúng hạn; rà soát danh sách đoàn viên, hội viên để tránh trùng lặp."
    ),
    "recipients": "- Ban Dân vận Tỉnh ủy Quảng Ninh;\n- Thường trực Huyện ủy Đầm Hà;\n- Các tổ chức thành viên;\n- Lưu VT.",
    "signer_title": "TRƯỞNG KHỐI",
}


def _district(code: str) -> AdministrativeUnit:
    return AdministrativeUnit.objects.filter(code=code, level="district").order_by("-valid_from").first()


def _commune_organizations(district: AdministrativeUnit) -> None:
    types = {t.code: t for t in OrganizationType.objects.filter(code__in=COMMUNE_ORGS)}
    for commune in AdministrativeUnit.objects.filter(parent=district).order_by("code"):
        place = commune.name[0].lower() + commune.name[1:]
        for code, prefix in COMMUNE_ORGS.items():
            Organization.objects.get_or_create(
                org_type=types[code], unit=commune, defaults={"name": f"{prefix} {place}", "short_name": prefix})


def _reporting(indicators: list[Indicator], org_type: str) -> list[Indicator]:
    return [i for i in indicators if i.is_typed and i.value_type != "text" and i.reported_by_type(org_type)]


def _ordered(indicators: list[Indicator], numerator_of: dict[int, int]) -> list[Indicator]:
    """Denominators and cross-field limits first, so the values that depend on them can follow
    (the ratios themselves are computed, not entered, so they are not in ``indicators``)."""
    first = set(numerator_of.values()) | {i.not_above_id for i in indicators if i.not_above_id}
    return sorted(indicators, key=lambda i: (i.pk not in first, i.sort_order))


def _numerators() -> dict[int, int]:
    """Numerator pk → denominator pk of the ratios (a numerator never exceeds its denominator)."""
    return {i.numerator_id: i.denominator_id for i in Indicator.objects.filter(
        catalog_unit=None, aggregation="ratio", numerator__isnull=False)}


def _values(rng: random.Random, indicators: list[Indicator], numerator_of: dict[int, int], *, months: int,
            weight: float) -> list[dict[int, Decimal]]:
    """Monthly values for one organization: ``months`` dicts of indicator pk → value."""
    stock_base, flow_base = {}, {}
    for ind in indicators:
        low, high = SCALE.get(ind.unit_label, (0, 10))
        flow_low, flow_high = FLOW_SCALE.get(ind.unit_label, (low, high))
        flow_base[ind.pk] = rng.uniform(flow_low, flow_high) * weight
        stock_base[ind.pk] = rng.uniform(max(low, 1) * 5, high * 5) * weight
    series = []
    for month in range(months):
        values: dict[int, Decimal] = {}
        for ind in indicators:
            if ind.code in FIXED:
                raw = float(FIXED[ind.code])
            elif ind.aggregation == "max":
                raw = 1.0 if rng.random() < 0.15 + month / (months * 1.5) else 0.0
            elif ind.aggregation == "latest":
                raw = stock_base[ind.pk] * (1 + 0.004 * month)
                if ind.pk in numerator_of and numerator_of[ind.pk] in values:
                    raw = float(values[numerator_of[ind.pk]]) * rng.uniform(0.78, 0.96)
            else:
                raw = flow_base[ind.pk] * rng.uniform(0.4, 1.6)
            if ind.not_above_id and ind.not_above_id in values:
                raw = min(raw, float(values[ind.not_above_id]) * rng.uniform(0.7, 1.0))
            quant = Decimal("0.1") if ind.value_type == "amount" else Decimal("1")
            values[ind.pk] = Decimal(str(raw)).quantize(quant)
        series.append(values)
    return series


def seed_reports() -> None:
    if Submission.objects.filter(period__code="2023-01", organization__unit__code="200").exists():
        return  # already seeded
    with transaction.atomic():
        _seed_figures()
    _build_year_report()


def _seed_figures() -> None:
    indicators = list(Indicator.objects.filter(catalog_unit=None, is_active=True))
    numerator_of = _numerators()
    rng = random.Random(2023)
    codes = [f"{year}-{month:02d}" for year in YEARS for month in range(1, 13)]
    for district_code in DISTRICTS:
        district = _district(district_code)
        if district is None:
            continue
        _commune_organizations(district)
        template = selectors.template_for(district)
        period_rows = [services.get_or_create_period(template, code) for code in codes]
        organizations = Organization.objects.filter(unit__path__startswith=district.path).exclude(
            org_type__code="BDV").select_related("org_type", "unit").order_by("unit__path", "org_type__sort_order")
        submissions, pending = [], []
        for org in organizations:
            own = _ordered(_reporting(indicators, org.org_type.code), numerator_of)
            weight = 3.0 if org.unit_id == district.pk else 1.0
            series = _values(rng, own, numerator_of, months=len(period_rows), weight=weight)
            for period, values in zip(period_rows, series):
                submitted = timezone.make_aware(dt.datetime.combine(
                    period.deadline - dt.timedelta(days=rng.randint(0, 3)), dt.time(9, rng.randint(0, 59))))
                submission = Submission(organization=org, period=period, status=SubmissionStatus.APPROVED,
                                        submitted_at=submitted, decided_at=submitted + dt.timedelta(hours=20))
                submissions.append(submission)
                pending.append((submission, values))
        Submission.objects.bulk_create(submissions, batch_size=500)
        Figure.objects.bulk_create(
            [Figure(submission=s, indicator_id=pk, value=v) for s, values in pending for pk, v in values.items()],
            batch_size=2000)
        _mark_exceptions(district, codes[-1])


def _mark_exceptions(district: AdministrativeUnit, last_code: str) -> None:
    """One late submission (a district organization, last month) and one returned (a commune's)."""
    last = Submission.objects.filter(period__code=last_code, organization__unit__path__startswith=district.path)
    late = last.filter(organization__unit=district, organization__org_type__code="HND").first()
    if late:
        late.submitted_at = timezone.make_aware(dt.datetime.combine(late.period.deadline + dt.timedelta(days=6), dt.time(15)))
        late.status = SubmissionStatus.SUBMITTED
        late.decided_at = None
        late.save(update_fields=["submitted_at", "status", "decided_at"])
    returned = last.exclude(organization__unit=district).filter(organization__org_type__code="HLHPN").first()
    if returned:
        returned.status = SubmissionStatus.RETURNED
        returned.return_comment = RETURN_COMMENT
        returned.save(update_fields=["status", "return_comment"])


def _build_year_report() -> None:
    """The 2023 year report of Đầm Hà, built synchronously (the same code as the Celery task)."""
    from reports import building

    body = JointBody.objects.filter(unit__code="200", unit__level="district").first()
    if body is None:
        return
    period = services.get_or_create_period(selectors.template_for(body.unit), "2023-Y")
    head = body.positions.filter(role="head").select_related("person").first()
    report, _ = Report.objects.get_or_create(
        joint_body=body, period=period,
        defaults={**NARRATIVE, "issued_on": dt.date(2023, 12, 20),
                  "signer_name": head.person.full_name if head else ""})
    if report.builds.filter(status="done").exists():
        return
    admin = get_user_model().objects.filter(is_superuser=True).order_by("pk").first()
    build = building.request_build(report=report, user=admin, enqueue=False)
    building.run_build(build.pk)
