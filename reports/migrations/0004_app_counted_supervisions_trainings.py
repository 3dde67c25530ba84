from django.db import migrations


def load(apps, schema_editor):
    """Adds UD07 (supervisions) and UD08 (trainings) to the default catalog; idempotent."""
    from reports.catalog import load_default_catalog

    load_default_catalog(apps.get_model("reports", "Indicator"))


class Migration(migrations.Migration):
    dependencies = [("reports", "0003_template_submission_kind")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
