"""The structure of the financing plan (annexe 2, R-FIN-09), of the financial report (annexe 3) and the categorised
natures of expense."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Section:
    """A rubrique of annexe 2: the rows the instruction pre-prints under its « Nature de dépenses » (`group`),
    closed by its total row; sections sharing a `heading` sit under that heading's row."""

    code: str
    group: str
    heading: str
    subsections: tuple[tuple[str, str], ...]
    total_label: str = "Total"
    # A row the instruction prints above the section's rows (« Remobilisation / entrée de parcours »).
    caption: str = ""
    # "Pour info" lines (France Travail's means in volet 3) are shown, never financed nor summed.
    information_only: bool = False

    @property
    def label(self) -> str:
        return self.group if self.group == self.heading else f"{self.heading} – {self.group}"


@dataclass(frozen=True)
class Heading:
    """A heading row of annexe 2 and, where the instruction has one, the total of its sections."""

    label: str
    total_label: str | None = None


# Annexe 2 of the instruction, row by row: headings, sections, pre-printed rows and totals, per volet.
HEADINGS: dict[int, tuple[Heading, ...]] = {
    1: (Heading("Renforcement des équipes locales CD"), Heading("Développement SI")),
    2: (
        Heading("Etoffer l'offre de solutions locales", "Total"),
        Heading("Référencement de l'offre de solutions locales d'accompagnement"),
    ),
    3: (
        Heading("Renforcement des équipes locales PE / CD", "Total ETP"),
        Heading("Renforcement des solutions locales", "Total Solutions locales"),
        Heading("Développement SI", "Total Développement SI"),
    ),
}
SECTIONS: dict[int, tuple[Section, ...]] = {
    1: (
        Section(
            "equipes_cd",
            "ETP CD",
            "Renforcement des équipes locales CD",
            (("chefferie_projet", "Ingénierie (chefferie de projet)"), ("autre", "Autre")),
            "Total ETP CD",
        ),
        Section(
            "si", "Dépenses CD", "Développement SI", (("parametrage_si", "Paramétrage SI en vue de l'interconnexion"),)
        ),
    ),
    2: (
        Section(
            "intensification",
            "Intensification de l'accompagnement des allocataires du RSA",
            "Etoffer l'offre de solutions locales",
            (
                (
                    "solutions_complementaires",
                    "Solutions d'accompagnement complémentaires (augmentation capacitaire, élargissement de "
                    "périmètre, publics cibles spécifiques etc)",
                ),
                ("etp_accompagnement", "ETP d'accompagnement (CD, PE...)"),
            ),
        ),
        Section(
            "remobilisation",
            "Remobilisation",
            "Etoffer l'offre de solutions locales",
            (("solutions_remobilisation", "Solutions de remobilisation"),),
            caption="Remobilisation / entrée de parcours",
        ),
        Section(
            "levee_freins",
            "Levée des freins socio-professionnels",
            "Etoffer l'offre de solutions locales",
            (("mobilite", "Mobilité"), ("garde_enfant", "Garde d'enfant"), ("sante", "Santé"), ("autre", "Autre")),
        ),
        Section(
            "referencement",
            "Référencement de l'offre de solution du territoire (ex : alimentation DORA ou autre...)",
            "Référencement de l'offre de solutions locales d'accompagnement",
            (("etp", "ETP"),),
        ),
    ),
    3: (
        Section(
            "equipes_cd",
            "ETP CD",
            "Renforcement des équipes locales PE / CD",
            (
                ("accompagnement", "Accompagnement"),
                (
                    "ingenierie",
                    "Ingénierie (chef de projet, chargé déploiement numérique, coordonnateur administratif)",
                ),
                ("autres", "Autres"),
            ),
            "Total ETP CD",
        ),
        Section(
            "france_travail",
            "Pour info : ETP PE (hypothèses pour le lancement de l'expérimentation finançables par réallocation "
            "interne à l'opérateur)",
            "Renforcement des équipes locales PE / CD",
            (("accompagnement", "Accompagnement"), ("ingenierie", "Ingénierie (chef de projet)"), ("autres", "Autres")),
            "Pour info : Total ETP PE",
            information_only=True,
        ),
        Section(
            "solutions_locales",
            "Solutions locales CD",
            "Renforcement des solutions locales",
            (
                ("accompagnement_delegue", "Accompagnement délégué à une structure du PDI (organisme référent)"),
                (
                    "solutions_complementaires",
                    "Solutions d'accompagnement complémentaires déléguées à une structure du PDI",
                ),
                ("remobilisation", "Solutions de remobilisation"),
                ("maintien_emploi", "Solutions de maintien dans l'emploi"),
                ("levee_freins", "Solutions de levée des freins"),
            ),
            "Total solutions locales CD",
        ),
        Section(
            "solutions_locales_pe",
            "Pour info : Solutions locales PE",
            "Renforcement des solutions locales",
            (("prestations", "Prestations"),),
            "Pour info : Total solutions locales PE",
            information_only=True,
        ),
        Section(
            "si",
            "Dépenses CD",
            "Développement SI",
            (
                (
                    "evolutions_techniques",
                    "Evolution techniques nécessaires à l'atteinte de la cible (feuille de route à construire avec "
                    "les correspondants numériques)",
                ),
            ),
            "Total CD",
        ),
    ),
}


@dataclass(frozen=True)
class ReportPart:
    section: str
    subheading: str | None
    placeholders: tuple[str, ...]


@dataclass(frozen=True)
class ReportBlock:
    heading: str
    total_label: str
    parts: tuple[ReportPart, ...]


