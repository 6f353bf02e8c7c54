from datetime import date

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from accounts import permissions
from campaigns.lookup import campaign_of, default_year
from config.downloads import page_tables_response
from config.form_errors import errors_text
from config.history import history_entries, history_page
from conventions import execution_reports, lifecycle, schedule, services, tables
from conventions.amounts import amount_in_figures_and_words
from conventions.forms import (
    AmendmentForm,
    CommitteeMeetingForm,
    ConventionCreateForm,
    ConventionFilterForm,
    ConventionForm,
    DenunciationForm,
    ExecutionReportForm,
    SignedCopyForm,
    StepForm,
)
from conventions.models import Convention
from indicators import results
from indicators.exports import volet2_table
from negotiation.services import history as negotiation_history
from negotiation.views import thread_context


def convention_list(request):
    visible = permissions.visible_collectivities(request.user)
    form = ConventionFilterForm(
        request.GET or None, regions=permissions.visible_regions(request.user) or None, collectivities=visible
    )
    if form.fields["region"].queryset is None:
        del form.fields["region"]
    conventions = (
        Convention.objects.for_user(request.user).select_related("collectivity__region").prefetch_related("events")
    )
    only_late = False
    if form.is_valid():
        data = form.cleaned_data
        if data.get("region"):
            conventions = conventions.filter(collectivity__region=data["region"])
        if data.get("collectivity"):
            conventions = conventions.filter(collectivity=data["collectivity"])
        if data.get("state"):
            conventions = conventions.filter(state=data["state"])
        if data.get("year"):  # the conventions running that year: a 2025–2027 one is listed for 2026
            conventions = conventions.covering(data["year"])
        only_late = data.get("late")
    today = date.today()
    rows = [(c, schedule.overdue_step(c, today)) for c in conventions]
    if only_late:
        rows = [(c, late) for c, late in rows if late]
    export = page_tables_response(request, "conventions", lambda: [tables.conventions_table(rows)])
    if export:
        return export
    return render(
        request,
        "conventions/list.html",
        {
            "title": "Conventions",
            "form": form,
            "rows": rows,
            "may_create": any(permissions.may_create_convention(request.user, c) for c in visible[:200]),
        },
    )


@require_http_methods(["GET", "POST"])
def convention_create(request):
    allowed = [
        c.pk
        for c in permissions.visible_collectivities(request.user)
        if permissions.may_create_convention(request.user, c)
    ]
    if not allowed:
        raise Http404
    collectivities = permissions.visible_collectivities(request.user).filter(pk__in=allowed)
    form = ConventionCreateForm(request.POST or None, collectivities=collectivities, initial={"year": default_year()})
    if request.method == "POST" and form.is_valid():
        try:
            convention = services.convention_create(
                collectivity=form.cleaned_data["collectivity"], year=form.cleaned_data["year"]
            )
        except lifecycle.TransitionRefused as refusal:
            form.add_error(None, refusal.reasons)
        else:
            messages.success(request, "La convention a été créée à l'état brouillon.")
            return redirect("conventions:detail", pk=convention.pk)
    return render(request, "conventions/create.html", {"title": "Nouvelle convention", "form": form})


