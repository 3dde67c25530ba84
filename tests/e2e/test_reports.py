"""Browser tests of the joint periodic report (issue 5, reports/): the "done when" path — the head
of the Đầm Hà body creates the 2024 year report, writes its narrative, has it built and watches
the progress box, downloads PDF, Word and Excel and finds in each the total the database gives;
the provincial board returns it (a comment is required); the head sees the comment on the report
and on the home page. Plus: an organization's figures entered (a negative number refused),
submitted and approved; the report page and the figures form at phone width.

The data is Đầm Hà's demo (``khoi.demo.seed_demo``) with two years of monthly figures and the
2023 year report built (``reports.demo.seed_reports``): loaded once, then restored per test from
an in-memory copy (SQLite), as in test_org_chart.py; elsewhere (PostgreSQL) each test seeds.

Builds: in tests ``CELERY_BROKER_URL`` is the embedded filesystem transport (tests/conftest.py
points its folders at a temporary directory) and ``CELERY_TASK_ALWAYS_EAGER`` is off, so
"Lập báo cáo" really enqueues ``reports.build_report`` on the "reports" queue after commit and
no worker runs. ``run_queued_build`` does what the worker would: it takes that message and runs
the task in the test's thread, which shares the live server's in-memory database. Meanwhile
the page's status polls are held by a Playwright route (its handlers run only while the test
waits in Playwright), so the server never reads the database halfway through a step; a hook in
the Word step checks, while the build is under way, that the progress box shows it.
"""
from __future__ import annotations

import io
import re
import time
from decimal import Decimal

import pytest
from django.db import connection

from khoi.demo import DEMO_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

DAM_HA_BODY = "Cơ quan Khối MTTQ và các đoàn thể huyện Đầm Hà"
WOMEN = "Hội Liên hiệp Phụ nữ huyện Đầm Hà"
HEAD = "damha.truongkhoi"  # Nềnh Quốc Sinh, head of the Đầm Hà body
BOARD = "quangninh.bandanvan"  # the provincial board of Quảng Ninh (reads, returns reports)
STAFF = "damha.canbo"  # Phạm Thị Hồng Nhung, staff of the Women's Union of Đầm Hà
WOMEN_HEAD = "damha.truongtieuban"  # Trần Thị Thu Hà, chairs the Women's Union
YEAR_CODE = "2024-Y"  # the demo has built 2023-Y; 2024 has figures but no report
ACHIEVEMENTS = ("Năm 2024, Cơ quan Khối tổ chức một hội nghị tổng kết chung thay cho sáu hội nghị riêng; "
                "số liệu của các tổ chức được nhập một lần trên phần mềm.")
RETURN_COMMENT = "Đề nghị bổ sung số liệu Hội Nông dân tháng 12 đã được duyệt và lập lại báo cáo."
RECEIVED = ("submitted", "approved")  # reports.rollup: current submissions sent or approved are rolled up
PHONE = 375


# ---------------------------------------------------------------------------- data

_sqlite_snapshot = None  # an in-memory copy of the seeded test database (SQLite only)


def _seed() -> None:
    from khoi.demo import seed_demo
    from khoi.units_data import load_units
    from reports.demo import seed_reports

    load_units()
    seed_demo()
    seed_reports()


@pytest.fixture
def demo(live_server, chromium_browser):
    """The demo with its figures and the built 2023 report, committed for the live server;
    returns the server URL.

    ``chromium_browser`` comes first: it allows the ORM next to Playwright's event loop.
    """
    global _sqlite_snapshot
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        import sqlite3

        connection.ensure_connection()
        raw = connection.connection
        if _sqlite_snapshot is None:
            _seed()
            snapshot = sqlite3.connect(":memory:", check_same_thread=False)
            raw.backup(snapshot)
            _sqlite_snapshot = snapshot
        else:
            _sqlite_snapshot.backup(raw)
    else:
        _seed()
    return live_server.url


def dam_ha_body():
    from khoi.models import JointBody

    return JointBody.objects.select_related("unit").get(name=DAM_HA_BODY)


def report_of(code: str):
    from reports.models import Report

    return Report.objects.select_related("period__template", "joint_body__unit").get(
        joint_body__name=DAM_HA_BODY, period__code=code)


def first_sum_indicator() -> str:
    """The first indicator of the report's tables that is a count added up over months."""
    from reports.models import Indicator

    return (Indicator.objects.filter(catalog_unit__isnull=True, is_active=True, aggregation="sum", value_type="count",
                                     auto_source="").order_by("sort_order", "code").values_list("code", flat=True)[0])


