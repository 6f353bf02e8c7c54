"""Named write functions of the funding app. Audited models are saved one by one (never bulk), so
that every change of an amount is attributable (django-simple-history: who, when, before, after)."""

from datetime import date
from decimal import Decimal

from django.db import transaction

from action_plans.models import ActionSheet
from campaigns.lookup import campaign_for
from config.formats import ZERO
from conventions.lifecycle import ConcurrentEdit, TransitionRefused
from conventions.models import Convention
from conventions.volets import Volet
from funding.ceilings import Allocation, Volet1Formula
from funding.envelope import ceilings_refusals, split_refusals
from funding.models import Ceiling, NationalEnvelope, PlanLine
from funding.plans import plan_open
from funding.structure import SECTIONS
from notifications import events
from territories.models import Collectivity


def locked_open_plan(convention_id: int, plan: str = "Le plan de financement") -> Convention:
    """The convention, locked until the end of the transaction (a finalisation then waits for a write to the plan or
    the action plan, and such a write for the finalisation), while its plans may still change; `plan` names the one
    written in the refusal."""
    convention = Convention.objects.locked(convention_id)
    if not plan_open(convention):
        raise TransitionRefused(
            [
                f"{plan} n'est plus modifiable : la convention est à l'état "
                f"« {convention.get_state_display()} » et aucun avenant n'est en cours."
            ]
        )
    return convention


LINE_GONE = (
    "Cette ligne n'est plus dans le plan (supprimée ou remplacée par un import entre-temps) : rechargez la page."
)


def _line_as_seen(convention: Convention, line_id: int, lock_version: int) -> PlanLine:
    """The line, locked, if it is still the version the editor saw."""
    line = PlanLine.objects.select_for_update().filter(convention=convention, pk=line_id).first()
    if line is None:
        raise ConcurrentEdit([LINE_GONE])
    if line.lock_version != lock_version:
        raise ConcurrentEdit(
            [
                f"La ligne « {line.purpose} » a été modifiée par quelqu'un d'autre entre-temps : rien n'a été "
                "enregistré ; rechargez la page et recommencez."
            ]
        )
    return line


@transaction.atomic
def plan_line_add(*, convention_id: int, volet: Volet, by) -> PlanLine:
    """A new line at the end of the volet, to be filled in the plan's table."""
    convention = locked_open_plan(convention_id)
    return PlanLine.objects.create(
        convention=convention,
        volet=volet,
        section=SECTIONS[volet][0].code,
        nature="prestation_accompagnement",
        purpose="Nouvelle ligne",
        position=PlanLine.objects.filter(convention=convention, volet=volet).count() + 1,
        updated_by=by,
    )


@transaction.atomic
def plan_line_update(*, convention_id: int, line_id: int, lock_version: int, values: dict, by) -> PlanLine:
    """The line's values as the editor saw and changed them; refused when someone changed the line meanwhile."""
    line = _line_as_seen(locked_open_plan(convention_id), line_id, lock_version)
    for name, value in values.items():
        setattr(line, name, value)
    line.lock_version += 1
    line.updated_by = by
    line.save()
    return line


@transaction.atomic
def plan_line_delete(*, convention_id: int, line_id: int, lock_version: int) -> None:
    _line_as_seen(locked_open_plan(convention_id), line_id, lock_version).delete()


@transaction.atomic
def plan_replace(*, convention, lines: list[dict]) -> list[PlanLine]:
    """The whole plan from an imported workbook, replacing the previous lines at once."""
    convention = locked_open_plan(convention.pk)
    sheets = {s.number: s for s in ActionSheet.objects.filter(convention=convention)}
    for old in PlanLine.objects.filter(convention=convention):
        old.delete()
    created = []
    for values in lines:
        values = dict(values)
        number = values.pop("action_sheet", None)
        created.append(PlanLine.objects.create(convention=convention, action_sheet=sheets.get(number), **values))
    return created


@transaction.atomic
def notify_volet1_ceilings(*, year: int, allocation: Allocation, notified_on: date) -> int:
    collectivities = {c.code: c for c in Collectivity.objects.all()}
    count = 0
    for code, amount in allocation.amounts.items():
        ceiling, created = Ceiling.objects.get_or_create(
            collectivity=collectivities[code],
            year=year,
            volet=1,
            defaults={"amount": amount, "source": Ceiling.Source.FORMULA, "prenotified_on": notified_on},
        )
        if not created and (ceiling.amount, ceiling.prenotified_on) != (amount, notified_on):
            ceiling.amount, ceiling.source, ceiling.prenotified_on = amount, Ceiling.Source.FORMULA, notified_on
            ceiling.save()
        count += 1
    _fixed_conventions_within(year, [collectivities[code].pk for code in allocation.amounts])
    return count


