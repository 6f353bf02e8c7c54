"""Deliveries through the pages: upload, all-or-nothing refusal, replacement, permissions, no raw
identifier kept anywhere in the database."""

import io
import re
from datetime import date

import pytest
from django.apps import apps
from django.db import connection, models
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import Role
from indicators.models import Delivery, IndicatorResult
from indicators.tests.examples import upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path):
    settings.INDICATORS_DATA_DIR = tmp_path / "indicateurs"


@pytest.fixture
def cd_agent(client, make_user):
    user = make_user(Role.DEPARTMENTAL_COUNCIL, "01D", first_name="Jules")
    client.force_login(user)
    return user


def test_upload_computes_the_indicators_of_the_collectivity(client, cd_agent, settings):
    response = upload(client)
    page = response.content.decode()
    assert "Livraison acceptée" in page
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.progress, delivery.uploaded_by) == ("acceptee", 100, cd_agent)
    assert delivery.row_counts == {"situations_mensuelles": 131, "orientations": 13}
    assert (delivery.first_month.isoformat(), delivery.last_month.isoformat()) == ("2022-10-01", "2024-04-01")
    assert len(delivery.checksum) == 64
    january = IndicatorResult.objects.get(table="volet2", month="2024-01-01")
    assert january.values == {
        "nouveaux_entrants": 3,
        "t0_inconnu": 1,
        "orientes_15_jours": 2,
        "orientes_1_mois": 2,
        "orientations_accompagnement_global": 1,
        "absents_rdv_orientation": 1,
    }
    assert january.version == "volet2-v1"
    # The raw upload is not kept: only the pseudonymised Parquet tables of the delivery, their persons numbered,
    # and the pseudonyms of the numbers.
    files = sorted(
        p.relative_to(settings.INDICATORS_DATA_DIR).as_posix() for p in settings.INDICATORS_DATA_DIR.rglob("*.*")
    )
    assert files == [
        f"livraisons/{delivery.pk}/orientations.parquet",
        f"livraisons/{delivery.pk}/personnes.parquet",
        f"livraisons/{delivery.pk}/situations_mensuelles.parquet",
    ]
    dashboard = client.get(reverse("indicators:dashboard", args=["01D"])).content.decode()
    assert "Orientations vers l'accompagnement global, comptées à part : 1." in dashboard
    assert "Absences au rendez-vous d'orientation : 1." in dashboard


def test_refused_delivery_names_the_line_and_keeps_nothing(client, cd_agent, settings):
    response = upload(client, replace=("situations_mensuelles.csv", "B01;2024-02;versable", "B01;2024-02;payé"))
    page = response.content.decode()
    assert "Livraison refusée : rien n'a été enregistré" in page
    assert "situations_mensuelles.csv, ligne 2, colonne « etat_droit », valeur « payé » : valeur inconnue" in page
    assert Delivery.objects.get().status == "refusee"
    assert not IndicatorResult.objects.exists()
    assert not list(settings.INDICATORS_DATA_DIR.rglob("*.*"))


def test_a_new_delivery_replaces_the_earlier_one(client, cd_agent, settings, django_capture_on_commit_callbacks):
    upload(client)
    first = Delivery.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        upload(client)
    second = Delivery.objects.exclude(pk=first.pk).get()
    first.refresh_from_db()
    assert (first.status, first.replaced_by) == ("remplacee", second)
    assert set(IndicatorResult.objects.values_list("delivery", flat=True)) == {second.pk}
    assert not (settings.INDICATORS_DATA_DIR / "livraisons" / str(first.pk)).exists()


def test_neighbour_council_cannot_upload_nor_read(client, make_user):
    client.force_login(make_user(Role.DEPARTMENTAL_COUNCIL, "38D"))
    assert upload(client, code="01D").status_code == 404
    assert client.get(reverse("indicators:dashboard", args=["01D"])).status_code == 404
    assert not Delivery.objects.exists()


def test_ddets_reads_but_cannot_upload(client, make_user):
    client.force_login(make_user(Role.DDETS, "01"))
    assert client.get(reverse("indicators:dashboard", args=["01D"])).status_code == 200
    assert upload(client).status_code == 404
    assert client.get(reverse("indicators:worklist", args=["01D"])).status_code == 404
    assert not Delivery.objects.exists()


