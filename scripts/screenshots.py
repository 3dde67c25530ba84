#!/usr/bin/env python
"""Screenshots of the main pages, at desktop (1280 px) and phone (375 px) width, into docs/screenshots/.

Runs against a server that is already up with the demo data (``manage.py seed_demo``); it only
speaks HTTP, so any server will do::

    KHOI_VAR_DIR=/tmp/shotvar python manage.py migrate
    KHOI_VAR_DIR=/tmp/shotvar python manage.py createcachetable
    KHOI_VAR_DIR=/tmp/shotvar python manage.py seed_demo
    KHOI_VAR_DIR=/tmp/shotvar python manage.py runserver 127.0.0.1:8031 --noreload &
    python scripts/screenshots.py http://127.0.0.1:8031

Needs the ``playwright`` package and Debian's chromium (``scripts/install-system-deps.sh
--browser``; no browser is downloaded). Pages taller than ``--max-height`` are cut there.
Files are named ``NN-<page>-<desktop|phone>.png``; the numbers follow the order below (a shot
may start a new run of numbers: 20–26 are the programme's screenshots, taken by hand).
"""
from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
DEFAULT_OUT = PROJECT_DIR / "docs" / "screenshots"
DEMO_PASSWORD = "khoi-demo-2025"  # khoi.demo.DEMO_PASSWORD (not imported: no Django needed here)
DAM_HA_BODY = "Cơ quan Khối MTTQ và các đoàn thể huyện Đầm Hà"
WIDTHS = {"desktop": (1280, 900), "phone": (375, 800)}
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]


@dataclass
class Shot:
    name: str  # file name part
    user: str | None  # demo login, None = signed out
    open: Callable  # open(page, base) -> None: navigate to what is to be captured
    description: str
    number: int = 0  # 0: the one after the previous shot's


def numbered(shots: list[Shot]) -> list[tuple[int, Shot]]:
    out, number = [], 0
    for shot in shots:
        number = shot.number or number + 1
        out.append((number, shot))
    return out


def _goto(path: str) -> Callable:
    def open_(page, base):
        page.goto(base + path)

    return open_


def _org_chart(page, base):
    page.goto(base + "/bodies/")
    page.locator("#results").get_by_role("link", name=DAM_HA_BODY).click()
    page.locator(".orgchart").wait_for()


def _person(page, base):
    page.goto(base + "/people/?q=tran+thi+thu+ha")
    page.locator("#results").get_by_role("link", name="Trần Thị Thu Hà", exact=True).click()
    page.get_by_role("heading", level=1, name="Trần Thị Thu Hà").wait_for()


def _person_form_errors(page, base):
    page.goto(base + "/people/new/")
    page.locator("#id_unit").fill("99999")
    page.get_by_role("button", name="Lưu").click()
    page.locator(".field .error").first.wait_for()


def _menu_open(page, base):
    page.goto(base + "/")
    burger = page.locator("label.nav-burger")
    if burger.is_visible():
        burger.click()


CAMPAIGN = "Chiến dịch “30 ngày đêm” hoàn thành GPMB dự án đường cao tốc Vân Đồn – Móng Cái"
DEMO_CASE = ("DH-2020-000001", "0969388949")  # campaigns/demo.py, seeded with a fixed random seed


def _campaign(tab: str | None = None) -> Callable:
    def open_(page, base):
        page.goto(base + "/campaigns/")
        page.locator("#results").get_by_role("link", name=CAMPAIGN).click()
        page.locator(".chart").first.wait_for()
        if tab:
            page.get_by_role("link", name=tab, exact=True).first.click()
            page.wait_for_load_state()

    return open_


def _visit_form(page, base):
    page.goto(base + "/my-households/")
    page.locator("a.visit-button").first.click()
    page.locator("form").last.wait_for()


def _case_lookup(page, base):
    page.goto(base + "/tra-cuu/")
    reference, phone = DEMO_CASE
    page.locator("#id_reference").fill(reference)
    page.locator("#id_phone").fill(phone)
    page.get_by_role("button", name="Tra cứu").click()
    page.locator(".lookup-result").wait_for()


