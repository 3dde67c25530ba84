"""``manage.py build_report --unit CODE --period PERIOD --out DIR``: build a joint report now.

Runs the same pipeline as the Celery task (``reports.building``), synchronously: the joint
body at the unit that was in operation during the period, its report for the period (created
if missing), a build (the existing one when nothing changed), then copies its PDF, Word and
Excel files into DIR and prints their paths.
"""
from __future__ import annotations

import shutil
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from khoi.models import AdministrativeUnit, JointBody
from reports import building, periods
from reports.models import BuildStatus, Report, ReportBuild
from reports.selectors import template_for
from reports.services import get_or_create_period


class Command(BaseCommand):
    help = "Lập báo cáo chung của cơ quan khối tại một đơn vị cho một kỳ (PDF, Word, Excel) và chép vào thư mục."

    def add_arguments(self, parser):
        parser.add_argument("--unit", required=True, help="Mã đơn vị hành chính, ví dụ 22 hoặc 205")
        parser.add_argument("--period", required=True, help="Mã kỳ: 2023-11, 2023-Q4, 2023-H1, 2023-9M, 2023-Y")
        parser.add_argument("--out", required=True, help="Thư mục nhận các tệp")

    def handle(self, *args, unit: str, period: str, out: str, **options):
        try:
            spec = periods.parse(period)
        except periods.PeriodCodeError as error:
            raise CommandError(str(error)) from error
        code = (unit or "").strip()
        candidates = list(AdministrativeUnit.objects.filter(code=code).order_by("-valid_from"))
        if not candidates:
            raise CommandError(f"Không tìm thấy đơn vị hành chính có mã “{code}”.")
        # The unit valid during the period (a code may have been reused after the 2025 reform).
        template = template_for(candidates[0])
        start, end = spec.dates(template.cutoff_day)
        the_unit = next((u for u in candidates if _overlaps(u, start, end)), candidates[0])
        template = template_for(the_unit)
        the_period = get_or_create_period(template, spec.code)

        body = (
            JointBody.objects.filter(unit=the_unit)
            .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=the_period.end))
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=the_period.start))
            .order_by("-valid_from", "-pk")
            .first()
        )
        if body is None:
            raise CommandError(
                f"Đơn vị “{the_unit.name}” không có cơ quan khối hoạt động trong kỳ {periods.label(spec.code)}."
            )
        report, _created = Report.objects.get_or_create(joint_body=body, period=the_period)

        build = building.request_build(report=report, user=None, enqueue=False)
        if build.status != BuildStatus.DONE:
            result = building.run_build(build.pk)
            if result.outcome == "leased":
                raise CommandError("Báo cáo đang được một tiến trình khác lập; hãy thử lại sau ít phút.")
        build = ReportBuild.objects.get(pk=build.pk)
        if build.status != BuildStatus.DONE:
            raise CommandError(f"Không lập được báo cáo: {build.error or build.get_status_display()}")

        target = Path(out)
        target.mkdir(parents=True, exist_ok=True)
        stem = f"bao-cao-{the_unit.code}-{spec.code}-v{build.version}"
        files = {item.format: item for item in build.files.all()}
        for fmt in ("pdf", "docx", "xlsx"):
            item = files[fmt]
            path = target / f"{stem}.{item.format}"
            with item.file.open("rb") as source, open(path, "wb") as copy:
                shutil.copyfileobj(source, copy)
            self.stdout.write(str(path))


def _overlaps(unit: AdministrativeUnit, start, end) -> bool:
    return (unit.valid_from is None or unit.valid_from <= end) and (unit.valid_to is None or unit.valid_to >= start)
