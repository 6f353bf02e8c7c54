"""The mid-year remontée per year of a convention: the syntheses sent before are those of the convention's first
year (a convention then had only one remontée)."""

from django.db import migrations, models


def first_year(apps, schema_editor):
    MidYearSynthesis = apps.get_model("funding", "MidYearSynthesis")
    for synthesis in MidYearSynthesis.objects.filter(year__isnull=True).select_related("convention"):
        synthesis.year = synthesis.convention.start_date.year
        synthesis.save(update_fields=["year"])


def historical_first_year(apps, schema_editor):
    """The history rows name their convention by id (no foreign key to follow once it is deleted)."""
    Convention = apps.get_model("conventions", "Convention")
    HistoricalMidYearSynthesis = apps.get_model("funding", "HistoricalMidYearSynthesis")
    starts = dict(Convention.objects.values_list("pk", "start_date__year"))
    for row in HistoricalMidYearSynthesis.objects.filter(year__isnull=True):
        row.year = starts.get(row.convention_id, 2024)
        row.save(update_fields=["year"])


class Migration(migrations.Migration):
    dependencies = [
        ("conventions", "0001_initial"),
        ("funding", "0009_plan_line_lock_version"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="midyearsynthesis", name="one_mid_year_synthesis_per_volet"),
        migrations.AddField(
            model_name="midyearsynthesis", name="year", field=models.PositiveSmallIntegerField("année", null=True)
        ),
        migrations.AddField(
            model_name="historicalmidyearsynthesis",
            name="year",
            field=models.PositiveSmallIntegerField("année", null=True),
        ),
        migrations.RunPython(first_year, migrations.RunPython.noop),
        migrations.RunPython(historical_first_year, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="midyearsynthesis", name="year", field=models.PositiveSmallIntegerField("année")
        ),
        migrations.AlterField(
            model_name="historicalmidyearsynthesis", name="year", field=models.PositiveSmallIntegerField("année")
        ),
        migrations.AddConstraint(
            model_name="midyearsynthesis",
            constraint=models.UniqueConstraint(
                fields=("convention", "year", "volet"), name="one_mid_year_synthesis_per_year_and_volet"
            ),
        ),
    ]
