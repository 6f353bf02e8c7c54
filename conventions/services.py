"""Named write functions for conventions: creation and edition, with optimistic locking."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from conventions import execution_reports, lifecycle
from conventions.lifecycle import ConcurrentEdit, TransitionRefused
from conventions.models import Convention, ConventionState, default_period


def convention_create(*, collectivity, year: int) -> Convention:
    """A convention of the campaign of `year`, for all its years (2024: the year; 2025–2027: three years)."""
    from campaigns import rules
    from campaigns.lookup import all_campaigns

    campaign = rules.covering(all_campaigns(), year)
    refusals = rules.convention_year_refusals(year, campaign)
    if refusals:
        raise TransitionRefused(refusals)
    # a year no campaign covers yet: a convention of one year, under the rules of the latest campaign
    last_year = campaign.last_year if campaign else year
    start, end = default_period(year)[0], default_period(last_year)[1]
    try:
        with transaction.atomic():
            return Convention.objects.create(
                collectivity=collectivity,
                year=year,
                start_date=start,
                end_date=end,
                president_name=collectivity.president_name,
                prefect_name=collectivity.prefect_name,
            )
    except IntegrityError:
        raise TransitionRefused([f"Une convention existe déjà pour {collectivity} en {year} (R-CONV-01)."]) from None


def convention_update(*, convention: Convention, lock_version: int, values: dict) -> Convention:
    """Change a convention under negotiation. Once finalised, only an avenant changes it (R-CONV-05)."""
    with transaction.atomic():
        current = Convention.objects.locked(convention.pk)
        if current.lock_version != lock_version:
            raise ConcurrentEdit(
                ["La convention a été modifiée par quelqu'un d'autre entre-temps : rechargez la page et recommencez."]
            )
        if not current.editable:
            raise TransitionRefused(
                [
                    f"La convention est « {ConventionState(current.state).label} » : "
                    "elle ne se modifie plus que par avenant (R-CONV-05)."
                ]
            )
        for field, value in values.items():
            setattr(current, field, value)
        current.lock_version += 1
        current.save()
    return current


def _sheets(convention):
    related = getattr(convention, "action_sheets", None)
    return list(related.all()) if related is not None else []


def record_version(convention, number: int):
    from conventions.models import ConventionVersion
    from conventions.versions import snapshot

    return ConventionVersion.objects.create(
        convention=convention, number=number, snapshot=snapshot(convention, _sheets(convention))
    )


def record_signed_version(convention, by, on):
    """Lifecycle effect of the signature: the text as signed is version 0 (R-CONV-05)."""
    return record_version(convention, 0)


AMENDABLE = (ConventionState.SIGNED, ConventionState.IN_EXECUTION)


def amendment_propose(*, convention, by, purpose: str, amounts: dict, end_date):
    """Avenant (art. 9, R-CONV-05): proposed on a signed convention, applied once both parties agree."""
    from conventions.models import Amendment

    with transaction.atomic():
        current = Convention.objects.locked(convention.pk)
        if current.state not in AMENDABLE:
            raise TransitionRefused(["Un avenant ne se propose que sur une convention signée ou en exécution."])
        if current.amendments.filter(applied_at__isnull=True).exists():
            raise TransitionRefused(["Un avenant est déjà en attente d'accord : faites-le aboutir d'abord."])
        if end_date < current.start_date:
            raise TransitionRefused(["La nouvelle date de fin précède le début de la convention."])
        # The amounts and end proposed are checked at once against the ceilings of the years covered, the volet 3
        # selection and the advances engaged; the plan, updated while the avenant is pending, is checked when both
        # parties agree.
        proposed = Convention.objects.select_related("collectivity").get(pk=current.pk)
        for field, value in amounts.items():
            setattr(proposed, field, value)
        proposed.end_date = end_date
        reasons = lifecycle.precondition_refusals("propose_amendment", proposed, end_date)
        if reasons:
            raise TransitionRefused(["Avenant refusé :", *reasons])
        number = (current.amendments.order_by("-number").values_list("number", flat=True).first() or 0) + 1
        return Amendment.objects.create(
            convention=current, number=number, purpose=purpose, end_date=end_date, proposed_by=by, **amounts
        )


def amendment_agree(*, amendment, party: str, on):
    """Record one party's agreement ("etat" or "departement"); with both, apply the avenant and keep
    the new version of the convention."""
    from conventions.models import Amendment

    with transaction.atomic():
        current = Amendment.objects.select_for_update().select_related("convention").get(pk=amendment.pk)
        if current.applied_at:
            raise TransitionRefused([f"L'avenant n° {current.number} est déjà appliqué."])
        if party == "etat":
            current.state_agreed_on = on
        elif party == "departement":
            current.council_agreed_on = on
        else:
            raise TransitionRefused(["Partie inconnue."])
        if current.state_agreed_on and current.council_agreed_on:
            convention = Convention.objects.locked(current.convention_id)
            for volet, amount in current.amounts.items():
                setattr(convention, volet.amount_field, amount)
            convention.end_date = current.end_date
            # The same rules as the first version (ceilings, volet 3, plan, co-financing, payments), on the
            # convention as the avenant makes it; refused, nothing is recorded, not even this agreement.
            reasons = lifecycle.precondition_refusals("amend", convention, on)
            if reasons:
                raise TransitionRefused([f"L'avenant n° {current.number} ne peut pas être appliqué :", *reasons])
            convention.lock_version += 1
            convention._change_reason = f"Avenant n° {current.number}"
            convention.save()
            current.applied_at = timezone.now()
            record_version(convention, current.number)
            lifecycle.run_effects("amend", convention, None, on)
        current.save()
    return current


@transaction.atomic
def denunciation_notify(*, convention, by, notice_date, reason: str):
    """R-CONV-06: formal notice; termination takes effect two months later unless withdrawn."""
    from conventions.deadlines import add_months
    from conventions.models import Denunciation

    convention = Convention.objects.locked(convention.pk)
    if convention.state not in AMENDABLE:
        raise TransitionRefused(["Seule une convention signée ou en exécution peut être dénoncée."])
    return Denunciation.objects.create(
        convention=convention,
        notice_date=notice_date,
        effective_on=add_months(notice_date, 2),
        reason=reason,
        recorded_by=by,
    )


@transaction.atomic
def execution_report_record(*, convention, by, kind, reported_on, description: str):
    """R-CONV-08 (art. 7): a non-execution, a change or a delay reported by the département, dated."""
    from conventions.models import ExecutionReport

    convention = Convention.objects.locked(convention.pk)
    reasons = execution_reports.refusals(convention, reported_on, timezone.localdate())
    if reasons:
        raise TransitionRefused(reasons)
    return ExecutionReport.objects.create(
        convention=convention, kind=kind, reported_on=reported_on, description=description, recorded_by=by
    )


def committee_meeting_record(*, convention, held_on, attendees: str, decisions: str):
    """R-SUIVI-06: a meeting of the comité départemental, co-chaired by the préfet and the président."""
    from conventions.models import CommitteeMeeting

    return CommitteeMeeting.objects.create(
        convention=convention, held_on=held_on, attendees=attendees, decisions=decisions
    )


@transaction.atomic
def denunciation_withdraw(*, denunciation, on):
    """The breach was remedied within the two months: the notice is withdrawn (not once the résiliation is
    recorded: the convention's lock orders the two)."""
    from conventions.models import Denunciation

    convention = Convention.objects.locked(denunciation.convention_id)
    denunciation = Denunciation.objects.get(pk=denunciation.pk)
    if convention.state == ConventionState.TERMINATED:
        raise TransitionRefused(["La convention est résiliée : la mise en demeure ne se lève plus."])
    if denunciation.withdrawn_on:
        raise TransitionRefused(["Cette mise en demeure est déjà levée."])
    if on >= denunciation.effective_on:
        raise TransitionRefused(["Le délai de deux mois est écoulé : la résiliation a pris effet."])
    denunciation.withdrawn_on = on
    denunciation.save(update_fields=["withdrawn_on"])
    return denunciation


def current_version_number(convention) -> int:
    latest = convention.versions.order_by("-number").values_list("number", flat=True).first()
    return latest or 0


def generate_documents(*, convention, by):
    """The Word and PDF conventions of the current version, with their SHA-256 (R-CONV-07)."""
    from conventions import document
    from conventions.models import ConventionDocument
    from funding.plans import ceilings_of

    with transaction.atomic():
        # the text read from one state of the convention, as it is now: its values, its version, its plan and its
        # action plan (a write waits for the reading; the page's copy may be older)
        convention = Convention.objects.locked(convention.pk)
        number = current_version_number(convention)
        content = document.blocks(
            convention,
            _sheets(convention),
            number,
            list(convention.plan_lines.all()),
            list(convention.roadmap_items.all()),
            # annexe 2's ceiling of each volet, as the finalisation checks it: the period's (R-FIN-03)
            ceilings_of(convention),
        )
    base = f"convention-{convention.collectivity.code}-{convention.year}-v{number}"
    created = []
    for kind, data in (
        (ConventionDocument.Kind.WORD, document.render_docx(convention, content)),
        (ConventionDocument.Kind.PDF, document.render_pdf(convention, content)),
    ):
        created.append(
            ConventionDocument.objects.create(
                convention=convention,
                version_number=number,
                kind=kind,
                filename=f"{base}.{kind}",
                content=data,
                sha256=document.sha256(data),
                created_by=by,
            )
        )
    return created


MAX_SIGNED_SCAN_BYTES = 20 * 1024 * 1024


def upload_signed_copy(*, convention, by, uploaded):
    """The signed scan: PDF only (checked by its content, not its name), 20 Mio at most."""
    import io

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    from conventions import document
    from conventions.models import ConventionDocument

    if uploaded.size > MAX_SIGNED_SCAN_BYTES:
        raise TransitionRefused(["Fichier trop volumineux : 20 Mio au plus."])
    data = uploaded.read()
    if not data.startswith(b"%PDF-"):
        raise TransitionRefused([f"{uploaded.name} n'est pas un PDF."])
    try:
        pages = len(PdfReader(io.BytesIO(data)).pages)
    except (PdfReadError, ValueError):
        raise TransitionRefused([f"{uploaded.name} : PDF illisible ou endommagé."]) from None
    if pages == 0:
        raise TransitionRefused([f"{uploaded.name} : PDF sans page."])
    number = current_version_number(convention)
    return ConventionDocument.objects.create(
        convention=convention,
        version_number=number,
        kind=ConventionDocument.Kind.SIGNED,
        filename=f"convention-{convention.collectivity.code}-{convention.year}-v{number}-signee.pdf",
        content=data,
        sha256=document.sha256(data),
        created_by=by,
    )
