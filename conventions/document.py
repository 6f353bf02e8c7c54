"""The text of the convention, on the model of annexe 7 (R-CONV-07), filled from the data.

`sections()` builds the content once, as plain titled paragraphs; the Word (docxtpl) and PDF
(WeasyPrint) renderings only lay it out. Each file's SHA-256 is kept with the version it renders.
"""

import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path

from django.template.loader import render_to_string

from config.formats import format_date
from conventions.amounts import amount_in_figures_and_words
from conventions.volets import Volet

TEMPLATE_DOCX = Path(__file__).resolve().parent / "docx" / "convention.docx"
BLANK = "[à compléter]"


@dataclass
class Section:
    title: str
    paragraphs: list[str] = field(default_factory=list)


def _or_blank(value) -> str:
    return str(value) if value else BLANK


def sections(convention, action_sheets=(), version_number: int = 0, plan_lines=()) -> list[Section]:
    """The convention in reading order: header, parties, articles 1 to 11, signatures, annexes 1 and 2."""
    c = convention
    return [
        _budget_header(c, version_number),
        _parties(c),
        _purpose(c),
        Section(
            "ARTICLE 2 – DURÉE DE LA CONVENTION",
            [
                f"La présente convention est conclue pour la période du {format_date(c.start_date)} au {format_date(c.end_date)}."
            ],
        ),
        Section("ARTICLE 3 – ENGAGEMENTS DU DÉPARTEMENT", list(DEPARTMENT_COMMITMENTS)),
        _state_commitments(c),
        Section("ARTICLE 5 – SUIVI DE L'EXÉCUTION DE LA CONVENTION", [FOLLOW_UP]),
        _financial_conditions(c),
        *(Section(title, [text]) for title, text in STANDARD_CLAUSES),
        _signatures(c),
        _action_plan(action_sheets),
        _financing_plan(plan_lines),
    ]


DEPARTMENT_COMMITMENTS = (
    "Les engagements sont décrits dans un plan d'action détaillé (annexe 1 et 1 bis) associé à un plan de "
    "financement (annexe 2).",
    "Le conseil départemental s'engage à produire un bilan final au plus tard trois mois suivant la fin de "
    "la durée de convention mentionnée à l'article 2 : un bilan de mise en œuvre du plan d'action et un "
    "bilan financier établi sur le modèle de l'annexe 3.",
    "Le Conseil départemental participe à hauteur de 50 % du coût total des actions inscrites au volet 2 "
    "au titre du co-financement avec l'administration.",
    "Pour chacun des volets, le Conseil départemental s'engage à renseigner les indicateurs précisés dans l'annexe 4.",
)

FOLLOW_UP = (
    "Le suivi de l'exécution de la présente convention est effectué de façon conjointe par le Conseil "
    "départemental et l'administration, au niveau national et au niveau territorial (DDETS-PP), au sein du "
    "comité départemental."
)

# Articles 7 to 11: the same text in every convention.
STANDARD_CLAUSES = (
    (
        "ARTICLE 7 – AUTRES ENGAGEMENTS",
        "En cas d'inexécution ou de modification des conditions d'exécution et de retard pris dans l'exécution "
        "de la présente convention par le Conseil départemental, pour une raison quelconque, celui-ci doit en "
        "informer l'administration sans délai en lettre recommandée avec accusé de réception.",
    ),
    (
        "ARTICLE 8 – CONTRÔLE DE L'ADMINISTRATION",
        "L'administration contrôle à l'issue de la convention que la contribution financière n'excède pas le "
        "coût de la mise en œuvre de l'action. Elle peut exiger le remboursement des sommes indues.",
    ),
    (
        "ARTICLE 9 – MODIFICATION DE LA CONVENTION",
        "La présente convention peut être modifiée en cours d'exécution d'un commun accord par les deux "
        "parties. Les modifications ainsi effectuées sont formalisées par un avenant.",
    ),
    (
        "ARTICLE 10 – DÉNONCIATION DE LA CONVENTION",
        "En cas de non-respect par l'une ou l'autre des parties de l'une de ses obligations, la convention peut "
        "être résiliée de plein droit par l'autre partie à l'expiration d'un délai de deux mois suivant l'envoi "
        "d'une lettre recommandée avec accusé de réception valant mise en demeure restée infructueuse.",
    ),
    (
        "ARTICLE 11 – LITIGE",
        "Tout litige résultant de l'exécution de la présente convention est du ressort du tribunal "
        "administratif territorialement compétent après la recherche d'une résolution amiable.",
    ),
)