# Annexe 3 of the instruction: its own headings, each mapped to the plan's section it reports on.
REPORT_BLOCKS: dict[int, tuple[ReportBlock, ...]] = {
    1: (
        ReportBlock(
            "Dépenses relatives au renforcement des équipes locales CD/PE",
            "TOTAL DEPENSES RELATIVES AU RENFORCEMENT DES EQUIPES LOCALES",
            (
                ReportPart(
                    "equipes_cd",
                    "Dépenses relatives au renforcement des équipes locales CD",
                    ("Postes d'Ingénierie", "Rémunération chef de projet", "Rémunération XX", "Rémunération"),
                ),
            ),
        ),
        ReportBlock(
            "Dépenses relatives au développement SI",
            "TOTAL DEPENSES RELATIVES AU DEVELOPPEMENT SI",
            (ReportPart("si", None, ("Paramétrage SI en vue de l'interconnexion",)),),
        ),
    ),
    2: (
        ReportBlock(
            "Dépenses relatives au renforcement de l'accompagnement",
            "TOTAL DEPENSES RELATIVES AU RENFORCEMENT DE L'ACCOMPAGNEMENT",
            (
                ReportPart(
                    "intensification",
                    "Dépenses relatives au renforcement des solutions locales",
                    (
                        "Solutions d'accompagnement complémentaires",
                        "Action 1",
                        "Action 2",
                        "Action 3...",
                        "Postes d'accompagnement",
                        "Rémunération CIP",
                        "Rémunération CIP - accompagnement global",
                        "Rémunération coach emploi",
                        "Rémunération travailleur social XX",
                        "Rémunération ZZZ",
                    ),
                ),
                ReportPart(
                    "remobilisation",
                    "Dépenses relatives à la remobilisation / entrée en parcours",
                    ("Action 1", "Action 2..."),
                ),
            ),
        ),
        ReportBlock(
            "Dépenses relatives à la levée des freins sociaux",
            "TOTAL DEPENSES LEVÉE DES FREINS SOCIAUX",
            (ReportPart("levee_freins", None, ("Structure XXX", "Structure XXX", "Structure XXX")),),
        ),
        ReportBlock(
            "Dépenses relatives au référencement de l'offre de solutions locales d'accompagnement",
            "TOTAL DEPENSES RELATIVES AU REFERENCEMENT DE L'OFFRE DE SOLUTIONS LOCALES D'ACCOMPAGNEMENT",
            (ReportPart("referencement", None, ("Rémunération XX",)),),
        ),
    ),
    3: (
        ReportBlock(
            "Dépenses relatives au renforcement des équipes locales CD/PE",
            "TOTAL DEPENSES RELATIVES AU RENFORCEMENT DES EQUIPES LOCALES",
            (
                ReportPart(
                    "equipes_cd",
                    "Dépenses relatives au renforcement des équipes locales CD",
                    (
                        "Postes d'ingénierie",
                        "Rémunération chef de projet",
                        "Rémunération XX",
                        "Rémunération",
                        "Postes d'accompagnement",
                        "Rémunération CIP",
                        "Rémunération coach emploi",
                        "Rémunération travailleur social XX",
                        "Rémunération ZZZ",
                    ),
                ),
                ReportPart(
                    "france_travail",
                    "Dépenses relatives au renforcement des équipes locales PE (le cas échéant)",
                    ("Rémunération CIP - accompagnement global", "Rémunération CIP"),
                ),
            ),
        ),
        ReportBlock(
            "Dépenses relatives au renforcement des solutions locales",
            "TOTAL DEPENSES RENFORCEMENT DES SOLUTIONS LOCALES",
            (ReportPart("solutions_locales", None, ("Structure XXX", "Structure XXX", "Structure XXX")),),
        ),
        ReportBlock(
            "Dépenses relatives au développement SI",
            "TOTAL DEPENSES RELATIVES AU DEVELOPPEMENT SI",
            (ReportPart("si", None, ("Ex : développement d'un interfaçage avec XX",)),),
        ),
    ),
}


def headed(volet: int) -> list[tuple[Heading, list[Section]]]:
    """Each heading of the volet with its sections, in the instruction's order."""
    return [(h, [s for s in SECTIONS[volet] if s.heading == h.label]) for h in HEADINGS[volet]]


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


# The natures the instruction of 2023 refuses (the 2024 campaign's list, campaigns/data/campagnes.json).
INSTRUCTION_INELIGIBLE = tuple(n.code for n in NATURES if n.rule)


def ineligibility(code: str, volet: int, ineligible=None) -> tuple[str, str] | None:
    """(rule, reason) when the State may not finance an expense of this nature on this volet, None when it may.
    `ineligible`: the codes the convention's campaign refuses (the instruction's when not given); a nature the
    instruction does not name is refused under R-FIN-06 when a campaign lists it."""
    nature = NATURE_BY_CODE.get(code)
    if nature is None:
        return None
    if ineligible is not None and code not in ineligible:
        return None
    rule = nature.rule or ("R-FIN-06" if ineligible is not None else None)
    if rule is None or (rule in VOLET2_ONLY_RULES and volet != 2):
        return None
    return rule, nature.reason or nature.label.lower()


def nature_label(code: str) -> str:
    """The French label of a nature of expense (the code itself if unknown, as an old line may carry)."""
    nature = NATURE_BY_CODE.get(code)
    return nature.label if nature else code


def counted(volet: int, code: str) -> bool:
    """Whether a section's amounts count in the plan (« Pour info » sections do not; an unknown one does)."""
    try:
        return not section(volet, code).information_only
    except KeyError:
        return True
