"""The tables of a convention's execution page, as data for its exports (CSV, Excel)."""

from config.downloads import Table

# The balance sheet's title by stage of the balance (settlement.balance_stage): before the final report, a shared
# export must not read as the balance (its « à recouvrer » is what was paid beyond the expenses declared so far).
BALANCE_TITLES = {"simulation": "Simulation du solde", "à arrêter": "Solde par volet (à arrêter)"}


def execution_tables(*, payments, report_lines, sheets, balances, balance_stage: str) -> list[Table]:
    outcomes = [
        [sheet.number, sheet.title, o.get_stage_display(), o.get_progress_display(), o.credits_consumed,
         o.new_entrants, o.oriented_15_days, o.comment]
        for sheet in sheets
        for o in sheet.outcomes.all()
    ]  # fmt: skip
    return [
        Table("versements", "Versements", ["volet", "nature", "montant (€)", "état", "approuvé par", "payé le",
              "référence Chorus"],
              [[p.volet, p.get_kind_display(), p.amount, p.get_status_display(),
                p.approved_by.get_full_name() if p.approved_by else "", p.paid_on, p.chorus_reference]
               for p in payments]),
        Table("bilan", "Bilan financier", ["volet", "rubrique", "nature", "dépense", "objet", "unités", "unité",
              "coût unitaire (€)", "période", "montant (€)", "valorisation (€)"],
              [[line.volet, line.section_label, line.nature_label, line.purpose, line.details, line.units, line.unit,
                line.unit_cost, line.period, line.amount, line.valuation] for line in report_lines]),
        Table("actions", "Synthèses par fiche action", ["action", "intitulé", "étape", "avancement",
              "crédits consommés (€)", "nouveaux entrants", "orientés en 15 jours", "commentaire"], outcomes),
        Table("solde", BALANCE_TITLES.get(balance_stage, "Solde par volet"),
              ["volet", "alloué (€)", "coût réalisé (€)", "coût éligible réalisé (€)",
              "contribution due (€)", "déjà versé (€)", "solde à verser (€)", "à recouvrer (€)"],
              [[b.volet, b.allocated, b.realised_cost, b.eligible_cost, b.due, b.paid, b.to_pay, b.to_recover]
               for b in balances]),
    ]  # fmt: skip


def simulation_table(rows) -> Table:
    """The volet 1 simulation: (collectivité, ceiling) pairs."""
    return Table(
        "simulation",
        "Simulation du volet 1",
        ["code", "collectivité", "région", "foyers allocataires du RSA", "plafond du volet 1 (€)"],
        [[c.code, c.name, c.region.name, c.rsa_households, amount] for c, amount in rows],
    )


def ceilings_table(rows) -> Table:
    """The ceilings page: (collectivité, [ceiling of volet 1, 2, 3 or None]) pairs."""
    return Table(
        "plafonds",
        "Plafonds",
        ["code collectivité", "collectivité", "région", "volet 1 (€)", "volet 2 (€)", "volet 3 (€)", "pré-notifié le"],
        [[c.code, c.name, c.region.name, *(ceiling.amount if ceiling else "" for ceiling in cs),
          cs[0].prenotified_on if cs[0] and cs[0].prenotified_on else ""] for c, cs in rows],
    )  # fmt: skip
