"""Browser tests of the joint work programme (programme/, subcommittees/): what the demo's users
see when a shared matter is refused, when the head merges an overlap, when a task is assigned
and reported, and on the calendars at phone width.

The data is Đầm Hà's demo (``khoi.demo.seed_demo``) with its 2024 programme
(``programme.demo.seed_programme``): loaded once, then restored per test from an in-memory
copy (SQLite), as in test_org_chart.py; elsewhere (PostgreSQL) each test seeds.
"""
from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.utils import timezone

from khoi.demo import DEMO_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

DAM_HA_BODY = "Cơ quan Khối MTTQ và các đoàn thể huyện Đầm Hà"
PROGRAMME = "Chương trình công tác năm 2024"
WOMEN = "Hội Liên hiệp Phụ nữ huyện Đầm Hà"
YOUTH = "Đoàn Thanh niên huyện Đầm Hà"
JOINT_CONFERENCE = "Hội nghị tổng kết công tác năm 2024 của Cơ quan Khối"
WOMEN_TRAINING = "Tập huấn kỹ năng tuyên truyền phòng chống ma túy cho hội viên phụ nữ"
YOUTH_TRAINING = "Tập huấn kỹ năng tuyên truyền phòng chống ma túy cho đoàn viên thanh niên"
LONG_CAMPAIGN = "Phát triển đoàn viên công đoàn khu vực ngoài nhà nước"
SEEDED_ACTIVITIES = 18  # programme.demo: 17 activities and the recorded exception
PHONE = 375


# ---------------------------------------------------------------------------- data

_sqlite_snapshot = None  # an in-memory copy of the seeded test database (SQLite only)


def _seed() -> None:
    from khoi.demo import seed_demo
    from khoi.units_data import load_units
    from programme.demo import seed_programme

    load_units()
    seed_demo()
    seed_programme()


