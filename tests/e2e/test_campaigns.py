"""Browser tests of the campaigns (issue 4, campaigns/): the subcommittee head builds the four
work teams and gives each a commune (a commune another team holds is refused); a team member
records a visit on a phone and the campaign's numbers and daily chart move; a household is not
given to another team without a reason; a citizen finds their case on the public page; an
Excel import with bad rows changes nothing and lists the errors.

The data is Đầm Hà's demo (``khoi.demo.seed_demo``) with its “30 ngày đêm” campaign
(``campaigns.demo.seed_campaign``: 4 teams, 240 households, 6 cases): loaded once, then
restored per test from an in-memory copy (SQLite), as in test_org_chart.py; elsewhere
(PostgreSQL) each test seeds. Screenshots of the main pages (desktop 1280 and phone 375 px)
go to /tmp/shots/campaign-*.png (docs/screenshots/ is made by scripts/screenshots.py).
"""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from khoi.demo import DEMO_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

DAM_HA_BODY = "Cơ quan Khối MTTQ và các đoàn thể huyện Đầm Hà"
DEMO_CAMPAIGN = "Chiến dịch “30 ngày đêm” hoàn thành GPMB dự án đường cao tốc Vân Đồn – Móng Cái"
NEW_CAMPAIGN = "Cuộc vận động hiến đất mở rộng đường liên xã"
COMMUNES = ["Xã Đại Bình", "Xã Tân Bình", "Xã Đầm Hà", "Xã Quảng Tân"]
PHONE = 375
SHOTS = Path("/tmp/shots")


# ---------------------------------------------------------------------------- data

_sqlite_snapshot = None  # an in-memory copy of the seeded test database (SQLite only)


def _seed() -> None:
    from campaigns.demo import seed_campaign
    from khoi.demo import seed_demo
    from khoi.units_data import load_units

    load_units()
    seed_demo()
    seed_campaign()


