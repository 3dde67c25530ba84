"""The default indicator catalog: what ships, that loading is idempotent, and that a province
adapts its own copy (with history) without touching the default."""
from __future__ import annotations

import pytest

from khoi.models import AdministrativeUnit
from reports import catalog
from reports.models import Aggregation, Indicator
from reports.selectors import indicator_catalog_for_unit, indicators_for_org_type

EXTRAS = {"TC11", "TC20", "DC01", "DC02", "DC03", "DC04", "UD01", "UD02", "UD03", "UD04", "UD05", "UD06", "UD07", "UD08"}


def defaults():
    return Indicator.objects.filter(catalog_unit__isnull=True)


@pytest.mark.django_db
def test_the_default_catalog_has_the_66_indicators_active_and_only_our_extras():
    active = set(defaults().filter(is_active=True).values_list("code", flat=True))
    assert catalog.DEFAULT_CODES <= active
    assert len(catalog.DEFAULT_CODES) == 66
    assert active - catalog.DEFAULT_CODES == EXTRAS
    inactive = set(defaults().filter(is_active=False).values_list("code", flat=True))
    assert inactive == {"TC03", "TC07", "TC08", "AS11", "GS05", "DN01", "HG03", "KT02", "KT07", "KT11"}


@pytest.mark.django_db
def test_loading_twice_changes_nothing():
    before = list(defaults().order_by("code").values())
    assert catalog.load_default_catalog() == 90
    assert list(defaults().order_by("code").values()) == before


@pytest.mark.django_db
def test_ratios_point_to_their_terms_and_are_never_typed():
    ratios = {i.code: (i.numerator.code, i.denominator.code) for i in defaults().filter(aggregation=Aggregation.RATIO)
              .select_related("numerator", "denominator")}
    assert ratios == {"TC10": ("TC04", "TC09"), "TC16": ("TC15", "TC20"), "PT03": ("PT01", "PT02"),
                      "DN08": ("DN07", "DN06"), "HG03": ("HG02", "HG01")}
    assert not any(i.is_typed for i in defaults().filter(aggregation=Aggregation.RATIO))
    assert all(i.value_type == "percent" for i in defaults().filter(aggregation=Aggregation.RATIO))


@pytest.mark.django_db
def test_cross_field_rules_and_aggregations_from_the_research():
    d = {i.code: i for i in defaults().select_related("not_above")}
    assert d["GS03"].not_above.code == "GS02"
    assert d["DN05"].not_above.code == "DN03"
    assert d["HG02"].not_above.code == "HG01"
    assert d["AS03"].aggregation == "latest" and d["AS01"].aggregation == "sum"
    assert d["TC15"].aggregation == "max"
    assert d["AS01"].value_type == "amount" and d["AS01"].unit_label == "triệu đồng"
    # TC11: the joint body's unique-persons figure, active, a stock
    assert d["TC11"].is_active and d["TC11"].is_shared and d["TC11"].aggregation == "latest"
    # the app counts these itself
    assert d["UD01"].auto_source == "cases_received" and not d["UD01"].is_typed
    # org codes of the research mapped to OrganizationType codes; ALL → ""
    assert d["TC04"].reported_by == ""
    assert d["KT14"].reported_by == "LDLD"
    assert d["AS06"].reported_by == "MTTQ HCCB HLHPN LDLD"
    assert d["DC01"].name.startswith("Hội nghị đối thoại")


@pytest.mark.django_db
def test_indicators_for_an_org_type():
    women = {i.code for i in indicators_for_org_type(defaults(), "HLHPN")}
    assert {"TC04", "TC05", "KT08", "KT09"} <= women
    assert "KT14" not in women and "TC13" not in women and "TC07" not in women  # trade union, Front, inactive


@pytest.mark.django_db
def test_a_province_adapts_a_copy_with_history_and_the_default_stays():
    province = AdministrativeUnit.objects.create(code="99", name="Tỉnh Thử", level="province", unit_type="Tỉnh")
    commune = AdministrativeUnit.objects.create(code="9901", name="Xã Thử", level="commune", unit_type="Xã", parent=province)
    assert indicator_catalog_for_unit(commune).filter(catalog_unit__isnull=True).count() == 90

    copies = catalog.adopt_catalog(province)
    assert len(copies) == 90
    assert catalog.adopt_catalog(province) and Indicator.objects.filter(catalog_unit=province).count() == 90  # idempotent
    own = {i.code: i for i in Indicator.objects.filter(catalog_unit=province).select_related("numerator", "not_above")}
    assert own["TC10"].numerator.catalog_unit_id == province.pk
    assert own["GS03"].not_above == own["GS02"]
    assert set(indicator_catalog_for_unit(commune).values_list("catalog_unit_id", flat=True)) == {province.pk}

    own["PT06"].name = "Số buổi tuyên truyền"
    own["PT06"].save()
    assert own["PT06"].history.count() >= 2
    assert defaults().get(code="PT06").name == "Số cuộc tuyên truyền, vận động"
