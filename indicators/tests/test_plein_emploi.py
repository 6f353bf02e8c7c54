"""The delays of the loi pour le plein emploi (spec « Delays of the loi pour le plein emploi »): the worked example
on both engines and through the CLI, and each rule at its boundary."""

from datetime import date
from pathlib import Path

import pytest
from django.urls import reverse

from accounts.models import Role
from indicators.engine import months, plein_emploi
from indicators.engine.follow_ups import prepare
from indicators.engine.reading import read_delivery
from indicators.engine.runners import DuckDBRunner, SparkRunner
from indicators.engine.tables import plein_emploi_table
from indicators.engine.values import pseudonymise
from indicators.tests.builders import orientations, situations, table

DATA = Path(__file__).resolve().parent / "data"
EXAMPLE = DATA / "plein_emploi"
FIRST, LAST = months.parse("2024-12"), months.parse("2025-05")
COLUMNS = plein_emploi.COLUMNS[1:]

# attendu_plein_emploi.csv, computed by hand (data/plein_emploi.md tells each person's story), written out.
EXPECTED_EXAMPLE = [
    {"mois": "2024-12", **dict.fromkeys(COLUMNS)},
    {"mois": "2025-01", **dict.fromkeys(plein_emploi.ENTRANT_COLUMNS),
     "orientations_notifiees": 2, "contrats_1_mois": 2, "provisoire": 0},
    {"mois": "2025-02", "nouveaux_entrants": 4, "t0_inconnu": 1, "orientes_6_semaines": 1,
     "a_orienter_par_france_travail": 2, "orientations_notifiees": 2, "contrats_1_mois": 0, "provisoire": 0},
    {"mois": "2025-03", "nouveaux_entrants": 2, "t0_inconnu": 0, "orientes_6_semaines": 1,
     "a_orienter_par_france_travail": 1, "orientations_notifiees": 4, "contrats_1_mois": 2, "provisoire": 1},
    {"mois": "2025-04", "nouveaux_entrants": 1, "t0_inconnu": 0, "orientes_6_semaines": 0,
     "a_orienter_par_france_travail": 0, "orientations_notifiees": 0, "contrats_1_mois": 0, "provisoire": 1},
    {"mois": "2025-05", **dict.fromkeys(COLUMNS)},
]  # fmt: skip


def test_worked_example_on_duckdb():
    delivery = read_delivery(EXAMPLE, key=b"cle-de-test")
    assert plein_emploi_table(DuckDBRunner(delivery.tables), FIRST, LAST) == EXPECTED_EXAMPLE


@pytest.mark.once
def test_worked_example_on_spark(spark_available):
    delivery = read_delivery(EXAMPLE, key=b"cle-de-test")
    assert plein_emploi_table(SparkRunner(delivery.tables), FIRST, LAST) == EXPECTED_EXAMPLE


def test_cli_writes_the_expected_file_byte_for_byte(tmp_path):
    from django.core.management import call_command

    output = tmp_path / "plein-emploi.csv"
    call_command(
        "compute_indicators", str(EXAMPLE), "--from", "2024-12", "--to", "2025-05",
        "--volet", "plein-emploi", "--output", str(output),
    )  # fmt: skip
    assert output.read_bytes() == (DATA / "attendu_plein_emploi.csv").read_bytes()


def test_the_persons_who_fall_to_france_travail_are_listed():
    delivery = read_delivery(EXAMPLE, key=b"cle-de-test")
    runner = DuckDBRunner(delivery.tables)
    prepare(runner)
    last_day = months.last_day(months.parse("2025-04"))
    february = months.index(months.parse("2025-02"))
    listed = runner.query(plein_emploi.france_travail_list_sql(february, february, last_day))
    assert {row["personne"] for row in listed} == {pseudonymise(b"cle-de-test", p) for p in ("P02", "P04")}
    whole = runner.query(plein_emploi.france_travail_list_sql(february, february + 2, last_day))
    assert {row["personne"] for row in whole} == {pseudonymise(b"cle-de-test", p) for p in ("P02", "P04", "P06")}


def entering_in_march(t0, notified=None, contract=None, last="2024-06"):
    """One person out of the perimeter in February, new entrant in March with T0 = t0, in it until `last`."""
    runner = DuckDBRunner({
        "situations_mensuelles": situations(
            (1, "2024-02", "versable", False, "2024-02-01", None),
            *((1, months.label(m), "versable", True, "2024-02-01", t0)
              for m in months.span(months.parse("2024-03"), months.parse(last))),
        ),
        "orientations": orientations(*([{"personne": 1, "date_notification": notified}] if notified else [])),
        "contrats_engagement": table("contrats_engagement", *(
            [{"personne": 1, "type": "cer", "date_signature": contract}] if contract else []
        )),
    })  # fmt: skip
    rows = plein_emploi_table(runner, months.parse("2024-02"), months.parse(last))
    return {row["mois"]: row for row in rows}


@pytest.mark.parametrize(
    ("notified", "in_time", "to_france_travail"),
    [
        ("2024-04-11", 1, 0),  # T0 + 41 days: within six weeks
        ("2024-04-12", 0, 1),  # T0 + 42 days: too late, France Travail orients
        ("2024-03-01", 1, 0),  # the day of T0
        (None, 0, 1),
    ],
)
def test_six_weeks_from_t0(notified, in_time, to_france_travail):
    march = entering_in_march("2024-03-01", notified)["2024-03"]
    assert (march["nouveaux_entrants"], march["orientes_6_semaines"]) == (1, in_time)
    assert march["a_orienter_par_france_travail"] == to_france_travail


