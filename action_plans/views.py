from datetime import timedelta

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from accounts import permissions
from action_plans import services
from action_plans.forms import ActionSheetForm, BudgetLineForm, RoadmapItemForm, TypicalPathwayForm
from action_plans.models import ActionSheet, RoadmapItem, TypicalPathway
from action_plans.tables import plan_tables
from config.downloads import page_tables_response
from conventions.deadlines import add_months
from conventions.lifecycle import TransitionRefused
from conventions.models import Convention
from funding.plans import plan_open
from indicators import results

KINDS = {
    "fiches": (ActionSheet, ActionSheetForm, "action_sheets"),
    "feuille-de-route": (RoadmapItem, RoadmapItemForm, "roadmap_items"),
    "parcours": (TypicalPathway, TypicalPathwayForm, "typical_pathways"),
}


def _convention(request, pk: int, *, editing=False) -> Convention:
    def may_edit(user, convention):
        return permissions.may_negotiate_convention(user, convention) and plan_open(convention)

    return permissions.convention_or_404(request.user, pk, may_edit if editing else None)


def action_plan(request, pk: int):
    convention = _convention(request, pk)
    rows = results.volet2_rows(convention.collectivity)
    sheets = list(convention.action_sheets.prefetch_related("budget_lines"))
    for sheet in sheets:
        end = add_months(sheet.start_date, max(sheet.duration_months, 1)) - timedelta(days=1)
        sheet.indicators = results.period_summary(rows, sheet.start_date.replace(day=1), end)
    roadmap, pathways = convention.roadmap_items.all(), convention.typical_pathways.all()
    stem = f"plan-action-{convention.collectivity.code}-{convention.year}"
    export = page_tables_response(request, stem, lambda: plan_tables(sheets, roadmap, pathways))
    if export:
        return export
    return render(
        request,
        "action_plans/plan.html",
        {
            "title": f"Plan d'action – {convention}",
            "convention": convention,
            "sheets": sheets,
            "roadmap": roadmap,
            "pathways": pathways,
            "may_edit": permissions.may_negotiate_convention(request.user, convention) and plan_open(convention),
        },
    )


@require_http_methods(["GET", "POST"])
def plan_item_edit(request, pk: int, kind: str, item_pk: int | None = None):
    """Add or change a fiche action, a feuille de route item or a parcours type, while the convention
    is being negotiated; afterwards only an avenant changes the action plan (R-CONV-05)."""
    if kind not in KINDS:
        raise Http404
    model, form_class, related = KINDS[kind]
    convention = _convention(request, pk, editing=True)
    instance = get_object_or_404(getattr(convention, related), pk=item_pk) if item_pk else model(convention=convention)
    form = form_class(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_item_save(
                model=model,
                convention_id=convention.pk,
                item_id=item_pk,
                lock_version=form.cleaned_data["lock_version"],
                values={name: form.cleaned_data[name] for name in form_class.Meta.fields},
            )
        except TransitionRefused as refusal:
            form.add_error(None, " ".join(refusal.reasons))
        else:
            messages.success(request, f"{model.noun.done()}.")
            return redirect("action_plans:plan", pk=convention.pk)
    return render(
        request,
        "action_plans/edit.html",
        {"title": f"{model.noun.text.capitalize()} – {convention}", "convention": convention, "form": form},
    )


@require_http_methods(["GET", "POST"])
def budget_line_add(request, pk: int, sheet_pk: int):
    convention = _convention(request, pk, editing=True)
    sheet = get_object_or_404(convention.action_sheets, pk=sheet_pk)
    form = BudgetLineForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.budget_line_add(sheet_id=sheet.pk, **form.cleaned_data)
        except TransitionRefused as refusal:
            form.add_error("state_amount", " ".join(refusal.reasons))
        else:
            messages.success(request, "Ligne de budget ajoutée.")
            return redirect("action_plans:plan", pk=convention.pk)
    return render(
        request,
        "action_plans/edit.html",
        {"title": f"Budget – {sheet}", "convention": convention, "form": form},
    )
