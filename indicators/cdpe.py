"""The synthesis a département brings to its comité pour l'emploi (CDPE): orientations, the delays of the loi pour
le plein emploi and accompaniment, month by month over a chosen period, with the period's figure.

Plain functions over the stored monthly rows (volet 2, volet 3, plein emploi), tested without a database. A
flow (new entrants, orientations, contracts) adds up over the period; a stock (persons followed, in intensive
accompaniment, registered at France Travail) is given at the period's last month; a median or a mean of days
has no period figure. A month without the figure (the first month of a delivery, a month not delivered) is left
out of the period's figure and named in `missing`.
"""

from dataclasses import dataclass, field
from datetime import date
from enum import Enum

from django.template.loader import render_to_string

from indicators.engine import months
from indicators.models import IndicatorTable
from indicators.results import share

TABLES = (IndicatorTable.VOLET2, IndicatorTable.VOLET3, IndicatorTable.PLEIN_EMPLOI)


class Kind(Enum):
    FLOW = "somme sur la période"
    STOCK = "au dernier mois"
    DAYS = "par mois seulement"
    SHARE = "part sur la période"


@dataclass(frozen=True)
class Line:
    section: str
    label: str
    kind: Kind
    values: list  # one per month of the period, None when unknown
    period: object  # the period's figure (None when it has none)


@dataclass(frozen=True)
class Synthesis:
    first: date
    last: date
    months: list[date]
    lines: list[Line]
    provisional: list[date] = field(default_factory=list)  # months whose six weeks have not all passed
    missing: list[date] = field(default_factory=list)  # months without any figure

    @property
    def sections(self) -> list[tuple[str, list[Line]]]:
        grouped: dict[str, list[Line]] = {}
        for line in self.lines:
            grouped.setdefault(line.section, []).append(line)
        return list(grouped.items())


ORIENTATION = "Orientation des nouveaux entrants"
DELAYS = "Délais de la loi pour le plein emploi"
ACCOMPANIMENT = "Accompagnement"

# (section, table, column, label, kind)
FIGURES = (
    (ORIENTATION, "volet2", "nouveaux_entrants", "Nouveaux entrants dans le périmètre droits et devoirs", Kind.FLOW),
    (ORIENTATION, "volet2", "t0_inconnu", "dont date de réception de la notification (T0) inconnue", Kind.FLOW),
    (ORIENTATION, "volet2", "orientes_15_jours", "Orientés en 15 jours au plus", Kind.FLOW),
    (ORIENTATION, "volet2", "orientes_1_mois", "Orientés en un mois au plus", Kind.FLOW),
    (ORIENTATION, "volet2", "orientations_accompagnement_global", "Orientés vers l'accompagnement global", Kind.FLOW),
    (ORIENTATION, "volet2", "absents_rdv_orientation", "Absents au rendez-vous d'orientation", Kind.FLOW),
    (DELAYS, "plein_emploi", "orientes_6_semaines", "Orientés dans les six semaines suivant T0", Kind.FLOW),
    (DELAYS, "plein_emploi", "a_orienter_par_france_travail", "Orientés par France Travail (six semaines dépassées)",
     Kind.FLOW),
    (DELAYS, "plein_emploi", "orientations_notifiees", "Orientations notifiées", Kind.FLOW),
    (DELAYS, "plein_emploi", "contrats_1_mois", "dont suivies d'un contrat d'engagement signé dans le mois",
     Kind.FLOW),
    (ACCOMPANIMENT, "volet3", "suivis_parcours_emploi", "Personnes suivies en parcours emploi", Kind.STOCK),
    (ACCOMPANIMENT, "volet3", "suivis_parcours_socio_professionnel",
     "Personnes suivies en parcours socio-professionnel", Kind.STOCK),
    (ACCOMPANIMENT, "volet3", "suivis_parcours_social", "Personnes suivies en parcours social", Kind.STOCK),
    (ACCOMPANIMENT, "volet3", "accompagnement_intensif", "En accompagnement intensif (15 heures par semaine)",
     Kind.STOCK),
    (ACCOMPANIMENT, "volet3", "inscrits_france_travail", "Inscrits à France Travail", Kind.STOCK),
    (ACCOMPANIMENT, "volet3", "cer_signes", "Contrats d'engagement réciproque (CER) signés", Kind.FLOW),
    (ACCOMPANIMENT, "volet3", "ppae_signes", "Projets personnalisés d'accès à l'emploi (PPAE) signés", Kind.FLOW),
    (ACCOMPANIMENT, "volet3", "ce_signes", "Contrats d'engagement (CE) signés", Kind.FLOW),
    (ACCOMPANIMENT, "volet3", "delai_ouverture_premier_rdv_median_jours",
     "Délai ouverture du droit → premier rendez-vous (médiane, jours)", Kind.DAYS),
    (ACCOMPANIMENT, "volet3", "sortants", "Sortants du périmètre", Kind.FLOW),
)  # fmt: skip


