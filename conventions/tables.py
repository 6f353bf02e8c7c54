"""The tables of the convention pages, as data for their exports (CSV, Excel)."""

from config.downloads import Table
from conventions.amounts import amount_in_figures_and_words


def volets(convention) -> list[tuple[str, object]]:
    """(label, amount) of each volet, then the total."""
    return [
        ("Volet 1 – chefferie de projet", convention.amount_volet1),
        ("Volet 2 – offre de solutions locales", convention.amount_volet2),
        ("Volet 3 – déploiements territoriaux", convention.amount_volet3),
        ("Total", convention.total_amount),
    ]


def amounts_table(convention) -> Table:
    return Table(
        "montants", "Montants", ["volet", "montant (€)", "en chiffres et en lettres"],
        [[label, amount, amount_in_figures_and_words(amount)] for label, amount in volets(convention)],
    )  # fmt: skip


def late_text(late) -> str:
    """« en retard : Signature par les trois parties (attendue le 31/03/2024) », or « à jour »."""
    if not late:
        return "à jour"
    return f"en retard : {late.label} (attendue le {late.due:%d/%m/%Y})"


def conventions_table(rows) -> Table:
    """The conventions list: (convention, the step it is late for or None) pairs."""
    return Table(
        "conventions",
        "Conventions",
        ["année", "code collectivité", "collectivité", "région", "état", "montant total (€)", "échéances"],
        [[c.year, c.collectivity.code, c.collectivity.name, c.collectivity.region.name, c.get_state_display(),
          c.total_amount, late_text(late)] for c, late in rows],
    )  # fmt: skip