@transaction.atomic
def notify_volet1(
    *, year: int, volet1_envelope: Decimal, formula: Volet1Formula, allocation: Allocation, notified_on: date
) -> int:
    """Pre-notify the volet 1 ceilings and keep, in the year's envelope, the amount and formula they came from."""
    _year_locked(year)
    count = notify_volet1_ceilings(year=year, allocation=allocation, notified_on=notified_on)
    # before the DGEFP splits it, the envelope is the one the campaign announced (`campaigns.lookup`)
    envelope = envelope_for(year) or NationalEnvelope(
        year=year, total=campaign_for(year).announced_envelope, volet2=0, volet3=0
    )
    envelope.volet1 = volet1_envelope
    envelope.volet1_base = formula.base
    envelope.volet1_per_tranche = formula.per_tranche
    envelope.volet1_tranche_size = formula.tranche_size
    # R-FIN-12: the reserve holds what the volets leave of the envelope; a volet 1 beyond it is refused.
    parts = {volet: getattr(envelope, f"volet{volet.value}") for volet in Volet}
    envelope.reserve = envelope.total - sum(parts.values())
    if envelope.reserve < 0:
        raise CeilingImportError(split_refusals(envelope.total, parts, ZERO))
    envelope.save()
    _within_envelope(year)
    events.ceilings_prenotified(year, allocation.amounts)
    return count


class CeilingImportError(Exception):
    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("\n".join(errors))


def import_calpae(*, year: int, filename: str, text: str) -> int:
    """Volet 2 ceilings from the credits pre-notified on the CALPAE insertion axis in 2022 (R-FIN-04):
    a CSV `code;montant`, all-or-nothing."""
    import csv
    import io

    from conventions.amounts import parse_amount

    known = {c.code: c for c in Collectivity.objects.all()}
    rows, errors = [], []
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";")
    header = next(reader, None)
    if header is None or [h.strip().lower() for h in header[:2]] != ["code", "montant"]:
        raise CeilingImportError([f"{filename}, ligne 1 : en-tête attendu « code;montant »"])
    for line, record in enumerate(reader, 2):
        if not any(cell.strip() for cell in record):
            continue
        if len(record) < 2:
            errors.append(f"{filename}, ligne {line} : deux colonnes attendues")
            continue
        code, amount_text = record[0].strip(), record[1].strip()
        if code not in known:
            errors.append(f"{filename}, ligne {line}, colonne « code », valeur « {code} » : collectivité inconnue")
            continue
        try:
            rows.append((known[code], parse_amount(amount_text)))
        except ValueError as error:
            errors.append(f"{filename}, ligne {line}, colonne « montant », valeur « {amount_text} » : {error}")
    if errors:
        raise CeilingImportError(errors)
    with transaction.atomic():
        _year_locked(year)
        for collectivity, amount in rows:
            ceiling, created = Ceiling.objects.get_or_create(
                collectivity=collectivity,
                year=year,
                volet=2,
                defaults={"amount": amount, "source": Ceiling.Source.CALPAE},
            )
            if not created and ceiling.amount != amount:
                ceiling.amount, ceiling.source = amount, Ceiling.Source.CALPAE
                ceiling.save()
        _fixed_conventions_within(year, [collectivity.pk for collectivity, _ in rows])
        _within_envelope(year)
    return len(rows)


def ceiling_sums(year: int) -> dict[Volet, Decimal]:
    from django.db.models import Sum

    found = dict(Ceiling.objects.filter(year=year).values_list("volet").annotate(total=Sum("amount")))
    return {volet: found.get(volet) or ZERO for volet in Volet}


def _year_locked(year: int) -> None:
    """The writes of a year's ceilings and envelope wait for each other until the end of the transaction, so that
    two ceilings saved at once cannot each find the room the other takes, nor a ceiling slip in while the envelope is
    first set (R-FIN-12). The row locked is the campaign whose rules apply to the year: it exists before the year's
    envelope does."""
    from campaigns.models import Campaign

    list(Campaign.objects.select_for_update().filter(pk=campaign_for(year).pk))


def _fixed_conventions_within(year: int, collectivity_ids) -> None:
    """R-FIN-03 after the year's ceilings of these collectivités changed: the conventions covering the year whose
    amounts are fixed (finalised and after) stay within their ceilings; a lower ceiling is refused until an avenant
    lowers the amount. The conventions are locked first, so that a finalisation reads the ceiling before or after
    the change, never checks against a ceiling being lowered."""
    from conventions.models import EDITABLE_STATES, ConventionState
    from funding.money import allocation_breaches
    from funding.payments import money_of

    # every convention covering the year locked, whatever its state, and the state read once locked: filtered in
    # the query, a convention being finalised (still « en négociation » for this transaction) would not be waited for
    conventions = (
        Convention.objects.select_for_update()
        .filter(collectivity_id__in=collectivity_ids)
        .covering(year)
        .select_related("collectivity")
        .order_by("pk")
    )
    reasons = [
        f"{convention} ({ConventionState(convention.state).label.lower()}) : {breach.message} ; un avenant doit "
        "d'abord réduire ce montant (R-FIN-03)."
        for convention in conventions
        if convention.state not in EDITABLE_STATES
        for money in money_of(convention).values()
        for breach in allocation_breaches(money)
        if breach.rule == "R-FIN-03"
    ]
    if reasons:
        raise CeilingImportError(reasons)


