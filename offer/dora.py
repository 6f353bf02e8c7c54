"""DORA's CSV export read as data·inclusion v1 records.

DORA publishes its structures and services in the layout of data·inclusion's first schema (the one the
data·inclusion pipeline stages from DORA: `presentation_resume`, `presentation_detail`, `typologie`,
`labels_nationaux`, `profils`, `frais` with five values, `zone_diffusion_type` / `zone_diffusion_code`,
`modes_orientation_*`…). A file is recognised as DORA's by those columns. Each row is rewritten field by
field into the v1 layout, then validated by the official models like any other import, so a value that has
no v1 equivalent (an old thématique, say) is reported on its line and field instead of being dropped."""

DORA_COLUMNS = {
    "presentation_resume", "presentation_detail", "typologie", "labels_nationaux", "profils",
    "zone_diffusion_type", "modes_orientation_accompagnateur", "modes_orientation_beneficiaire",
}  # fmt: skip

# DORA's fee values (data·inclusion v0) → v1, which only tells free from paying.
FRAIS = {
    "gratuit": "gratuit",
    "gratuit-sous-conditions": "gratuit",
    "payant": "payant",
    "adhesion": "payant",
    "pass-numerique": "payant",
}

# DORA's profils (v0) → v1 publics; a profile without an equivalent goes to `publics_precisions`.
PUBLICS = {
    "beneficiaires-rsa": "beneficiaires-des-minimas-sociaux",
    "beneficiaire-rsa": "beneficiaires-des-minimas-sociaux",
    "demandeurs-demploi": "demandeurs-emploi",
    "demandeurs-emploi": "demandeurs-emploi",
    "salaries": "actifs",
    "jeunes": "jeunes",
    "jeunes-16-26": "jeunes",
    "seniors-65": "seniors",
    "retraites": "seniors",
    "femmes": "femmes",
    "familles-enfants": "familles",
    "etudiants": "etudiants",
    "personnes-handicapees": "personnes-en-situation-de-handicap",
    "personnes-en-situation-de-handicap": "personnes-en-situation-de-handicap",
    "sortants-de-detention": "personnes-en-situation-juridique-specifique",
    "personnes-de-nationalite-etrangere": "personnes-exilees",
    "migrants": "personnes-exilees",
    "sans-domicile-fixe": "personnes-en-situation-durgence",
    "victimes": "personnes-en-situation-durgence",
    "tous-publics": "tous-publics",
}

# v0 « modes d'orientation » → v1 « modes de mobilisation ».
MOBILISATION = {
    "envoyer-un-mail": "envoyer-un-courriel",
    "envoyer-un-mail-avec-une-fiche-de-prescription": "envoyer-un-courriel",
    "telephoner": "telephoner",
    "se-presenter": "se-presenter",
    "completer-le-formulaire-dadhesion": "utiliser-lien-mobilisation",
    "prendre-rdv": "utiliser-lien-mobilisation",
}

COMMON = (
    "id", "source", "nom", "commune", "code_postal", "code_insee", "adresse", "complement_adresse",
    "longitude", "latitude", "telephone", "courriel", "lien_source",
)  # fmt: skip


def is_dora(columns) -> bool:
    return len(DORA_COLUMNS & {str(c).strip() for c in columns if c}) >= 2


def _items(value) -> list[str]:
    """A list cell as DORA writes it: a JSON array, or values separated by commas or |."""
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return [str(v).strip() for v in value if str(v).strip()]
    text = str(value).strip().strip("{}[]")
    return [part.strip().strip("\"'") for part in text.replace("|", ",").split(",") if part.strip().strip("\"'")]


def _text(row: dict, key: str) -> str:
    value = row.get(key)
    return "" if value is None else str(value).strip()


def _name(value: str) -> str:
    """v1 refuses a name ending with a dot (the data·inclusion pipeline strips it too, except « etc. »)."""
    return value if value.endswith("etc.") else value.rstrip(".")


def _date(value: str) -> str:
    """DORA writes `date_maj` as a timestamp; v1 wants the date."""
    return value[:10]


def _description(row: dict) -> str:
    detail, summary = _text(row, "presentation_detail"), _text(row, "presentation_resume")
    if detail and summary and summary not in detail:
        return f"{summary}\n\n{detail}"
    return detail or summary


def _zone(row: dict) -> list[str]:
    kind, code = _text(row, "zone_diffusion_type"), _text(row, "zone_diffusion_code")
    if kind == "pays":
        return ["france"]
    return [code] if code and kind in ("commune", "epci", "departement") else []


def structure(row: dict) -> dict:
    record = {key: _text(row, key) for key in COMMON}
    record["source"] = record["source"] or "dora"
    record["nom"] = _name(record["nom"])
    record.update(
        siret=_text(row, "siret"),
        site_web=_text(row, "site_web"),
        description=_description(row),
        date_maj=_date(_text(row, "date_maj")),
        horaires_accueil=_text(row, "horaires_ouverture"),
        accessibilite_lieu=_text(row, "accessibilite"),
        reseaux_porteurs=_items(row.get("labels_nationaux")),
    )
    return {key: value for key, value in record.items() if value not in ("", [])}


def service(row: dict) -> dict:
    record = {key: _text(row, key) for key in COMMON}
    record["source"] = record["source"] or "dora"
    profiles = _items(row.get("profils"))
    publics = sorted({PUBLICS[p] for p in profiles if p in PUBLICS})
    unmatched = [p for p in profiles if p not in PUBLICS]
    types = _items(row.get("types"))
    counsellor = _items(row.get("modes_orientation_accompagnateur"))
    beneficiary = _items(row.get("modes_orientation_beneficiaire"))
    conditions = _items(row.get("pre_requis")) + _items(row.get("justificatifs"))
    record.update(
        structure_id=_text(row, "structure_id"),
        nom=_name(record["nom"]),
        description=_description(row),
        date_maj=_date(_text(row, "date_maj")),
        type=types[0] if types else "",
        thematiques=_items(row.get("thematiques")),
        frais=FRAIS.get(_text(row, "frais"), _text(row, "frais")),
        frais_precisions=_text(row, "frais_autres"),
        publics=publics,
        publics_precisions=", ".join(unmatched),
        conditions_acces="\n".join(conditions),
        modes_accueil=_items(row.get("modes_accueil")),
        zone_eligibilite=_zone(row),
        contact_nom_prenom=_text(row, "contact_nom_prenom"),
        lien_mobilisation=_text(row, "formulaire_en_ligne") or _text(row, "prise_rdv"),
        modes_mobilisation=sorted({MOBILISATION[m] for m in counsellor + beneficiary if m in MOBILISATION}),
        mobilisable_par=[who for who, modes in (("professionnels", counsellor), ("usagers", beneficiary)) if modes],
        mobilisation_precisions="\n".join(
            _text(row, key)
            for key in ("modes_orientation_accompagnateur_autres", "modes_orientation_beneficiaire_autres")
            if _text(row, key)
        ),
    )
    return {key: value for key, value in record.items() if value not in ("", [])}


CONVERT = {"structures": structure, "services": service}
