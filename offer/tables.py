"""The tables of the offer pages, as data for their exports (CSV, Excel)."""

from config.downloads import Table


def dashboard_tables(months, themes) -> list[Table]:
    return [
        Table("mois", "Référencement par mois", ["mois", "services référencés", "services mis à jour (date_maj)"],
              [list(month) for month in months]),
        Table("thematiques", "Couverture par thématique", ["catégorie", "thématique", "services", "état", "priorité"],
              [[t.category, t.label, t.services, t.status, "oui" if t.priority else ""] for t in themes]),
    ]  # fmt: skip


def _funding(service) -> str:
    return " ; ".join(
        f"Convention {f.convention.year} – {f.convention.collectivity.name}"
        + (f" (action {f.action_sheet.number})" if f.action_sheet else "")
        for f in service.fundings.all()
    )


def search_table(results) -> Table:
    return Table(
        "services",
        "Services",
        ["identifiant", "service", "structure", "commune", "département", "thématiques", "publics", "modes d'accueil",
         "mis à jour le", "financé par"],
        [[s.id, s.nom, s.structure.nom, s.commune, s.departement, ", ".join(s.thematiques), ", ".join(s.publics),
          ", ".join(s.modes_accueil), s.date_maj, _funding(s)] for s in results],
    )  # fmt: skip


def duplicates_table(rows) -> Table:
    return Table(
        "doublons",
        "Doublons probables",
        ["nature", "premier (identifiant)", "premier", "second (identifiant)", "second", "score", "motifs"],
        [[c.get_kind_display(), c.first_id, first.nom if first else "", c.second_id, second.nom if second else "",
          c.score, ", ".join(c.reasons)] for c, first, second in rows],
    )  # fmt: skip