def _budget_header(c, version_number: int) -> Section:
    return Section(
        "Imputation budgétaire",
        [
            f"Programme : {c.programme} – Action : {_or_blank(c.budget_action)} – Sous-action : "
            f"{_or_blank(c.budget_sub_action)} – Activité : {_or_blank(c.budget_activity)}",
            f"Montant : {amount_in_figures_and_words(c.total_amount)} – GM : {_or_blank(c.goods_group)}",
            f"Version : {'convention initiale' if version_number == 0 else f'avenant n° {version_number}'}",
        ],
    )


def _parties(c) -> Section:
    place = c.collectivity.of_name  # « de l'Ain », « du Nord » (TNCC of the COG)
    return Section(
        f"CONVENTION DÉPARTEMENTALE POUR L'INSERTION ET L'EMPLOI DANS LE CADRE DE LA RÉFORME FRANCE TRAVAIL – {c.year}",
        [
            "Entre",
            f"Le Ministère du travail, du plein emploi et de l'insertion, représenté par {_or_blank(c.prefect_name)}, "
            f"préfet du département {place}, et désigné ci-après par les termes « l'administration », d'une part,",
            "Et",
            f"Le Conseil départemental {place}, représenté par {_or_blank(c.president_name)}, président du Conseil "
            f"départemental {place}, et désigné ci-après par les termes « le Conseil départemental », d'autre part,",
            "Vu la loi n° 2023-1196 du 18 décembre 2023 pour le plein emploi ;",
            "Vu l'instruction n° DGEFP/DPE/2023/192 du 27 décembre 2023 relative à la mise en œuvre de la "
            "contractualisation entre l'État et les conseils départementaux pour l'insertion et l'emploi dans le "
            "cadre de la réforme France Travail ;",
            f"Vu la délibération du Département {place} en date du "
            f"{format_date(c.deliberation_date) or BLANK} autorisant le président du Conseil départemental à "
            "signer la présente convention.",
            "Il est convenu ce qui suit :",
        ],
    )


def _purpose(c) -> Section:
    return Section(
        "ARTICLE 1 – OBJET DE LA CONVENTION",
        [
            f"Par la présente convention, le préfet et le président du conseil départemental {c.collectivity.of_name} "
            "définissent les engagements relevant de la contractualisation pour l'insertion et l'emploi dans le cadre "
            "de la réforme France Travail sur trois volets.",
            "Le volet 1 vise à préparer la mise en place de la réforme France Travail et l'application des "
            "dispositions législatives et réglementaires issues de la loi pour le plein emploi.",
            "Le volet 2 vise à étoffer l'offre de solutions d'insertion locales, dans une approche subsidiaire et "
            "une recherche d'impact.",
            "Le volet 3 vise à assurer de nouveaux déploiements territorialisés pour un accompagnement rénové des "
            "allocataires du RSA.",
        ],
    )


def _state_commitments(c) -> Section:
    """Article 4: the non-fungible amount of each volet, in figures and words; volet 3 only when selected."""
    volets = [
        f"{amount_in_figures_and_words(c.amount_volet1)} au titre du volet 1 visant la préparation et la mise en place "
        "de la réforme France Travail et l'application des dispositions législatives et réglementaires issues de la loi "
        "pour le plein emploi ;",
        f"{amount_in_figures_and_words(c.amount_volet2)} au titre du volet 2 visant à étoffer l'offre de solutions "
        "d'insertion locales ;",
    ]
    if c.amount_volet3:
        volets.append(
            f"{amount_in_figures_and_words(c.amount_volet3)} au titre du volet 3 relatif aux nouveaux déploiements "
            "territorialisés pour un accompagnement rénové des allocataires du RSA."
        )
    return Section(
        "ARTICLE 4 – ENGAGEMENTS DE L'ADMINISTRATION",
        [
            "L'administration apporte son soutien financier au Conseil départemental dans le cadre de la présente "
            f"convention. Un montant de {amount_in_figures_and_words(c.total_amount)} est alloué au Conseil "
            "départemental. Ce montant se décline de la façon suivante :",
            *volets,
            "Les dépenses liées aux frais généraux (fournitures, reprographie, locations de salles, équipement...), "
            "aux frais de mission ou au recours à des prestations d'évaluation, de formation ou de gestion de projet "
            "ne sont pas éligibles au financement de l'État. Les dépenses d'investissement, hors développements "
            "informatiques répondant aux besoins du projet, sont exclues.",
        ],
    )