def total_from_figures(code: str, report) -> Decimal:
    """The sum of the organizations' figures for the report's period, straight from the Figure
    rows: the current, sent or approved monthly submissions of every organization of the
    district and its communes."""
    from django.db.models import Count, Sum

    from reports.models import Figure

    period, template = report.period, report.period.template
    found = Figure.objects.filter(
        indicator__code=code, indicator__catalog_unit__isnull=True, value__isnull=False,
        submission__is_current=True, submission__status__in=RECEIVED,
        submission__period__template=template, submission__period__kind=template.submission_kind,
        submission__period__start__gte=period.start, submission__period__end__lte=period.end,
        submission__organization__unit__path__startswith=report.joint_body.unit.path,
    ).aggregate(total=Sum("value"), n=Count("pk"))
    assert found["n"], f"no figures of {code} for {period.code}"
    return Decimal(found["total"])


def vn_count(value: Decimal) -> str:
    """140528 → "140.528" (as the documents print a count)."""
    assert value == value.to_integral_value()
    return f"{int(value):,}".replace(",", ".")


def run_queued_build(build_id: int, *, during=None, timeout: float = 15) -> None:
    """Be the worker of the "reports" queue: take the message that "Lập báo cáo" enqueued after
    commit and run its task here (messages of earlier tests, whose database is gone, are dropped).
    ``during`` runs at the Word step, while the build is under way."""
    from kombu import Exchange, Queue

    from khoi.celery import app
    from reports import render

    queue = Queue("reports", Exchange("reports", type="direct"), routing_key="reports")
    deadline = time.monotonic() + timeout
    with app.connection_for_read() as conn, conn.SimpleQueue(queue) as messages:
        while True:
            left = deadline - time.monotonic()
            assert left > 0, f"no reports.build_report message for build {build_id} on the reports queue"
            try:
                message = messages.get(block=True, timeout=min(left, 1))
            except messages.Empty:
                continue
            message.ack()
            args, kwargs, _embed = message.payload
            if message.headers.get("task") == "reports.build_report" and list(args) == [build_id]:
                break
    render_docx = render.render_docx

    def watched_docx(snapshot):
        if during is not None:
            during()
        return render_docx(snapshot)

    render.render_docx = watched_docx
    try:
        result = app.tasks["reports.build_report"].apply(args=args, kwargs=kwargs, task_id=message.headers.get("id"))
    finally:
        render.render_docx = render_docx
    assert result.get() == "done", result.traceback


# ---------------------------------------------------------------------------- helpers


def login(page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.locator(".login-card").get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{base}/")


def logout(page) -> None:
    page.locator(".userbox").get_by_role("button", name="Đăng xuất").click()
    page.wait_for_load_state()


def open_menu_item(page, name: str) -> None:
    """The main menu; on a phone it is behind the ☰ button."""
    nav = page.locator("nav.mainnav")
    if not nav.is_visible():
        page.locator("label.nav-burger").click()
    nav.get_by_role("link", name=name, exact=True).click()


def open_report(page, period_label: str) -> None:
    from playwright.sync_api import expect

    open_menu_item(page, "Báo cáo")
    row = page.locator("#results tr", has_text=DAM_HA_BODY)
    row.get_by_role("link", name=period_label, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Báo cáo chung {period_label}")


def download(page, label: str, suffix: str) -> bytes:
    with page.expect_download() as info:
        page.locator("#build").get_by_role("link", name=label, exact=True).click()
    dl = info.value
    assert dl.suggested_filename.endswith(suffix), dl.suggested_filename
    with open(dl.path(), "rb") as handle:
        return handle.read()


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)


def pdf_row(data: bytes, code: str) -> list[str]:
    """The words of the PDF table row of indicator ``code`` (its name may wrap onto a second line)."""
    text = pdf_text(data)
    match = re.search(rf"^{code} (.*?)(?=^[A-Z]{{2}}\d{{2}} |^Biểu |\Z)", text, re.M | re.S)
    assert match, f"{code} not found in the PDF"
    return match.group(1).split()


def docx_cell(data: bytes, code: str, header: str) -> str:
    from docx import Document

    for table in Document(io.BytesIO(data)).tables:
        titles = [c.text.strip() for c in table.rows[0].cells]
        if header not in titles:
            continue
        for row in table.rows[1:]:
            if row.cells[0].text.strip() == code:
                return row.cells[titles.index(header)].text.strip()
    raise AssertionError(f"{code} not found in a Word table with a “{header}” column")


def xlsx_cell(data: bytes, code: str, header: str):
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(data), data_only=True)["Số liệu"]
    rows = list(sheet.iter_rows(values_only=True))
    head = next(i for i, r in enumerate(rows) if r and "Mã" in r)
    titles = list(rows[head])
    column = titles.index(header)
    for row in rows[head + 1:]:
        if row[titles.index("Mã")] == code:
            return row[column]
    raise AssertionError(f"{code} not found in the Excel sheet")


