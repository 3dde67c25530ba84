"""The report template (cut-off day, deadline, submission period) per province: everyone reads
the one in force, the head of a province-level body makes the province's own, history kept."""
from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from khoi.models import JointBody, Person, PositionRole
from reports import selectors, services
from reports.models import ReportTemplate
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
