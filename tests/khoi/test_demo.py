"""The demo as a new user meets it: idempotent, one login per role, levels as data (the 2025
commune-level agency works with no district above it), history readable by successors."""
from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import Client
from django.urls import reverse

from khoi import access, selectors
from khoi.demo import seed_demo
from khoi.models import AdministrativeUnit, JointBody, Person, Position
from khoi.units_data import load_units

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        load_units()
        logins = seed_demo()
        yield {login: role for login, role, _ in logins}
        transaction.set_rollback(True)


def user(name):
    return get_user_model().objects.get(username=name)


def body(name_part):
    return JointBody.objects.get(name__contains=name_part)


def test_seeding_twice_changes_nothing(demo):
    counts = (JointBody.objects.count(), Person.objects.count(), Position.objects.count(), get_user_model().objects.count())
    seed_demo()
    assert (JointBody.objects.count(), Person.objects.count(), Position.objects.count(),
            get_user_model().objects.count()) == counts


@pytest.mark.parametrize("login,role", [
    ("damha.truongkhoi", access.HEAD), ("damha.phokhoi", access.DEPUTY), ("damha.truongtieuban", access.SUB_HEAD),
    ("damha.canbo", access.STAFF), ("damha.tocongtac", access.FIELD), ("quangninh.bandanvan", access.BOARD),
    ("nahang.truongkhoi", access.HEAD), ("nahang.truongtieuban", access.SUB_HEAD), ("tuyenquang.bandanvan", access.BOARD),
    ("xadamha.chutich", access.HEAD), ("xadamha.phochutich", access.DEPUTY), ("xadamha.truongban", access.SUB_HEAD),
    ("xadamha.canbo", access.STAFF), ("xadamha.tocongtac", access.FIELD), ("admin", access.ADMIN),
])
def test_one_login_per_role(demo, login, role):
    assert login in demo
    assert role in access.roles(user(login))


def test_commune_agency_without_a_district_works_like_any_body(demo):
    commune_body = body("xã Đầm Hà")
    assert commune_body.unit.code == "06895" and commune_body.unit.parent.level == "province"
    head = Client()
    head.force_login(user("xadamha.chutich"))
    page = head.get(reverse("khoi:jointbody_detail", args=[commune_body.pk]))
    assert page.status_code == 200 and "Lục Văn Quang" in page.content.decode()
    # the head of the commune agency does not reach the former district body
    assert head.get(reverse("khoi:jointbody_detail", args=[body("huyện Đầm Hà").pk])).status_code == 404
    # the provincial board reaches the commune directly under the province
    board = Client()
    board.force_login(user("quangninh.bandanvan"))
    assert board.get(reverse("khoi:jointbody_detail", args=[commune_body.pk])).status_code == 200


def test_board_reads_the_former_district_through_the_2025_succession_but_not_another_province(demo):
    board = user("quangninh.bandanvan")
    visible = set(selectors.joint_body_list_for_user(board).values_list("name", flat=True))
    assert "Cơ quan Khối MTTQ và các đoàn thể huyện Đầm Hà" in visible
    assert "Cơ quan khối Dân huyện Na Hang" not in visible


def test_search_na_hang_finds_xa_na_hang(demo):
    found = selectors.unit_list_for_user(user("admin"), query="Na Hang", status="current")
    assert "Xã Nà Hang" in {u.name for u in found}
    assert AdministrativeUnit.objects.get(name="Xã Nà Hang", valid_to__isnull=True).code == "02221"


def test_one_person_holds_several_positions_at_once(demo):
    huong = Person.objects.get(full_name="Đàm Thanh Hương")
    titles = set(huong.positions.values_list("title", flat=True))
    assert {"Chủ tịch Hội LHPN huyện", "Phó Trưởng khối Dân", "Trưởng Tiểu ban Tuyên truyền – Vận động"} <= titles