def test_no_raw_identifier_anywhere_in_the_database(client, cd_agent):
    upload(client)
    raw = [f"B{i:02d}" for i in range(1, 15)]
    text_types = (models.CharField, models.TextField, models.JSONField, models.EmailField)
    with connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            for field in model._meta.concrete_fields:
                if not isinstance(field, text_types):
                    continue
                table, column = model._meta.db_table, field.column
                cursor.execute(f'SELECT "{column}" FROM "{table}"')
                for (value,) in cursor.fetchall():
                    text = str(value or "")
                    assert not any(
                        f'"{identifier}"' in text or text == identifier or f" {identifier} " in text
                        for identifier in raw
                    ), (table, column, text)


def test_worklist_lists_new_entrants_not_yet_oriented(client, cd_agent):
    upload(client)
    page = client.get(reverse("indicators:worklist", args=["01D"])).content.decode()
    # In April 2024 (the last month), B14 is new and oriented: nobody is left to orient.
    assert "Aucune personne à orienter." in page
    # Without its orientation, B14 (new in April, T0 = 10 April) must be oriented by 24 April.
    upload(client, replace=("orientations.csv", "B14;2024-04-02", "B99;2024-04-02"))
    page = client.get(reverse("indicators:worklist", args=["01D"])).content.decode()
    assert "1 personne à orienter" in page
    assert "<td>10/04/2024</td><td>24/04/2024</td>" in page
    # counted to the delivery's last day (30 April), not to today: 6 days late, whatever the day it is read
    assert "comptés au dernier jour livré, le 30/04/2024" in page and "dépassée de 6 j" in page
    assert not re.search(r"(?<![\w-])B14(?![\w-])", page)  # a word of its own, not letters of a CSRF token
    response = client.get(reverse("indicators:worklist", args=["01D"]) + "?format=csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    header, row = response.content.decode("utf-8").splitlines()
    assert header == "\ufeffpseudonyme;date_ouverture_droit;t0;echeance_15_jours;jours_restants"
    assert row.split(";")[1:4] == ["28/03/2024", "10/04/2024", "24/04/2024"]
    assert response["Content-Disposition"] == 'attachment; filename="a-orienter-01D-2024-04.csv"'
    workbook = client.get(reverse("indicators:worklist", args=["01D"]), {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(workbook.content))["Personnes à orienter"]
    assert [c.value.date() for c in sheet[2][2:4]] == [date(2024, 4, 10), date(2024, 4, 24)]
    deliveries = client.get(reverse("indicators:deliveries", args=["01D"]), {"format": "csv"})
    lines = deliveries.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("numéro;déposée le;par;fichier;empreinte SHA-256;premier mois;dernier mois")
    assert [line.split(";")[-2] for line in lines[1:]] == ["Acceptée", "Remplacée par une livraison plus récente"]
    # With a T0 of October 2023, long before the last three months delivered: counted apart, not listed.
    upload(
        client,
        replace=[
            ("orientations.csv", "B14;2024-04-02", "B99;2024-04-02"),
            (
                "situations_mensuelles.csv",
                "B14;2024-04;versable;1;2024-03-28;2024-04-10",
                "B14;2024-04;versable;1;2024-03-28;2023-10-10",
            ),
        ],
    )
    page = client.get(reverse("indicators:worklist", args=["01D"])).content.decode()
    assert "Aucune personne à orienter." in page
    assert "1 autre nouvel entrant sans orientation dont le T0 est antérieur au 01/02/2024" in page


def test_volet2_export_is_french_csv(client, cd_agent):
    upload(client)
    response = client.get(reverse("indicators:volet2_export", args=["01D"]))
    lines = response.content.decode("utf-8").splitlines()
    assert lines[0].startswith("\ufeffmois;nouveaux_entrants;t0_inconnu;")
    assert "2024-02;3;0;1;3;0;0;33,3;100,0;volet2-v1" in lines


def test_indicators_on_the_convention_page_and_on_each_action_sheet(client, cd_agent):
    from datetime import date

    from action_plans.models import ActionSheet
    from conventions import services
    from territories.models import Collectivity

    upload(client)
    convention = services.convention_create(collectivity=Collectivity.objects.get(code="01D"), year=2024)
    ActionSheet.objects.create(
        convention=convention, number=1, title="Orientation rapide", context="c", objectives="o", description="d",
        start_date=date(2024, 2, 1), duration_months=2, target_new_entrants=5,
    )  # fmt: skip
    page = client.get(reverse("conventions:detail", args=[convention.pk])).content.decode()
    assert "<td>02/2024</td>" in page
    plan = client.get(reverse("action_plans:plan", args=[convention.pk])).content.decode()
    # February and March 2024 of the worked example: 3 + 1 new entrants, 1 + 0 oriented in 15 days.
    assert "(2 mois livrés)" in plan
    assert "4 nouveaux entrants (visés : 5)" in plan
    assert "1 orientés en 15 jours (25,0 %)" in plan.replace("25.0", "25,0")


def test_parquet_bulk_export_of_the_results(client, cd_agent):
    import io

    import pyarrow.parquet as pq

    upload(client)
    response = client.get(reverse("indicators:parquet_export", args=["01D"]))
    table = pq.read_table(io.BytesIO(response.content)).to_pylist()
    january = {
        r["indicateur"]: r["valeur"] for r in table if r["tableau"] == "volet2" and str(r["mois"]) == "2024-01-01"
    }
    assert january["nouveaux_entrants"] == "3" and january["orientes_15_jours"] == "2"


def test_volet3_export_is_french_csv_with_one_month_per_line(client, cd_agent, make_user):
    from indicators.engine.volet3 import COLUMNS

    upload(client)
    response = client.get(reverse("indicators:volet3_export", args=["01D"]))
    assert response["Content-Disposition"] == 'attachment; filename="indicateurs-volet3-01D.csv"'
    header, *lines = response.content.decode("utf-8-sig").splitlines()
    assert header.split(";") == [*COLUMNS, "version"]
    assert all(len(line.split(";")) == len(COLUMNS) + 1 for line in lines)
    february = next(line.split(";") for line in lines if line.startswith("2024-02;"))
    assert february[COLUMNS.index("nouveaux_entrants")] == "3"  # the 3 new entrants of the worked example
    assert february[-1] == "volet3-v1"
    client.force_login(make_user(Role.DEPARTMENTAL_COUNCIL, "38D"))
    assert client.get(reverse("indicators:volet3_export", args=["01D"])).status_code == 404


def test_the_indicator_tables_export_in_one_workbook(client, cd_agent):
    import io

    from openpyxl import load_workbook

    upload(client)
    url = reverse("indicators:dashboard", args=["01D"])
    workbook = load_workbook(io.BytesIO(client.get(url, {"format": "xlsx"}).content))
    assert workbook.sheetnames == ["Volet 2", "Organismes référents", "Volet 3"]
    january = next(r for r in workbook["Volet 2"].iter_rows(values_only=True) if r[0] == "2024-01")
    assert january[1:7] == (3, 1, 2, 2, 1, 1)  # the worked example's January
    organisms = client.get(url, {"format": "csv", "tableau": "organismes"}).content.decode("utf-8-sig").splitlines()
    assert organisms[0] == "annee;type_organisme;personnes;part_pct"
    assert len(organisms) == 1 + 9  # the 7 types, the followed persons and the perimeter


@pytest.mark.django_db(transaction=True)
def test_with_the_database_task_backend_a_worker_processes_the_upload(client, cd_agent, settings):
    """Production setting: the upload only queues the work; `manage.py db_worker` does it."""
    from django.core.management import call_command

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    upload(client)
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.step) == ("en_attente", "En attente de traitement")
    assert not IndicatorResult.objects.exists()
    call_command("db_worker", "--batch", "--no-startup-delay")
    delivery.refresh_from_db()
    assert (delivery.status, delivery.progress) == ("acceptee", 100)
    assert IndicatorResult.objects.filter(table="volet2", month="2024-01-01").exists()
