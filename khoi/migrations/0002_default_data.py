from django.db import migrations


def load_defaults(apps, schema_editor):
    from khoi.defaults import ORGANIZATION_TYPES, RULES

    OrganizationType = apps.get_model("khoi", "OrganizationType")
    CoordinationRule = apps.get_model("khoi", "CoordinationRule")
    for order, (code, name, short, kind, noun) in enumerate(ORGANIZATION_TYPES):
        OrganizationType.objects.update_or_create(
            code=code, defaults={"name": name, "short_name": short, "kind": kind, "member_noun": noun, "sort_order": order}
        )
    for order, (code, mode, name, description) in enumerate(RULES):
        CoordinationRule.objects.update_or_create(
            catalog_unit=None, code=code,
            defaults={"name": name, "mode": mode, "description": description, "sort_order": order},
        )


class Migration(migrations.Migration):
    dependencies = [("khoi", "0001_initial")]
    operations = [migrations.RunPython(load_defaults, migrations.RunPython.noop)]