def phone_context(browser, height: int = 800):
    context = browser.new_context(viewport={"width": PHONE, "height": height}, locale="vi-VN", is_mobile=True,
                                  has_touch=True)
    context.set_default_timeout(10_000)
    return context


def assert_fits_phone(page, where: str) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE + 1, f"{where}: the page is {width}px wide at {PHONE}px"


def new_draft_submission():
    """The Women's Union's submission for January 2025, a draft with no figure yet."""
    from django.contrib.auth import get_user_model

    from khoi.models import Organization
    from reports import selectors, services

    women = Organization.objects.select_related("unit").get(name=WOMEN)
    period = services.get_or_create_period(selectors.template_for(women.unit), "2025-01")
    return services.submission_get_or_create(actor=get_user_model().objects.get(username=STAFF),
                                             organization=women, period=period)


# ---------------------------------------------------------------------------- tests


def test_year_report_is_built_downloaded_with_the_database_totals_returned_and_seen_returned(page, demo):
    """Issue 5 "done when": create 2024-Y, write the narrative, build it and watch the progress,
    download the three files and find the database's total in each; the board returns it (not
    without a comment); the head reads the comment on the report and on the home page."""
    from playwright.sync_api import expect

    # -- the head creates the 2024 year report and writes its narrative
    login(page, demo, HEAD)
    open_menu_item(page, "Báo cáo")
    expect(page.get_by_role("heading", level=1)).to_have_text("Báo cáo chung")
    expect(page.locator("#results")).to_contain_text("Năm 2023")
    page.locator(".page-head").get_by_role("link", name="Tạo báo cáo").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tạo báo cáo chung")
    expect(page.get_by_label("Cơ quan khối")).to_have_text(DAM_HA_BODY)  # only her own body
    page.get_by_label("Loại kỳ").select_option(label="Năm")
    page.get_by_label("Mã kỳ").fill("2023-Y")  # built already: refused, in Vietnamese
    page.get_by_role("button", name="Tạo báo cáo").click()
    expect(page.locator("form.form .errors")).to_have_text("Cơ quan khối đã có báo cáo cho kỳ này.")
    page.get_by_label("Mã kỳ").fill(YEAR_CODE)
    page.get_by_role("button", name="Tạo báo cáo").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Soạn nội dung báo cáo")
    expect(page.locator("ul.messages")).to_contain_text("Đã tạo báo cáo Năm 2024")
    page.get_by_label("Kết quả đạt được").fill(ACHIEVEMENTS)
    page.get_by_role("button", name="Lưu", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Báo cáo chung Năm 2024")
    expect(page.locator(".rp-status")).to_have_text("Đang soạn")
    expect(page.locator(".rp-narrative")).to_contain_text(ACHIEVEMENTS)
    expect(page.locator("#build")).to_contain_text("Chưa lập lần nào.")
    report_url = page.url

    # -- "Lập báo cáo": the build is queued; the page polls its status and reloads when done
    page.route("**/reports/builds/*/status/", lambda route: route.continue_())  # held while the task runs
    page.locator(".page-head").get_by_role("button", name="Lập báo cáo").click()
    box = page.locator(".rp-progress")
    expect(box).to_contain_text("Lần lập 1:")
    expect(box.locator(".rp-label")).to_have_text("Đang chờ")
    expect(box.locator(".rp-pct")).to_have_text("0%")
    expect(box).to_contain_text("Trang tự cập nhật khi lập xong.")
    report = report_of(YEAR_CODE)
    build = report.builds.get()
    assert (build.version, build.status) == (1, "pending")

    def while_building():  # the Word step: the box has moved on, without a reload
        expect(box.locator(".rp-label")).to_have_text("Đang lập")
        expect(box.locator(".rp-stage")).to_have_text("Lập Word")
        expect(box.locator(".rp-pct")).to_have_text("70%")
        expect(box.locator(".progress")).to_have_attribute("aria-valuenow", "70")

    run_queued_build(build.pk, during=while_building)
    expect(page.locator(".rp-progress")).to_have_count(0)  # reloaded by the poll
    expect(page.locator(".rp-status")).to_have_text("Đã lập")
    expect(page.locator("#build")).to_contain_text("Lần lập 1, xong lúc")
    page.unroute("**/reports/builds/*/status/")

    # -- the three files hold the total the database gives
    code = first_sum_indicator()
    expected = total_from_figures(code, report)
    from reports.rollup import rollup

    assert rollup(report.joint_body.unit, report.period, indicators=[code]).totals[code] == expected
    shown = vn_count(expected)

    pdf = download(page, "Tải PDF", ".pdf")
    assert pdf.startswith(b"%PDF")
    words = pdf_row(pdf, code)
    assert words[-3] == shown, f"PDF row {code}: {words} (total {shown} before the two comparison columns)"
    assert "hội nghị tổng kết chung thay cho sáu hội nghị riêng" in " ".join(pdf_text(pdf).split())  # the narrative

    docx = download(page, "Tải Word", ".docx")
    assert docx_cell(docx, code, "Tổng") == shown

    xlsx = download(page, "Tải Excel", ".xlsx")
    value = xlsx_cell(xlsx, code, "Tổng")
    assert isinstance(value, int) and value == int(expected), value

    # -- the provincial board returns it; not without a comment
    logout(page)
    login(page, demo, BOARD)
    open_report(page, "Năm 2024")
    expect(page.locator(".page-head form")).to_have_count(0)  # no build nor edit for the board
    returning = page.locator("#return")
    returning.get_by_role("button", name="Trả lại báo cáo").click()
    expect(page.get_by_role("alert").first).to_contain_text(
        "Chưa trả lại được báo cáo. Hãy ghi ý kiến trả lại để cơ quan khối biết cần sửa gì.")
    expect(page.locator("#return .error")).to_have_text("Hãy ghi ý kiến trả lại để cơ quan khối biết cần sửa gì.")
    report.refresh_from_db()
    assert report.status == "built"
    page.locator("#return").get_by_label("Ý kiến trả lại").fill(RETURN_COMMENT)
    page.locator("#return").get_by_role("button", name="Trả lại báo cáo").click()
    expect(page.get_by_text("Đã trả lại báo cáo; cơ quan khối đã được thông báo.")).to_be_visible()
    expect(page.locator(".rp-status")).to_have_text("Bị trả lại")
    expect(page.locator("#return")).to_have_count(0)  # returned once, until it is rebuilt
    report.refresh_from_db()
    assert (report.status, report.return_comment) == ("returned", RETURN_COMMENT)

    # -- the head sees the comment on her home page and on the report
    logout(page)
    login(page, demo, HEAD)
    due = page.locator("ul.due").get_by_role("link", name=re.compile(r"^Báo cáo .*Năm 2024 bị trả lại: "))
    expect(due).to_have_text(f"Báo cáo {DAM_HA_BODY} — Năm 2024 bị trả lại: {RETURN_COMMENT}")
    due.click()
    page.wait_for_url(report_url)
    returned = page.locator("section.rp-returned")
    expect(returned.get_by_role("heading")).to_have_text("Báo cáo bị trả lại để sửa")
    expect(returned.locator("blockquote")).to_have_text(RETURN_COMMENT)
    expect(returned).to_contain_text("Hoàng Thị Minh Nguyệt trả lại lúc")
    expect(page.locator(".page-head").get_by_role("button", name="Lập lại báo cáo")).to_be_visible()


def test_figures_with_a_negative_number_are_refused_then_submitted_and_approved(page, demo):
    """The Women's Union's staff member fills in January 2025: a negative number is refused in
    Vietnamese and nothing is saved; fixed, the figures are saved and sent; the chairwoman
    approves them."""
    from playwright.sync_api import expect

    from reports.models import Submission

    login(page, demo, STAFF)
    open_menu_item(page, "Số liệu")
    expect(page.get_by_role("heading", level=1)).to_have_text("Số liệu báo cáo")
    start = page.locator("form.inline-form")
    start.get_by_label("Tổ chức").select_option(label=WOMEN)
    start.get_by_label("Kỳ").fill("2025-01")
    start.get_by_role("button", name="Nhập số liệu").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{WOMEN} — Tháng 1/2025")
    expect(page.locator(".page-head .badge").first).to_have_text("Nháp")

    inputs = page.locator("table.figures input.num")
    count = inputs.count()
    assert count >= 10, f"only {count} figures to enter"
    rows = page.locator("table.figures tbody tr", has=page.locator("input.num"))
    for i in range(count):  # last month's figure where there is one, else 0
        before = rows.nth(i).locator("td[data-label='Kỳ trước']").inner_text().strip()
        inputs.nth(i).fill(before if re.fullmatch(r"[\d.,]+", before) else "0")
    first_row = rows.first
    first_code = first_row.locator("td").first.inner_text().strip()
    kept = inputs.first.input_value()
    inputs.first.fill("-5")
    page.get_by_role("button", name="Lưu nháp").click()

    expect(page.get_by_role("alert").last).to_contain_text("Chưa lưu: hãy sửa các ô báo lỗi.")
    expect(first_row.locator(".error")).to_have_text(re.compile(rf"^{first_code} \(.+\): số liệu không được âm\.$"))
    expect(first_row).to_have_class(re.compile("has-error"))
    expect(inputs.first).to_have_value("-5")  # what she typed is kept
    submission = Submission.objects.get(organization__name=WOMEN, period__code="2025-01")
    assert submission.figures.count() == 0

    inputs.first.fill(kept)
    page.get_by_role("button", name="Lưu nháp").click()
    expect(page.get_by_text("Đã lưu số liệu.")).to_be_visible()
    expect(page.locator("table.figures .error")).to_have_count(0)
    assert submission.figures.count() == count

    page.locator(".page-head").get_by_role("button", name="Gửi duyệt").click()
    expect(page.get_by_text("Đã gửi số liệu; chờ lãnh đạo tổ chức duyệt.")).to_be_visible()
    expect(page.locator(".page-head .badge").first).to_have_text("Đã gửi")
    expect(page.locator("table.figures input")).to_have_count(0)  # read-only once sent
    expect(page.locator(".page-head").get_by_role("button", name="Duyệt")).to_have_count(0)  # not hers to approve

    logout(page)
    login(page, demo, WOMEN_HEAD)
    waiting = page.locator("ul.due").get_by_role("link", name=f"Số liệu {WOMEN} — Tháng 1/2025 chờ anh/chị duyệt.")
    waiting.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{WOMEN} — Tháng 1/2025")
    page.locator(".page-head").get_by_role("button", name="Duyệt", exact=True).click()
    expect(page.get_by_text("Đã duyệt số liệu.")).to_be_visible()
    expect(page.locator(".page-head .badge").first).to_have_text("Đã duyệt")
    submission.refresh_from_db()
    assert (submission.status, submission.decided_by.username) == ("approved", WOMEN_HEAD)


def test_report_page_and_figures_form_fit_a_phone(chromium_browser, demo):
    """At 375 px: the built 2023 report (download buttons, checksums, versions table), the same
    report returned with the board's comment, and the figures form with an error."""
    from playwright.sync_api import expect

    from django.contrib.auth import get_user_model

    from reports import reporting

    context = phone_context(chromium_browser)
    try:
        page = context.new_page()
        login(page, demo, HEAD)
        open_report(page, "Năm 2023")
        expect(page.locator("#build").get_by_role("link", name="Tải PDF")).to_be_visible()
        assert_fits_phone(page, "built report")
        page.get_by_role("link", name="Soạn nội dung").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Soạn nội dung báo cáo")
        assert_fits_phone(page, "report narrative form")

        reporting.report_return(user=get_user_model().objects.get(username=BOARD), report=report_of("2023-Y"),
                                comment=RETURN_COMMENT)
        page.goto(f"{demo}/")
        page.locator("ul.due").get_by_role("link", name=re.compile("Năm 2023 bị trả lại")).click()
        expect(page.locator("section.rp-returned blockquote")).to_have_text(RETURN_COMMENT)
        assert_fits_phone(page, "returned report")
        logout(page)

        submission = new_draft_submission()
        login(page, demo, STAFF)
        page.goto(f"{demo}/reports/submissions/{submission.pk}/")
        inputs = page.locator("table.figures input.num")
        expect(inputs.first).to_be_visible()
        inputs.first.fill("-1")
        page.get_by_role("button", name="Lưu nháp").click()
        expect(page.locator("table.figures .error")).to_contain_text("số liệu không được âm")
        assert_fits_phone(page, "figures form with an error")
    finally:
        context.close()
