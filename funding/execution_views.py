"""Pages of the execution: payments, financial report (annexe 3), mid-year synthesis and
implementation report, final balance; consolidation for the DREETS and the DGEFP."""

from datetime import date

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts import permissions
from campaigns.lookup import current_year
from config.downloads import XLSX, Table, attachment, page_tables_response
from config.form_errors import errors_text
from config.french import Noun
from config.params import year_param
from config.widgets import DateInput
from conventions.lifecycle import TransitionRefused
from conventions.models import ConventionState
from conventions.schedule import schedule_of
from funding import excel, excel_import, mid_year, payments, reports, settlement
from funding.consolidation import campaign_years, consolidate, rows_for_export
from funding.forms import UploadForm
from funding.models import (
    ActionOutcome,
    FinancialReport,
    OnSiteControl,
    Payment,
    Recovery,
    ReportLine,
    VoletBalance,
)
from funding.tables import execution_tables
from funding.tranche_views import tranche_context


class PaidForm(forms.Form):
    paid_on = forms.DateField(label="Payé le", widget=DateInput())
    chorus_reference = forms.CharField(label="Référence Chorus", max_length=40)


class ImplementationForm(forms.Form):
    implementation_summary = forms.CharField(
        label="Bilan de mise en œuvre du plan d'actions (article 3.2)",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=20000,
        help_text="Les actions réalisées, leurs résultats et leurs écarts au plan d'action ; joint au bilan financier.",
    )


class CancelForm(forms.Form):
    reason = forms.CharField(label="Motif de l'annulation", max_length=200)


class RecoveryForm(forms.Form):
    number = forms.CharField(label="N° du titre de perception", max_length=40)
    issued_on = forms.DateField(label="Émis le", widget=DateInput())


class RecoveredForm(forms.Form):
    recovered_on = forms.DateField(label="Recouvré le", widget=DateInput())


class ControlForm(forms.ModelForm):
    from conventions.forms import AmountField

    unjustified_amount = AmountField(label="Dépenses non justifiées relevées (€)", required=False)

    class Meta:
        model = OnSiteControl
        fields = ["controlled_on", "controller", "findings", "documents", "unjustified_amount"]
        widgets = {
            "controlled_on": DateInput(),
            "findings": forms.Textarea(attrs={"rows": 3}),
            "documents": forms.Textarea(attrs={"rows": 2}),
        }


class OutcomeForm(forms.ModelForm):
    from conventions.forms import AmountField

    credits_consumed = AmountField(label="Crédits consommés (€)", required=False)

    class Meta:
        model = ActionOutcome
        fields = ["progress", "credits_consumed", "new_entrants", "oriented_15_days", "beneficiaries", "comment"]
        widgets = {"comment": forms.Textarea(attrs={"rows": 2})}


def _recoveries(convention) -> list[tuple]:
    """(balance, its titre de perception or None) for each volet with an overpayment to recover."""
    titres = {r.balance_id: r for r in Recovery.objects.filter(balance__convention=convention)}
    return [(b, titres.get(b.pk)) for b in convention.balances.filter(to_recover__gt=0)]


def _sheets_with_forms(convention) -> list:
    """The fiches action with their outcomes by stage and one form per stage, pre-filled, with ids of its own
    (labels point to their own field)."""
    sheets = list(convention.action_sheets.prefetch_related("outcomes"))
    for sheet in sheets:
        sheet.by_stage = {o.stage: o for o in sheet.outcomes.all()}
        sheet.forms = [
            (code, label, OutcomeForm(instance=sheet.by_stage.get(code), auto_id=f"action-{sheet.pk}-{code}-%s"))
            for code, label in ActionOutcome.Stage.choices
        ]
    return sheets


def _report_context(convention) -> dict:
    """The final report (annexe 3): when it is due, whether it is late, and the implementation summary's form."""
    report = FinancialReport.objects.filter(convention=convention).first()
    due = schedule_of(convention).due_dates(convention.start_date, convention.end_date)["bilan"]
    received = report.received_on if report else None
    return {
        "report": report,
        "report_due": due,
        "report_late": received is None and date.today() > due and convention.state == ConventionState.IN_EXECUTION,
        "implementation_form": ImplementationForm(
            initial={"implementation_summary": report.implementation_summary if report else ""}
        ),
    }


