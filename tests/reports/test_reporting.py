"""The joint report's services (reports/reporting.py): who may create, write, return; what a
return and a rebuild do to the report's state. The world is tests/world.py."""
from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from khoi.models import Notification, Person, PositionRole
from reports import periods, reporting
from reports.models import BuildStatus, Period, Report, ReportBuild, ReportStatus
from tests.khoi.conftest import world  # noqa: F401  (the shared access-test world)
from tests.world import login_for, position

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------- pure


@pytest.mark.parametrize("kind,raw,code", [
    ("year", "2023", "2023-Y"), ("year", "2023-y", "2023-Y"), ("nine_months", "2023", "2023-9M"),
    ("quarter", " 2023-q4 ", "2023-Q4"), ("month", "2023-11", "2023-11"), ("half", "2024-H1", "2024-H1"),
])
def test_normalize_code_accepts_what_people_type(kind, raw, code):
    assert reporting.normalize_code(kind, raw) == code


def test_normalize_code_refuses_another_kind_in_vietnamese():
    with pytest.raises(periods.PeriodCodeError, match="không phải kỳ"):
        reporting.normalize_code("year", "2023-Q4")


def test_return_refusal():
    assert reporting.return_refusal(ReportStatus.BUILT, True) is None
    assert reporting.return_refusal(ReportStatus.DRAFT, True) is None  # edited after a build: still returnable
    assert "chưa được lập" in reporting.return_refusal(ReportStatus.DRAFT, False)
    assert "đã bị trả lại" in reporting.return_refusal(ReportStatus.RETURNED, True)


# ---------------------------------------------------------------- create


def test_head_creates_the_report_and_the_period_from_the_template(world):
    d1 = world.districts["own"]
    report = reporting.report_create(user=world.users["head"], joint_body=d1.body, kind="half", code="2024-H1")
    assert report.period.code == "2024-H1" and report.period.kind == "half"
    template = report.period.template
    assert (report.period.start, report.period.end) == periods.parse("2024-H1").dates(template.cutoff_day)
    assert report.status == ReportStatus.DRAFT and "6 tháng đầu năm 2024" in report.title


def test_a_week_report_the_monthly_figures_cannot_make_up_is_refused(world):
    d1 = world.districts["own"]
    with pytest.raises(ValidationError, match="không lập được báo cáo tuần"):
        reporting.report_create(user=world.users["head"], joint_body=d1.body, kind="week", code="2024-W05")


def test_one_report_per_body_and_period(world):
    d1 = world.districts["own"]
    with pytest.raises(ValidationError, match="đã có báo cáo cho kỳ này"):
        reporting.report_create(user=world.users["head"], joint_body=d1.body, kind="year", code="2023-Y")


@pytest.mark.parametrize("role", ["board", "staff", "sub_head", "field"])
def test_others_cannot_create(world, role):
    d1 = world.districts["own"]
    periods_before = Period.objects.count()
    with pytest.raises(PermissionDenied):
        reporting.report_create(user=world.users[role], joint_body=d1.body, kind="year", code="2030-Y")
    assert Period.objects.count() == periods_before


def test_the_body_office_staff_write_the_report_but_not_a_subcommittee_member(world):
    d1 = world.districts["own"]
    clerk = Person.objects.create(full_name="Chuyên Viên Văn Phòng Khối", unit=d1.unit)
    position(clerk, d1.body, "Chuyên viên Cơ quan Khối", PositionRole.STAFF)
    member = Person.objects.create(full_name="Ủy Viên Tiểu Ban", unit=d1.unit)
    position(member, d1.subs["propaganda"], "Ủy viên Tiểu ban", PositionRole.STAFF)
    clerk_user, member_user = login_for(clerk, "clerk"), login_for(member, "member")

    report = reporting.report_create(user=clerk_user, joint_body=d1.body, kind="year", code="2024")
    reporting.report_update_narrative(user=clerk_user, report=report, achievements="Đã làm tốt.")
    with pytest.raises(PermissionDenied):
        reporting.report_update_narrative(user=member_user, report=report, achievements="Sửa.")
    assert Report.objects.get(pk=report.pk).achievements == "Đã làm tốt."


