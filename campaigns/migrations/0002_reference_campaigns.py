from django.db import migrations


def load(apps, schema_editor):
    from campaigns.loading import load_reference_campaigns

    load_reference_campaigns(apps.get_model("campaigns", "Campaign"), apps.get_model("campaigns", "ModelText"))


class Migration(migrations.Migration):
    """The 2024 campaign of the reference data (campaigns/data/campagnes.json)."""

    dependencies = [("campaigns", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
