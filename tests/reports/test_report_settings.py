"""The report template (cut-off day, deadline, submission period) per province: everyone reads
the one in force, the head of a province-level body makes the province's own, history kept."""
from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from khoi.models import JointBody, Person, PositionRole
from reports import selectors, services
from reports.models import Indicator, ReportTemplate
from tests.world import position, unit

pytestmark = pytest.mark.django_db

URL = reverse("reports:report_settings")
GOOD = {"name": "Báo cáo định kỳ tỉnh Thử", "cutoff_day": "1", "deadline_days": "5", "submission_kind": "month",
        "jump_factor": "4"}


@pytest.fixture
def place():
    from tests.reports.test_submissions import quick_login

    province = unit("81", "Tỉnh Thử", "province")
    district = unit("811", "Huyện Thử", "district", province)

    def head_of(where, username):
        body = JointBody.objects.create(unit=where, name=f"Cơ quan Khối {where.name}")
        person = Person.objects.create(full_name=f"Trưởng khối {where.name}", unit=where)
        position(person, body, "Thủ trưởng", PositionRole.HEAD)
        client = Client()
        client.force_login(quick_login(person, username))
        return client

    return province, district, head_of(province, "province_head"), head_of(district, "district_head")


def test_the_province_head_makes_the_provinces_own_settings_from_the_default(place):
    province, district, province_head, _district_head = place
    assert province_head.get(URL).context["can_change"]
    response = province_head.post(URL, GOOD)
    assert response.status_code == 302
    own = ReportTemplate.objects.get(province=province)
    assert (own.cutoff_day, own.deadline_days) == (1, 5)
    assert selectors.template_for(district) == own  # the district now counts calendar months
    period = services.get_or_create_period(own, "2024-11")
    assert (period.start, period.end, period.deadline) == (dt.date(2024, 11, 1), dt.date(2024, 11, 30), dt.date(2024, 12, 5))
    assert ReportTemplate.objects.get(province__isnull=True).cutoff_day == 15  # the default is untouched
    province_head.post(URL, {**GOOD, "deadline_days": "7"})
    assert [h.deadline_days for h in own.history.order_by("history_date")] == [5, 7]
    assert "Lịch sử thay đổi" in province_head.get(URL).content.decode()


def test_a_district_head_reads_but_cannot_change(place):
    province, _district, _province_head, district_head = place
    response = district_head.get(URL)
    assert response.status_code == 200 and not response.context["can_change"]
    assert "Chỉ thủ trưởng cơ quan khối cấp tỉnh thay đổi được." in response.content.decode()
    assert district_head.post(URL, GOOD).status_code == 403
    assert not ReportTemplate.objects.filter(province=province).exists()


def test_bad_settings_are_explained_in_vietnamese_and_nothing_changes(place):
    province, _district, province_head, _ = place
    response = province_head.post(URL, {**GOOD, "cutoff_day": "31", "submission_kind": "nine_months"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "nhỏ hơn hoặc bằng với 28" in page and "nine_months không phải là một trong các lựa chọn" in page
    assert not ReportTemplate.objects.filter(province=province).exists()


# ---------------------------------------------------------------- settings changed after figures exist


@pytest.fixture
def with_figures():
    """Province 95 on the default template (cut-off 15), one district with the Front, figures
    for every month of 2024 (AS01 = 1 a month)."""
    from tests.reports import build_fixtures as bf

    province = bf.province()
    district = bf.place(province, "95001", "Đông", types=("MTTQ",))
    default = selectors.template_for_default()
    for month in range(1, 13):
        bf.submit(district.orgs["MTTQ"], services.get_or_create_period(default, f"2024-{month:02d}"),
                  {Indicator.objects.get(catalog_unit__isnull=True, code="AS01"): 1})
    return province, district


def year_total(unit, template):
    from reports.rollup import rollup

    return rollup(unit, services.get_or_create_period(template, "2024-Y"), indicators=["AS01"]).totals["AS01"]


def test_a_province_that_sets_its_own_cut_off_keeps_counting_its_history(with_figures):
    province, district = with_figures
    assert year_total(district.unit, selectors.template_for(district.unit)) == 12
    own = services.report_template_save(actor=admin_user(), province=province, name="Tỉnh 95", cutoff_day=1,
                                        deadline_days=5, submission_kind="month", jump_factor=3)
    assert selectors.template_for(district.unit) == own
    # every month entered under the default template still counts, once
    assert year_total(district.unit, own) == 12
    table = selectors.completeness(district.body, "2024-Q1")
    assert table.totals["submitted"] == 3
    # opening January again finds the figures already entered, not a second, empty copy
    january = services.submission_period(own, "2024-01")
    existing = services.submission_get_or_create(actor=admin_user(), organization=district.orgs["MTTQ"], period=january)
    assert existing.period.template_id != own.pk and existing.figures.count() == 1


def test_the_submission_period_cannot_change_once_figures_exist(with_figures):
    province, _district = with_figures
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="không đổi được kỳ nộp"):
        services.report_template_save(actor=admin_user(), province=province, name="Tỉnh 95", cutoff_day=15,
                                      deadline_days=3, submission_kind="quarter", jump_factor=3)
    assert not ReportTemplate.objects.filter(province=province).exists()


def admin_user():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(is_superuser=True).first() or get_user_model().objects.create_superuser(
        "settings-admin", password="x")
