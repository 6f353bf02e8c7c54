from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from accounts import permissions
from config.downloads import Table, page_tables_response
from config.history import history_entries, history_page
from conventions.lifecycle import ConcurrentEdit
from territories import services
from territories.forms import SignatoriesForm


def region_list(request):
    regions = permissions.visible_regions(request.user).prefetch_related("collectivities")
    return render(request, "territories/region_list.html", {"title": "Régions", "regions": regions})


def collectivities_table(collectivities) -> Table:
    return Table(
        "collectivites", "Collectivités", ["code", "collectivité", "région", "foyers allocataires du RSA"],
        [[c.code, c.name, c.region.name, c.rsa_households] for c in collectivities],
    )  # fmt: skip


def region_detail(request, code: str):
    region = get_object_or_404(permissions.visible_regions(request.user), code=code)
    collectivities = permissions.visible_collectivities(request.user).filter(region=region).select_related("region")
    export = page_tables_response(
        request, f"collectivites-{region.code}", lambda: [collectivities_table(collectivities)]
    )
    if export:
        return export
    return render(
        request,
        "territories/region_detail.html",
        {"title": region.name, "region": region, "collectivities": collectivities},
    )


def collectivity_list(request):
    collectivities = permissions.visible_collectivities(request.user).select_related("region")
    export = page_tables_response(request, "collectivites", lambda: [collectivities_table(collectivities)])
    if export:
        return export
    return render(
        request,
        "territories/collectivity_list.html",
        {"title": "Collectivités", "collectivities": collectivities},
    )


def collectivity_detail(request, code: str):
    collectivity = permissions.collectivity_or_404(request.user, code, permissions.may_view_collectivity)
    return render(
        request,
        "territories/collectivity_detail.html",
        {
            "title": collectivity.name,
            "collectivity": collectivity,
            "departements": collectivity.departements.all(),
            "may_edit": permissions.may_edit_collectivity(request.user, collectivity),
            "may_view_history": permissions.may_view_history(request.user, collectivity),
        },
    )


@require_http_methods(["GET", "POST"])
def collectivity_edit(request, code: str):
    collectivity = permissions.collectivity_or_404(request.user, code, permissions.may_edit_collectivity)
    form = SignatoriesForm(request.POST or None, instance=collectivity)
    if request.method == "POST" and form.is_valid():
        try:
            services.signatories_update(
                code=collectivity.code,
                lock_version=form.cleaned_data["lock_version"],
                values={name: form.cleaned_data[name] for name in services.SIGNATORIES},
            )
        except ConcurrentEdit as refusal:
            form.add_error(None, " ".join(refusal.reasons))
        else:
            messages.success(request, "Les signataires ont été enregistrés.")
            return redirect("territories:collectivity_detail", code=collectivity.code)
    return render(
        request,
        "territories/collectivity_edit.html",
        {"title": f"Signataires – {collectivity.name}", "collectivity": collectivity, "form": form},
    )


def collectivity_history(request, code: str):
    collectivity = permissions.collectivity_or_404(request.user, code, permissions.may_view_history)
    return history_page(
        request,
        title=f"Historique – {collectivity.name}",
        back_href=reverse("territories:collectivity_detail", args=[collectivity.code]),
        entries=history_entries(collectivity),
        stem=f"historique-{collectivity.code}",
    )
