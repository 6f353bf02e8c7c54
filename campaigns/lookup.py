"""The campaign of a year or of a convention, read from the database (the rules are in `campaigns.rules`)."""

from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date

from campaigns import rules
from campaigns.models import Campaign

# Within a request the campaigns are read once (a list page asks the deadlines of each convention); outside a
# request (services, commands, tests) every call reads them.
_request_cache: ContextVar[list | None] = ContextVar("campaigns_of_the_request", default=None)


@contextmanager
def campaigns_read_once():
    """Within it, the campaigns are read at most once (a request; a command that reads every person's to-do)."""
    token = _request_cache.set([])
    try:
        yield
    finally:
        _request_cache.reset(token)


class CampaignsPerRequest:
    """Middleware: the campaigns read at most once per request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with campaigns_read_once():
            return self.get_response(request)


def all_campaigns() -> list[Campaign]:
    cached = _request_cache.get()
    if cached:
        return cached[0]
    campaigns = list(Campaign.objects.select_related("model_text"))
    if not campaigns:
        # a database just flushed (or migrated without data): the reference campaigns are part of the platform
        from django.db import IntegrityError, transaction

        from campaigns.loading import load_reference_campaigns

        try:
            with transaction.atomic():
                load_reference_campaigns()
        except IntegrityError:  # loaded at the same moment by another request
            pass
        campaigns = list(Campaign.objects.select_related("model_text"))
    if cached is not None:
        cached.append(campaigns)
    return campaigns


def campaign_for(year: int) -> Campaign:
    """The campaign whose rules apply to `year` (`rules.applicable`)."""
    return rules.applicable(all_campaigns(), year)


def campaign_of(convention) -> Campaign:
    return campaign_for(convention.year)


def default_year(today: date | None = None) -> int:
    """The year a new convention and the ceilings open on (`rules.campaign_year`)."""
    return rules.campaign_year(all_campaigns(), today or date.today())


def current_year(today: date | None = None) -> int:
    """The year the pages of a year's figures open on (`rules.year_under_way`)."""
    return rules.year_under_way(all_campaigns(), today or date.today())