def execution(request, pk: int):
    convention = permissions.convention_or_404(request.user, pk)
    sheets = _sheets_with_forms(convention)
    payment_rows = Payment.objects.filter(convention=convention).select_related("approved_by", "paid_recorded_by")
    report_lines = ReportLine.objects.filter(convention=convention)
    balances = settlement.balances(convention)
    stage = settlement.balance_stage(convention.state)
    export = page_tables_response(
        request,
        f"execution-{convention.collectivity.code}-{convention.year}",
        lambda: execution_tables(
            payments=payment_rows, report_lines=report_lines, sheets=sheets, balances=balances, balance_stage=stage
        ),
    )
    if export:
        return export
    return render(
        request,
        "funding/execution.html",
        {
            "title": f"Exécution – {convention}",
            "convention": convention,
            "payments": payment_rows,
            "report_lines": report_lines,
            "balances": balances,
            "settled": convention.balances.all(),
            "sheets": sheets,
            "paid_form": PaidForm(initial={"paid_on": date.today()}),
            "upload_form": UploadForm(),
            "may_pay": permissions.may_manage_payments(request.user, convention),
            "may_record_paid": permissions.may_record_paid(request.user, convention),
            "may_report": permissions.may_report(request.user, convention),
            "can_settle": convention.state in settlement.SETTLING_STATES,
            "balance_stage": stage,
            "report_open": convention.state in reports.REPORTING_STATES,
            "money": payments.money_of(convention).values(),
            "recoveries": _recoveries(convention),
            "controls": convention.controls.all(),
            "mid_year_years": mid_year.remontees(convention, date.today()),
            "control_form": ControlForm(),
            **_report_context(convention),
            **tranche_context(convention, payment_rows, request.user),
        },
    )


@require_POST
def approve(request, pk: int, payment_pk: int):
    convention = permissions.convention_or_404(request.user, pk, permissions.may_manage_payments)
    payment = get_object_or_404(Payment, convention=convention, pk=payment_pk)
    try:
        payments.approve_payment(payment_id=payment.pk, by=request.user)
    except TransitionRefused as refusal:
        messages.error(request, " ".join(refusal.reasons))
    else:
        messages.success(request, f"{payment} : approuvé.")
    return redirect("funding:execution", pk=pk)


def _money_step(request, pk: int, form, missing: str, action, done: str):
    """A money step posted from the execution page: the form's values to the service, its refusal or
    `done` told in French, back to the page."""
    if not form.is_valid():
        messages.error(request, missing)
    else:
        try:
            action(form.cleaned_data)
        except TransitionRefused as refusal:
            messages.error(request, " ".join(refusal.reasons))
        else:
            messages.success(request, done)
    return redirect("funding:execution", pk=pk)


@require_POST
def mark_paid(request, pk: int, payment_pk: int):
    convention = permissions.convention_or_404(request.user, pk, permissions.may_record_paid)
    payment = get_object_or_404(Payment, convention=convention, pk=payment_pk)
    return _money_step(
        request,
        pk,
        PaidForm(request.POST),
        "Indiquez la date et la référence Chorus du paiement.",
        lambda data: payments.mark_paid(payment_id=payment.pk, by=request.user, **data),
        f"{payment} : payé.",
    )


@require_POST
def cancel_payment(request, pk: int, payment_pk: int):
    convention = permissions.convention_or_404(request.user, pk, permissions.may_manage_payments)
    payment = get_object_or_404(Payment, convention=convention, pk=payment_pk)
    return _money_step(
        request,
        pk,
        CancelForm(request.POST),
        "Indiquez le motif de l'annulation.",
        lambda data: payments.cancel_payment(payment_id=payment.pk, reason=data["reason"]),
        f"{payment} : annulé.",
    )


@require_POST
def recovery_issue(request, pk: int, balance_pk: int):
    """R-FIN-08: the titre de perception of a volet's overpayment."""
    convention = permissions.convention_or_404(request.user, pk, permissions.may_manage_payments)
    balance = get_object_or_404(VoletBalance, convention=convention, pk=balance_pk)
    return _money_step(
        request,
        pk,
        RecoveryForm(request.POST),
        "Indiquez le numéro et la date d'émission du titre de perception.",
        lambda data: settlement.record_recovery(
            balance_id=balance.pk, by=request.user, amount=balance.to_recover, **data
        ),
        f"Titre de perception enregistré pour le volet {balance.volet}.",
    )


@require_POST
def recovery_done(request, pk: int, recovery_pk: int):
    convention = permissions.convention_or_404(request.user, pk, permissions.may_manage_payments)
    recovery = get_object_or_404(Recovery, balance__convention=convention, pk=recovery_pk)
    return _money_step(
        request,
        pk,
        RecoveredForm(request.POST),
        "Indiquez la date du recouvrement.",
        lambda data: settlement.record_recovered(recovery_id=recovery.pk, on=data["recovered_on"]),
        f"Titre n° {recovery.number} : recouvré.",
    )