@pytest.fixture
def demo(live_server, chromium_browser):
    """The demo with its campaign, committed for the live server; returns the server URL.

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


def demo_campaign():
    from campaigns.models import Campaign

    return Campaign.objects.get(name=DEMO_CAMPAIGN)


def new_campaign():
    """A campaign of the propaganda subcommittee over the four communes, with no team yet."""
    from django.contrib.auth import get_user_model

    from campaigns import services
    from khoi.models import AdministrativeUnit, CoordinationRule, JointBody

    body = JointBody.objects.select_related("unit").get(name=DAM_HA_BODY)
    today = timezone.localdate()
    return services.campaign_save(
        actor=get_user_model().objects.get(username="damha.truongtieuban"), joint_body=body,
        subcommittee=body.subcommittees.get(kind="propaganda"),
        rule=CoordinationRule.objects.get(catalog_unit__isnull=True, code="C5"), name=NEW_CAMPAIGN, kind="movement",
        reference_prefix="HD", status="active", start_date=today - dt.timedelta(days=7),
        end_date=today + dt.timedelta(days=60),
        areas=[AdministrativeUnit.objects.get(parent=body.unit, name=name) for name in COMMUNES],
    )


# ---------------------------------------------------------------------------- helpers


def login(page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.locator(".login-card").get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{base}/")


def open_menu_item(page, name: str) -> None:
    """The main menu; on a phone it is behind the ☰ button."""
    nav = page.locator("nav.mainnav")
    if not nav.is_visible():
        page.locator("label.nav-burger").click()
    nav.get_by_role("link", name=name, exact=True).click()


def open_campaign(page, name: str) -> None:
    from playwright.sync_api import expect

    open_menu_item(page, "Chiến dịch")
    page.locator("#results").get_by_role("link", name=name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(name)


def card(page, heading: str):
    return page.locator("section.card", has=page.get_by_role("heading", name=heading, exact=True))


def team_card(page, team: str):
    return page.locator("section.team-card", has=page.get_by_role("heading", name=team, exact=True))


def stat(page, label: str):
    return page.locator(".stats .stat", has=page.locator(".stat-l", has_text=label))


def percent(text: str) -> float:
    """“78,3%” → 78.3"""
    return float(re.search(r"(\d+(?:,\d+)?)%", text).group(1).replace(",", "."))


def vn_number(value: float) -> str:
    return str(value).replace(".", ",")


def phone_context(browser, height: int = 740):
    context = browser.new_context(viewport={"width": PHONE, "height": height}, locale="vi-VN", is_mobile=True,
                                  has_touch=True)
    context.set_default_timeout(10_000)
    return context


def page_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def assert_fits_phone(page, where: str) -> None:
    assert page_width(page) <= PHONE + 1, f"{where}: page is {page_width(page)}px wide at {PHONE}px"


def shoot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"campaign-{name}.png"), full_page=True)


# ---------------------------------------------------------------------------- tests


def test_subcommittee_head_builds_four_teams_and_a_commune_held_by_another_team_is_refused(page, demo):
    """Four cross-organization teams, each led by the head of a member organization, one commune
    each. A commune given to team 1 meanwhile (from another tab) is refused to team 2, with the
    name of the team holding it, and nothing changes."""
    from playwright.sync_api import expect

    new_campaign()
    login(page, demo, "damha.truongtieuban")
    open_campaign(page, NEW_CAMPAIGN)
    expect(page.locator("main")).to_contain_text("Chưa lập tổ công tác.")
    page.locator("nav.tabs").get_by_role("link", name="Tổ công tác, địa bàn").click()
    expect(page.locator("nav.tabs a.active")).to_have_text("Tổ công tác, địa bàn")
    expect(page.locator("main")).to_contain_text("Chưa lập tổ công tác nào.")
    expect(page.locator("p.notice")).to_have_text(
        "Địa bàn chưa có tổ phụ trách: Xã Đại Bình, Xã Đầm Hà, Xã Quảng Tân, Xã Tân Bình.")
    expect(card(page, "Giao địa bàn cho tổ")).to_contain_text("Hãy lập tổ trước.")
    teams_url = page.url

    teams = [  # (leader as offered: title and organization, members from several organizations)
        ("Tổ công tác số 1", "Trần Thị Thu Hà (Chủ tịch Hội LHPN huyện, Hội LHPN)",
         ["Phạm Thị Hồng Nhung — Hội LHPN", "Bùi Thị Thanh — MTTQ"]),
        ("Tổ công tác số 2", "Lý Văn Thắng (Chủ tịch Hội Cựu chiến binh huyện, Hội CCB)",
         ["Tằng Văn Lộc — Hội CCB", "Đỗ Văn Khánh — LĐLĐ"]),
        ("Tổ công tác số 3", "Chíu Văn Dũng (Chủ tịch Hội Nông dân huyện, Hội ND)",
         ["Nịnh Thị Mai — Hội ND", "Vi Thị Lan — LĐLĐ"]),
        ("Tổ công tác số 4", "Hoàng Văn Nam (Bí thư Huyện đoàn, Đoàn TN)",
         ["La Văn Tiến — Đoàn TN", "Đặng Quang Huy — Đoàn TN"]),
    ]
    for name, leader, members in teams:
        form = card(page, "Lập tổ công tác")
        expect(form.get_by_label("Tên tổ")).to_have_value(name)  # numbered for her
        form.get_by_label("Tổ trưởng").select_option(label=leader)
        for member in members:
            form.get_by_label(member, exact=True).check()
        form.get_by_role("button", name="Lập tổ").click()
        expect(page.locator(".messages")).to_contain_text(f"Đã lập {name}.")
        created = team_card(page, name)
        expect(created).to_contain_text(f"Tổ trưởng: {leader.split(' (')[0]}")
        expect(created.locator("ul.members li")).to_have_count(len(members))
        expect(created).to_contain_text("Chưa giao địa bàn.")
    expect(team_card(page, "Tổ công tác số 1").locator("ul.members li")).to_have_text(
        ["Bùi Thị Thanh MTTQ huyện Đầm Hà", "Phạm Thị Hồng Nhung Hội LHPN huyện Đầm Hà"])
    expect(team_card(page, "Tổ công tác số 2").locator("ul.members .badge")).to_have_text(
        ["LĐLĐ huyện Đầm Hà", "Hội CCB huyện Đầm Hà"])
    expect(page.locator("section.team-card")).to_have_count(4)

    # a second tab still offers Xã Đại Bình, which she gives to team 1 in the first tab
    stale = page.context.new_page()
    stale.goto(teams_url)
    assign = card(page, "Giao địa bàn cho tổ")
    assign.get_by_label("Tổ").select_option(label="Tổ công tác số 1")
    assign.get_by_label("Địa bàn").select_option(label="Xã Đại Bình")
    assign.get_by_role("button", name="Giao địa bàn").click()
    expect(page.locator(".messages")).to_contain_text("Đã giao Xã Đại Bình cho Tổ công tác số 1.")
    expect(team_card(page, "Tổ công tác số 1").locator(".badge-shared")).to_have_text(["Xã Đại Bình"])
    expect(card(page, "Giao địa bàn cho tổ").locator("option", has_text="Xã Đại Bình")).to_have_count(0)

    stale_assign = card(stale, "Giao địa bàn cho tổ")
    stale_assign.get_by_label("Tổ").select_option(label="Tổ công tác số 2")
    stale_assign.get_by_label("Địa bàn").select_option(label="Xã Đại Bình")
    stale_assign.get_by_role("button", name="Giao địa bàn").click()
    refusal = card(stale, "Giao địa bàn cho tổ").get_by_role("alert")
    expect(refusal).to_have_text("Xã Đại Bình đã được giao cho Tổ công tác số 1; mỗi địa bàn chỉ do một tổ phụ trách.")
    expect(team_card(stale, "Tổ công tác số 1").locator(".badge-shared")).to_have_text(["Xã Đại Bình"])
    expect(team_card(stale, "Tổ công tác số 2")).to_contain_text("Chưa giao địa bàn.")
    expect(card(stale, "Giao địa bàn cho tổ").locator("option", has_text="Xã Đại Bình")).to_have_count(0)
    stale.close()

    for team, commune in [("Tổ công tác số 2", "Xã Tân Bình"), ("Tổ công tác số 3", "Xã Đầm Hà"),
                          ("Tổ công tác số 4", "Xã Quảng Tân")]:
        assign = card(page, "Giao địa bàn cho tổ")
        assign.get_by_label("Tổ").select_option(label=team)
        assign.get_by_label("Địa bàn").select_option(label=commune)
        assign.get_by_role("button", name="Giao địa bàn").click()
        expect(page.locator(".messages")).to_contain_text(f"Đã giao {commune} cho {team}.")
        expect(team_card(page, team).locator(".badge-shared")).to_have_text([commune])
    expect(page.locator("main")).to_contain_text("Mọi địa bàn của chiến dịch đều đã có tổ phụ trách; mỗi địa bàn chỉ một tổ.")
    expect(card(page, "Giao địa bàn cho tổ")).to_contain_text(
        "Mọi địa bàn của chiến dịch (và các thôn, khu của chúng) đều đã được giao.")
    expect(page.locator("p.notice")).to_have_count(0)
    expect(team_card(page, "Tổ công tác số 1").locator(".badge-shared")).to_have_text(["Xã Đại Bình"])

    page.locator("nav.tabs").get_by_role("link", name="Tổng quan, tiến độ").click()
    ranking = page.locator("table.ranking tbody tr")
    expect(ranking).to_have_count(4)
    expect(ranking.locator("td:nth-child(3)")).to_have_text(
        ["Trần Thị Thu Hà", "Lý Văn Thắng", "Chíu Văn Dũng", "Hoàng Văn Nam"])


def test_team_member_records_a_visit_on_a_phone_and_the_progress_moves(chromium_browser, demo):
    """La Văn Tiến (Đoàn TN, team 4) on a 375 × 740 phone: his team's households, the one to visit
    next, the visit form (today and his team's organizations already filled: two taps), then the
    campaign's numbers and the daily chart have moved by that household."""
    from playwright.sync_api import expect

    today = timezone.localdate()
    context = phone_context(chromium_browser)
    try:
        page = context.new_page()
        login(page, demo, "damha.tocongtac")
        open_campaign(page, DEMO_CAMPAIGN)
        assert_fits_phone(page, "campaign page")
        total = int(stat(page, "hộ cần vận động").locator(".stat-n").inner_text())
        agreed_before = int(stat(page, "đồng thuận, hoàn thành").locator(".stat-n").inner_text())
        chart = page.locator(".chart svg:visible")
        expect(chart).to_have_count(1)
        expect(chart).to_have_class("chart-narrow")  # the drawing made for phones
        chart_before = percent(chart.locator("text.last").text_content())
        expect(chart.locator("text.xlabel").last).to_have_text("30/06")  # the campaign's last day

        open_menu_item(page, "Hộ của tổ tôi")
        expect(page.get_by_role("heading", level=1)).to_have_text("Hộ của tổ tôi")
        assert_fits_phone(page, "my households")
        first = page.locator("#results tbody tr").first  # not contacted, or the longest without a visit
        expect(first.locator("td[data-label='Tổ']")).to_have_text("Tổ công tác số 4")
        expect(first.locator(".hh-status")).to_have_text("Đã tiếp xúc")
        expect(first.get_by_role("link", name="Ghi nhận tiếp xúc")).to_be_visible()
        name = first.locator("td[data-label='Chủ hộ'] a").inner_text()
        first.get_by_role("link", name=name).click()

        expect(page.get_by_role("heading", level=1)).to_contain_text(name)
        household_url = page.url
        expect(card(page, "Thông tin hộ")).to_contain_text("Tổ công tác số 4 (Hoàng Văn Nam)")
        expect(page.get_by_role("button", name="Giao lại")).to_have_count(0)  # only the managers reassign
        assert_fits_phone(page, "household")
        page.locator(".page-head").get_by_role("link", name="Ghi nhận tiếp xúc").click()

        expect(page.get_by_role("heading", level=1)).to_have_text(name)
        assert_fits_phone(page, "visit form")
        expect(page.get_by_label("Ngày tiếp xúc")).to_have_value(today.isoformat())
        expect(page.get_by_label("Đoàn TN")).to_be_checked()  # his team's organization
        expect(page.get_by_label("Hội LHPN")).not_to_be_checked()
        agreed = page.locator("label.outcome-choice", has_text="Đồng thuận")
        box = agreed.bounding_box()
        assert box["height"] >= 44 and box["x"] + box["width"] <= PHONE, f"outcome button {box}"
        agreed.tap()
        expect(page.get_by_label("Đồng thuận")).to_be_checked()
        page.get_by_role("button", name="Lưu").tap()

        expect(page.locator(".messages")).to_contain_text(f"Đã ghi nhận tiếp xúc hộ {name}.")
        expect(page.get_by_role("heading", level=1)).to_have_text("Tổ công tác số 4")
        page.goto(household_url)
        expect(page.locator("h1 .hh-status")).to_have_text("Đồng thuận")
        latest = page.locator("ol.timeline li").first
        expect(latest.locator(".when")).to_have_text(f"{today:%d/%m/%Y} · Đồng thuận · Tổ công tác số 4")
        expect(latest).to_contain_text("Đoàn TN")
        expect(latest).to_contain_text("Ghi nhận: La Văn Tiến")

        open_campaign(page, DEMO_CAMPAIGN)
        expect(stat(page, "đồng thuận, hoàn thành").locator(".stat-n")).to_have_text(str(agreed_before + 1))
        expect(stat(page, "đồng thuận, hoàn thành").locator(".stat-l")).to_have_text(
            f"đồng thuận, hoàn thành · {vn_number(round(100 * (agreed_before + 1) / total, 1))}%")
        chart = page.locator(".chart svg:visible")
        chart_after = percent(chart.locator("text.last").text_content())
        # one more household agreed: the cumulative % gives back the count (1 decimal, 240 households)
        assert round(chart_after * total / 100) == round(chart_before * total / 100) + 1, (chart_before, chart_after)
        expect(chart.locator("text.xlabel").last).to_have_text(f"{today:%d/%m/%Y}")  # the chart reaches today
        expect(chart.locator(":scope > title")).to_contain_text(f"đến {today:%d/%m/%Y}: {vn_number(chart_after)}% đồng thuận")
        assert_fits_phone(page, "campaign page after the visit")
        shoot(page, "overview-after-visit-phone")
    finally:
        context.close()


def test_a_household_is_not_given_to_another_team_without_a_reason(page, demo):
    """The subcommittee head moves a household of team 4 to team 1: refused without a reason,
    the household stays with team 4; with a reason it moves and the reason is shown."""
    from playwright.sync_api import expect

    login(page, demo, "damha.truongtieuban")
    open_campaign(page, DEMO_CAMPAIGN)
    page.locator("table.ranking").get_by_role("link", name="Tổ công tác số 4").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tổ công tác số 4")
    expect(page.locator("#results")).to_contain_text("60 kết quả")
    household = page.locator("#results tbody tr").first.locator("td[data-label='Chủ hộ'] a")
    name = household.inner_text()
    household.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(name)
    household_url = page.url
    facts = card(page, "Thông tin hộ")
    expect(facts).to_contain_text("Tổ công tác số 4 (Hoàng Văn Nam)")

    reassign = card(page, "Giao hộ cho tổ khác")
    expect(reassign.get_by_label("Giao cho tổ").locator("option")).to_have_text(
        ["---------", "Tổ công tác số 1", "Tổ công tác số 2", "Tổ công tác số 3"])  # not its own team
    reassign.get_by_label("Giao cho tổ").select_option(label="Tổ công tác số 1")
    reassign.get_by_role("button", name="Giao lại").click()
    reassign = card(page, "Giao hộ cho tổ khác")
    expect(reassign.locator(".field.has-error .error")).to_have_text(
        f"Hộ {name} đã do Tổ công tác số 4 phụ trách: giao lại cần ghi lý do.")
    expect(card(page, "Thông tin hộ")).to_contain_text("Tổ công tác số 4 (Hoàng Văn Nam)")
    page.goto(household_url)
    expect(card(page, "Thông tin hộ")).to_contain_text("Tổ công tác số 4 (Hoàng Văn Nam)")
    expect(page.locator(".page-head")).to_contain_text("Tổ công tác số 4")

    reassign = card(page, "Giao hộ cho tổ khác")
    reassign.get_by_label("Giao cho tổ").select_option(label="Tổ công tác số 1")
    reassign.get_by_label("Lý do giao lại").fill("Tổ 1 có người thân của hộ, dễ vận động")
    reassign.get_by_role("button", name="Giao lại").click()
    expect(page.locator(".messages")).to_contain_text(f"Đã giao hộ {name} cho Tổ công tác số 1.")
    facts = card(page, "Thông tin hộ")
    expect(facts).to_contain_text("Tổ công tác số 1 (Trần Thị Thu Hà)")
    expect(facts).to_contain_text("Giao lại: Tổ 1 có người thân của hộ, dễ vận động")


def test_citizen_finds_the_case_by_reference_and_phone_and_a_wrong_phone_shows_nothing(page, demo):
    """Without logging in: the reference and the phone show the status, the deadline and the
    answer (never the name or the topic); the same reference with another phone shows nothing."""
    from playwright.sync_api import expect

    from campaigns.models import Case

    closed = Case.objects.get(reference="DH-2020-000001")
    still_open = Case.objects.get(reference="DH-2020-000003")
    page.goto(f"{demo}/tra-cuu/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tra cứu hồ sơ")
    expect(page.locator(".userbox")).to_have_count(0)  # nobody is logged in

    spaced = f"{closed.phone[:4]} {closed.phone[4:7]} {closed.phone[7:]}"  # as people write it
    page.get_by_label("Số hồ sơ").fill(closed.reference)
    page.get_by_label("Số điện thoại đã khai khi gửi").fill(spaced)
    page.get_by_role("button", name="Tra cứu").click()
    result = page.locator(".lookup-result")
    expect(result.locator("dt")).to_have_text(["Trạng thái", "Hạn trả lời"])
    expect(result.locator("dd")).to_have_text(["Đã đóng", "20/06/2020"])
    expect(result.get_by_role("heading", name="Trả lời")).to_be_visible()
    expect(result.locator(".answer")).to_have_text(closed.answer)
    main = page.locator("main")
    for personal in (closed.citizen_name, closed.topic, closed.phone, spaced, closed.content):
        expect(main).not_to_contain_text(personal)
    expect(page.get_by_label("Số hồ sơ")).to_have_value(closed.reference)
    expect(page.get_by_label("Số điện thoại đã khai khi gửi")).to_have_value("")  # not echoed

    page.get_by_label("Số điện thoại đã khai khi gửi").fill("0900 000 000")
    page.get_by_role("button", name="Tra cứu").click()
    expect(page.get_by_role("alert")).to_have_text(
        "Không tìm thấy hồ sơ với số hồ sơ và số điện thoại đã nhập. Vui lòng kiểm tra lại cả hai.")
    expect(page.locator(".lookup-result")).to_have_count(0)
    for shown_before in ("Đã đóng", "20/06/2020", closed.answer, closed.citizen_name, closed.topic, closed.phone):
        expect(main).not_to_contain_text(shown_before)

    page.get_by_label("Số hồ sơ").fill(still_open.reference.lower())
    page.get_by_label("Số điện thoại đã khai khi gửi").fill(still_open.phone)
    page.get_by_role("button", name="Tra cứu").click()
    result = page.locator(".lookup-result")
    expect(result.locator("dd").first).to_have_text("Đang xử lý")
    expect(result.locator("dd").nth(1)).to_have_text("20/06/2020 đã quá hạn")
    expect(result.locator(".answer")).to_have_text("Hồ sơ đang được xử lý; nội dung trả lời sẽ hiện ở đây.")
    expect(main).not_to_contain_text(still_open.citizen_name)


def test_excel_import_with_bad_rows_changes_nothing_and_lists_the_errors(page, demo, tmp_path):
    """One good and two bad rows: the page lists every error with its row number in Vietnamese,
    no household is added; the corrected file then imports its one household."""
    from openpyxl import Workbook
    from playwright.sync_api import expect

    def workbook(rows, name):
        book = Workbook()
        sheet = book.active
        sheet.title = "Hộ dân"
        sheet.append(["Chủ hộ", "Địa chỉ", "Địa bàn", "Điện thoại", "Thửa đất"])
        for row in rows:
            sheet.append(row)
        path = tmp_path / name
        book.save(path)
        return path

    good = ["Nguyễn Văn Mới", "thôn 1, Xã Đại Bình", "Xã Đại Bình", "0912 345 001", "12"]
    bad_file = workbook([
        good,
        [None, "thôn 2, Xã Đại Bình", "Xã Đại Bình", "0912345002", "13"],  # row 3: no head of household
        ["Trần Thị Sai", "thôn 3", "Xã Không Có Thật", "12ab", "14"],  # row 4: unknown area, bad phone
    ], "ho-dan-loi.xlsx")

    login(page, demo, "damha.truongtieuban")
    open_campaign(page, DEMO_CAMPAIGN)
    expect(stat(page, "hộ cần vận động").locator(".stat-n")).to_have_text("240")
    page.locator("nav.tabs").get_by_role("link", name="Nhập hộ dân").click()
    expect(page.get_by_role("heading", level=2, name="Nhập hộ dân từ Excel hoặc CSV")).to_be_visible()
    page.get_by_label("Tệp Excel (.xlsx) hoặc CSV (UTF-8)").set_input_files(bad_file)
    page.get_by_role("button", name="Tải lên và nhập").click()

    errors = page.locator(".import-errors")
    expect(errors).to_have_attribute("role", "alert")
    expect(errors.locator("p strong")).to_have_text("Không nhập được: 3 lỗi. Chưa có dòng nào được lưu.")
    expect(errors.locator("li")).to_have_text([
        "Dòng 3: thiếu tên chủ hộ.",
        "Dòng 4: không có địa bàn “Xã Không Có Thật” (ghi mã hoặc đúng tên đơn vị, xem trang “Hướng dẫn” của tệp mẫu).",
        "Dòng 4: điện thoại “12ab” không hợp lệ: chỉ gồm chữ số (có thể có dấu cách, dấu chấm, gạch ngang).",
    ])
    expect(page.locator("main")).not_to_contain_text("Dòng 2")  # the good row is not an error
    expect(page.locator(".import-result")).to_have_count(0)

    page.locator("nav.tabs").get_by_role("link", name="Tổng quan, tiến độ").click()
    expect(stat(page, "hộ cần vận động").locator(".stat-n")).to_have_text("240")  # nothing was saved
    page.goto(f"{demo}/teams/{demo_campaign().teams.get(name='Tổ công tác số 1').pk}/?q=nguyen+van+moi")
    expect(page.locator("#results")).to_contain_text("0 kết quả")

    page.goto(f"{demo}/campaigns/{demo_campaign().pk}/import/")
    page.get_by_label("Tệp Excel (.xlsx) hoặc CSV (UTF-8)").set_input_files(workbook([good], "ho-dan.xlsx"))
    page.get_by_role("button", name="Tải lên và nhập").click()
    expect(page.locator(".import-result h3")).to_have_text("Đã nhập 1 hộ dân.")
    expect(page.locator(".import-errors")).to_have_count(0)
    page.locator(".import-result").get_by_role("link", name="Về trang chiến dịch").click()
    expect(stat(page, "hộ cần vận động").locator(".stat-n")).to_have_text("241")


# ---------------------------------------------------------------------------- layout and screenshots


def _open_campaign_page(page, base):
    page.goto(f"{base}/campaigns/{demo_campaign().pk}/")


def _open_teams_page(page, base):
    page.goto(f"{base}/campaigns/{demo_campaign().pk}/teams/")


def _open_team_page(page, base):
    page.goto(f"{base}/teams/{demo_campaign().teams.get(name='Tổ công tác số 4').pk}/")


def _open_visit_form(page, base):
    household = demo_campaign().households.filter(team__name="Tổ công tác số 4", status="contacted").order_by("pk").first()
    page.goto(f"{base}/households/{household.pk}/visit/?from=mine")
    page.get_by_text("Đồng thuận", exact=True).click()


def _open_lookup(page, base):
    from campaigns.models import Case

    case = Case.objects.get(reference="DH-2020-000001")
    page.goto(f"{base}/tra-cuu/")
    page.get_by_label("Số hồ sơ").fill(case.reference)
    page.get_by_label("Số điện thoại đã khai khi gửi").fill(case.phone)
    page.get_by_role("button", name="Tra cứu").click()
    page.locator(".lookup-result").wait_for()


@pytest.mark.parametrize("size", ["desktop", "phone"])
@pytest.mark.parametrize("name, user, open_page", [
    ("overview", "damha.truongtieuban", _open_campaign_page),
    ("teams", "damha.truongtieuban", _open_teams_page),
    ("team", "damha.tocongtac", _open_team_page),
    ("visit", "damha.tocongtac", _open_visit_form),
    ("lookup", None, _open_lookup),
])
def test_campaign_pages_fit_a_phone(chromium_browser, demo, name, user, open_page, size):
    from playwright.sync_api import expect

    if size == "phone":
        context = phone_context(chromium_browser)
    else:
        context = chromium_browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
        context.set_default_timeout(10_000)
    try:
        pg = context.new_page()
        if user:
            login(pg, demo, user)
        open_page(pg, demo)
        expect(pg.get_by_role("heading", level=1)).to_be_visible()
        shoot(pg, f"{name}-{size}")
        if size == "phone":
            assert_fits_phone(pg, name)
    finally:
        context.close()
