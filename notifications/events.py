"""The events that ask someone to act, each addressed to the people of the right role and territory."""

from datetime import date, timedelta

from django.urls import reverse

from accounts.models import User
from config.formats import format_euros
from notifications.models import NotificationKind
from notifications.services import council_side, notify, regional_side, state_side

# A reminder is sent when a deadline is this close, then once more when it has passed.
REMINDER_DAYS = 7


def step_recorded(convention, label: str, by) -> None:
    """A convention moved: both negotiating sides are told (not the agent who recorded it)."""
    collectivity = convention.collectivity
    notify(
        state_side(collectivity) + council_side(collectivity),
        NotificationKind.STEP,
        f"{convention} : {label.lower()}",
        f"L'étape « {label} » a été enregistrée par {_name(by)}. La convention est maintenant "
        f"« {convention.get_state_display()} ».",
        reverse("conventions:detail", args=[convention.pk]),
        except_user=by,
    )


def ceilings_prenotified(year: int, amounts: dict) -> None:
    """Volet 1 ceilings pre-notified: each collectivité's agents and its DDETS read their own amount."""
    from territories.models import Collectivity

    for collectivity in Collectivity.objects.filter(code__in=list(amounts)).prefetch_related("departements"):
        notify(
            council_side(collectivity) + state_side(collectivity),
            NotificationKind.CEILINGS,
            f"Plafond du volet 1 {year} pré-notifié : {collectivity.name}",
            f"Le plafond du volet 1 de {collectivity.name} pour {year} est pré-notifié : "
            f"{format_euros(amounts[collectivity.code])}. Il borne le montant de la convention.",
            f"{reverse('funding:ceilings')}?annee={year}",
        )


def payment_approved(payment, by) -> None:
    """An approved payment waits for another State agent to record the comptable's payment."""
    collectivity = payment.convention.collectivity
    notify(
        state_side(collectivity) + regional_side(collectivity),
        NotificationKind.PAYMENT,
        f"Paiement à enregistrer : {payment}",
        f"{payment} ({format_euros(payment.amount)}) a été approuvé par {_name(by)}. Un autre agent de l'État "
        "enregistre le paiement du comptable (date et référence Chorus).",
        reverse("funding:execution", args=[payment.convention_id]),
        except_user=by,
    )


def payment_paid(payment, by) -> None:
    collectivity = payment.convention.collectivity
    notify(
        council_side(collectivity),
        NotificationKind.PAYMENT,
        f"Versement effectué : {payment}",
        f"{payment} : {format_euros(payment.amount)} payés le {payment.paid_on:%d/%m/%Y} "
        f"(référence Chorus {payment.chorus_reference}).",
        reverse("funding:execution", args=[payment.convention_id]),
        except_user=by,
    )


def mid_year_sent(synthesis, by, url: str) -> None:
    """The mid-year synthesis of a volet sent: the DDETS and the DREETS read it."""
    collectivity = synthesis.convention.collectivity
    notify(
        state_side(collectivity) + regional_side(collectivity),
        NotificationKind.STEP,
        f"Synthèse à mi-année transmise : volet {synthesis.volet} – {synthesis.convention}"
        + (f" ({synthesis.year})" if synthesis.year != synthesis.convention.start_date.year else ""),
        f"{_name(by)} a transmis la synthèse à mi-année {synthesis.year} du volet {synthesis.volet} "
        f"(crédits engagés : {format_euros(synthesis.credits_committed)}).",
        url,
        except_user=by,
    )


def delivery_done(delivery) -> None:
    """The agent who uploaded a delivery learns whether it was accepted, and why not."""
    from indicators.models import DeliveryStatus

    accepted = delivery.status == DeliveryStatus.ACCEPTED
    if delivery.uploaded_by_id is None:
        return
    notify(
        [delivery.uploaded_by],
        NotificationKind.DELIVERY,
        f"Livraison {'acceptée' if accepted else 'refusée'} : {delivery.collectivity.name}",
        "Les indicateurs de la livraison sont calculés."
        if accepted
        else (
            "La livraison est refusée, rien n'a été enregistré : ouvrez-la pour lire les erreurs "
            "(fichier, ligne, colonne)."
        ),
        reverse("indicators:delivery_detail", args=[delivery.pk]),
    )


def send_reminders(today: date) -> int:
    """Deadlines within REMINDER_DAYS days, and passed ones, each told once to whoever has to act (`tasks_for`: the
    DGEFP only where no DDETS agent is there to); and the tasks that are announced (a new year's advances, the
    mid-year remontée), told once when they appear."""
    from campaigns.lookup import campaigns_read_once
    from funding.todo import tasks_for

    sent = 0
    with campaigns_read_once():
        for user in User.objects.filter(is_active=True).exclude(role=""):
            for task in tasks_for(user, today):
                reminder = _reminder(task, today)
                if reminder is None:
                    continue
                subject, key = reminder
                sent += len(
                    notify(
                        [user],
                        NotificationKind.DEADLINE,
                        subject,
                        f"{task.step} : {task.label}. {task.why}".strip(),
                        task.url,
                        key=key,
                    )
                )
    return sent


def _reminder(task, today: date) -> tuple[str, str] | None:
    """The subject and the once-only key of the task's reminder today, None when it is not to be told today: its
    deadline when passed or within REMINDER_DAYS days, else its announcement when it is announced (sent once: its
    key does not change)."""
    deadline = task.deadline
    if deadline is not None and (task.late or deadline <= today + timedelta(days=REMINDER_DAYS)):
        moment = "dépassée" if task.late else "proche"
        subject = (
            f"Échéance dépassée le {deadline:%d/%m/%Y} : {task.label}"
            if task.late
            else f"Échéance le {deadline:%d/%m/%Y} : {task.label}"
        )
        return subject, f"echeance:{task.convention_id}:{task.step}:{task.label[:60]}:{moment}:{deadline}"
    if task.announced:
        return f"À faire : {task.label}", f"a-faire:{task.convention_id}:{task.step}:{task.label[:60]}"
    return None


def _name(user) -> str:
    if user is None:
        return "la plateforme"
    return user.display_name