def convention_detail(request, pk: int):
    convention = permissions.convention_or_404(request.user, pk)
    today = date.today()
    may_negotiate = permissions.may_negotiate_convention(request.user, convention)
    indicator_rows = [
        row
        for row in results.volet2_rows(convention.collectivity)
        if convention.start_date <= row["mois"] <= convention.end_date
    ]
    stem = f"convention-{convention.collectivity.code}-{convention.year}"
    export = page_tables_response(
        request, stem, lambda: [tables.amounts_table(convention), volet2_table(indicator_rows)]
    )
    if export:
        return export
    steps = lifecycle.available(convention) if may_negotiate else []
    # why no date would let a step through yet: said instead of its button
    not_yet = lifecycle.not_yet(convention, timezone.localdate()) if steps else {}
    # what a step would still refuse, said above its button
    pending = lifecycle.pending(convention, timezone.localdate()) if steps else {}
    return render(
        request,
        "conventions/detail.html",
        {
            "title": str(convention),
            "convention": convention,
            "campaign": campaign_of(convention),
            "events": convention.events.select_related("recorded_by"),
            "deadlines": schedule.convention_deadlines(convention, today),
            "amounts": [(label, amount_in_figures_and_words(amount)) for label, amount in tables.volets(convention)],
            "steps": [(step, not_yet.get(step.name, []), pending.get(step.name, [])) for step in steps],
            "step_form": StepForm(initial={"lock_version": convention.lock_version, "occurred_on": today}),
            "may_negotiate": may_negotiate,
            "may_view_history": permissions.may_view_history(request.user, convention.collectivity),
            "documents": convention.documents.defer("content"),
            "amendments": convention.amendments.all(),
            "version_numbers": list(convention.versions.values_list("number", flat=True)),
            "denunciations": convention.denunciations.all(),
            "reports": convention.execution_reports.all(),
            "meetings": convention.committee_meetings.all(),
            "amendment_form": AmendmentForm(
                initial={
                    "amount_volet1": convention.amount_volet1,
                    "amount_volet2": convention.amount_volet2,
                    "amount_volet3": convention.amount_volet3,
                    "end_date": convention.end_date,
                }
            ),
            "denunciation_form": DenunciationForm(),
            "report_form": ExecutionReportForm(),
            "meeting_form": CommitteeMeetingForm(),
            "signed_form": SignedCopyForm(),
            "signed": convention.state in services.AMENDABLE,
            "reportable": convention.state in execution_reports.REPORTABLE,
            "indicator_rows": indicator_rows,
            **thread_context(request.user, convention),
        },
    )


@require_http_methods(["GET", "POST"])
def convention_edit(request, pk: int):
    convention = permissions.convention_or_404(request.user, pk, permissions.may_negotiate_convention)
    form = ConventionForm(request.POST or None, instance=convention, initial={"lock_version": convention.lock_version})
    if not convention.editable:
        messages.error(request, "Cette convention ne se modifie plus que par avenant (R-CONV-05).")
        return redirect("conventions:detail", pk=pk)
    if request.method == "POST" and form.is_valid():
        try:
            services.convention_update(
                convention=convention, lock_version=form.cleaned_data["lock_version"], values=form.values()
            )
        except lifecycle.TransitionRefused as refusal:
            form.add_error(None, refusal.reasons)
        else:
            messages.success(request, "Les modifications ont été enregistrées.")
            return redirect("conventions:detail", pk=pk)
    return render(
        request, "conventions/edit.html", {"title": f"Modifier – {convention}", "convention": convention, "form": form}
    )


@require_POST
def convention_step(request, pk: int, name: str):
    convention = permissions.convention_or_404(request.user, pk, permissions.may_negotiate_convention)
    transition = lifecycle.TRANSITIONS.get(name)
    form = StepForm(request.POST)
    if transition is None:
        raise Http404
    if not form.is_valid():
        messages.error(request, "Étape refusée : " + errors_text(form))
        return redirect("conventions:detail", pk=pk)
    data = form.cleaned_data
    values = {field: data.get(field) for field in transition.fields}
    dates = [d for d in values.values() if d]
    on = max(dates) if dates and len(dates) == len(values) else (data.get("occurred_on") or date.today())
    try:
        lifecycle.apply_transition(
            name,
            convention=convention,
            by=request.user,
            on=on,
            lock_version=data["lock_version"],
            note=data["note"],
            **values,
        )
    except lifecycle.TransitionRefused as refusal:
        messages.error(request, "Étape refusée : " + " ".join(refusal.reasons))
    else:
        messages.success(request, f"Étape enregistrée : {transition.label.lower()}.")
    return redirect("conventions:detail", pk=pk)


def convention_history(request, pk: int):
    convention = permissions.convention_or_404(request.user, pk)
    if not permissions.may_view_history(request.user, convention.collectivity):
        raise Http404
    return history_page(
        request,
        title=f"Historique – {convention}",
        back_href=reverse("conventions:detail", args=[pk]),
        entries=sorted(
            history_entries(convention) + negotiation_history(convention), key=lambda e: e.when, reverse=True
        ),
        stem=f"historique-convention-{convention.collectivity.code}-{convention.year}",
    )
