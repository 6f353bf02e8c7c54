from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from accounts import permissions
from campaigns import model_texts, services
from campaigns.forms import CampaignForm
from campaigns.lookup import all_campaigns
from campaigns.models import Campaign, ModelText
from config.form_errors import errors_text

MAX_MODEL_BYTES = 1024 * 1024


def campaign_list(request):
    """The campaigns and their rules; the DGEFP creates the next one here."""
    campaigns = sorted(all_campaigns(), key=lambda c: c.first_year)
    return render(
        request,
        "campaigns/list.html",
        {"title": "Campagnes de contractualisation", "campaigns": campaigns,
         "may_create": permissions.may_set_ceilings(request.user)},
    )  # fmt: skip


def campaign_detail(request, pk: int):
    from conventions.models import Convention
    from funding.models import NationalEnvelope
    from funding.structure import nature_label

    campaign = get_object_or_404(Campaign.objects.select_related("model_text"), pk=pk)
    envelopes = {e.year: e for e in NationalEnvelope.objects.filter(year__in=campaign.years)}
    conventions = Convention.objects.for_user(request.user).filter(year=campaign.first_year)
    return render(
        request,
        "campaigns/detail.html",
        {
            "title": campaign.name,
            "campaign": campaign,
            "years": [(year, envelopes.get(year), campaign.finance_law(year)) for year in campaign.years],
            "conventions": conventions.count(),
            "ineligible": [nature_label(code) for code in campaign.ineligible_natures],
            "may_view_ceilings": permissions.may_view_ceilings(request.user),
        },
    )


def model_text_download(request, pk: int):
    """The model text as the DGEFP keeps it (fields marked), to read or to start the next campaign's from."""
    model_text = get_object_or_404(ModelText, pk=pk)
    response = HttpResponse(model_texts.content(model_text), content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="modele-convention-{model_text.pk}.txt"'
    return response


@require_http_methods(["GET", "POST"])
def campaign_create(request):
    if not permissions.may_set_ceilings(request.user):
        raise Http404
    form = CampaignForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if form.is_valid():
            upload, errors = _upload(form.cleaned_data.get("model_file"))
            if not errors:
                try:
                    campaign = services.campaign_create(
                        values=form.values(), model_text=form.cleaned_data["model_text"], upload=upload,
                        by=request.user,
                    )  # fmt: skip
                except services.CampaignRefused as refusal:
                    errors = refusal.errors
                else:
                    messages.success(request, f"{campaign} créée.")
                    return redirect("campaigns:detail", pk=campaign.pk)
            messages.error(request, "Campagne refusée, rien n'a été enregistré : " + " ".join(errors[:20]))
        else:
            messages.error(request, "Campagne refusée : " + errors_text(form))
    return render(request, "campaigns/form.html", {"title": "Nouvelle campagne de contractualisation", "form": form})


def _upload(uploaded) -> tuple[tuple[str, str] | None, list[str]]:
    if uploaded is None:
        return None, []
    if uploaded.size > MAX_MODEL_BYTES:
        return None, [f"{uploaded.name} : fichier trop volumineux (1 Mio au plus)."]
    try:
        return (uploaded.name, uploaded.read().decode("utf-8")), []
    except UnicodeDecodeError:
        return None, [f"{uploaded.name} : encodage attendu UTF-8."]
