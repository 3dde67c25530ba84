"""The joint report's pages as people use them: the head creates and writes a report, has it
built and watches the build, downloads the files; the board compares bodies and returns a
report with a comment. The world is tests/world.py (each district has a 2023 report with one
done build and a tiny file per format)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from khoi.models import Notification
from reports import reporting
from reports.models import (
    BuildStatus,
    Figure,
    Indicator,
    Report,
    ReportBuild,
    ReportStatus,
    Submission,
    SubmissionStatus,
)
from reports.services import get_or_create_period
from tests.khoi.conftest import client_for, world  # noqa: F401  (the shared access-test world)
from tests.world import REPORT_FILE_BYTES

pytestmark = pytest.mark.django_db


def page(response) -> str:
    return response.content.decode()


# ---------------------------------------------------------------- list and create


def test_the_head_creates_a_report_for_a_period(world, client_for):
    d1 = world.districts["own"]
    # when the head creates the report for 2024 (typed as just the year)
    response = client_for("head").post(reverse("reports:report_create"),
                                       {"joint_body": d1.body.pk, "kind": "year", "code": "2024"})
    # then the report exists for the period 2024-Y and the head goes on to write it
    report = Report.objects.get(joint_body=d1.body, period__code="2024-Y")
    assert response.status_code == 302 and response["Location"] == reverse("reports:report_edit", args=[report.pk])
    listing = page(client_for("head").get(reverse("reports:report_list")))
    assert "Năm 2024" in listing and "Năm 2023" in listing


def test_a_report_made_from_an_english_screen_keeps_a_vietnamese_title(world, client_for):
    d1 = world.districts["own"]
    client = client_for("head")
    client.cookies["django_language"] = "en"
    client.post(reverse("reports:report_create"), {"joint_body": d1.body.pk, "kind": "year", "code": "2024"})
    assert Report.objects.get(joint_body=d1.body, period__code="2024-Y").title == \
        "Báo cáo kết quả công tác phối hợp năm 2024"


@pytest.mark.parametrize("data,message", [
    ({"kind": "year", "code": "2024-13"}, "không hợp lệ"),
    ({"kind": "year", "code": "2024-Q1"}, "không phải kỳ năm"),
    ({"kind": "year", "code": ""}, "Hãy nhập mã kỳ"),
    ({"kind": "year", "code": "2023-Y"}, "Cơ quan khối đã có báo cáo cho kỳ này."),
])
def test_a_wrong_period_is_refused_in_vietnamese(world, client_for, data, message):
    d1 = world.districts["own"]
    before = Report.objects.count()
    response = client_for("head").post(reverse("reports:report_create"), {"joint_body": d1.body.pk, **data})
    assert response.status_code == 400 and message in page(response)
    assert Report.objects.count() == before


def test_one_cannot_create_a_report_for_another_body(world, client_for):
    other = world.districts["other_district"]
    response = client_for("head").post(reverse("reports:report_create"),
                                       {"joint_body": other.body.pk, "kind": "year", "code": "2024"})
    assert response.status_code == 400 and not Report.objects.filter(joint_body=other.body, period__code="2024-Y").exists()


def test_list_filters_search_and_paging(world, client_for, settings):
    settings.KHOI_PAGE_SIZE = 2
    d1, head = world.districts["own"], world.users["head"]
    for code in ("2022-Y", "2024-H1", "2024-Q3"):
        reporting.report_create(user=head, joint_body=d1.body, kind=_kind(code), code=code)
    client = client_for("head")
    assert "Trang 1/2" in page(client.get(reverse("reports:report_list")))
    only_2024 = page(client.get(reverse("reports:report_list"), {"year": "2024"}))
    assert "6 tháng đầu năm 2024" in only_2024 and "Quý III/2024" in only_2024 and "Năm 2022" not in only_2024
    quarters = page(client.get(reverse("reports:report_list"), {"kind": "quarter"}))
    assert "Quý III/2024" in quarters and "6 tháng đầu năm" not in quarters
    built = page(client.get(reverse("reports:report_list"), {"status": "built"}))
    assert "Năm 2023" in built and "Năm 2022" not in built
    found = page(client.get(reverse("reports:report_list"), {"q": "12-BC"}))
    assert "Năm 2023" in found and "Năm 2022" not in found


def _kind(code: str) -> str:
    from reports import periods

    return periods.parse(code).kind


def test_the_board_lists_the_reports_of_its_province_only(world, client_for):
    listing = page(client_for("board").get(reverse("reports:report_list")))
    assert world.districts["own"].body.name in listing and world.districts["other_district"].body.name in listing
    assert world.districts["other_province"].body.name not in listing


@pytest.mark.parametrize("extra", [0, 6])
def test_the_list_costs_the_same_whatever_the_number_of_reports(world, client_for, extra,
                                                                 django_assert_max_num_queries):
    d1, head = world.districts["own"], world.users["head"]
    for year in range(2010, 2010 + extra):
        report = reporting.report_create(user=head, joint_body=d1.body, kind="year", code=f"{year}-Y")
        ReportBuild.objects.create(report=report, version=1, idempotency_key=f"list-{year}", status="running")
    client = client_for("head")
    with django_assert_max_num_queries(9):
        assert client.get(reverse("reports:report_list")).status_code == 200


# ---------------------------------------------------------------- narrative


def test_the_head_writes_the_narrative(world, client_for):
    d1 = world.districts["own"]
    data = {"number": "15-BC/KDH", "place": "Đầm Hà", "issued_on": "20/12/2023", "title": "Báo cáo tổng kết năm 2023",
            "achievements": "Vận động 120 hộ hiến đất.\nTổ chức 3 hội nghị đối thoại.", "limitations": "Còn trùng lặp.",
            "causes": "Thiếu kinh phí.", "next_tasks": "Tổng kết 5 năm.", "recipients": "- Ban Dân vận Huyện ủy;\n- Lưu VT.",
            "signer_title": "TRƯỞNG KHỐI", "signer_name": "Nguyễn Văn A"}
    response = client_for("head").post(reverse("reports:report_edit", args=[d1.report.pk]), data)
    assert response.status_code == 302
    report = Report.objects.get(pk=d1.report.pk)
    assert report.number == "15-BC/KDH" and report.issued_on == dt.date(2023, 12, 20)
    assert report.status == ReportStatus.DRAFT  # the files no longer say what the narrative says
    shown = page(client_for("head").get(report.get_absolute_url()))
    assert "Vận động 120 hộ hiến đất." in shown and "15-BC/KDH" in shown and "Nguyễn Văn A" in shown


def test_the_board_cannot_edit_the_narrative(world, client_for):
    d1 = world.districts["own"]
    url = reverse("reports:report_edit", args=[d1.report.pk])
    board = client_for("board")
    assert board.get(url).status_code == 403
    assert board.post(url, {"title": "Sửa bởi Ban Dân vận"}).status_code == 403
    assert Report.objects.get(pk=d1.report.pk).title == d1.report.title
    assert "Soạn nội dung" not in page(board.get(d1.report.get_absolute_url()))


# ---------------------------------------------------------------- builds and progress


def test_requesting_the_build_twice_shows_one_build(world, client_for):
    d1 = world.districts["own"]
    client = client_for("head")
    url = reverse("reports:report_build", args=[d1.report.pk])
    assert client.post(url).status_code == 302
    assert client.post(url).status_code == 302
    builds = ReportBuild.objects.filter(report=d1.report)
    assert builds.count() == 2 and builds.filter(version=2, status=BuildStatus.PENDING).exists()
    shown = page(client.get(d1.report.get_absolute_url()))
    assert shown.count("Lần lập 2") == 1
    assert reverse("reports:build_status", args=[builds.get(version=2).pk]) in shown


def test_the_page_shows_the_progress_and_degrades_to_a_refresh_link(world, client_for):
    d1 = world.districts["own"]
    build = reporting.report_request_build(user=world.users["head"], report=d1.report)
    ReportBuild.objects.filter(pk=build.pk).update(status=BuildStatus.RUNNING, progress=40, stage="Đang dựng tệp Word")
    shown = page(client_for("staff").get(d1.report.get_absolute_url()))
    assert "Đang lập" in shown and "Đang dựng tệp Word" in shown and "width:40%" in shown
    assert 'data-status-url="%s"' % reverse("reports:build_status", args=[build.pk]) in shown
    assert "Tải lại trang" in shown  # without JavaScript
    assert "Tải PDF" in shown  # the previous version's files stay downloadable meanwhile


def test_the_status_endpoint_reports_status_progress_stage(world, client_for):
    d1 = world.districts["own"]
    build = reporting.report_request_build(user=world.users["head"], report=d1.report)
    url = reverse("reports:build_status", args=[build.pk])
    ReportBuild.objects.filter(pk=build.pk).update(status=BuildStatus.RUNNING, progress=65, stage="Đang dựng tệp PDF")
    data = client_for("board").get(url).json()
    assert (data["status"], data["progress"], data["stage"], data["finished"]) == ("running", 65, "Đang dựng tệp PDF", False)
    assert data["files"] == []

    done = client_for("board").get(reverse("reports:build_status", args=[d1.build.pk])).json()
    assert done["finished"] and {f["format"] for f in done["files"]} == {"pdf", "docx", "xlsx"}
    assert done["files"][0]["url"].startswith("/reports/builds/")


def test_a_failed_build_tells_the_writers_why(world, client_for):
    d1 = world.districts["own"]
    build = reporting.report_request_build(user=world.users["head"], report=d1.report)
    ReportBuild.objects.filter(pk=build.pk).update(status=BuildStatus.FAILED, error="WeasyPrint: font missing")
    url = reverse("reports:build_status", args=[build.pk])
    assert client_for("head").get(url).json()["error"] == "WeasyPrint: font missing"
    assert "error" not in client_for("board").get(url).json()
    assert "Lập báo cáo bị lỗi" in page(client_for("head").get(d1.report.get_absolute_url()))


def test_versions_list_the_submission_revisions_they_used(world, client_for):
    d1 = world.districts["own"]
    month = get_or_create_period(d1.report.period.template, "2023-11")
    women = Submission.objects.create(organization=d1.orgs["HLHPN"], period=month, revision=2, status="approved")
    front = Submission.objects.create(organization=d1.orgs["MTTQ"], period=month, revision=1, status="approved")
    ReportBuild.objects.filter(pk=d1.build.pk).update(
        snapshot={"format": 1, "submissions": [[women.pk, 2], [front.pk, 1]]})
    shown = page(client_for("head").get(d1.report.get_absolute_url()))
    assert f"{d1.orgs['HLHPN'].name} · 2023-11 · lần 2" in shown  # full names: short ones repeat in every commune
    assert f"{d1.orgs['MTTQ'].name} · 2023-11 · lần 1" in shown


@pytest.mark.parametrize("versions", [1, 6])
def test_the_report_page_costs_the_same_whatever_the_number_of_versions(world, client_for, versions,
                                                                        django_assert_max_num_queries):
    d1 = world.districts["own"]
    for v in range(2, versions + 1):
        ReportBuild.objects.create(report=d1.report, version=v, idempotency_key=f"v{v}", status="done",
                                   snapshot={"submissions": []})
    client = client_for("board")
    with django_assert_max_num_queries(12):
        assert client.get(d1.report.get_absolute_url()).status_code == 200


# ---------------------------------------------------------------- downloads


@pytest.mark.parametrize("fmt,content_type", [
    ("pdf", "application/pdf"),
    ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
])
def test_downloads_stream_the_right_bytes(world, client_for, fmt, content_type):
    d1 = world.districts["own"]
    response = client_for("field").get(reverse("reports:build_download", args=[d1.build.pk, fmt]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == REPORT_FILE_BYTES[fmt]
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == f'attachment; filename="bao-cao-huyen-dam-ha-2023-Y-v1.{fmt}"'


def test_the_report_page_shows_sizes_and_checksums(world, client_for):
    d1 = world.districts["own"]
    shown = page(client_for("head").get(d1.report.get_absolute_url()))
    for stored in d1.build.files.all():
        assert stored.sha256 in shown
        assert reverse("reports:build_download", args=[d1.build.pk, stored.format]) in shown
    assert "/media/" not in shown


@pytest.mark.parametrize("role,where,expected", [
    ("head", "other_district", 404), ("head", "other_province", 404), ("staff", "other_district", 404),
    ("board", "other_province", 404), ("board", "other_district", 200), ("norole", "own", 404),
])
def test_downloads_out_of_reach_are_404(world, client_for, role, where, expected):
    build = world.districts[where].build
    response = client_for(role).get(reverse("reports:build_download", args=[build.pk, "pdf"]))
    assert response.status_code == expected


def test_an_unknown_format_is_404(world, client_for):
    d1 = world.districts["own"]
    assert client_for("head").get(reverse("reports:build_download", args=[d1.build.pk, "odt"])).status_code == 404


# ---------------------------------------------------------------- the board: return, compare


def test_the_board_returns_with_a_comment_and_the_head_sees_it(world, client_for):
    d1 = world.districts["own"]
    board_page = page(client_for("board").get(d1.report.get_absolute_url()))
    assert "Trả lại báo cáo" in board_page
    # when the board returns the report with a comment
    response = client_for("board").post(reverse("reports:report_return", args=[d1.report.pk]),
                                        {"comment": "Số liệu đoàn viên chưa khớp với báo cáo quý III."})
    assert response.status_code == 302
    # then the head sees the comment on the report page and has a notification
    shown = page(client_for("head").get(d1.report.get_absolute_url()))
    assert "Báo cáo bị trả lại để sửa" in shown and "Số liệu đoàn viên chưa khớp với báo cáo quý III." in shown
    assert "Chuyên Viên Ban Dân Vận" in shown
    note = Notification.objects.get(recipient=world.users["head"])
    assert note.url == d1.report.get_absolute_url() and "chưa khớp" in note.text
    home = page(client_for("head").get(reverse("home")))
    assert "1" in home.split('class="count"')[1][:10]  # the bell
    assert "bị trả lại: Số liệu đoàn viên chưa khớp" in home  # and what is due on the home page
    # and rebuilding clears the return
    client_for("head").post(reverse("reports:report_build", args=[d1.report.pk]))
    assert Report.objects.get(pk=d1.report.pk).status != ReportStatus.RETURNED
    assert "Báo cáo bị trả lại để sửa" not in page(client_for("head").get(d1.report.get_absolute_url()))


def test_home_pages_list_the_figures_waiting_for_a_decision_and_returned_ones(world, client_for):
    d1 = world.districts["own"]
    # the Women's Union's October figures wait for its head (the deputy), nobody else
    assert "chờ anh/chị duyệt" in page(client_for("deputy").get(reverse("home")))
    assert "chờ anh/chị duyệt" not in page(client_for("head").get(reverse("home")))
    # once she returns them, they wait for the Women's Union to correct them (she is one of its
    # members), not for the Front's staff member
    client_for("deputy").post(reverse("reports:submission_return", args=[d1.submitted_submission.pk]),
                              {"comment": "Thiếu số hội viên mới."})
    home = page(client_for("deputy").get(reverse("home")))
    assert "chờ anh/chị duyệt" not in home and "bị trả lại: Thiếu số hội viên mới." in home
    assert "Thiếu số hội viên mới" not in page(client_for("staff").get(reverse("home")))


def test_an_empty_comment_is_refused_in_vietnamese(world, client_for):
    d1 = world.districts["own"]
    response = client_for("board").post(reverse("reports:report_return", args=[d1.report.pk]), {"comment": "  "})
    assert response.status_code == 400
    assert "Hãy ghi ý kiến trả lại để cơ quan khối biết cần sửa gì." in page(response)
    assert Report.objects.get(pk=d1.report.pk).status == ReportStatus.BUILT
    assert not Notification.objects.exists()


def test_the_head_cannot_return(world, client_for):
    d1 = world.districts["own"]
    response = client_for("head").post(reverse("reports:report_return", args=[d1.report.pk]), {"comment": "Tự trả."})
    assert response.status_code == 403 and Report.objects.get(pk=d1.report.pk).status == ReportStatus.BUILT
    assert "Trả lại báo cáo" not in page(client_for("head").get(d1.report.get_absolute_url()))


def test_the_board_of_another_province_does_not_see_the_report(world, client_for):
    d3 = world.districts["other_province"]
    board = client_for("board")
    assert board.get(d3.report.get_absolute_url()).status_code == 404
    assert board.post(reverse("reports:report_return", args=[d3.report.pk]), {"comment": "x"}).status_code == 404
    assert Report.objects.get(pk=d3.report.pk).status == ReportStatus.BUILT


def test_the_board_compares_the_districts_of_its_province(world, client_for):
    d1, d2 = world.districts["own"], world.districts["other_district"]
    template = d1.report.period.template
    november = get_or_create_period(template, "2023-11")
    members = Indicator.objects.get(catalog_unit__isnull=True, code="TC05")  # new members: summed
    for district, value in ((d1, "120"), (d2, "80")):
        sub = Submission.objects.create(organization=district.orgs["HLHPN"], period=november,
                                        status=SubmissionStatus.APPROVED)
        Figure.objects.create(submission=sub, indicator=members, value=Decimal(value))
    response = client_for("board").get(reverse("reports:report_compare"),
                                       {"period": d1.report.period.pk, "code": ["TC05"]})
    shown = page(response)
    assert response.status_code == 200
    assert d1.body.name in shown and d2.body.name in shown
    assert world.districts["other_province"].body.name not in shown
    assert f'<a href="{d1.report.get_absolute_url()}">120</a>' in shown
    assert f'<a href="{d2.report.get_absolute_url()}">80</a>' in shown
    assert '<th class="num" data-label="TC05">200</th>' in shown  # the total
    assert "Đã lập" in shown  # each body's report status
    # without a choice the page opens on the latest period with a report, not the latest figures (2024-10)
    assert client_for("board").get(reverse("reports:report_compare")).context["period"] == d1.report.period


@pytest.mark.parametrize("bodies", [0, 3])
def test_compare_costs_the_same_whatever_the_number_of_bodies(world, client_for, bodies,
                                                              django_assert_max_num_queries):
    from khoi.models import JointBody
    from tests.world import unit

    for i in range(bodies):
        district = unit(f"91{i + 5}", f"Huyện Thêm {i}", "district", world.p1)
        JointBody.objects.create(unit=district, name=f"Cơ quan Khối huyện Thêm {i}")
    client = client_for("board")
    with django_assert_max_num_queries(25):
        response = client.get(reverse("reports:report_compare"),
                              {"period": world.districts["own"].report.period.pk, "code": ["TC05", "TC04"]})
    assert response.status_code == 200


def test_a_finished_build_reads_in_the_browser_from_its_snapshot(world, client_for):
    from tests.reports.sample_snapshot import sample_snapshot

    d1 = world.districts["own"]
    ReportBuild.objects.filter(pk=d1.build.pk).update(snapshot=sample_snapshot())
    head = client_for("head")
    assert reverse("reports:build_view", args=[d1.build.pk]) in page(head.get(d1.report.get_absolute_url()))
    response = head.get(reverse("reports:build_view", args=[d1.build.pk]))
    shown = page(response)
    assert response.status_code == 200 and "Nơi nhận" in shown and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in shown
    assert "default-src 'none'" in response["Content-Security-Policy"]
    # a build that is not finished has nothing to show yet
    ReportBuild.objects.filter(pk=d1.build.pk).update(status="running")
    assert head.get(reverse("reports:build_view", args=[d1.build.pk])).status_code == 404
