from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from khoi.models import CoordinationRule
from programme.models import Activity, Overlap, OverlapStatus

pytestmark = pytest.mark.django_db


def rule(code):
    return CoordinationRule.objects.get(catalog_unit__code="91", code=code)


@pytest.fixture
def joint_conference(world):
    d = world.districts["own"]
    return Activity.objects.create(programme=d.programme, title="Hội nghị tổng kết công tác năm 2024 của Cơ quan Khối",
                                   rule=rule("C3"), start_date=dt.date(2024, 12, 16), end_date=dt.date(2024, 12, 17))


def test_deputy_is_refused_her_own_review_conference_in_the_form_and_offered_to_join(world, client_for, joint_conference):
    d = world.districts["own"]
    client = client_for("deputy")
    count = Activity.objects.count()
    response = client.post(reverse("programme:activity_create", args=[d.programme.pk]), {
        "title": "Hội nghị tổng kết công tác Hội LHPN năm 2024", "rule": rule("C3").pk, "owner": d.orgs["HLHPN"].pk,
        "start_date": "09/12/2024", "end_date": "09/12/2024", "status": "planned",
    })
    body = response.content.decode()
    assert response.status_code == 409
    assert "Hội nghị tổng kết công tác năm 2024 của Cơ quan Khối" in body
    assert joint_conference.get_absolute_url() in body
    assert "tham gia hoạt động chung" in body
    assert "exception_reason" not in body  # only the head may allow an exception
    assert Activity.objects.count() == count
    # she joins the joint conference instead
    joined = client.post(reverse("programme:activity_join", args=[joint_conference.pk]), {"organization": d.orgs["HLHPN"].pk})
    assert joined.status_code == 302 and d.orgs["HLHPN"] in joint_conference.participants.all()


def test_head_merges_two_look_alike_activities_from_the_overlaps_page(world, client_for):
    d = world.districts["own"]
    client = client_for("head")
    page = client.get(reverse("programme:overlap_list")).content.decode()
    assert d.overlap.first.title in page and d.overlap.second.title in page and "cùng chủ đề" in page
    response = client.post(reverse("programme:overlap_merge", args=[d.overlap.pk]),
                           {"rule": rule("C5").pk, "title": "Tập huấn chung phòng chống ma túy"})
    merged = Activity.objects.get(pk=d.overlap.first_id)
    assert response.status_code == 302 and response.url == merged.get_absolute_url()
    assert merged.owner is None and merged.title == "Tập huấn chung phòng chống ma túy"
    assert Overlap.objects.get(pk=d.overlap.pk).status == OverlapStatus.MERGED


def test_programme_list_filters_and_searches(world, client_for):
    d = world.districts["own"]
    client = client_for("staff")
    url = reverse("programme:programme_detail", args=[d.programme.pk])
    shared = client.get(url, {"rule": "shared"}).context["page"].object_list
    assert [a.title for a in shared] == ["Tuyên truyền hiến đất làm đường"]
    found = client.get(url, {"q": "ma tuy phu nu"}).context["page"].object_list
    assert [a.title for a in found] == ["Tập huấn phòng chống ma túy cho hội viên phụ nữ"]
    by_org = client.get(url, {"organization": d.orgs["DTN"].pk}).context["page"].object_list
    assert {a.title for a in by_org} == {"Tuyên truyền hiến đất làm đường", "Tập huấn phòng chống ma túy cho đoàn viên"}


def test_month_and_week_calendars_show_the_activities(world, client_for):
    d = world.districts["own"]
    client = client_for("staff")
    month = client.get(reverse("programme:programme_month", args=[d.programme.pk]), {"m": "2024-09"}).content.decode()
    week = client.get(reverse("programme:programme_week", args=[d.programme.pk]), {"d": "2024-09-10"}).content.decode()
    for page in (month, week):
        assert "Tập huấn phòng chống ma túy cho hội viên phụ nữ" in page


@pytest.mark.parametrize("extra", [0, 12])
def test_programme_list_query_count_does_not_grow(world, client_for, django_assert_num_queries, extra):
    d = world.districts["own"]
    for i in range(extra):
        a = Activity.objects.create(programme=d.programme, title=f"Hoạt động {i}", rule=rule("C5"),
                                    start_date=dt.date(2024, 3, 1), end_date=dt.date(2024, 3, 2))
        a.participants.set(d.orgs.values())
        a.areas.set([d.commune])
    client = client_for("head")
    url = reverse("programme:programme_detail", args=[d.programme.pk])
    client.get(url)
    with django_assert_num_queries(15):
        client.get(url)


def test_attachments_are_checked_and_served_only_to_those_who_see_the_activity(world, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    d = world.districts["own"]
    client = client_for("deputy")
    url = reverse("programme:activity_attach", args=[d.own_activity.pk])
    client.post(url, {"file": SimpleUploadedFile("chuong-trinh.exe", b"MZ...")})
    assert not d.own_activity.attachments.exists()
    client.post(url, {"file": SimpleUploadedFile("Kế hoạch tập huấn.pdf", b"%PDF-1.4 ...")})
    attachment = d.own_activity.attachments.get()
    assert attachment.name == "Kế hoạch tập huấn.pdf"
    download = reverse("programme:attachment_download", args=[attachment.pk])
    assert client_for("staff").get(download).status_code == 200
    other = world.districts["other_district"]
    assert client_for("staff").get(reverse("programme:attachment_download", args=[other.attachment.pk])).status_code == 404