@require_POST
def control_add(request, pk: int):
    """Article 8: an on-site control, during or after the convention."""
    convention = permissions.convention_or_404(request.user, pk, permissions.may_manage_payments)
    form = ControlForm(request.POST)
    if form.is_valid():
        reports.record_control(convention=convention, by=request.user, values=form.cleaned_data)
        messages.success(request, "Contrôle sur place enregistré.")
    else:
        messages.error(request, "Contrôle refusé : " + errors_text(form))
    return redirect("funding:execution", pk=pk)


def report_xlsx(request, pk: int):
    convention = permissions.convention_or_404(request.user, pk)
    lines = list(ReportLine.objects.filter(convention=convention))
    data = excel.export_report(convention, lines, list(convention.plan_lines.all()))
    return attachment(data, f"bilan-financier-{convention.collectivity.code}-{convention.year}.xlsx", XLSX)


@require_POST
def report_import(request, pk: int):
    convention = permissions.convention_or_404(request.user, pk, permissions.may_report)
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "Choisissez un fichier .xlsx.")
        return redirect("funding:execution", pk=pk)
    uploaded = form.cleaned_data["file"]
    try:
        imported = excel_import.import_workbook(
            excel.REPORT, excel_import.read_upload(uploaded), filename=uploaded.name, convention=convention
        )
        count = reports.report_replace(convention=convention, lines=imported.lines)
    except excel_import.PlanImportError as error:
        messages.error(request, "Bilan refusé, rien n'a été modifié : " + " ; ".join(str(e) for e in error.errors[:50]))
    except TransitionRefused as refusal:
        messages.error(request, "Bilan refusé, rien n'a été modifié : " + " ; ".join(refusal.reasons[:50]))
    else:
        for warning in imported.warnings:
            messages.warning(request, warning)
        messages.success(request, f"Bilan financier importé : {count} lignes.")
    return redirect("funding:execution", pk=pk)


@require_POST
def outcome(request, pk: int, sheet_pk: int, stage: str):
    """Mid-year synthesis (R-SUIVI-01) or implementation report (R-SUIVI-02) of a fiche action."""
    convention = permissions.convention_or_404(request.user, pk, permissions.may_report)
    sheet = get_object_or_404(convention.action_sheets, pk=sheet_pk)
    if stage not in ActionOutcome.Stage.values:
        raise Http404
    form = OutcomeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Refusé : " + errors_text(form))
        return redirect("funding:execution", pk=pk)
    try:
        saved = reports.outcome_record(sheet_id=sheet.pk, stage=stage, values=form.cleaned_data, by=request.user)
    except TransitionRefused as refusal:
        messages.error(request, "Refusé : " + " ".join(refusal.reasons))
    else:
        stage_name = Noun(f"{saved.get_stage_display()} de l'action {sheet.number}", feminine=stage == "mi_parcours")
        messages.success(request, f"{stage_name.done()}.")
    return redirect("funding:execution", pk=pk)


@require_POST
def implementation_report(request, pk: int):
    """The implementation report of the action plan (article 3.2), written by the conseil départemental."""
    convention = permissions.convention_or_404(request.user, pk, permissions.may_report)
    form = ImplementationForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Refusé : " + errors_text(form))
        return redirect("funding:execution", pk=pk)
    try:
        reports.record_implementation_summary(
            convention=convention, by=request.user, text=form.cleaned_data["implementation_summary"]
        )
    except TransitionRefused as refusal:
        messages.error(request, "Refusé : " + " ".join(refusal.reasons))
    else:
        messages.success(request, "Bilan de mise en œuvre enregistré.")
    return redirect("funding:execution", pk=pk)


@require_POST
def settle(request, pk: int):
    convention = permissions.convention_or_404(request.user, pk, permissions.may_manage_payments)
    try:
        settlement.settle_balances(convention=convention, by=request.user, on=date.today())
    except TransitionRefused as refusal:
        messages.error(request, "Solde refusé : " + " ".join(refusal.reasons))
    else:
        messages.success(
            request, "Solde arrêté par volet ; les soldes à verser sont proposés, les trop-perçus sont à recouvrer."
        )
    return redirect("funding:execution", pk=pk)


def consolidation(request):
    if not permissions.may_view_consolidation(request.user):
        raise Http404
    year = year_param(request.GET, default=current_year())
    result = consolidate(request.user, year)
    export = page_tables_response(
        request, f"consolidation-{year}", lambda: [Table("consolidation", "Consolidation", *rows_for_export(result))]
    )
    if export:
        return export
    return render(
        request,
        "funding/consolidation.html",
        {"title": f"Consolidation {year}", "year": year, "years": campaign_years(year), "result": result},
    )
