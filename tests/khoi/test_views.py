"""What users notice on the core pages: scoped lists, search without accents, paging,
Vietnamese form errors, the organization chart, and constant query counts."""
from __future__ import annotations

import unicodedata

import pytest
from django.urls import reverse

from khoi.models import CoordinationRule, Person, Position, PositionRole
from tests.world import START, position

pytestmark = pytest.mark.django_db


def listed_ids(response):
    return {obj.pk for obj in response.context["page"].object_list}


def test_people_list_shows_only_people_in_reach(world, client_for):
    # given people in three districts
    own = set(Person.objects.filter(unit__path__startswith=world.districts["own"].unit.path).values_list("pk", flat=True))
    province = set(Person.objects.filter(unit__path__startswith=world.p1.path).values_list("pk", flat=True))
    # when the district staff member and the provincial board list people
    staff_ids = listed_ids(client_for("staff").get(reverse("khoi:person_list"), {"page": 1}))
    # then each sees exactly their own subtree (first page holds all of them here)
    assert staff_ids == own
    board = client_for("board").get(reverse("khoi:person_list"))
    assert board.context["page"].paginator.count == len(province)
    assert client_for("norole").get(reverse("khoi:person_list")).context["page"].paginator.count == 0


def test_search_ignores_diacritics_and_case(world, client_for):
    response = client_for("head").get(reverse("khoi:organization_list"), {"q": "HOI LHPN huyen dam ha"})
    assert [o.name for o in response.context["page"].object_list] == ["Hội LHPN huyện Đầm Hà"]


