"""Site-wide pages: home (per role) and the accessibility statement."""

from datetime import date

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render

from accounts import permissions
from accounts.models import Role
from funding.todo import tasks_for

ROLE_INTRODUCTIONS = {
    Role.DGEFP: (
        "Vous pilotez la contractualisation au niveau national : toutes les régions et collectivités. Les étapes des "
        "conventions suivies par une DDETS sont à ses agents ; vos tâches sont celles qu'aucun agent DDETS ne suit, "
        "et le pilotage national montre l'avancement de toutes."
    ),
    Role.DREETS: "Vous suivez les conventions des collectivités de votre région.",
    Role.DDETS: "Vous négociez et suivez les conventions des collectivités de votre département.",
    Role.DEPARTMENTAL_COUNCIL: "Vous préparez et exécutez la convention de votre collectivité.",
    Role.FRANCE_TRAVAIL: "Vous consultez les conventions et les indicateurs de votre périmètre (lecture seule).",
}


@login_not_required
def home(request):
    user = request.user
    if not user.is_authenticated:
        return render(request, "home_public.html", {"title": "Accueil"})
    return render(
        request,
        "home.html",
        {
            "title": "Accueil",
            "introduction": ROLE_INTRODUCTIONS.get(user.role, "Administration de la plateforme."),
            "regions": permissions.visible_regions(user),
            "collectivities": permissions.visible_collectivities(user).select_related("region"),
            "read_only": permissions.is_read_only(user),
            "tasks": tasks_for(user, date.today()),
        },
    )


@login_not_required
def accessibility(request):
    return render(request, "accessibility.html", {"title": "Déclaration d'accessibilité"})


def bad_request(request, exception):
    """A 400 page in French that says which parameter was wrong."""
    return render(request, "400.html", {"title": "Requête invalide", "message": str(exception)}, status=400)


def csrf_failure(request, reason=""):
    """The CSRF refusal in French (Django's own page is in English)."""
    return render(request, "403_csrf.html", {"title": "Formulaire expiré"}, status=403)
