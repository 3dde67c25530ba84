"""Browser tests: what a user of the demo sees (login, home page, organization chart, reach,
search without diacritics, form errors in Vietnamese, phone width).

Each test runs against pytest-django's ``live_server`` on the demo data (``khoi.demo``): the
administrative units and the demo are loaded per test, because the live server's transactional
database is flushed after each test (see ``demo`` below for how that is kept cheap on SQLite).
"""
from __future__ import annotations

import re

import pytest
from django.db import connection

from khoi.demo import DEMO_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

DAM_HA_BODY = "Cơ quan Khối MTTQ và các đoàn thể huyện Đầm Hà"
NA_HANG_BODY = "Cơ quan khối Dân huyện Na Hang"
PARTS = [
    "Tiểu ban Tuyên truyền – Vận động",
    "Tiểu ban Kiểm tra – Giám sát",
    "Tiểu ban Dân chủ – Pháp luật",
    "Văn phòng",
]
DEPUTIES = ["Trần Thị Thu Hà", "Lý Văn Thắng", "Chíu Văn Dũng", "Vi Thị Lan", "Hoàng Văn Nam"]
NOT_FOUND = "Không tìm thấy trang"
FORBIDDEN = "Không có quyền"


# ---------------------------------------------------------------------------- data

_sqlite_snapshot = None  # an in-memory copy of the seeded test database (SQLite only)


def _seed() -> None:
    from khoi.demo import seed_demo
    from khoi.units_data import load_units

    load_units()
    seed_demo()


def _in_memory_sqlite() -> bool:
    return connection.vendor == "sqlite" and connection.is_in_memory_db()


@pytest.fixture
def demo(live_server, chromium_browser):
    """The demo data, committed, so the live server's thread sees it; returns the server URL.

    On the in-memory SQLite test database (the default) the first test seeds (~5 s) and keeps
    a page-level copy through sqlite3's backup API; later tests restore that copy in
    milliseconds. The live server shares this very connection (Django does so for in-memory
    SQLite), so the restored rows are what it serves. Elsewhere (PostgreSQL) each test seeds.
    ``chromium_browser`` comes first: it allows the ORM next to Playwright's event loop.
    """
    global _sqlite_snapshot
    if _in_memory_sqlite():
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


def body_pk(name: str) -> int:
    from khoi.models import JointBody

    return JointBody.objects.get(name=name).pk


# ---------------------------------------------------------------------------- helpers