@pytest.fixture
def demo(live_server, chromium_browser):
    """The demo with its 2024 programme, committed for the live server; returns the server URL.

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


def programme_pk() -> int:
    from programme.models import WorkProgramme

    return WorkProgramme.objects.get(joint_body__name=DAM_HA_BODY, year=2024).pk


def activity_pk(title: str) -> int:
    from programme.models import Activity

    return Activity.objects.get(title=title).pk


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
    page.locator("nav.mainnav").get_by_role("link", name=name, exact=True).click()


def open_programme(page) -> None:
    open_menu_item(page, "Chương trình công tác")
    page.locator("main").get_by_role("link", name=PROGRAMME).click()
    from playwright.sync_api import expect

    expect(page.get_by_role("heading", level=1)).to_have_text(PROGRAMME)


def card(page, heading: str):
    return page.locator("section.card", has=page.get_by_role("heading", name=heading, exact=True))


def phone_context(browser):
    context = browser.new_context(viewport={"width": PHONE, "height": 800}, locale="vi-VN", is_mobile=True,
                                  has_touch=True)
    context.set_default_timeout(10_000)
    return context


def page_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


# ---------------------------------------------------------------------------- tests


def test_own_instance_of_shared_matter_is_refused_and_she_joins_the_joint_one(page, demo):
    """The deputy who chairs the Women's Union plans her own year-end review: it is the body's
    shared conference (rule C3), so the form refuses it and offers to join the joint one."""
    from playwright.sync_api import expect

    own_title = "Hội nghị tổng kết công tác Hội LHPN năm 2024"
    joint_url = f"{demo}/activities/{activity_pk(JOINT_CONFERENCE)}/"
    login(page, demo, "damha.truongtieuban")
    open_programme(page)
    expect(page.locator("#results")).to_contain_text(f"{SEEDED_ACTIVITIES} kết quả")
    page.locator(".page-head").get_by_role("link", name="Thêm hoạt động").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thêm hoạt động")

    page.get_by_label("Tên hoạt động").fill(own_title)
    page.get_by_label("Quy tắc phối hợp").select_option(label="C3 — Hội nghị sơ kết, tổng kết chung (Chung)")
    owner = page.get_by_label("Tổ chức chủ trì riêng")
    expect(owner.locator("option")).to_have_text(["— Chung (cơ quan khối chủ trì) —", WOMEN])  # only her own
    owner.select_option(label=WOMEN)
    page.get_by_label("Từ ngày").fill("09/12/2024")
    page.get_by_label("Đến ngày").fill("09/12/2024")
    page.get_by_role("button", name="Lưu", exact=True).click()

    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Đây là việc chung của cơ quan khối (quy tắc C3): đã có hoạt động chung")
    expect(alert).to_contain_text("(16/12/2024 – 17/12/2024)")
    expect(alert).to_contain_text("Tổ chức của bạn tham gia hoạt động chung thay vì tổ chức riêng")
    joint_link = alert.get_by_role("link", name=JOINT_CONFERENCE)
    expect(joint_link).to_have_attribute("href", re.compile(r"/activities/\d+/$"))
    expect(alert.get_by_role("link", name="Xem hoạt động chung")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thêm hoạt động")  # still on the form
    expect(page.get_by_label("Tên hoạt động")).to_have_value(own_title)  # what she typed is kept
    expect(page.get_by_label("Từ ngày")).to_have_value("09/12/2024")

    # joint activities include every member by default: she is told so, and opens the joint one
    expect(alert).to_contain_text("Tổ chức của bạn đã là tổ chức tham gia hoạt động chung này.")
    expect(alert.get_by_role("button", name=re.compile("tham gia hoạt động chung"))).to_have_count(0)
    alert.get_by_role("link", name="Xem hoạt động chung").click()
    page.wait_for_url(joint_url)
    expect(page.get_by_role("heading", level=1)).to_have_text(JOINT_CONFERENCE)
    expect(card(page, "Tổ chức tham gia").locator("li", has_text=WOMEN)).to_have_count(1)
    expect(card(page, "Quy tắc phối hợp")).to_contain_text("Việc chung, cơ quan khối chủ trì")

    page.get_by_role("link", name=PROGRAMME).click()
    results = page.locator("#results")
    expect(results).to_contain_text(f"{SEEDED_ACTIVITIES} kết quả")
    expect(results.get_by_role("link", name=JOINT_CONFERENCE)).to_be_visible()
    expect(results).not_to_contain_text(own_title)


def test_head_merges_the_caught_overlap_into_one_joint_activity(page, demo):
    from playwright.sync_api import expect

    login(page, demo, "damha.truongkhoi")
    overlaps_card = card(page, "Trùng lặp cần xử lý")
    expect(overlaps_card).to_contain_text("1 cặp hoạt động của các tổ chức có dấu hiệu trùng lặp.")
    overlaps_card.get_by_role("link", name="Xem và xử lý").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Hoạt động trùng lặp giữa các tổ chức")
    expect(page.locator("nav.tabs a.active")).to_have_text("Chưa xử lý")
    overlap = page.locator("section.overlap")
    expect(overlap).to_have_count(1)  # the demo's kept overlap is not listed among the open ones
    expect(overlap.get_by_role("link", name=WOMEN_TRAINING)).to_be_visible()
    expect(overlap.get_by_role("link", name=YOUTH_TRAINING)).to_be_visible()
    expect(overlap.locator(".pair")).to_contain_text(f"{WOMEN} · 10/09 – 11/09/2024")
    expect(overlap.locator(".pair")).to_contain_text(f"{YOUTH} · 11/09 – 12/09/2024")
    badges = overlap.locator(".reasons .badge")
    expect(badges).to_have_count(5)
    expect(badges.nth(0)).to_have_text(re.compile(r"^cùng chủ đề: "))
    expect(badges.nth(1)).to_have_text("tên gần giống")
    expect(badges.nth(2)).to_have_text("trùng thời gian")
    expect(badges.nth(3)).to_have_text("cùng địa bàn")
    expect(badges.nth(4)).to_have_text("cùng đối tượng")

    merge = overlap.locator("details", has=page.locator("summary", has_text="Gộp thành một hoạt động chung"))
    merge_form = merge.locator("form")
    expect(merge_form).to_be_hidden()
    merge.locator("summary").click()
    expect(merge_form).to_be_visible()
    expect(merge_form.get_by_label("Tên hoạt động chung")).to_have_value(WOMEN_TRAINING)
    merged_title = "Tập huấn kỹ năng tuyên truyền phòng chống ma túy cho hội viên phụ nữ và đoàn viên thanh niên"
    merge_form.get_by_label("Tên hoạt động chung").fill(merged_title)
    merge_form.get_by_label("Quy tắc của hoạt động chung").select_option(
        label="C4 — Tập huấn, bồi dưỡng nghiệp vụ chung")
    merge_form.get_by_role("button", name="Gộp", exact=True).click()

    page.wait_for_url(re.compile(r"/activities/\d+/$"))
    expect(page.locator(".messages")).to_contain_text(
        "Đã gộp thành một hoạt động chung; các tổ chức đều là tổ chức tham gia.")
    expect(page.get_by_role("heading", level=1)).to_have_text(merged_title)
    expect(page.locator(".page-head")).to_contain_text("10/09/2024 – 12/09/2024")
    rule = card(page, "Quy tắc phối hợp")
    expect(rule.locator(".badge")).to_have_text("Chung")
    expect(rule).to_contain_text("C4 — Tập huấn, bồi dưỡng nghiệp vụ chung")
    expect(rule).to_contain_text("Việc chung, cơ quan khối chủ trì")
    participants = card(page, "Tổ chức tham gia").locator("li")
    expect(participants).to_have_text([WOMEN, YOUTH])
    expect(card(page, "Đối tượng, địa bàn, chủ đề")).to_contain_text("Xã Tân Bình")
    merged_from = page.locator("h2", has_text="Gộp từ").locator("xpath=following-sibling::ul[1]")
    expect(merged_from).to_contain_text(f"{YOUTH_TRAINING} ({YOUTH})")
    overlaps_here = page.locator("h2", has_text="Trùng lặp").locator("xpath=following-sibling::ul[1]")
    expect(overlaps_here.locator("li", has_text=YOUTH_TRAINING)).to_contain_text("— Đã gộp")

    page.goto(f"{demo}/overlaps/")
    expect(page.locator("main")).to_contain_text("Không có trùng lặp nào.")
    expect(page.locator("section.overlap")).to_have_count(0)
    page.goto(f"{demo}/")
    expect(card(page, "Trùng lặp cần xử lý")).to_have_count(0)
    page.get_by_role("link", name="Chương trình công tác", exact=True).first.click()
    page.locator("main").get_by_role("link", name=PROGRAMME).click()
    results = page.locator("#results")
    expect(results.get_by_role("link", name=merged_title)).to_be_visible()
    expect(results).not_to_contain_text(YOUTH_TRAINING)  # the absorbed one is no longer listed


def test_subcommittee_head_assigns_a_task_and_the_assignee_reports_it_done(page, demo):
    from playwright.sync_api import expect

    title = "Chuẩn bị tài liệu tuyên truyền phòng chống ma túy cho các xã"
    due = (timezone.localdate() + dt.timedelta(days=7)).strftime("%d/%m/%Y")
    login(page, demo, "damha.truongtieuban")
    open_menu_item(page, "Nhiệm vụ")
    expect(page.get_by_role("heading", level=1)).to_have_text("Nhiệm vụ")
    page.locator(".page-head").get_by_role("link", name="Thêm mới").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Giao nhiệm vụ")

    page.get_by_label(re.compile(r"^Nhiệm vụ")).fill(title)
    page.get_by_label("Người thực hiện").select_option(label="Phạm Thị Hồng Nhung")
    page.get_by_label("Hạn").fill(due)
    page.get_by_label("Hoạt động").select_option(label=WOMEN_TRAINING)
    expect(page.get_by_label("Bộ phận giao").locator("option")).to_have_text(
        ["---------", f"Tiểu ban Tuyên truyền – Vận động — {DAM_HA_BODY}"])  # only the part she heads
    page.get_by_label("Bộ phận giao").select_option(label=f"Tiểu ban Tuyên truyền – Vận động — {DAM_HA_BODY}")
    page.get_by_role("button", name="Lưu", exact=True).click()

    page.wait_for_url(re.compile(r"/tasks/\d+/$"))
    expect(page.locator(".messages")).to_contain_text("Đã giao nhiệm vụ cho Phạm Thị Hồng Nhung.")
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(card(page, "Giao cho")).to_contain_text("Phạm Thị Hồng Nhung")
    expect(card(page, "Hạn")).to_contain_text(due)
    expect(card(page, "Hạn")).to_contain_text("Chưa làm")
    task_url = page.url

    logout(page)
    login(page, demo, "damha.canbo")
    mine = card(page, "Nhiệm vụ của tôi")
    expect(mine.get_by_role("link", name=title)).to_be_visible()
    expect(mine.locator("li", has_text=title)).to_contain_text(f"hạn {due}")
    bell = page.locator(".userbox a.bell")
    expect(bell.locator(".count")).to_have_text("1")
    bell.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thông báo")
    note = page.locator("ul.notes li", has_text="Bạn được giao nhiệm vụ")
    expect(note).to_have_count(1)
    expect(note).to_contain_text(f"Bạn được giao nhiệm vụ “{title}”, hạn {due}.")
    expect(note).to_have_class(re.compile(r"\bunread\b"))
    expect(bell.locator(".count")).to_have_count(0)  # this page marked it read
    note.get_by_role("link").click()

    page.wait_for_url(task_url)
    progress = card(page, "Cập nhật tiến độ")
    progress.get_by_label("Trạng thái").select_option(label="Hoàn thành")
    progress.get_by_label("Kết quả, ghi chú").fill("Đã in 500 tờ rơi, gửi 9 xã, thị trấn.")
    progress.get_by_role("button", name="Cập nhật").click()
    expect(page.locator(".messages")).to_contain_text("Đã cập nhật nhiệm vụ.")
    expect(card(page, "Hạn")).to_contain_text("Hoàn thành")
    expect(page.locator("main")).to_contain_text("Đã in 500 tờ rơi, gửi 9 xã, thị trấn.")

    page.goto(f"{demo}/")
    expect(card(page, "Nhiệm vụ của tôi")).not_to_contain_text(title)  # only open tasks are listed

    logout(page)
    login(page, demo, "damha.truongtieuban")
    expect(page.locator(".userbox a.bell .count")).to_have_text("1")
    page.locator(".userbox a.bell").click()
    expect(page.locator("ul.notes")).to_contain_text(
        f"Phạm Thị Hồng Nhung cập nhật nhiệm vụ “{title}”: Hoàn thành.")


def test_month_calendar_shows_both_trainings_and_week_view_fits_a_phone(page, demo, chromium_browser):
    from playwright.sync_api import expect

    login(page, demo, "damha.truongtieuban")
    open_programme(page)
    page.locator("nav.tabs").get_by_role("link", name="Lịch tháng").click()
    expect(page.locator("nav.tabs a.active")).to_have_text("Lịch tháng")
    expect(page.locator(".calnav strong")).to_have_text("Tháng 01/2024")  # the programme's year, not today's
    for month in range(2, 10):  # “›” up to September, one page load at a time
        page.locator(".calnav a").last.click()
        expect(page.locator(".calnav strong")).to_have_text(f"Tháng {month:02d}/2024")
    expect(page).to_have_url(re.compile(r"\?m=2024-09$"))
    expect(page.locator(".long-running")).to_contain_text(f"{LONG_CAMPAIGN} (01/07 – 30/09)")

    def day(number: str):
        return page.locator("table.calendar td:not(.other)", has=page.locator(".daynum", has_text=re.compile(f"^{number}$")))

    def events(number: str):
        return day(number).locator("a.event")

    expect(events("10")).to_have_count(1)
    expect(events("10").first).to_have_attribute("title", WOMEN_TRAINING)
    expect(events("11")).to_have_count(2)
    expect(day("11").locator(f'a.event[title="{WOMEN_TRAINING}"]')).to_have_count(1)
    expect(day("11").locator(f'a.event[title="{YOUTH_TRAINING}"]')).to_have_count(1)
    expect(events("12")).to_have_count(1)
    expect(events("12").first).to_have_attribute("title", YOUTH_TRAINING)
    expect(events("09")).to_have_count(0)  # the long campaign is above the grid, not in every cell
    expect(events("11").first).to_have_class(re.compile(r"\bseparate\b"))  # each its own organization's

    day("11").locator(f'a.event[title="{YOUTH_TRAINING}"]').click()
    expect(page.get_by_role("heading", level=1)).to_have_text(YOUTH_TRAINING)

    context = phone_context(chromium_browser)
    try:
        phone = context.new_page()
        login(phone, demo, "damha.truongtieuban")
        phone.goto(f"{demo}/programme/{programme_pk()}/week/?d=2024-09-11")
        expect(phone.locator(".calnav strong")).to_have_text("09/09 – 15/09/2024")
        wednesday = phone.locator("section.weekday", has=phone.locator("h3", has_text="11/09"))
        expect(wednesday.get_by_role("link", name=re.compile(WOMEN_TRAINING))).to_be_visible()
        expect(wednesday.get_by_role("link", name=re.compile(YOUTH_TRAINING))).to_be_visible()
        assert page_width(phone) <= PHONE + 1, f"week view is {page_width(phone)}px wide at {PHONE}px"
        phone.goto(f"{demo}/programme/{programme_pk()}/month/?m=2024-09")
        expect(phone.locator(".calnav strong")).to_have_text("Tháng 09/2024")
        assert page_width(phone) <= PHONE + 1, f"month view is {page_width(phone)}px wide at {PHONE}px"
    finally:
        context.close()


@pytest.mark.parametrize("user, path", [
    ("damha.truongtieuban", "/programme/"),
    ("damha.truongtieuban", "/programme/{programme}/"),
    ("damha.truongtieuban", "/programme/{programme}/activities/new/"),
    ("damha.truongtieuban", "/activities/{training}/"),
    ("damha.truongkhoi", "/overlaps/"),
    ("damha.truongtieuban", "/tasks/"),
    ("damha.truongtieuban", "/tasks/new/"),
])
def test_programme_pages_fit_a_phone(chromium_browser, demo, user, path):
    from playwright.sync_api import expect

    url = demo + path.format(programme=programme_pk(), training=activity_pk(WOMEN_TRAINING))
    context = phone_context(chromium_browser)
    try:
        phone = context.new_page()
        login(phone, demo, user)
        response = phone.goto(url)
        assert response.status == 200
        expect(phone.get_by_role("heading", level=1)).to_be_visible()
        assert page_width(phone) <= PHONE + 1, f"{path}: page is {page_width(phone)}px wide at {PHONE}px"
    finally:
        context.close()


# ---------------------------------------------------------------------------- fixed bugs (kept as tests)


def test_programme_index_shows_years_without_thousand_separator(page, demo):
    from playwright.sync_api import expect

    login(page, demo, "damha.truongkhoi")
    open_menu_item(page, "Chương trình công tác")
    expect(page.locator("main table.list tbody td").first).to_have_text("2024", timeout=2_000)
    year = page.get_by_label("Năm")
    expect(year).to_have_value(str(timezone.localdate().year), timeout=2_000)
    assert year.evaluate("e => e.validity.valid")


def test_overlap_reason_names_the_topic_with_its_diacritics(page, demo):
    from playwright.sync_api import expect

    login(page, demo, "damha.truongkhoi")
    page.goto(f"{demo}/overlaps/")
    expect(page.locator("section.overlap .reasons .badge").first).to_have_text(
        "cùng chủ đề: phòng chống ma túy", timeout=2_000)


def test_opened_merge_form_fits_a_phone(chromium_browser, demo):
    from playwright.sync_api import expect

    context = phone_context(chromium_browser)
    try:
        phone = context.new_page()
        login(phone, demo, "damha.truongkhoi")
        phone.goto(f"{demo}/overlaps/")
        phone.locator("section.overlap summary", has_text="Gộp thành một hoạt động chung").click()
        expect(phone.get_by_label("Quy tắc của hoạt động chung")).to_be_visible()
        assert page_width(phone) <= PHONE + 1, f"opened merge form: page is {page_width(phone)}px wide at {PHONE}px"
    finally:
        context.close()
