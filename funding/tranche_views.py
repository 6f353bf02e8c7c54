"""The annual tranches of a multi-year convention on its execution page: their table (`tranche_context`), their
edition and the advances of a later year."""

from datetime import date

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from accounts import permissions
from config.params import year_param
from conventions.amounts import parse_amount
from conventions.lifecycle import TransitionRefused
from conventions.volets import Volet
from funding import payments, services
from funding.models import PaymentKind
from funding.tranches import seen_mark, sum_refusals, tranches_of, years_awaiting_advances


def tranche_context(convention, payment_rows, user) -> dict:
    """A multi-year convention's tranches, year by year: each volet's tranche and the advance of that year, and
    whether the year is locked (an advance of it engaged: its tranche no longer changes, `tranches.change_refusals`)."""
    tranches = tranches_of(convention)
    if len(tranches) < 2:
        return {"tranches": []}
    advances = {(p.year, p.volet): p for p in payment_rows if p.kind == PaymentKind.ADVANCE and p.status != "annulee"}
    engaged_years = {year for year, _ in advances}
    rows = [
        (year, [(volet, amounts[volet], advances.get((year, volet.value))) for volet in Volet], year in engaged_years)
        for year, amounts in tranches.items()
    ]
    may_edit = permissions.may_manage_payments(user, convention) or permissions.may_edit_financing_plan(
        user, convention
    )
    from campaigns.lookup import campaign_of

    return {
        "tranches": rows,
        "tranches_seen": seen_mark(tranches),
        "advance_rate": campaign_of(convention).advance_rate,
        "tranche_refusals": sum_refusals(convention.amounts, tranches, tranches.keys()),
        "may_edit_tranches": may_edit,
        "advance_years": years_awaiting_advances(
            tranches, {(year, Volet(volet)) for year, volet in advances}, convention.year, date.today()
        )
        if convention.state in payments.ADVANCE_STATES
        else [],
    }


@require_POST
def tranches_update(request, pk: int):
    """The annual tranches of a multi-year convention, all years at once (R-FIN-01)."""
    convention = permissions.convention_or_404(request.user, pk)
    if not (
        permissions.may_manage_payments(request.user, convention)
        or permissions.may_edit_financing_plan(request.user, convention)
    ):
        raise Http404
    years = list(tranches_of(convention))
    values, errors = {}, []
    for year in years:
        values[year] = {}
        for volet in Volet:
            text = request.POST.get(f"tranche-{year}-{volet.value}", "").strip() or "0"
            try:
                values[year][volet] = parse_amount(text)
            except ValueError as error:
                errors.append(f"Tranche {year}, {volet.label} : « {text[:30]} » : {error}.")
    if not errors:
        try:
            seen = request.POST.get("tranches_vues", "")
            services.tranches_save(convention_id=convention.pk, tranches=values, by=request.user, seen=seen)
        except TransitionRefused as refusal:
            errors = refusal.reasons
    if errors:
        messages.error(request, "Tranches refusées, rien n'a été enregistré : " + " ".join(errors))
    else:
        messages.success(request, "Tranches annuelles enregistrées.")
    return redirect("funding:execution", pk=pk)


@require_POST
def year_advances(request, pk: int):
    """The advances of a later year of a multi-year convention (from 1 January of that year)."""
    convention = permissions.convention_or_404(request.user, pk, permissions.may_manage_payments)
    year = year_param(request.POST)
    try:
        created = payments.propose_year_advances(convention_id=convention.pk, year=year, today=date.today())
    except TransitionRefused as refusal:
        messages.error(request, " ".join(refusal.reasons))
    else:
        messages.success(request, f"Avances {year} proposées : {len(created)} volet(s).")
    return redirect("funding:execution", pk=pk)
