from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core import signing
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts import permissions
from campaigns.lookup import current_year
from config.downloads import Table, page_tables_response
from config.params import year_param
from funding.consolidation import campaign_years
from funding.todo import tasks_for
from indicators import results
from steering import dashboards, sharing
from steering.models import SharedLink

SALT = "partage-indicateurs"


def national(request):
    if not permissions.is_national(request.user):  # a national account sees every region
        raise Http404
    year = year_param(request.GET, default=current_year())
    collectivities = permissions.visible_collectivities(request.user)
    rows = dashboards.territory_rows(request.user, collectivities, year, date.today())
    totals = dashboards.region_totals(list(permissions.visible_regions(request.user)), rows)
    export = page_tables_response(
        request, f"pilotage-national-{year}",
        lambda: [Table("regions", "Régions", dashboards.NATIONAL_HEADER, dashboards.national_export(totals))],
    )  # fmt: skip
    if export:
        return export
    return render(
        request,
        "steering/national.html",
        {
            "title": f"Pilotage national {year}",
            "year": year,
            "years": campaign_years(year),
            "totals": totals,
            "total": dashboards.national_total(totals),
        },
    )


def region(request, code: str):
    region = get_object_or_404(permissions.visible_regions(request.user), code=code)
    year = year_param(request.GET, default=current_year())
    rows = dashboards.territory_rows(
        request.user, permissions.visible_collectivities(request.user).filter(region=region), year, date.today()
    )
    export = page_tables_response(
        request, f"pilotage-{region.code}-{year}",
        lambda: [Table("collectivites", "Collectivités", dashboards.REGION_HEADER, dashboards.region_export(rows))],
    )  # fmt: skip
    if export:
        return export
    return render(
        request,
        "steering/region.html",
        {
            "title": f"Pilotage – {region.name}",
            "region": region,
            "rows": rows,
            "year": year,
            "years": campaign_years(year),
            "may_consolidate": permissions.may_view_consolidation(request.user),
        },
    )


def collectivity(request, code: str):
    target = get_object_or_404(permissions.visible_collectivities(request.user), code=code)
    view = dashboards.collectivity_view(request.user, target, date.today())
    export = page_tables_response(request, f"pilotage-{target.code}", lambda: dashboards.collectivity_tables(view))
    if export:
        return export
    return render(
        request,
        "steering/collectivity.html",
        {
            "title": f"Pilotage – {target.name}",
            "view": view,
            "links": shared_links(request, target) if permissions.may_share(request.user, target) else [],
            # the breadcrumb links the regional dashboard only for those who may open it
            "region_url": reverse("steering:region", args=[target.region.code])
            if permissions.visible_regions(request.user).filter(pk=target.region_id).exists()
            else "",
            "may_share": permissions.may_share(request.user, target),
            "tasks": tasks_for(request.user, date.today(), target),  # those of the home page about this collectivité
        },
    )


@require_POST
def share(request, code: str):
    target = get_object_or_404(permissions.visible_collectivities(request.user), code=code)
    if not permissions.may_share(request.user, target):
        raise Http404
    try:
        days = sharing.validity_days(request.POST.get("jours"))
    except sharing.InvalidDuration as error:
        messages.error(request, str(error))
        return redirect("steering:collectivity", code=code)
    link = sharing.shared_link_create(target, request.user, request.POST.get("destinataires"), days)
    messages.success(request, f"Lien de partage créé (valable {days} jours) : {link_url(request, link)}")
    return redirect("steering:collectivity", code=code)


def link_url(request, link: SharedLink) -> str:
    return request.build_absolute_uri(reverse("steering:shared", args=[signing.dumps(link.token, salt=SALT)]))


def shared_links(request, collectivity) -> list[SharedLink]:
    """The collectivité's links, each active one with its address to copy."""
    links = list(collectivity.shared_links.select_related("created_by", "revoked_by"))
    for link in links:
        link.url = link_url(request, link) if link.active else ""
    return links


@require_POST
def revoke(request, code: str, pk: int):
    target = get_object_or_404(permissions.visible_collectivities(request.user), code=code)
    if not permissions.may_share(request.user, target):
        raise Http404
    try:
        sharing.shared_link_revoke(target, pk, request.user)
    except SharedLink.DoesNotExist:
        raise Http404 from None
    messages.success(request, "Lien révoqué.")
    return redirect("steering:collectivity", code=code)


@login_not_required
def shared(request, signed: str):
    """The read-only view behind a shared link: aggregated indicators only, small counts masked."""
    try:
        token = signing.loads(signed, salt=SALT)
    except signing.BadSignature:
        raise Http404 from None
    link = SharedLink.objects.filter(token=token).select_related("collectivity").first()
    if link is None or not link.active:
        return render(request, "steering/shared_expired.html", {"title": "Lien expiré ou révoqué"}, status=410)
    rows = [dashboards.shared_volet2_row(row) for row in results.volet2_rows(link.collectivity)]
    year, organisms = results.organism_rows(link.collectivity)
    organisms = dashboards.shared_organisms(organisms)
    return render(
        request,
        "steering/shared.html",
        {
            "title": f"Indicateurs – {link.collectivity.name}",
            "link": link,
            "rows": rows,
            "organisms_year": year,
            "organisms": organisms,
        },
    )
