"""The pages at national scale, in January of a campaign: every collectivité's convention in negotiation with its
financing plan (the demo has four conventions; the to-do of a national account reads each negotiated plan); or in
April, every convention signed with its advances proposed.

    .venv/bin/python benchmarks/national_pages.py [--without-ddets] [--signed] [--rounds 5]

Builds a new SQLite database (var/bench/national.sqlite3, or DATABASE_URL when set): the demo, then a 2024
convention in negotiation for every other collectivité (its volet 1 at its ceiling, one plan line that breaks
R-FIN-01, as a plan being negotiated; with --signed, as in April: its plan complete, signed, its advances proposed)
and, unless --without-ddets, an active DDETS agent in every département.
Then, for the DGEFP, a DREETS and a DDETS demo account, each page read `--rounds` times by Django's test client in
this process (the first read apart: caches warm), printing the number of SQL queries and the median time as a
Markdown table. What is measured is the server's work for one page, without the network or the browser.
"""

import argparse
import contextlib
import logging
import os
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PAGES = [
    ("accueil", "home", ()),
    ("conventions", "conventions:list", ()),
    ("pilotage national", "steering:national", ()),
    ("pilotage d'une région", "steering:region", ("84",)),
    ("pilotage d'une collectivité", "steering:collectivity", ("01D",)),
    ("consolidation", "funding:consolidation", ()),
    ("remontée à mi-année", "funding:mid_year_consolidation", ()),
    ("plafonds", "funding:ceilings", ()),
]
ACCOUNTS = ("dgefp", "dreets-ara", "ddets-01")


def build(without_ddets: bool, signed: bool) -> int:
    """The demo and a convention in negotiation (signed, its advances proposed: `signed`) for every collectivité;
    returns the number of conventions."""
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("seed_demo", verbosity=0)
    from datetime import date

    from accounts.models import Role, User
    from conventions import lifecycle, services
    from conventions.models import Convention
    from funding.models import Ceiling, PlanLine
    from territories.models import Collectivity, Departement

    agent = User.objects.get(username="dgefp")
    signatories = {"prefect_name": "Préfet fictif", "president_name": "Président fictif",
                   "regional_prefect_name": "Préfet de région fictif"}  # fmt: skip
    on = date(2024, 3, 8)
    steps = [("open_negotiation", {})]
    if signed:
        signatures = {"prefect_signed_on": on, "president_signed_on": on, "regional_prefect_signed_on": on}
        steps += [("finalise", {}), ("approve", {"deliberation_date": on}), ("sign", signatures)]
    for collectivity in Collectivity.objects.exclude(conventions__year=2024):
        ceiling = Ceiling.objects.filter(collectivity=collectivity, year=2024, volet=1).first()
        amount = ceiling.amount if ceiling else Decimal("200000.00")
        convention = services.convention_create(collectivity=collectivity, year=2024)
        convention = services.convention_update(
            convention=convention,
            lock_version=convention.lock_version,
            values={"amount_volet1": amount, **signatories},
        )
        PlanLine.objects.create(
            convention=convention, volet=1, section="equipes_cd", nature="chefferie_projet", purpose="Chef de projet",
            state_amount=amount if signed else Decimal("100000.00"), collectivity_amount=Decimal("0.00"),
        )  # fmt: skip
        for name, values in steps:
            convention = lifecycle.apply_transition(
                name, convention=convention, by=agent, on=on, lock_version=convention.lock_version, **values
            )
    if not without_ddets:
        for departement in Departement.objects.exclude(user__role=Role.DDETS):
            User.objects.create_user(
                username=f"ddets-bench-{departement.code}", role=Role.DDETS, departement=departement
            )
    return Convention.objects.filter(year=2024).count()


def measure(rounds: int) -> list[tuple[str, str, int, float]]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from accounts.models import User

    rows = []
    for username in ACCOUNTS:
        client = Client()
        client.force_login(User.objects.get(username=username))
        for label, name, args in PAGES:
            url = reverse(name, args=args)
            if client.get(url).status_code != 200:  # not in this account's scope
                continue
            times = []
            for _ in range(rounds):
                with CaptureQueriesContext(connection) as queries:
                    started = time.perf_counter()
                    client.get(url)
                    times.append(time.perf_counter() - started)
            rows.append((username, label, len(queries.captured_queries), statistics.median(times)))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--without-ddets", action="store_true", help="no DDETS agent but the demo's (Ain, Isère)")
    parser.add_argument("--signed", action="store_true", help="April: signed, their advances proposed")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    database = ROOT / "var" / "bench" / "national.sqlite3"
    if "DATABASE_URL" not in os.environ:
        database.parent.mkdir(parents=True, exist_ok=True)
        database.unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    import django

    django.setup()
    with open(os.devnull, "w") as quiet, contextlib.redirect_stdout(quiet):  # the demo's e-mails, on the console
        count = build(args.without_ddets, args.signed)
    logging.getLogger("django.request").setLevel(logging.ERROR)  # the pages out of an account's scope: 404
    state = "signées, leurs avances proposées" if args.signed else "en négociation"
    ddets = "sans" if args.without_ddets else "avec"
    print(
        f"{count} conventions 2024, {state} sauf celles de la démonstration ; {ddets} un agent DDETS par département\n"
    )
    print("| compte | page | requêtes SQL | médiane (ms) |")
    print("|---|---|---|---|")
    for username, label, queries, seconds in measure(args.rounds):
        print(f"| {username} | {label} | {queries} | {seconds * 1000:.0f} |")


if __name__ == "__main__":
    main()
