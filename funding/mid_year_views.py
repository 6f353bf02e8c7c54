"""Pages of the mid-year remontée: each volet's synthesis (written by the conseil départemental, read by the
State's services), and its consolidation for the DREETS (region) and the DGEFP (nation)."""

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts import permissions
from campaigns.lookup import current_year
from config.downloads import Table, page_tables_response
from config.formats import format_euros
from config.params import year_param
from conventions.forms import AmountField
from conventions.lifecycle import TransitionRefused
from conventions.models import Convention
from conventions.volets import Volet
from funding import mid_year
from funding.models import MidYearSynthesis


class MidYearForm(forms.Form):
    actions_engaged = forms.CharField(
        label="Actions engagées au 30 juin", widget=forms.Textarea(attrs={"rows": 5}), max_length=8000
    )
    difficulties = forms.CharField(
        label="Difficultés rencontrées et mesures envisagées",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=8000,
    )
    credits_committed = AmountField(
        label="Crédits de l'État engagés au 30 juin (€)",
        help_text=(
            "Depuis le début de la convention (cumul des années précédentes compris), au plus le montant du volet."
        ),
    )


@require_http_methods(["GET", "POST"])
def synthesis(request, pk: int, volet: int):
    convention = permissions.convention_or_404(request.user, pk)
    if volet not in Volet.values:
        raise Http404
    volet = Volet(volet)
    year = year_param(request.GET, default=convention.start_date.year)
    if year not in mid_year.years_of(convention):
        raise Http404
    existing = MidYearSynthesis.objects.filter(convention=convention, year=year, volet=volet).first()
    may_write = permissions.may_report(request.user, convention)
    initial = (
        {k: getattr(existing, k) for k in ("actions_engaged", "difficulties", "credits_committed")} if existing else {}
    )
    form = MidYearForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if not may_write:
            raise Http404
        if form.is_valid():
            try:
                mid_year.send(convention=convention, volet=volet, year=year, by=request.user, **form.cleaned_data)
            except TransitionRefused as refusal:
                form.add_error(None, refusal.reasons)
            else:
                messages.success(request, f"Synthèse à mi-année {year} du volet {volet.value} transmise à la DDETS.")
                return redirect("funding:execution", pk=pk)
    return render(
        request,
        "funding/mid_year.html",
        {
            "title": f"Synthèse à mi-année {year} – volet {volet.value} – {convention}",
            "convention": convention,
            "volet": volet,
            "year": year,
            "synthesis": existing,
            "figures": existing.figures if existing else mid_year.figures(convention, volet, year),
            "mid_year": mid_year.mid_year_of(convention, year),
            "form": form if may_write else None,
        },
    )


HEADER = ["région", "code collectivité", "collectivité", "volet", "montant du volet (€)", "transmise le",
          "crédits engagés (€)", "part engagée", "actions engagées", "difficultés"]  # fmt: skip


def consolidation(request):
    """The remontée of the DREETS's region or of the nation, for a year."""
    if not permissions.may_view_consolidation(request.user):
        raise Http404
    year = year_param(request.GET, default=current_year())
    visible = Convention.objects.for_user(request.user)
    rows = mid_year.consolidate(visible.covering(year), year)
    regions = mid_year.region_summary(rows)

    def tables():
        return [
            Table("remontee", f"Remontée à mi-année {year}", HEADER, [
                [r.convention.collectivity.region.name, r.convention.collectivity.code, r.convention.collectivity.name,
                 r.volet.value, r.convention.amounts[r.volet],
                 r.synthesis.sent_at.date() if r.synthesis else None,
                 r.synthesis.credits_committed if r.synthesis else None, r.committed_share,
                 r.synthesis.actions_engaged if r.synthesis else "", r.synthesis.difficulties if r.synthesis else ""]
                for r in rows
            ]),
            Table("regions", "Par région", ["région", "volets attendus", "synthèses reçues", "montant (€)",
                                            "crédits engagés (€)"],
                  [[g["region"].name, g["expected"], g["received"], g["allocated"], g["committed"]] for g in regions]),
        ]  # fmt: skip

    export = page_tables_response(request, f"remontee-mi-annee-{year}", tables)
    if export:
        return export
    return render(
        request,
        "funding/mid_year_consolidation.html",
        {
            "title": f"Remontée à mi-année {year}",
            "year": year,
            "years": mid_year.covered_years(visible, year),
            "rows": rows,
            "regions": regions,
            "national": permissions.is_national(request.user),
            "total_committed": format_euros(sum((g["committed"] for g in regions), start=0)),
        },
    )
