"""The negotiation thread of a convention: shown on its page, written from there."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts import permissions
from config.form_errors import errors_text
from conventions.lifecycle import TransitionRefused
from negotiation import rules, services
from negotiation.models import MessageKind


class MessageForm(forms.Form):
    kind = forms.ChoiceField(label="Action", choices=MessageKind.choices)
    text = forms.CharField(label="Message", required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
    about = forms.ChoiceField(label="À propos de", required=False)

    def __init__(self, *args, convention, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["about"].choices = about_choices(convention)


def about_choices(convention) -> list[tuple[str, str]]:
    return [
        ("", "La convention dans son ensemble"),
        *((f"ligne-{line.pk}", f"Ligne du plan : {line}") for line in convention.plan_lines.all()),
        *(
            (f"fiche-{sheet.pk}", f"Fiche action n° {sheet.number} : {sheet.title}")
            for sheet in convention.action_sheets.all()
        ),
    ]


def thread_context(user, convention) -> dict:
    """What the convention page shows of the negotiation: the thread, its status, the actions of this side."""
    side = services.side_of(user, convention)
    actions = [kind for kind, by in rules.SIDE_OF_KIND.items() if by == side] if convention.editable else []
    return {
        "thread": convention.negotiation_messages.select_related("author"),
        "negotiation_status": rules.shown_status(services.status(convention), convention.state),
        "negotiation_side": side,
        "negotiation_actions": actions,
        "negotiation_about": about_choices(convention) if side else [],
    }


@require_POST
def post_message(request, pk: int):
    convention = permissions.convention_or_404(request.user, pk, permissions.may_negotiate_convention)
    form = MessageForm(request.POST, convention=convention)
    back = reverse("conventions:detail", args=[pk]) + "#negociation"
    if not form.is_valid():
        messages.error(request, "Message refusé : " + errors_text(form))
        return redirect(back)
    about = form.cleaned_data["about"]
    line = convention.plan_lines.filter(pk=about[6:]).first() if about.startswith("ligne-") else None
    sheet = convention.action_sheets.filter(pk=about[6:]).first() if about.startswith("fiche-") else None
    kind = MessageKind(form.cleaned_data["kind"])
    try:
        services.write(
            convention=convention,
            by=request.user,
            kind=kind,
            text=form.cleaned_data["text"],
            plan_line=line,
            action_sheet=sheet,
        )
    except TransitionRefused as refusal:
        messages.error(request, "Message refusé : " + " ".join(refusal.reasons))
    else:
        messages.success(request, f"{kind.label} : message enregistré et transmis à l'autre partie.")
    return redirect(back)