def login(page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.locator(".login-card").get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{base}/")


def expect_text(locator, text: str) -> None:
    from playwright.sync_api import expect

    expect(locator).to_contain_text(text)


def open_menu_item(page, name: str) -> None:
    page.locator("nav.mainnav").get_by_role("link", name=name, exact=True).click()


# ---------------------------------------------------------------------------- tests


def test_subcommittee_head_sees_home_and_org_chart_but_not_other_province(page, demo):
    from playwright.sync_api import expect

    login(page, demo, "damha.truongtieuban")
    main = page.locator("main")
    expect(page.get_by_role("heading", level=1)).to_have_text("Xin chào, Trần Thị Thu Hà")
    expect(page.locator(".userbox")).to_contain_text("Trần Thị Thu Hà")
    positions = main.locator("section.card", has=page.get_by_role("heading", name="Chức vụ của tôi"))
    for title in ("Chủ tịch Hội LHPN huyện", "Phó Trưởng khối", "Trưởng Tiểu ban Tuyên truyền – Vận động"):
        expect(positions).to_contain_text(title)
    expect(main.locator(".roles")).to_contain_text("Trưởng tiểu ban")

    open_menu_item(page, "Cơ quan khối")
    expect(page.get_by_role("heading", level=1)).to_have_text("Cơ quan khối")
    results = page.locator("#results")
    expect(results.get_by_role("link", name=DAM_HA_BODY)).to_be_visible()
    expect(results).not_to_contain_text("Na Hang")

    results.get_by_role("link", name=DAM_HA_BODY).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(DAM_HA_BODY)
    chart = page.get_by_role("region", name="Sơ đồ tổ chức")
    expect(chart.locator(".oc-head .oc-name")).to_have_text(["Nềnh Quốc Sinh"])
    expect(chart.locator(".oc-deputies .oc-name")).to_have_text(DEPUTIES)
    expect(chart.locator(".oc-part h3")).to_have_text(PARTS)
    propaganda = chart.locator(".oc-part", has=page.get_by_role("link", name=PARTS[0]))
    expect(propaganda.locator(".oc-part-head")).to_contain_text("Trần Thị Thu Hà")
    huy = propaganda.locator(".oc-members li", has_text="Đặng Quang Huy")
    expect(huy).to_contain_text("Đoàn TN")
    expect(huy).to_have_attribute("title", "Thành viên Tiểu ban Tuyên truyền – Vận động")
    inspection = chart.locator(".oc-part", has=page.get_by_role("link", name=PARTS[1]))
    expect(inspection.locator(".oc-part-head")).to_contain_text("Chíu Văn Dũng")
    expect(inspection.locator(".oc-members")).to_contain_text("Tằng Văn Lộc")
    expect(inspection.locator(".oc-members")).to_contain_text("Hội CCB")
    office = chart.locator(".oc-part", has=page.get_by_role("link", name="Văn phòng", exact=True))
    expect(office.locator(".oc-part-head")).to_contain_text("Phạm Thị Hồng Nhung")

    response = page.goto(f"{demo}/bodies/{body_pk(NA_HANG_BODY)}/")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text(NOT_FOUND)
    expect(page.locator("main")).not_to_contain_text("Nguyễn Trọng Đoan")


def test_provincial_board_reads_old_district_through_succession_but_cannot_edit(page, demo):
    from playwright.sync_api import expect

    login(page, demo, "quangninh.bandanvan")
    expect(page.locator(".roles")).to_contain_text("Ban Dân vận cấp trên (chỉ xem)")
    open_menu_item(page, "Cơ quan khối")
    results = page.locator("#results")
    expect(results).not_to_contain_text("Na Hang")
    results.get_by_role("link", name=DAM_HA_BODY).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(DAM_HA_BODY)
    expect(page.locator(".oc-head")).to_contain_text("Nềnh Quốc Sinh")
    actions = page.locator(".page-head .actions")
    expect(actions.get_by_role("link", name="Sửa", exact=True)).to_have_count(0)
    expect(actions.get_by_role("link", name="Thêm chức vụ")).to_have_count(0)

    response = page.goto(f"{demo}/bodies/{body_pk(DAM_HA_BODY)}/edit/")
    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text(FORBIDDEN)

    response = page.goto(f"{demo}/bodies/{body_pk(NA_HANG_BODY)}/")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text(NOT_FOUND)


def test_search_ignores_diacritics_and_stays_within_reach(page, demo):
    from playwright.sync_api import expect

    login(page, demo, "damha.truongkhoi")
    page.goto(f"{demo}/people/")
    results = page.locator("#results")
    expect(results).to_contain_text("Trần Thị Thu Hà")
    search = page.get_by_role("searchbox", name="Tìm kiếm")
    search.press_sequentially("nenh quoc", delay=30)  # htmx: "input changed delay:300ms"
    expect(results.locator("tbody tr")).to_have_count(1)
    expect(results.get_by_role("link", name="Nềnh Quốc Sinh")).to_be_visible()
    expect(results).not_to_contain_text("Trần Thị Thu Hà")
    expect(page).to_have_url(re.compile(r"/people/\?q=nenh(\+|%20)quoc"))  # hx-push-url

    page.goto(f"{demo}/units/?q=na+hang")
    expect(page.locator("#results")).to_contain_text("0 kết quả")
    expect(page.locator("#results")).not_to_contain_text("Nà Hang")
    page.goto(f"{demo}/units/?q=dam+ha")
    expect(page.locator("#results")).to_contain_text("Huyện Đầm Hà")

    page.context.clear_cookies()
    login(page, demo, "admin")
    page.goto(f"{demo}/units/?q=na+hang")
    expect(page.get_by_role("searchbox", name="Tìm kiếm")).to_have_value("na hang")
    expect(page.locator("#results").get_by_role("link", name="Xã Nà Hang", exact=True)).to_be_visible()


def test_person_form_explains_errors_in_vietnamese(page, demo):
    from playwright.sync_api import expect

    login(page, demo, "damha.truongkhoi")
    page.goto(f"{demo}/people/new/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Thêm cán bộ")
    page.locator("#id_unit").fill("99999")
    page.get_by_role("button", name="Lưu").click()
    name_field = page.locator(".field", has=page.locator("#id_full_name"))
    unit_field = page.locator(".field", has=page.locator("#id_unit"))
    expect(name_field.locator(".error")).to_have_text("Trường này là bắt buộc.")
    expect(unit_field.locator(".error")).to_contain_text("Không tìm thấy đơn vị có mã hoặc tên “99999”")
    expect(unit_field).to_have_class(re.compile(r"has-error"))
    expect(page.locator("#id_unit")).to_have_value("99999")  # what was typed is kept

    page.locator("#id_full_name").fill("Sằn Thị Mỹ")
    page.locator("#id_unit").fill("200")
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_url(re.compile(r"/people/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sằn Thị Mỹ")
    expect(page.locator(".page-head")).to_contain_text("Huyện Đầm Hà")


@pytest.mark.parametrize("width", [375])
def test_phone_width_no_horizontal_overflow_and_menu_opens(chromium_browser, demo, width):
    from playwright.sync_api import expect

    context = chromium_browser.new_context(
        viewport={"width": width, "height": 800}, locale="vi-VN", is_mobile=True, has_touch=True
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        login(page, demo, "damha.tocongtac")
        expect(page.get_by_role("heading", level=1)).to_have_text("Xin chào, La Văn Tiến")

        def assert_no_overflow(where: str) -> None:
            scroll_width = page.evaluate("document.documentElement.scrollWidth")
            assert scroll_width <= width + 1, f"{where}: page is {scroll_width}px wide at a {width}px viewport"

        assert_no_overflow("home")
        nav = page.locator("nav.mainnav")
        expect(nav).to_be_hidden()
        page.locator("label.nav-burger", has_text="☰").click()
        expect(nav).to_be_visible()
        nav.get_by_role("link", name="Cơ quan khối", exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Cơ quan khối")
        assert_no_overflow("body list")
        page.locator("#results").get_by_role("link", name=DAM_HA_BODY).click()
        expect(page.locator(".oc-head")).to_contain_text("Nềnh Quốc Sinh")
        expect(page.locator(".oc-part h3")).to_have_count(4)
        assert_no_overflow("organization chart")
        expect(page.locator("nav.mainnav")).to_be_hidden()  # closed again on the new page
    finally:
        context.close()
