import pytest
from django.core.exceptions import PermissionDenied

from khoi import services
from khoi.models import AdministrativeUnit, CoordinationRule

pytestmark = pytest.mark.django_db


def test_moving_a_unit_re_roots_its_whole_subtree(world):
    d1, d2 = world.districts["own"], world.districts["other_district"]
    area = AdministrativeUnit.objects.create(code="9110102", name="Thôn Một", unit_type="Thôn", level="area",
                                             parent=d1.commune)
    services.unit_save(actor=world.users["admin"], unit=d1.commune, parent=d2.unit)
    area.refresh_from_db()
    d1.commune.refresh_from_db()
    assert d1.commune.path == f"{d2.unit.path}{d1.commune.pk}/"
    assert area.path == f"{d1.commune.path}{area.pk}/" and area.depth == d1.commune.depth + 1


def test_only_a_province_head_adopts_the_rule_catalog(world):
    with pytest.raises(PermissionDenied):
        services.rule_catalog_adopt(actor=world.users["head"], catalog_unit=world.p2)
    assert not CoordinationRule.objects.filter(catalog_unit=world.p2).exclude(code="C3").exists()
