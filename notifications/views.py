"""The inbox and the e-mail preferences of the signed-in person (their own notices only)."""

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from config import french
from notifications.models import Notification, NotificationKind, Preference, emailed_kinds


def inbox(request):
    notices = Notification.objects.filter(recipient=request.user)
    return render(
        request,
        "notifications/inbox.html",
        {"title": "Notifications", "notices": notices[:200], "unread": notices.filter(read_at__isnull=True).count()},
    )


def open_notice(request, pk: int):
    """Marks the notice read and opens what it is about."""
    notice = get_object_or_404(Notification, pk=pk, recipient=request.user)
    if notice.read_at is None:
        notice.read_at = timezone.now()
        notice.save(update_fields=["read_at"])
    safe = notice.url and url_has_allowed_host_and_scheme(notice.url, allowed_hosts=None)
    return redirect(notice.url if safe else "notifications:inbox")


@require_POST
def mark_all_read(request):
    count = Notification.objects.filter(recipient=request.user, read_at__isnull=True).update(read_at=timezone.now())
    messages.success(
        request,
        f"{french.count(count, 'notification marquée')} comme lue{'s' if count > 1 else ''}.",
    )
    return redirect("notifications:inbox")


class PreferenceForm(forms.Form):
    emailed_kinds = forms.MultipleChoiceField(
        label="Recevoir aussi par courriel",
        choices=NotificationKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Toutes les notifications restent dans la boîte de réception de la plateforme.",
    )


@require_http_methods(["GET", "POST"])
def preferences(request):
    form = PreferenceForm(request.POST or None, initial={"emailed_kinds": sorted(emailed_kinds(request.user))})
    if request.method == "POST" and form.is_valid():
        Preference.objects.update_or_create(
            user=request.user, defaults={"emailed_kinds": form.cleaned_data["emailed_kinds"]}
        )
        messages.success(request, "Vos préférences de notification sont enregistrées.")
        return redirect("notifications:preferences")
    return render(
        request,
        "notifications/preferences.html",
        {"title": "Préférences de notification", "form": form, "email": request.user.email},
    )
