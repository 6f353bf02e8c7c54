"""The French labels of the exchange format's codes and of the indicator columns, as the pages show them
(the exports keep the columns' names, which are the exchange format's)."""

ORGANISMS = {
    "france_travail": "France Travail",
    "departement": "Conseil départemental",
    "ccas": "CCAS / CIAS",
    "mission_locale": "Mission locale",
    "cap_emploi": "Cap emploi",
    "association": "Association",
    "autre": "Autre organisme",
}
PATHWAYS = {"emploi": "emploi", "socio_professionnel": "socio-professionnel", "social": "social"}
EMPLOYMENT_CONTRACTS = {
    "cdi": "CDI",
    "cdd": "CDD",
    "ctt": "contrat de travail temporaire",
    "creation_entreprise": "création d'entreprise",
    "alternance": "alternance",
    "iae": "insertion par l'activité économique",
    "contrat_aide": "contrat aidé",
    "autre": "autre contrat",
}
VOLET3 = {
    "inscrits_france_travail": "Inscrits ou enregistrés à France Travail",
    "nouveaux_entrants": "Nouveaux entrants",
    "sortants": "Sortants",
    "cer_signes": "Contrats d'engagement réciproque (CER) signés",
    "ppae_signes": "Projets personnalisés d'accès à l'emploi (PPAE) signés",
    "ce_signes": "Contrats d'engagement (CE) signés",
    "delai_ouverture_premier_rdv_median_jours": "Délai ouverture du droit → premier rendez-vous (médiane, jours)",
    "delai_ouverture_premier_rdv_moyen_jours": "Délai ouverture du droit → premier rendez-vous (moyenne, jours)",
    "delai_diagnostic_premiere_action_median_jours": "Délai diagnostic → première action (médiane, jours)",
    "delai_diagnostic_premiere_action_moyen_jours": "Délai diagnostic → première action (moyenne, jours)",
    **{f"suivis_parcours_{code}": f"Personnes suivies en parcours {label}" for code, label in PATHWAYS.items()},
    "accompagnement_intensif": "Personnes en accompagnement intensif (15 heures par semaine)",
    "part_accompagnement_intensif_pct": "Part en accompagnement intensif (%)",
    "retours_emploi_6_mois": "Retours à l'emploi à 6 mois",
    "retours_emploi_durable_6_mois": "Retours à l'emploi durable à 6 mois",
    **{
        f"retours_emploi_6_mois_{code}": f"Retours à l'emploi à 6 mois : {label}"
        for code, label in EMPLOYMENT_CONTRACTS.items()
    },
    "progression_employabilite_6_mois": "Progression dans l'employabilité à 6 mois (immersions, formations)",
    "taux_satisfaction_personnes_pct": "Satisfaction des personnes accompagnées (%)",
    "taux_satisfaction_professionnels_pct": "Satisfaction des professionnels (%)",
}

PLEIN_EMPLOI = {
    "nouveaux_entrants": "Nouveaux entrants",
    "t0_inconnu": "dont T0 inconnu",
    "orientes_6_semaines": "Orientés dans les six semaines suivant T0",
    "a_orienter_par_france_travail": "Non orientés à six semaines : orientation par France Travail",
    "orientations_notifiees": "Orientations notifiées dans le mois",
    "contrats_1_mois": "dont suivies d'un contrat d'engagement signé dans le mois",
    "provisoire": "Mois provisoire (délai de six semaines non écoulé)",
}