def _period_figure(kind: Kind, values: list):
    known = [v for v in values if v is not None]
    if not known or kind is Kind.DAYS:
        return None
    if kind is Kind.STOCK:
        return values[-1]
    return sum(known)


# Shares shown under their count, over the new entrants of known T0.
RATES = {
    "orientes_15_jours": "Part orientée en 15 jours au plus (%, T0 connu)",
    "orientes_6_semaines": "Part orientée dans les six semaines (%, T0 connu)",
}


def synthesis(tables: dict[str, list[dict]], first: date, last: date) -> Synthesis:
    """tables: the stored monthly rows by table name ("volet2", "volet3", "plein_emploi"), each row with its
    `mois` (first day of the month)."""
    period = months.span(first, last)
    by_month = {name: {row["mois"]: row for row in rows} for name, rows in tables.items()}
    lines, by_column = [], {}
    for section, table, column, label, kind in FIGURES:
        values = [by_month.get(table, {}).get(month, {}).get(column) for month in period]
        line = by_column[column] = Line(section, label, kind, values, _period_figure(kind, values))
        lines.append(line)
        if column in RATES:
            lines.append(_rate(RATES[column], line, by_column["nouveaux_entrants"], by_column["t0_inconnu"]))
    lines += delay_distribution(by_column)
    provisional = [m for m in period if by_month.get("plein_emploi", {}).get(m, {}).get("provisoire") == 1]
    missing = [m for m in period if all(m not in rows for rows in by_month.values())]
    return Synthesis(first, last, period, lines, provisional, missing)


DISTRIBUTION = "Délai d'orientation des nouveaux entrants dont T0 est connu"


def delay_distribution(by_column: dict[str, Line]) -> list[Line]:
    """Each new entrant of known T0 in exactly one line, from the counts already there: oriented within 15 days,
    within one month, within six weeks (each window holds the shorter ones), past six weeks (France Travail
    orients), or its six weeks still running at the delivery's end. The lines add up to the new entrants of
    known T0."""

    def combine(label, sign_columns):
        def value(index):
            parts = [(sign, by_column[c].values[index] if index is not None else by_column[c].period)
                     for sign, c in sign_columns]  # fmt: skip
            return None if any(v is None for _, v in parts) else sum(sign * v for sign, v in parts)

        values = [value(i) for i in range(len(by_column["nouveaux_entrants"].values))]
        return Line(DISTRIBUTION, label, Kind.FLOW, values, value(None))

    return [
        combine("En 15 jours au plus", [(1, "orientes_15_jours")]),
        combine("Du 16e jour à un mois", [(1, "orientes_1_mois"), (-1, "orientes_15_jours")]),
        combine("D'un mois à six semaines", [(1, "orientes_6_semaines"), (-1, "orientes_1_mois")]),
        combine("Au-delà de six semaines : orientés par France Travail", [(1, "a_orienter_par_france_travail")]),
        combine(
            "Délai de six semaines en cours, pas encore orientés",
            [
                (1, "nouveaux_entrants"),
                (-1, "t0_inconnu"),
                (-1, "orientes_6_semaines"),
                (-1, "a_orienter_par_france_travail"),
            ],
        ),
    ]


def _rate(label: str, counted: Line, new: Line, unknown: Line) -> Line:
    def known(n, u):
        return None if n is None else n - (u or 0)

    values = [
        share(c, known(n, u)) if c is not None else None
        for c, n, u in zip(counted.values, new.values, unknown.values, strict=True)
    ]
    period = None if counted.period is None else share(counted.period, known(new.period, unknown.period))
    return Line(counted.section, label, Kind.SHARE, values, period)


def render_pdf(context: dict) -> bytes:
    """The synthesis as an A4 landscape PDF (WeasyPrint), for the comité's file."""
    from weasyprint import HTML

    return HTML(string=render_to_string("indicators/cdpe_pdf.html", context)).write_pdf()
