"""``manage.py build_report``: the same pipeline, synchronously, with real renderers."""
from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from reports.models import Report, ReportBuild
from tests.reports import build_fixtures as bf

pytestmark = pytest.mark.django_db


def _run(*args) -> str:
    out = StringIO()
    call_command("build_report", *args, stdout=out)
    return out.getvalue()


def test_builds_the_report_and_copies_its_three_files(tmp_path):
    world = bf.quarter_world()
    target = tmp_path / "ra"

    printed = _run("--unit", "95001", "--period", "2023-q1", "--out", str(target))

    paths = [Path(line) for line in printed.split()]
    assert [p.name for p in paths] == [f"bao-cao-95001-2023-Q1-v1.{ext}" for ext in ("pdf", "docx", "xlsx")]
    assert all(p.is_file() and p.stat().st_size > 0 for p in paths)
    from pypdf import PdfReader

    assert len(PdfReader(str(paths[0])).pages) > 0
    report = Report.objects.get(joint_body=world.a.body, period=world.q1)
    assert report.status == "built"

    again = _run("--unit", "95001", "--period", "2023-Q1", "--out", str(target))  # nothing changed: same build
    assert again == printed
    assert ReportBuild.objects.filter(report=report).count() == 1


def test_unknown_unit_code_is_a_clear_error(tmp_path):
    bf.quarter_world()
    with pytest.raises(CommandError, match="Không tìm thấy đơn vị hành chính có mã “99999”"):
        _run("--unit", "99999", "--period", "2023-Q1", "--out", str(tmp_path))


def test_bad_period_code_is_a_clear_error(tmp_path):
    bf.quarter_world()
    with pytest.raises(CommandError, match="Mã kỳ “2023-Q5” không hợp lệ"):
        _run("--unit", "95001", "--period", "2023-Q5", "--out", str(tmp_path))


def test_a_unit_without_a_joint_body_is_a_clear_error(tmp_path):
    world = bf.quarter_world()
    bf.place(world.prov, "95009", "Trống", body=False)
    with pytest.raises(CommandError, match="không có cơ quan khối hoạt động trong kỳ Quý I/2023"):
        _run("--unit", "95009", "--period", "2023-Q1", "--out", str(tmp_path))
