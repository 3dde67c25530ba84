"""The shipped administrative-unit data, loaded into a real database once per module."""
from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.db.models import Count, Q

from khoi import text
from khoi.models import AdministrativeUnit, UnitLevel, UnitSuccession
from khoi.units_data import load_units, read_unit_rows

pytestmark = pytest.mark.django_db

LEGACY_END = dt.date(2025, 6, 30)
REFORM = dt.date(2025, 7, 1)


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    """Loads the real data once; rolled back after the module so other tests see an empty table.

    Each test runs in its own savepoint inside this transaction (pytest-django nests them).
    """
    with django_db_blocker.unblock(), transaction.atomic():
        summary = load_units()
        yield summary
        transaction.set_rollback(True)


def legacy(**filters):
    return AdministrativeUnit.objects.filter(valid_to=LEGACY_END, **filters)


def current(**filters):
    return AdministrativeUnit.objects.filter(valid_to__isnull=True, **filters)


def legacy_unit(code: str) -> AdministrativeUnit:
    return legacy().get(code=code)


def current_unit(code: str) -> AdministrativeUnit:
    return current().get(code=code)


DAM_HA_COMMUNES = {
    "Thị trấn Đầm Hà", "Xã Quảng Lâm", "Xã Quảng An", "Xã Tân Bình", "Xã Dực Yên",
    "Xã Quảng Tân", "Xã Đầm Hà", "Xã Tân Lập", "Xã Đại Bình",
}


def dam_ha_district() -> AdministrativeUnit:
    return legacy(level=UnitLevel.DISTRICT, name="Huyện Đầm Hà", parent__name="Tỉnh Quảng Ninh").get()


def test_the_first_load_creates_every_unit_and_succession(loaded):
    assert loaded["units_created"] == loaded["units"] == 63 + 696 + 10_035 + 34 + 3_321
    assert loaded["successions_created"] == loaded["successions"] > 10_035
    assert UnitSuccession.objects.count() == loaded["successions"]


def test_structure_before_the_reform_has_three_levels(loaded):
    counts = dict(legacy().values_list("level").annotate(n=Count("id")))
    assert counts == {UnitLevel.PROVINCE: 63, UnitLevel.DISTRICT: 696, UnitLevel.COMMUNE: 10_035}
    assert not legacy().filter(valid_from__isnull=False).exists()


def test_structure_after_the_reform_has_no_district_level(loaded):
    counts = dict(current().values_list("level").annotate(n=Count("id")))
    assert counts == {UnitLevel.PROVINCE: 34, UnitLevel.COMMUNE: 3_321}
    types = dict(current(level=UnitLevel.COMMUNE).values_list("unit_type").annotate(n=Count("id")))
    assert types == {"Xã": 2_621, "Phường": 687, "Đặc khu": 13}
    assert set(current().values_list("valid_from", flat=True)) == {REFORM}
    assert not current(level=UnitLevel.COMMUNE, parent__level=UnitLevel.PROVINCE).filter(
        ~Q(parent__valid_to__isnull=True)
    ).exists()


def test_old_quang_ninh_has_13_district_level_units(loaded):
    province = legacy(level=UnitLevel.PROVINCE).get(short_name="Quảng Ninh")
    assert province.children.count() == 13


def test_dam_ha_district_has_its_nine_communes(loaded):
    district = dam_ha_district()
    assert set(district.children.values_list("name", flat=True)) == DAM_HA_COMMUNES


def test_subtree_filter_on_the_path_returns_exactly_the_district_communes(loaded):
    district = dam_ha_district()
    subtree = AdministrativeUnit.objects.filter(path__startswith=district.path).exclude(pk=district.pk)
    assert set(subtree.values_list("name", flat=True)) == DAM_HA_COMMUNES
    assert subtree.count() == 9


def test_new_quang_ninh_has_54_communes_including_xa_dam_ha(loaded):
    province = current(level=UnitLevel.PROVINCE).get(short_name="Quảng Ninh")
    assert province.children.count() == 54
    dam_ha = current_unit("06895")
    assert (dam_ha.name, dam_ha.unit_type, dam_ha.parent_id) == ("Xã Đầm Hà", "Xã", province.pk)


def test_xa_dam_ha_succeeds_communes_of_the_old_district(loaded):
    predecessors = current_unit("06895").predecessors.all()
    assert predecessors
    assert {unit.parent_id for unit in predecessors} == {dam_ha_district().pk}
    assert "Thị trấn Đầm Hà" in {unit.name for unit in predecessors}


def test_xa_na_hang_is_in_new_tuyen_quang_and_found_without_diacritics(loaded):
    na_hang = current_unit("02221")
    assert na_hang.name == "Xã Nà Hang"
    assert na_hang.parent.name == "Tỉnh Tuyên Quang"
    found = current(level=UnitLevel.COMMUNE, search_name__contains=text.fold("na hang"))
    assert na_hang in found
    assert legacy_unit("02221").name == "Thị trấn Na Hang"


