"""Pages of a signed convention's life: documents, avenants and versions, dénonciation, reports of
non-execution, comité départemental, and the open-data export."""

from datetime import date

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts import permissions
from accounts.models import Role
from config.downloads import PDF, Table, attachment, csv_response, page_tables_response
from config.form_errors import errors_text
from conventions import lifecycle, services, versions
from conventions.forms import (
    AmendmentForm,
    CommitteeMeetingForm,
    DenunciationForm,
    ExecutionReportForm,
    SignedCopyForm,
)
from conventions.models import Convention, ConventionDocument, ConventionState


def _refused(request, refusal: lifecycle.TransitionRefused):
    messages.error(request, "Refusé : " + " ".join(refusal.reasons))


def _form_errors(request, form):
    messages.error(request, "Refusé : " + errors_text(form))


@require_POST
def generate_documents(request, pk: int):
    convention = permissions.convention_or_404(request.user, pk, permissions.may_negotiate_convention)
    services.generate_documents(convention=convention, by=request.user)
    messages.success(request, "La convention a été générée en Word et en PDF.")
    return redirect("conventions:detail", pk=pk)


def download_document(request, pk: int, document_pk: int):
    convention = permissions.convention_or_404(request.user, pk)
    document = get_object_or_404(convention.documents, pk=document_pk)
    content_type = {
        ConventionDocument.Kind.WORD: "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    }.get(document.kind, PDF)
    return attachment(bytes(document.content), document.filename, content_type)


@require_POST
def upload_signed_copy(request, pk: int):
    convention = permissions.convention_or_404(request.user, pk, permissions.may_negotiate_convention)
    form = SignedCopyForm(request.POST, request.FILES)
    if not form.is_valid():
        _form_errors(request, form)
    else:
        try:
            document = services.upload_signed_copy(
                convention=convention, by=request.user, uploaded=form.cleaned_data["file"]
            )
        except lifecycle.TransitionRefused as refusal:
            _refused(request, refusal)
        else:
            messages.success(request, f"Copie signée enregistrée (SHA-256 {document.sha256[:12]}…).")
    return redirect("conventions:detail", pk=pk)


@require_POST
def propose_amendment(request, pk: int):
    convention = permissions.convention_or_404(request.user, pk, permissions.may_negotiate_convention)
    form = AmendmentForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("conventions:detail", pk=pk)
    data = form.cleaned_data
    try:
        services.amendment_propose(
            convention=convention,
            by=request.user,
            purpose=data["purpose"],
            amounts={f: data[f] or 0 for f in ("amount_volet1", "amount_volet2", "amount_volet3")},
            end_date=data["end_date"],
        )
    except lifecycle.TransitionRefused as refusal:
        _refused(request, refusal)
    else:
        messages.success(request, "Avenant proposé : il s'appliquera quand les deux parties l'auront accepté.")
    return redirect("conventions:detail", pk=pk)


@require_POST
def agree_amendment(request, pk: int, amendment_pk: int):
    """The State's side (DDETS, DGEFP) or the conseil départemental records its agreement."""
    convention = permissions.convention_or_404(request.user, pk, permissions.may_negotiate_convention)
    amendment = get_object_or_404(convention.amendments, pk=amendment_pk)
    party = "departement" if request.user.role == Role.DEPARTMENTAL_COUNCIL else "etat"
    try:
        services.amendment_agree(amendment=amendment, party=party, on=date.today())
    except lifecycle.TransitionRefused as refusal:
        _refused(request, refusal)
    else:
        messages.success(request, "Accord enregistré.")
    return redirect("conventions:detail", pk=pk)


def compare_versions(request, pk: int):
    convention = permissions.convention_or_404(request.user, pk)
    all_versions = {v.number: v for v in convention.versions.all()}
    try:
        a, b = int(request.GET.get("a", 0)), int(request.GET.get("b", max(all_versions or [0])))
    except ValueError:
        raise Http404 from None
    if a not in all_versions or b not in all_versions:
        raise Http404
    rows = versions.compare(all_versions[a].snapshot, all_versions[b].snapshot)
    table = Table(
        "versions", f"Versions {a} et {b}", ["élément", f"version {a}", f"version {b}", "modifié"],
        [[label, before, after, "oui" if changed else ""] for label, before, after, changed in rows],
    )  # fmt: skip
    export = page_tables_response(
        request, f"versions-{convention.collectivity.code}-{convention.year}-{a}-{b}", lambda: [table]
    )
    if export:
        return export
    return render(
        request,
        "conventions/compare.html",
        {
            "title": f"Versions – {convention}",
            "convention": convention,
            "versions": sorted(all_versions),
            "a": a,
            "b": b,
            "rows": rows,
        },
    )


def _record(request, pk: int, form_class, write, done):
    """A form posted from the convention's page, written by `write(convention, data)` (a service, which may refuse
    with its reasons); `done(written)` is the message of success."""
    convention = permissions.convention_or_404(request.user, pk, permissions.may_negotiate_convention)
    form = form_class(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("conventions:detail", pk=pk)
    try:
        written = write(convention, form.cleaned_data)
    except lifecycle.TransitionRefused as refusal:
        _refused(request, refusal)
    else:
        messages.success(request, done(written))
    return redirect("conventions:detail", pk=pk)


@require_POST
def notify_denunciation(request, pk: int):
    return _record(
        request,
        pk,
        DenunciationForm,
        lambda convention, data: services.denunciation_notify(convention=convention, by=request.user, **data),
        lambda notice: f"Mise en demeure enregistrée : résiliation le {notice.effective_on:%d/%m/%Y} sauf levée.",
    )


@require_POST
def withdraw_denunciation(request, pk: int, denunciation_pk: int):
    convention = permissions.convention_or_404(request.user, pk, permissions.may_negotiate_convention)
    notice = get_object_or_404(convention.denunciations, pk=denunciation_pk)
    try:
        services.denunciation_withdraw(denunciation=notice, on=date.today())
    except lifecycle.TransitionRefused as refusal:
        _refused(request, refusal)
    else:
        messages.success(request, "Mise en demeure levée.")
    return redirect("conventions:detail", pk=pk)


@require_POST
def report_execution(request, pk: int):
    """R-CONV-08: non-execution, change or delay reported by the département, with its date."""
    return _record(
        request,
        pk,
        ExecutionReportForm,
        lambda convention, data: services.execution_report_record(convention=convention, by=request.user, **data),
        lambda report: "Signalement enregistré.",
    )


@require_POST
def record_committee_meeting(request, pk: int):
    """R-SUIVI-06: a meeting of the comité départemental."""
    return _record(
        request,
        pk,
        CommitteeMeetingForm,
        lambda convention, data: services.committee_meeting_record(convention=convention, **data),
        lambda meeting: "Réunion du comité enregistrée.",
    )


OPEN_DATA_COLUMNS = [
    "nomAttribuant",
    "idAttribuant",
    "dateConvention",
    "referenceDecision",
    "nomBeneficiaire",
    "idBeneficiaire",
    "objet",
    "montant",
    "nature",
    "conditionsVersement",
    "datesPeriodeVersement",
    "idRAE",
    "notificationUE",
    "pourcentageSubvention",
]


def open_data_export(request):
    """Signed conventions in the format of the « données essentielles des conventions de subvention »."""
    signed = Convention.objects.for_user(request.user).exclude(
        state__in=[
            ConventionState.DRAFT,
            ConventionState.NEGOTIATION,
            ConventionState.FINALISED,
            ConventionState.APPROVED,
        ]
    )
    rows = []
    for c in signed.select_related("collectivity"):
        signed_on = max(d for d in (c.prefect_signed_on, c.president_signed_on, c.regional_prefect_signed_on) if d)
        rows.append(
            [
                f"Préfecture – {c.collectivity.name}",
                "",
                signed_on.isoformat(),
                f"CIE-{c.collectivity.code}-{c.year}",
                f"Conseil départemental – {c.collectivity.name}"
                if c.collectivity.kind == "departement"
                else c.collectivity.name,
                "",
                "Convention pour l'insertion et l'emploi dans le cadre de la réforme France Travail",
                str(c.total_amount),
                "aide en numéraire",
                "echelonne",
                f"{c.start_date.isoformat()}/{c.end_date.isoformat()}",
                "",
                "non",
                "",
            ]
        )
    return csv_response("conventions-donnees-essentielles.csv", OPEN_DATA_COLUMNS, rows)
