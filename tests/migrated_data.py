"""The rows the data migrations create, put back after a transactional test's flush.

A ``django_db(transaction=True)`` test ends with a flush that empties every table, including
the rows migrations load (organization types, the default rule catalog, the default indicator
catalog and report template). Later tests of the same session need them again.
"""
from __future__ import annotations


def restore() -> None:
    from khoi.defaults import ORGANIZATION_TYPES, RULES
    from khoi.models import CoordinationRule, OrganizationType
    from reports.catalog import load_default_catalog, load_default_template

    for order, (code, name, short, kind, noun) in enumerate(ORGANIZATION_TYPES):
        OrganizationType.objects.update_or_create(
            code=code, defaults={"name": name, "short_name": short, "kind": kind, "member_noun": noun, "sort_order": order}
        )
    for order, (code, mode, name, description) in enumerate(RULES):
        CoordinationRule.objects.update_or_create(
            catalog_unit=None, code=code,
            defaults={"name": name, "mode": mode, "description": description, "sort_order": order},
        )
    load_default_catalog()
    load_default_template()
