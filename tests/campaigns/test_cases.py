"""Cases through the single point of contact, and the public lookup page."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Campaign, Case, CaseStatus, Household
from khoi.models import Person
from tests.world import login_for

pytestmark = pytest.mark.django_db

LOOKUP = "campaigns:case_lookup"


def lookup(client, reference, phone, **extra):
    return client.post(reverse(LOOKUP), {"reference": reference, "phone": phone}, **extra)


def neutral(body: str) -> str:
    """The page without what legitimately varies between two requests (CSRF token, typed reference)."""
    body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", body)
    body = re.sub(r'"X-CSRFToken": "[^"]*"', "", body)
    return re.sub(r'value="[^"]*"', "", body)


# --- public lookup -----------------------------------------------------------------------------

def test_lookup_page_needs_no_login_and_protects_its_form_with_csrf(world):
    client = Client(enforce_csrf_checks=True)
    page = client.get(reverse(LOOKUP))
    assert page.status_code == 200
    assert 'name="csrfmiddlewaretoken"' in page.content.decode()
    assert page["X-Robots-Tag"].startswith("noindex") and "no-store" in page["Cache-Control"]
    refused = client.post(reverse(LOOKUP), {"reference": "T911-2020-000001", "phone": "0912345678"})
    assert refused.status_code == 403


def test_lookup_with_the_right_pair_shows_status_deadline_and_answer_only(world):
    case = Case.objects.get(pk=world.districts["own"].case.pk)
    case.answer, case.status = "Đơn giá đất vườn theo Quyết định 12/2020 của UBND tỉnh.", CaseStatus.ANSWERED
    case.save()
    # typed by hand: lower case, spaces in the phone number
    response = lookup(Client(), " t911-2020-000001 ", "0912 345 678")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Đã trả lời" in body and "15/06/2020" in body
    assert "Đơn giá đất vườn theo Quyết định 12/2020 của UBND tỉnh." in body
    for private in ("Nguyễn Văn Hộ", "Hỏi mức bồi thường đất vườn", "Mức bồi thường", case.responsible.full_name,
                    "0912345678", "0912 345 678", world.districts["own"].commune.name, world.districts["own"].campaign.name):
        assert private not in body, f"the public page leaks {private!r}"


def test_a_wrong_pair_gets_one_neutral_answer_whichever_field_was_wrong(world):
    client = Client()
    wrong_phone = lookup(client, "T911-2020-000001", "0999999999")
    wrong_reference = lookup(client, "T911-2020-000002", "0912345678")
    for response in (wrong_phone, wrong_reference):
        body = response.content.decode()
        assert response.status_code == 200
        assert "Không tìm thấy hồ sơ với số hồ sơ và số điện thoại đã nhập" in body
        assert "Đang xử lý" not in body and "Hạn trả lời" not in body
    assert neutral(wrong_phone.content.decode()) == neutral(wrong_reference.content.decode())
    assert "0999999999" not in wrong_phone.content.decode(), "the typed phone number is not echoed back"


def test_lookup_accepts_the_international_form_of_the_phone_number(world):
    assert "Đang xử lý" in lookup(Client(), "T911-2020-000001", "+84 912 345 678").content.decode()


def test_lookup_is_rate_limited_per_address(world):
    client = Client()
    for _ in range(20):
        assert lookup(client, "T911-2020-000009", "0912345678").status_code == 200
    limited = lookup(client, "T911-2020-000001", "0912345678")  # even the right pair
    body = limited.content.decode()
    assert limited.status_code == 429
    assert "Bạn đã tra cứu quá nhiều lần" in body and "Vui lòng thử lại sau" in body
    assert "Đang xử lý" not in body
    assert 0 < int(limited["Retry-After"]) <= 600
    assert client.get(reverse(LOOKUP)).status_code == 200  # looking at the form costs nothing
    other_address = lookup(Client(), "T911-2020-000001", "0912345678", REMOTE_ADDR="203.0.113.7")
    assert other_address.status_code == 200 and "Đang xử lý" in other_address.content.decode()


def test_lookup_with_empty_fields_is_refused_without_searching(world):
    response = lookup(Client(), "", "")
    assert response.status_code == 400
    assert "Không tìm thấy" not in response.content.decode()


# --- opening cases -----------------------------------------------------------------------------

def case_data(world, **overrides):
    d = world.districts["own"]
    data = {
        "topic": "Hỗ trợ tái định cư", "citizen_name": "Nguyễn Văn Hộ", "phone": "0912 345 678",
        "content": "Đề nghị được bố trí lô tái định cư.", "household": d.household.pk,
        "responsible": d.team.leader.pk, "organizations": [d.orgs["HCCB"].pk],
        "deadline": (timezone.localdate() + dt.timedelta(days=10)).strftime("%d/%m/%Y"),
    }
    data.update(overrides)
    return data


def test_case_form_offers_the_campaigns_households_and_the_bodys_people(world, client_for):
    d = world.districts["own"]
    page = client_for("head").get(reverse("campaigns:case_create", args=[d.campaign.pk]) + f"?household={d.household.pk}")
    body = page.content.decode()
    assert page.status_code == 200
    assert "Nguyễn Văn Hộ" in body and d.team.leader.full_name in body and d.orgs["HCCB"].name in body
    assert world.districts["other_district"].household.get_absolute_url() not in body
    assert 'value="0912345678"' in body  # the household's phone is offered


def test_one_household_and_topic_open_one_case_the_second_is_refused_with_the_first_reference(world, client_for):
    d = world.districts["own"]
    client = client_for("head")
    count = Case.objects.count()
    # the same topic written differently (case, diacritics, spaces)
    response = client.post(reverse("campaigns:case_create", args=[d.campaign.pk]),
                           case_data(world, topic="  MUC BOI   THUONG "))
    body = response.content.decode()
    assert response.status_code == 409
    assert "T911-2020-000001" in body
    assert d.case.get_absolute_url() in body  # a link to add to the existing case
    assert Case.objects.count() == count


def test_references_increase_per_campaign_prefix_and_year(world, client_for):
    d = world.districts["own"]
    client = client_for("sub_head")
    year = timezone.localdate().year
    first = client.post(reverse("campaigns:case_create", args=[d.campaign.pk]), case_data(world))
    second = client.post(reverse("campaigns:case_create", args=[d.campaign.pk]),
                         case_data(world, topic="Di dời mộ phần", household=""))
    cases = list(Case.objects.filter(reference__startswith=f"T911-{year}-").order_by("reference"))
    assert [c.reference for c in cases] == [f"T911-{year}-000001", f"T911-{year}-000002"]
    assert first.status_code == 302 and first.url == cases[0].get_absolute_url()
    assert second.status_code == 302 and second.url == cases[1].get_absolute_url()
    assert cases[0].phone == "0912345678" and cases[0].household == d.household and cases[1].household is None
    assert list(cases[0].organizations.all()) == [d.orgs["HCCB"]]


def test_case_form_errors_are_shown_and_nothing_is_saved(world, client_for):
    d = world.districts["own"]
    count = Case.objects.count()
    response = client_for("head").post(reverse("campaigns:case_create", args=[d.campaign.pk]),
                                       case_data(world, phone="12345", topic="Khác", deadline="01/01/2000"))
    body = response.content.decode()
    assert response.status_code == 400
    assert "Hạn trả lời không được ở quá khứ" in body
    assert Case.objects.count() == count


def test_staff_may_read_cases_but_not_open_them(world, client_for):
    d = world.districts["own"]
    client = client_for("staff")
    assert client.get(reverse("campaigns:case_create", args=[d.campaign.pk])).status_code == 403
    assert client.post(reverse("campaigns:case_create", args=[d.campaign.pk]), case_data(world)).status_code == 403
    assert client.get(d.case.get_absolute_url()).status_code == 200


# --- answering ---------------------------------------------------------------------------------

def test_the_responsible_person_answers_and_closes_and_the_citizen_sees_it(world, client_for):
    d = world.districts["own"]
    veteran = Person.objects.get(pk=d.case.responsible_id)  # a fresh copy: the world is shared by the module
    client = client_for("anon")
    client.force_login(login_for(veteran, "veteran"))
    page = client.get(d.case.get_absolute_url())
    assert page.status_code == 200 and 'name="answer"' in page.content.decode()
    response = client.post(d.case.get_absolute_url(), {"answer": "Đã giải đáp tại hộ: đơn giá theo quyết định của tỉnh.",
                                                       "close": "on"})
    assert response.status_code == 302
    case = Case.objects.get(pk=d.case.pk)
    assert case.status == CaseStatus.CLOSED and case.closed_at and case.answered_at
    seen = lookup(Client(), case.reference, case.phone).content.decode()
    assert "Đã đóng" in seen and "Đã giải đáp tại hộ: đơn giá theo quyết định của tỉnh." in seen


def test_an_empty_answer_is_refused(world, client_for):
    d = world.districts["own"]
    response = client_for("head").post(d.case.get_absolute_url(), {"answer": "  "})
    assert response.status_code == 400
    assert Case.objects.get(pk=d.case.pk).status == CaseStatus.OPEN


def test_readers_who_are_not_responsible_cannot_answer(world, client_for):
    d = world.districts["own"]
    page = client_for("staff").get(d.case.get_absolute_url()).content.decode()
    assert 'name="answer"' not in page
    assert client_for("staff").post(d.case.get_absolute_url(), {"answer": "x", "close": "on"}).status_code == 403
    assert client_for("field").post(d.case.get_absolute_url(), {"answer": "x"}).status_code == 404
    assert Case.objects.get(pk=d.case.pk).status == CaseStatus.OPEN


# --- list and warnings -------------------------------------------------------------------------

def test_case_list_searches_reference_and_topic_and_filters_status(world, client_for):
    client = client_for("head")
    url = reverse("campaigns:case_list")
    for query in ("000001", "boi thuong", "BỒI THƯỜNG"):
        body = client.get(url, {"q": query}).content.decode()
        assert "T911-2020-000001" in body, query
        assert "T912-2020-000001" not in body  # another district's case
    assert "T911-2020-000001" not in client.get(url, {"status": "closed"}).content.decode()
    assert "T911-2020-000001" in client.get(url, {"status": "open"}).content.decode()
    assert "T911-2020-000001" not in client_for("field").get(url).content.decode()


def test_case_page_warns_when_the_household_is_reached_by_another_campaign(world, client_for):
    d = world.districts["own"]
    other = Campaign.objects.create(
        joint_body=d.body, rule=d.campaign.rule, name="Cuộc vận động hiến đất mở đường cao tốc",
        message="Vận động hộ dân bàn giao mặt bằng cho dự án cao tốc", reference_prefix="HD",
        start_date=dt.date(2020, 6, 1), end_date=dt.date(2020, 7, 30), status="active")
    Household.objects.create(campaign=other, head_name="NGUYỄN VĂN HỘ", name_key="nguyen van ho", area=d.commune)
    body = client_for("head").get(d.case.get_absolute_url()).content.decode()
    assert "Một hộ, một đầu mối" in body and other.name in body