def test_htmx_search_returns_only_the_table(world, client_for):
    response = client_for("head").get(reverse("khoi:person_list"), {"q": "truong"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "<table" in body and "<html" not in body and "Trưởng Khối" in body


def test_lists_are_paged(world, client_for, settings):
    settings.KHOI_PAGE_SIZE = 2
    first = client_for("admin").get(reverse("khoi:organization_list"))
    second = client_for("admin").get(reverse("khoi:organization_list"), {"page": 2})
    assert len(first.context["page"].object_list) == 2
    assert listed_ids(first).isdisjoint(listed_ids(second))


def test_filter_by_organization_type(world, client_for):
    response = client_for("board").get(reverse("khoi:organization_list"), {"org_type": "HCCB"})
    assert {o.org_type.code for o in response.context["page"].object_list} == {"HCCB"}
    assert response.context["page"].paginator.count == 2  # the two districts of the province


def test_person_form_explains_errors_in_vietnamese_and_saves_nothing(world, client_for):
    count = Person.objects.count()
    response = client_for("head").post(reverse("khoi:person_create"), {"full_name": "", "unit": "99999"})
    body = response.content.decode()
    assert response.status_code == 400
    assert "Trường này là bắt buộc." in body
    assert "Không tìm thấy đơn vị có mã hoặc tên “99999”" in body
    assert Person.objects.count() == count


def test_person_created_with_nfd_name_is_stored_nfc_and_found_without_accents(world, client_for):
    nfd = unicodedata.normalize("NFD", "Hoàng Thị Thủy")
    response = client_for("head").post(
        reverse("khoi:person_create"), {"full_name": nfd, "unit": world.districts["own"].unit.code, "phone": ""}
    )
    assert response.status_code == 302
    person = Person.objects.get(search_name="hoang thi thuy")
    assert person.full_name == unicodedata.normalize("NFC", "Hoàng Thị Thủy")
    found = client_for("head").get(reverse("khoi:person_list"), {"q": "hoang thi thuy"})
    assert person.pk in listed_ids(found)


def test_head_cannot_place_a_person_in_another_district(world, client_for):
    count = Person.objects.count()
    response = client_for("head").post(
        reverse("khoi:person_create"), {"full_name": "Nguyễn Văn A", "unit": world.districts["other_district"].unit.code}
    )
    assert response.status_code == 400  # the other district's code is not in reach: a form error
    assert Person.objects.count() == count


def test_org_chart_shows_head_deputies_parts_and_members_with_their_organizations(world, client_for):
    d1 = world.districts["own"]
    member = Person.objects.create(full_name="Thành Viên Liên Tổ Chức", unit=d1.unit)
    position(member, d1.orgs["HND"], "Phó Chủ tịch Hội Nông dân", PositionRole.STAFF)
    position(member, d1.subs["inspection"], "Thành viên Tiểu ban Kiểm tra – Giám sát", PositionRole.MEMBER)
    body = client_for("sub_head").get(reverse("khoi:jointbody_detail", args=[d1.body.pk])).content.decode()
    for text in ("Trưởng Khối", "Phó Khối", "Hội LHPN huyện Đầm Hà", "Tiểu ban Tuyên truyền – Vận động",
                 "Tiểu ban Kiểm tra – Giám sát", "Tiểu ban Dân chủ – Pháp luật", "Văn phòng",
                 "Thành Viên Liên Tổ Chức", "Hội ND"):
        assert text in body


@pytest.mark.parametrize("rows", [1, 10])
def test_people_list_query_count_does_not_grow_with_rows(world, client_for, django_assert_num_queries, rows):
    d1 = world.districts["own"]
    for i in range(rows):
        person = Person.objects.create(full_name=f"Cán Bộ Số {i}", unit=d1.unit)
        position(person, d1.orgs["HND"], "Hội viên", PositionRole.STAFF)
    client = client_for("head")
    client.get(reverse("khoi:person_list"))  # warm the session
    with django_assert_num_queries(11):
        client.get(reverse("khoi:person_list"))


@pytest.mark.parametrize("members", [1, 8])
def test_org_chart_query_count_does_not_grow_with_members(world, client_for, django_assert_num_queries, members):
    d1 = world.districts["own"]
    for i in range(members):
        person = Person.objects.create(full_name=f"Thành Viên {i}", unit=d1.unit)
        position(person, d1.orgs["DTN"], "Đoàn viên", PositionRole.STAFF)
        position(person, d1.subs["democracy"], "Thành viên", PositionRole.MEMBER)
    client = client_for("head")
    client.get(reverse("khoi:jointbody_detail", args=[d1.body.pk]))
    with django_assert_num_queries(13):
        client.get(reverse("khoi:jointbody_detail", args=[d1.body.pk]))


def test_rule_edits_keep_history(world, client_for):
    rule = world.rules["own"]
    rule.name = "Hội nghị tổng kết chung của khối"
    rule.save()
    response = client_for("admin").get(reverse("khoi:rule_detail", args=[rule.pk]))
    names = [h.name for h in response.context["history"]]
    assert names[:2] == ["Hội nghị tổng kết chung của khối", "Hội nghị tổng kết chung"]


def test_home_lists_what_is_due(world, client_for):
    body = client_for("head").get(reverse("home")).content.decode()
    # the world's subcommittees other than propaganda have no head: the head is told
    assert "Tiểu ban Kiểm tra – Giám sát (Cơ quan Khối huyện Đầm Hà) chưa có trưởng tiểu ban." in body
    assert "Bình Liêu" not in body


def test_head_adds_a_residential_area_below_the_district_but_not_elsewhere(world, client_for):
    from khoi.models import AdministrativeUnit

    d1, d2 = world.districts["own"], world.districts["other_district"]
    data = {"code": "9110101", "name": "Khu Hòa Bình", "unit_type": "Khu", "level": "area", "parent": d1.commune.code}
    response = client_for("head").post(reverse("khoi:unit_create"), data)
    assert response.status_code == 302
    area = AdministrativeUnit.objects.get(code="9110101")
    assert area.path.startswith(d1.commune.path) and area.path != d1.commune.path
    # the other district's commune is out of reach: a form error, nothing saved
    response = client_for("head").post(reverse("khoi:unit_create"), {**data, "code": "9120101", "parent": d2.commune.code})
    assert response.status_code == 400 and not AdministrativeUnit.objects.filter(code="9120101").exists()
