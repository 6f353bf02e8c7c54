from django import forms

from campaigns import rules
from campaigns.lookup import all_campaigns


class CampaignYearField(forms.IntegerField):
    """A year of the contractualisation: not before its first campaign, nor four digits past; `first_only`: a year
    a convention may start (not the second or third year of a multi-year campaign, whose conventions carry its
    first year). A year no campaign covers yet follows the rules of the latest one (`rules.applicable`)."""

    def __init__(self, *, first_only: bool = False, **kwargs):
        self.first_only = first_only
        kwargs.setdefault("label", "Année")
        super().__init__(**kwargs)

    def validate(self, value):
        super().validate(value)
        if value is None:
            return
        campaigns = sorted(all_campaigns(), key=lambda c: c.first_year)
        if value < campaigns[0].first_year or value > 9999:
            raise forms.ValidationError(
                f"La contractualisation commence en {campaigns[0].first_year} : année {value} refusée."
            )
        if self.first_only:
            refusals = rules.convention_year_refusals(value, rules.covering(campaigns, value))
            if refusals:
                raise forms.ValidationError(refusals)