REPORT_2023 = "Năm 2023"  # reports/demo.py: the built 2023 year report of Đầm Hà


def _report_2023(page, base):
    page.goto(base + "/reports/")
    page.locator("#results tr", has_text=DAM_HA_BODY).get_by_role("link", name=REPORT_2023, exact=True).click()
    page.locator("ul.rp-files").wait_for()


def _submission_form(page, base):
    """The Women's Union's January 2025 figures: opened (a draft; made once, then found again) and
    saved with a negative number, which is refused (nothing is stored)."""
    page.goto(base + "/reports/submissions/")
    start = page.locator("form.inline-form")
    start.locator("select[name=organization]").select_option(label="Hội Liên hiệp Phụ nữ huyện Đầm Hà")
    start.locator("input[name=period]").fill("2025-01")
    start.get_by_role("button", name="Nhập số liệu").click()
    first = page.locator("table.figures input.num").first
    first.fill("-5")
    page.get_by_role("button", name="Lưu nháp").click()
    page.locator("table.figures .error").first.wait_for()


def _report_compare(page, base):
    """The board's view of the bodies under the pre-2025 province, for the year with a built report."""
    page.goto(base + "/reports/compare/")
    form = page.locator("form.rp-compare-form")
    form.locator("select[name=unit]").select_option(label="Tỉnh Quảng Ninh (đến 30/06/2025)")
    form.locator("select[name=period]").select_option(label=REPORT_2023)
    form.get_by_role("button", name="So sánh").click()
    page.wait_for_url("**/reports/compare/?*")


def _completeness(page, base):
    _report_2023(page, base)
    page.get_by_role("link", name="Tình hình nộp số liệu").click()
    page.locator("form.inline-form input[name=period]").fill("2024-Q4")
    page.get_by_role("button", name="Xem").click()
    page.wait_for_url("**period=2024-Q4")


SHOTS = [
    Shot("login", None, _goto("/accounts/login/"), "login page"),
    Shot("home-truongkhoi", "damha.truongkhoi", _goto("/"), "home page of the head of the Đầm Hà body"),
    Shot("home-tocongtac-menu", "damha.tocongtac", _menu_open, "home page of a field worker, menu opened (☰ on phones)"),
    Shot("home-bandanvan", "quangninh.bandanvan", _goto("/"), "home page of the provincial board (read only)"),
    Shot("bodies", "damha.truongkhoi", _goto("/bodies/"), "list of joint bodies"),
    Shot("org-chart-damha", "damha.truongkhoi", _org_chart, "organization chart of the Đầm Hà body"),
    Shot("org-chart-damha-bandanvan", "quangninh.bandanvan", _org_chart, "the same chart seen by the board (no edit buttons)"),
    Shot("people", "damha.truongkhoi", _goto("/people/"), "people list"),
    Shot("people-search-nenh-quoc", "damha.truongkhoi", _goto("/people/?q=nenh+quoc"), "people list, searched without diacritics"),
    Shot("person-tran-thi-thu-ha", "damha.truongkhoi", _person, "a person page (three concurrent positions)"),
    Shot("person-form-errors", "damha.truongkhoi", _person_form_errors, "new person form with its error messages"),
    Shot("units-search-dam-ha", "damha.truongkhoi", _goto("/units/?q=dam+ha"), "units list searched for “dam ha”"),
    Shot("units-search-na-hang-admin", "admin", _goto("/units/?q=na+hang"), "units list searched by the administrator"),
    Shot("rules", "damha.truongkhoi", _goto("/rules/"), "the “9 chung, 14 chia” rules list"),
    Shot("campaign", "damha.truongtieuban", _campaign(), "the Đầm Hà campaign: progress, daily chart, team ranking"),
    Shot("campaign-teams", "damha.truongtieuban", _campaign("Tổ công tác, địa bàn"), "its four work teams and their communes"),
    Shot("my-households", "damha.tocongtac", _goto("/my-households/"), "a team member's households"),
    Shot("visit-form", "damha.tocongtac", _visit_form, "recording a visit (phone-sized form)"),
    Shot("case-lookup", None, _case_lookup, "the public case lookup, without login"),
    Shot("reports", "damha.truongkhoi", _goto("/reports/"), "joint reports of the head's body", number=27),
    Shot("report-2023", "damha.truongkhoi", _report_2023, "the built 2023 year report: files, checksums, builds"),
    Shot("report-compare", "quangninh.bandanvan", _report_compare, "the board compares the bodies of its districts"),
    Shot("submission-form", "damha.canbo", _submission_form, "an organization's figures, a negative one refused"),
    Shot("submissions", "damha.canbo", _goto("/reports/submissions/"), "figures of the organizations, by period"),
    Shot("indicators", "damha.truongkhoi", _goto("/reports/indicators/"), "the indicator catalog"),
    Shot("completeness", "damha.truongkhoi", _completeness, "who sent figures for 2024-Q4, late ones marked"),
]