def test_a_month_is_provisional_until_a_delivery_ends_after_its_last_day_and_42_days():
    """March 2024: 31 March + 42 days = 12 May; a delivery ending on 12 May is the first to settle it."""
    assert plein_emploi.provisional(date(2024, 3, 1), date(2024, 5, 11)) == 1
    assert plein_emploi.provisional(date(2024, 3, 1), date(2024, 5, 12)) == 0
    assert plein_emploi.provisional(date(2024, 3, 1), date(2024, 4, 30)) == 1


@pytest.mark.parametrize(
    ("last", "to_france_travail", "provisional"),
    # T0 = 25 March: T0 + 42 days = 6 May, reached by a delivery ending in May, not by one ending in April (and
    # March stays provisional until a delivery ends after 12 May, its last day + 42 days)
    [("2024-04", 0, 1), ("2024-05", 1, 0)],
)
def test_the_deadline_must_be_reached_by_the_delivery(last, to_france_travail, provisional):
    march = entering_in_march("2024-03-25", last=last)["2024-03"]
    assert (march["a_orienter_par_france_travail"], march["provisoire"]) == (to_france_travail, provisional)


@pytest.mark.parametrize(
    ("contract", "counted"),
    [("2024-03-15", 1), ("2024-04-14", 1), ("2024-04-15", 0), ("2024-03-14", 0), (None, 0)],
)
def test_contract_within_one_month_of_the_notification(contract, counted):
    march = entering_in_march("2024-03-01", "2024-03-15", contract, last="2024-05")["2024-03"]
    assert (march["orientations_notifiees"], march["contrats_1_mois"]) == (1, counted)


@pytest.fixture
def delivered(client, make_user, settings, tmp_path, upload_folder):
    """The worked example uploaded by an agent of the Ain, logged in."""
    settings.INDICATORS_DATA_DIR = tmp_path / "indicateurs"
    client.force_login(make_user(Role.DEPARTMENTAL_COUNCIL, "01D"))
    upload_folder(EXAMPLE)


@pytest.mark.django_db
def test_an_uploaded_delivery_shows_the_delays_on_the_dashboard_and_in_its_exports(client, delivered):
    page = client.get(reverse("indicators:dashboard", args=["01D"])).content.decode()
    section = page[page.index('data-testid="plein-emploi"') :]
    row = section[section.index("Non orientés à six semaines") :].split("</tr>")[0]
    # January to April 2025: –, 2, 1, 0
    assert [cell.split(">")[-1] for cell in row.split("</td>")[:-1]] == ["–", "2", "1", "0"]
    provisional = section[section.index("Mois provisoire") :].split("</tr>")[0]
    assert provisional.count(">non<") == 2 and provisional.count(">oui<") == 2
    export = client.get(reverse("indicators:plein_emploi_export", args=["01D"]) + "?format=csv")
    lines = export.content.decode("utf-8-sig").splitlines()
    assert lines[0] == ";".join([*plein_emploi.COLUMNS, "version"])
    assert lines[2] == "2025-02;4;1;1;2;2;0;0;plein-emploi-v1"


@pytest.mark.django_db
def test_the_council_sees_who_france_travail_orients(client, delivered, make_user):
    worklist = client.get(reverse("indicators:worklist", args=["01D"])).content.decode()
    assert "3 nouveaux entrants des trois derniers mois livrés n'ont pas été orientés" in worklist
    page = client.get(reverse("indicators:france_travail", args=["01D"])).content.decode()
    assert "3 personnes orientées par France Travail" in page
    # oldest deadline first: P04 (T0 10 February, six weeks ending 23 March) after P02 (T0 3 February)
    rows = page[page.index("<tbody>") : page.index("</tbody>")].split("</tr>")[:-1]
    assert ["16/03/2025" in rows[0], "23/03/2025" in rows[1], "29/04/2025" in rows[2]] == [True] * 3
    assert "17/03/2025" in rows[0] and rows[1].endswith("<td>aucune</td>")  # P02 oriented a day too late
    export = client.get(reverse("indicators:france_travail", args=["01D"]) + "?format=csv")
    lines = export.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "pseudonyme;mois_entree;t0;fin_delai_6_semaines;orientation_notifiee"
    assert [line.split(";")[1] for line in lines[1:]] == ["2025-02", "2025-02", "2025-03"]
    assert export["Content-Disposition"] == 'attachment; filename="orientation-france-travail-01D-2025-04.csv"'
    client.force_login(make_user(Role.DDETS, "01"))
    assert client.get(reverse("indicators:france_travail", args=["01D"])).status_code == 404


@pytest.mark.django_db
def test_the_command_recomputes_a_stored_delivery_from_its_tables(client, delivered, tmp_path):
    from django.core.management import CommandError, call_command

    from indicators.models import Delivery

    output = tmp_path / "stocke.csv"
    number = Delivery.objects.accepted().get().pk
    call_command("compute_indicators", "--livraison", str(number), "--from", "2024-12", "--to", "2025-05",
                 "--volet", "plein-emploi", "--output", str(output))  # fmt: skip
    assert output.read_bytes() == (DATA / "attendu_plein_emploi.csv").read_bytes()
    with pytest.raises(CommandError, match="livraison n° 999 : pas de livraison acceptée"):
        call_command("compute_indicators", "--livraison", "999", "--from", "2024-12", "--to", "2025-05",
                     "--volet", "2", "--output", str(output))  # fmt: skip
    with pytest.raises(CommandError, match="soit le dossier d'une livraison, soit --livraison N"):
        call_command("compute_indicators", "--from", "2024-12", "--to", "2025-05", "--volet", "2",
                     "--output", str(output))  # fmt: skip
