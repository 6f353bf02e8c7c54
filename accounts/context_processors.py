from django.urls import reverse

from accounts import permissions


def navigation(request):
    """Main navigation, by role: only links to pages the user may open."""
    user = getattr(request, "user", None)
    items = [("Accueil", reverse("home"))]
    if user is not None and user.is_authenticated:
        if permissions.is_national(user):
            items.append(("Pilotage", reverse("steering:national")))
        elif user.role == "dreets" and user.region_id:
            items.append(("Pilotage", reverse("steering:region", args=[user.region.code])))
        if permissions.visible_regions(user).exists():
            items.append(("Régions", reverse("territories:region_list")))
        if permissions.visible_collectivities(user).exists():
            items.append(("Collectivités", reverse("territories:collectivity_list")))
            items.append(("Conventions", reverse("conventions:list")))
            items.append(("Offre", reverse("offer:dashboard")))
        if permissions.may_view_ceilings(user):
            items.append(("Campagnes", reverse("campaigns:list")))
            items.append(("Plafonds", reverse("funding:ceilings")))
            items.append(("Consolidation", reverse("funding:consolidation")))
        if permissions.may_administer(user):
            items.append(("Administration", reverse("admin:index")))
    path = request.path if request else ""
    return {
        # the breadcrumbs link the national dashboard only for those who may open it
        "national_url": reverse("steering:national") if user is not None and permissions.is_national(user) else "",
        "nav_items": [
            {"label": label, "url": url, "current": path == url or (url != "/" and path.startswith(url))}
            for label, url in items
        ],
    }