def _within_envelope(year: int) -> None:
    """R-FIN-12: once the year's envelope is set, each volet's ceilings stay within its envelope."""
    envelope = envelope_for(year)
    if envelope is None:
        return
    parts = {volet: getattr(envelope, f"volet{volet.value}") for volet in Volet}
    refusals = ceilings_refusals(parts, ceiling_sums(year))
    if refusals:
        raise CeilingImportError(refusals)


@transaction.atomic
def envelope_save(*, year: int, total: Decimal, parts: dict[Volet, Decimal], reserve: Decimal) -> NationalEnvelope:
    refusals = split_refusals(total, parts, reserve)
    if refusals:
        raise CeilingImportError(refusals)
    _year_locked(year)
    envelope = envelope_for(year) or NationalEnvelope(year=year)
    envelope.total, envelope.reserve = total, reserve
    for volet, amount in parts.items():
        setattr(envelope, f"volet{volet.value}", amount)
    envelope.save()
    _within_envelope(year)
    return envelope


@transaction.atomic
def ceiling_save(*, collectivity, year: int, volet: Volet, amount: Decimal, prenotified_on) -> Ceiling:
    """A ceiling entered by the DGEFP; refused (nothing saved) when its volet's ceilings would exceed the envelope."""
    _year_locked(year)
    values = {"amount": amount, "source": Ceiling.Source.MANUAL, "prenotified_on": prenotified_on}
    ceiling, created = Ceiling.objects.get_or_create(collectivity=collectivity, year=year, volet=volet, defaults=values)
    if not created:
        for field, value in values.items():
            setattr(ceiling, field, value)
        ceiling.save()
    _fixed_conventions_within(year, [collectivity.pk])
    _within_envelope(year)
    return ceiling


def envelope_for(year: int) -> NationalEnvelope | None:
    return NationalEnvelope.objects.filter(year=year).first()


@transaction.atomic
def tranches_save(
    *, convention_id: int, tranches: dict[int, dict[Volet, Decimal]], by, seen: str | None = None
) -> None:
    """The annual tranches of a multi-year convention, all years at once (they must add up to its amounts,
    R-FIN-01). Before signature freely; afterwards, only the years whose advance is not yet engaged. `seen`: the
    tranches the page showed (`tranches.seen_mark`); refused when they have changed since."""
    from conventions.lifecycle import TransitionRefused
    from conventions.models import Convention
    from funding.models import AnnualTranche
    from funding.plans import engaged_years
    from funding.tranches import change_refusals, seen_mark, sum_refusals, tranches_of

    convention = Convention.objects.locked(convention_id)
    before = tranches_of(convention)
    if len(before) < 2:
        raise TransitionRefused(["Cette convention couvre une seule année : ses montants sont sa tranche."])
    if seen is not None and seen != seen_mark(before):
        raise TransitionRefused([_changed_meanwhile(convention)])
    refusals = sum_refusals(convention.amounts, tranches, before.keys())
    if not convention.editable:
        refusals += change_refusals(before, tranches, engaged_years(convention))
    if refusals:
        raise TransitionRefused(refusals)
    for year, amounts in tranches.items():
        tranche, _ = AnnualTranche.objects.get_or_create(convention=convention, year=year)
        if tranche.amounts != amounts:
            for volet, amount in amounts.items():
                setattr(tranche, volet.amount_field, amount)
            tranche.updated_by = by
            tranche.save()


def _changed_meanwhile(convention) -> str:
    """Who last changed the convention's tranches, and when, for the refusal of a page loaded before."""
    from django.utils import timezone

    from funding.models import AnnualTranche

    latest = AnnualTranche.history.filter(convention_id=convention.pk).order_by("-history_date").first()
    who = ""
    if latest is not None:
        user = latest.history_user
        name = user.display_name if user else "la plateforme"
        who = f" (par {name}, le {timezone.localtime(latest.history_date):%d/%m/%Y à %H:%M})"
    return (
        f"Les tranches ont changé depuis l'ouverture de la page{who} : rechargez la page pour partir des tranches "
        "actuelles."
    )


def rebalance_tranches_at(convention, by, on) -> None:
    """Effect of an avenant applied to a multi-year convention: the tranches follow the new amounts and years. A
    year the convention no longer covers loses its tranche; ended after its first year, its amounts are that
    year's tranche (kept, should a later avenant bring the other years back)."""
    from campaigns.lookup import campaign_of
    from funding.models import AnnualTranche
    from funding.plans import engaged_years
    from funding.tranches import is_multi_year, rebalanced, tranches_of

    campaign = campaign_of(convention)
    if not is_multi_year(convention, campaign):
        return
    tranches = tranches_of(convention, campaign)
    if len(tranches) > 1:
        tranches, _ = rebalanced(convention.amounts, tranches, engaged_years(convention))
    for removed in convention.tranches.exclude(year__in=tranches.keys()):
        removed._change_reason = "Avenant"
        removed.delete()
    for year, amounts in tranches.items():
        tranche, _ = AnnualTranche.objects.get_or_create(convention=convention, year=year)
        if tranche.amounts != amounts:
            for volet, amount in amounts.items():
                setattr(tranche, volet.amount_field, amount)
            tranche._change_reason = "Avenant"
            tranche.updated_by = by
            tranche.save()