def login(page, base: str, username: str) -> None:
    page.goto(base + "/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.locator(".login-card button[type=submit]").click()
    page.wait_for_load_state()
    if "/accounts/login/" in page.url:
        raise SystemExit(f"cannot sign in as {username} at {base}: is the demo seeded (manage.py seed_demo)?")


def capture(page, target: Path, width: int, max_height: int) -> tuple[int, bool]:
    height = page.evaluate("Math.ceil(document.documentElement.scrollHeight)")
    clipped = height > max_height
    page.screenshot(path=str(target), full_page=True,
                    clip={"x": 0, "y": 0, "width": width, "height": min(height, max_height)})
    return height, clipped


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("base_url", nargs="?", default="http://127.0.0.1:8000", help="server with the demo data")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"output directory (default {DEFAULT_OUT})")
    parser.add_argument("--chromium", default=os.environ.get("KHOI_CHROMIUM", "/usr/bin/chromium"))
    parser.add_argument("--max-height", type=int, default=2000, help="cut taller pages at this height (px)")
    parser.add_argument("--only", nargs="*", default=None, help="names of the shots to take (default: all)")
    args = parser.parse_args(argv)
    base = args.base_url.rstrip("/")
    shots = [s for s in SHOTS if not args.only or s.name in args.only]

    from playwright.sync_api import sync_playwright

    args.out.mkdir(parents=True, exist_ok=True)
    saved: list[tuple[Path, int, int, bool]] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS)
        try:
            for kind, (width, height) in WIDTHS.items():
                mobile = kind == "phone"
                contexts: dict[str | None, object] = {}
                try:
                    for number, shot in numbered(SHOTS):
                        if shot not in shots:
                            continue
                        if shot.user not in contexts:  # one signed-in context per user and width
                            context = browser.new_context(viewport={"width": width, "height": height}, locale="vi-VN",
                                                          is_mobile=mobile, has_touch=mobile, device_scale_factor=1)
                            context.set_default_timeout(15_000)
                            contexts[shot.user] = context
                            if shot.user:
                                login(context.new_page(), base, shot.user)
                        page = contexts[shot.user].new_page()
                        try:
                            shot.open(page, base)
                            page.wait_for_load_state("networkidle")
                            target = args.out / f"{number:02d}-{shot.name}-{kind}.png"
                            full_height, clipped = capture(page, target, width, args.max_height)
                            overflow = page.evaluate("document.documentElement.scrollWidth") - width
                            saved.append((target, full_height, overflow, clipped))
                        finally:
                            page.close()
                finally:
                    for context in contexts.values():
                        context.close()
        finally:
            browser.close()

    for target, full_height, overflow, clipped in saved:
        notes = []
        if clipped:
            notes.append(f"page {full_height}px tall, cut at {args.max_height}px")
        if overflow > 1:
            notes.append(f"HORIZONTAL OVERFLOW {overflow}px")
        rel = target.relative_to(PROJECT_DIR) if target.is_relative_to(PROJECT_DIR) else target
        print(f"{rel}  ({target.stat().st_size // 1024} KB){'  — ' + '; '.join(notes) if notes else ''}")
    return 1 if any(overflow > 1 for _, _, overflow, _ in saved) else 0


if __name__ == "__main__":
    sys.exit(main())
