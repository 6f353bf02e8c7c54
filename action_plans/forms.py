from django import forms

from action_plans.models import ActionBudgetLine, ActionSheet, RoadmapItem, TypicalPathway
from config.widgets import DateInput
from conventions.forms import AmountField


class PlanItemForm(forms.ModelForm):
    """lock_version: the item's version the page shows (none for a new item), so that a change made meanwhile by
    someone else is refused (action_plans.services.plan_item_save)."""

    lock_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lock_version"].initial = self.instance.lock_version if self.instance.pk else None


class ActionSheetForm(PlanItemForm):
    class Meta:
        model = ActionSheet
        fields = [
            "number",
            "title",
            "context",
            "objectives",
            "description",
            "start_date",
            "duration_months",
            "partners",
            "co_financers",
            "schedule",
            "target_new_entrants",
            "target_oriented_15_days",
            "target_new_entrants_concerned",
            "target_beneficiaries_concerned",
        ]
        widgets = {"start_date": DateInput()}


class BudgetLineForm(forms.ModelForm):
    state_amount = AmountField(label="Part État (€)")
    collectivity_amount = AmountField(label="Part collectivité (€)")

    class Meta:
        model = ActionBudgetLine
        fields = ["item", "state_amount", "collectivity_amount"]


class RoadmapItemForm(PlanItemForm):
    class Meta:
        model = RoadmapItem
        fields = ["axis", "commitments", "milestones"]


class TypicalPathwayForm(PlanItemForm):
    unit_cost = AmountField(label="Coût unitaire (€)")

    class Meta:
        model = TypicalPathway
        fields = [
            "name",
            "duration_months",
            "content",
            "weekly_hours",
            "modality",
            "target_public",
            "unit_cost",
            "places_funded",
        ]