def test_codes_keep_their_leading_zeros(loaded):
    assert legacy_unit("01").name == "Thành phố Hà Nội"
    assert legacy_unit("00001").name == "Phường Phúc Xá"
    assert current_unit("08").name == "Tỉnh Tuyên Quang"
    assert not AdministrativeUnit.objects.filter(code__regex=r"^[1-9]\d?$", level=UnitLevel.COMMUNE).exists()


def test_names_are_stored_clean_and_folded_for_search(loaded):
    for name, search_name in AdministrativeUnit.objects.values_list("name", "search_name").iterator():
        assert name == text.clean(name)
        assert search_name == text.fold(name)


def test_every_path_extends_its_parent_path(loaded):
    paths = dict(AdministrativeUnit.objects.values_list("pk", "path"))
    for pk, parent_id, path, depth in AdministrativeUnit.objects.values_list("pk", "parent_id", "path", "depth"):
        prefix = paths[parent_id] if parent_id else "/"
        assert path == f"{prefix}{pk}/"
        assert depth == path.count("/") - 2


def test_every_old_unit_gives_its_history_to_exactly_one_new_unit(loaded):
    histories = UnitSuccession.objects.filter(takes_history=True).values("predecessor").annotate(n=Count("id"))
    assert {row["n"] for row in histories} == {1}
    assert histories.count() == 63 + 696 + 10_035
    assert not UnitSuccession.objects.exclude(effective_date=REFORM).exists()
    assert not UnitSuccession.objects.filter(Q(predecessor__valid_to__isnull=True) | Q(successor__valid_to__isnull=False)).exists()


def test_every_new_commune_has_a_predecessor(loaded):
    assert not current(level=UnitLevel.COMMUNE).filter(predecessors__isnull=True).exists()


def test_old_district_goes_to_the_new_province(loaded):
    succession = UnitSuccession.objects.get(predecessor=dam_ha_district())
    assert succession.successor == current(level=UnitLevel.PROVINCE).get(short_name="Quảng Ninh")
    assert succession.takes_history


def test_island_district_without_communes_gives_its_history_to_the_special_zone(loaded):
    district = legacy(level=UnitLevel.DISTRICT).get(name="Huyện Côn Đảo")
    assert not district.children.exists()
    taking = UnitSuccession.objects.get(predecessor=district, takes_history=True).successor
    assert (taking.name, taking.unit_type, taking.parent.name) == ("Đặc khu Côn Đảo", "Đặc khu", "Thành phố Hồ Chí Minh")


def test_a_divided_commune_has_several_successors_and_one_takes_its_history(loaded):
    # Xã Tân Thạnh (Thới Lai, Cần Thơ) was split; the source gives its history to Trường Thành.
    successions = UnitSuccession.objects.filter(predecessor=legacy_unit("31268")).select_related("successor")
    assert {(s.successor.name, s.successor.code, s.takes_history) for s in successions} == {
        ("Xã Tân Thạnh", "31666", False), ("Xã Trường Thành", "31288", True),
    }


def test_loading_twice_changes_nothing(loaded):
    counts = (AdministrativeUnit.objects.count(), UnitSuccession.objects.count())
    again = load_units()
    assert (AdministrativeUnit.objects.count(), UnitSuccession.objects.count()) == counts
    assert again["units_created"] == again["units_updated"] == again["paths_updated"] == 0
    assert again["successions_created"] == again["successions_updated"] == 0


def test_loading_again_repairs_edited_rows_in_place_and_keeps_user_units(loaded):
    commune = legacy_unit("06895")
    AdministrativeUnit.objects.filter(pk=commune.pk).update(name="Thi tran Dam Ha", path="/broken/")
    area = AdministrativeUnit(name="Khu phố 1", unit_type="Khu", level=UnitLevel.AREA, code="KP1", parent=commune)
    area.save()
    count = AdministrativeUnit.objects.count()

    summary = load_units()

    assert summary["units_created"] == 0
    assert summary["units_updated"] == 1
    assert AdministrativeUnit.objects.count() == count
    commune.refresh_from_db()
    area.refresh_from_db()
    assert (commune.name, commune.search_name) == ("Thị trấn Đầm Hà", "thi tran dam ha")
    assert commune.path == f"{dam_ha_district().path}{commune.pk}/"
    assert area.path == f"{commune.path}{area.pk}/"


def test_the_data_file_keys_every_row_by_structure_and_code():
    rows = read_unit_rows()
    assert len({row.key for row in rows}) == len(rows)
    assert all(row.key == f"{'L' if row.valid_to else 'N'}:{row.code}" for row in rows)
