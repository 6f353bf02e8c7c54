"""The tables of the action plan page, as data for its exports (CSV, Excel)."""

from config.downloads import Table


def plan_tables(sheets, roadmap, pathways) -> list[Table]:
    return [
        Table("fiches", "Fiches action", ["action", "intitulé", "démarrage", "durée (mois)", "partenaires",
              "cofinanceurs", "nouveaux entrants visés"],
              [[s.number, s.title, s.start_date, s.duration_months, s.partners, s.co_financers,
                s.target_new_entrants] for s in sheets]),
        Table("budget", "Budget des fiches action", ["action", "poste", "État (€)", "collectivité (€)"],
              [[s.number, line.item, line.state_amount, line.collectivity_amount]
               for s in sheets for line in s.budget_lines.all()]),
        Table("feuille-de-route", "Feuille de route du volet 3", ["axe", "engagements et actions", "jalons"],
              [[item.get_axis_display(), item.commitments, item.milestones] for item in roadmap]),
        Table("parcours", "Parcours types", ["parcours", "durée (mois)", "heures par semaine", "modalité",
              "public", "coût unitaire (€)", "places financées"],
              [[p.name, p.duration_months, p.weekly_hours, p.get_modality_display(), p.target_public, p.unit_cost,
                p.places_funded] for p in pathways]),
    ]  # fmt: skip
