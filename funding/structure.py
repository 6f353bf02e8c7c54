"""The structure of the financing plan (annexe 2, R-FIN-09) and the categorised natures of expense."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Section:
    code: str
    label: str
    subsections: tuple[tuple[str, str], ...] = ()
    # "Pour info" lines (France Travail's means in volet 3) are shown, never financed nor summed.
    information_only: bool = False


SECTIONS: dict[int, tuple[Section, ...]] = {
    1: (
        Section("equipes_cd", "Renforcement des équipes locales du conseil départemental"),
        Section("si", "Développement des systèmes d'information"),
    ),
    2: (
        Section(
            "intensification",
            "Intensification de l'accompagnement",
            (
                ("solutions_complementaires", "Solutions d'accompagnement complémentaires (par action)"),
                ("etp_accompagnement", "ETP d'accompagnement"),
            ),
        ),
        Section("remobilisation", "Remobilisation / entrée de parcours"),
        Section(
            "levee_freins",
            "Levée des freins périphériques",
            (("mobilite", "Mobilité"), ("garde_enfant", "Garde d'enfant"), ("sante", "Santé"), ("autre", "Autre")),
        ),
        Section("referencement", "Référencement de l'offre"),
    ),
    3: (
        Section("equipes_cd", "Renforcement des équipes locales du conseil départemental"),
        Section("france_travail", "Moyens de France Travail (pour information)", information_only=True),
        Section("solutions_locales", "Renforcement des solutions locales"),
        Section("si", "Développement des systèmes d'information"),
    ),
}


def section(volet: int, code: str) -> Section:
    for candidate in SECTIONS[volet]:
        if candidate.code == code:
            return candidate
    raise KeyError(code)


@dataclass(frozen=True)
class Nature:
    code: str
    label: str
    # None: eligible; otherwise the rule it breaks and why.
    rule: str | None = None
    reason: str = ""


NATURES = (
    Nature("personnel", "Dépenses de personnel (ETP)"),
    Nature("chefferie_projet", "Chefferie de projet"),
    Nature("prestation_accompagnement", "Prestation d'accompagnement"),
    Nature("subvention_operateur", "Subvention à un opérateur"),
    Nature("aide_individuelle", "Aide individuelle (mobilité, garde, santé…)"),
    Nature("developpement_si", "Développement informatique pour le projet"),
    Nature("iae", "Insertion par l'activité économique", "R-FIN-05", "le volet 2 ne finance pas l'IAE"),
    Nature("contrats_aides", "Contrats aidés (CAOM)", "R-FIN-05", "le volet 2 ne finance pas les contrats aidés"),
    Nature(
        "conseiller_relation_entreprise",
        "Conseiller relation entreprise",
        "R-FIN-05",
        "le volet 2 ne finance pas les conseillers relation entreprise",
    ),
    Nature(
        "frais_generaux", "Frais généraux (fournitures, reprographie, salles, équipement)", "R-FIN-06", "frais généraux"
    ),
    Nature(
        "frais_mission", "Frais de mission (déplacements, hébergement, restauration)", "R-FIN-06", "frais de mission"
    ),
    Nature("evaluation", "Prestation d'évaluation", "R-FIN-06", "prestation d'évaluation"),
    Nature("formation_agents", "Prestation de formation", "R-FIN-06", "prestation de formation"),
    Nature("gestion_projet", "Prestation de gestion de projet", "R-FIN-06", "prestation de gestion de projet"),
    Nature("investissement", "Investissement (hors développements informatiques)", "R-FIN-06", "investissement"),
)
NATURE_BY_CODE = {n.code: n for n in NATURES}
# R-FIN-05 applies to volet 2 only; R-FIN-06 to every volet.
VOLET2_ONLY_RULES = {"R-FIN-05"}
