from django.db import migrations


def load(apps, schema_editor):
    from reports.catalog import load_default_catalog, load_default_template

    load_default_catalog(apps.get_model("reports", "Indicator"))
    load_default_template(apps.get_model("reports", "ReportTemplate"))


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
