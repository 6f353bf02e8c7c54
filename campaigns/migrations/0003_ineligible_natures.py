from django.db import migrations, models


def reference_natures(apps, schema_editor):
    """The reference campaigns created before this field get their list of ineligible natures."""
    from campaigns.loading import reference_campaigns

    Campaign = apps.get_model("campaigns", "Campaign")
    for entry in reference_campaigns():
        Campaign.objects.filter(first_year=entry["first_year"], ineligible_natures=[]).update(
            ineligible_natures=entry["ineligible_natures"]
        )


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0002_reference_campaigns"),
    ]

    operations = [
        migrations.AddField(
            model_name="campaign",
            name="ineligible_natures",
            field=models.JSONField(blank=True, default=list, verbose_name="natures de dépense non finançables"),
        ),
        migrations.AddField(
            model_name="historicalcampaign",
            name="ineligible_natures",
            field=models.JSONField(blank=True, default=list, verbose_name="natures de dépense non finançables"),
        ),
        migrations.RunPython(reference_natures, migrations.RunPython.noop),
    ]