def _financial_conditions(c) -> Section:
    return Section(
        "ARTICLE 6 – CONDITIONS FINANCIÈRES",
        [
            "La contribution de l'administration est versée de la manière suivante : une avance de 60 % du montant "
            "prévisionnel indiqué à l'article 4 à la signature de la convention ; le solde suivant la production "
            "du bilan final mentionné à l'article 3.",
            "En cas de trop-perçu, les montants indus sont remboursés à l'État lors de la production du bilan final "
            "d'exécution.",
            f"Les versements seront effectués sur le compte IBAN {_or_blank(c.iban)}, BIC {_or_blank(c.bic)}.",
            f"La dépense est imputée suivant : CF {_or_blank(c.financial_centre)}, DF {_or_blank(c.functional_domain)}, "
            f"activité {_or_blank(c.budget_activity)}, GM {_or_blank(c.goods_group)}, "
            f"n° de tiers Chorus {_or_blank(c.chorus_third_party)}.",
        ],
    )


def _signed(role: str, name, signed_on) -> str:
    return f"{role} : {_or_blank(name)}" + (f", le {format_date(signed_on)}" if signed_on else "")


def _signatures(c) -> Section:
    return Section(
        "Signatures",
        [
            _signed("Le préfet de département", c.prefect_name, c.prefect_signed_on),
            _signed("Le président du Conseil départemental", c.president_name, c.president_signed_on),
            _signed(
                "Le préfet de région, responsable du BOP 102", c.regional_prefect_name, c.regional_prefect_signed_on
            ),
        ],
    )


def _action_plan(action_sheets) -> Section:
    """Annexe 1: the fiches action of volet 2."""
    annexe = Section("ANNEXE 1 – PLAN D'ACTION : FICHES ACTION (VOLET 2)")
    for sheet in action_sheets:
        annexe.paragraphs += [
            f"Action {sheet.number} – {sheet.title}",
            f"Contexte : {sheet.context}",
            f"Enjeux et objectifs : {sheet.objectives}",
            f"Description : {sheet.description}",
            f"Démarrage le {format_date(sheet.start_date)}, pour {sheet.duration_months} mois.",
        ]
    if not annexe.paragraphs:
        annexe.paragraphs.append("Aucune fiche action n'est encore saisie.")
    return annexe


def _financing_plan(plan_lines) -> Section:
    """Annexe 2: the lines of each volet and their totals (State and collectivité)."""
    from config.formats import format_euros

    section = Section("ANNEXE 2 – PLAN DE FINANCEMENT")
    for volet in Volet:
        lines = [line for line in plan_lines if line.volet == volet]
        if not lines:
            continue
        section.paragraphs.append(f"Volet {volet}")
        for line in lines:
            section.paragraphs.append(
                f"{line.purpose} ({line.nature}) : part État {format_euros(line.state_amount)}, "
                f"part collectivité {format_euros(line.collectivity_amount)}"
            )
        state = sum(line.state_amount for line in lines)
        collectivity = sum(line.collectivity_amount for line in lines)
        section.paragraphs.append(
            f"Total du volet {volet} : part État {format_euros(state)}, part collectivité {format_euros(collectivity)}"
        )
    if not section.paragraphs:
        section.paragraphs.append("Le plan de financement n'est pas encore saisi.")
    return section


def render_pdf(convention, content: list[Section]) -> bytes:
    from weasyprint import HTML

    html = render_to_string("conventions/document.html", {"convention": convention, "sections": content})
    return HTML(string=html).write_pdf()


def render_docx(convention, content: list[Section]) -> bytes:
    from docxtpl import DocxTemplate

    document = DocxTemplate(TEMPLATE_DOCX)
    document.render({"sections": content})
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()