# ---------------------------------------------------------------- narrative


def test_changing_a_built_report_makes_it_a_draft_again(world):
    d1 = world.districts["own"]
    report = reporting.report_update_narrative(user=world.users["head"], report=d1.report,
                                               limitations="Phối hợp chưa đều.\nCòn trùng lặp.")
    assert report.status == ReportStatus.DRAFT
    assert Report.objects.get(pk=d1.report.pk).limitations == "Phối hợp chưa đều.\nCòn trùng lặp."


def test_saving_an_unchanged_narrative_keeps_it_built(world):
    d1 = world.districts["own"]
    report = reporting.report_update_narrative(user=world.users["head"], report=d1.report, number=d1.report.number)
    assert report.status == ReportStatus.BUILT


def test_the_board_cannot_write_the_narrative(world):
    with pytest.raises(PermissionDenied):
        reporting.report_update_narrative(user=world.users["board"], report=world.districts["own"].report, causes="x")


# ---------------------------------------------------------------- return and rebuild


def test_the_board_returns_a_report_and_the_head_is_told(world):
    d1, board, head = world.districts["own"], world.users["board"], world.users["head"]
    report = reporting.report_return(user=board, report=d1.report, comment="Thiếu số liệu Hội Nông dân quý IV.")
    assert report.status == ReportStatus.RETURNED
    assert report.returned_by == board and report.returned_at is not None
    note = Notification.objects.get(recipient=head)
    assert "Thiếu số liệu Hội Nông dân quý IV." in note.text and note.url == d1.report.get_absolute_url()


def test_a_return_needs_a_comment(world):
    d1 = world.districts["own"]
    with pytest.raises(ValidationError) as error:
        reporting.report_return(user=world.users["board"], report=d1.report, comment="   ")
    assert "Hãy ghi ý kiến trả lại" in str(error.value)
    assert Report.objects.get(pk=d1.report.pk).status == ReportStatus.BUILT
    assert not Notification.objects.exists()


@pytest.mark.parametrize("role", ["head", "deputy", "staff"])
def test_only_the_board_returns(world, role):
    with pytest.raises(PermissionDenied):
        reporting.report_return(user=world.users[role], report=world.districts["own"].report, comment="Sửa lại.")


def test_a_report_never_built_cannot_be_returned(world):
    d1 = world.districts["own"]
    report = reporting.report_create(user=world.users["head"], joint_body=d1.body, kind="year", code="2024")
    with pytest.raises(ValidationError, match="chưa được lập"):
        reporting.report_return(user=world.users["board"], report=report, comment="Sửa lại.")


def test_rebuilding_clears_the_return(world):
    d1, head = world.districts["own"], world.users["head"]
    reporting.report_return(user=world.users["board"], report=d1.report, comment="Bổ sung nguyên nhân.")
    reporting.report_update_narrative(user=head, report=d1.report, causes="Do thiếu kinh phí.")
    build = reporting.report_request_build(user=head, report=d1.report)
    assert build.status == BuildStatus.PENDING and build.version == 2
    assert Report.objects.get(pk=d1.report.pk).status == ReportStatus.DRAFT  # built again when the build is done


def test_requesting_the_same_build_twice_gives_one_build(world):
    d1, head = world.districts["own"], world.users["head"]
    first = reporting.report_request_build(user=head, report=d1.report)
    second = reporting.report_request_build(user=head, report=d1.report)
    assert first.pk == second.pk
    assert ReportBuild.objects.filter(report=d1.report).count() == 2  # the world's v1 and this one


def test_the_board_cannot_request_a_build(world):
    with pytest.raises(PermissionDenied):
        reporting.report_request_build(user=world.users["board"], report=world.districts["own"].report)
    assert ReportBuild.objects.filter(report=world.districts["own"].report).count() == 1
