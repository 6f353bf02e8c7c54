"""The campaign of a year or of a convention, read from the database (the rules are in `campaigns.rules`)."""

from contextvars import ContextVar
from datetime import date

from campaigns import rules
from campaigns.models import Campaign

# Within a request the campaigns are read once (a list page asks the deadlines of each convention); outside a
# request (services, commands, tests) every call reads them.
_request_cache: ContextVar[list | None] = ContextVar("campaigns_of_the_request", default=None)


class CampaignsPerRequest:
    """Middleware: the campaigns read at most once per request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request_cache.set([])
        try:
            return self.get_response(request)
        finally:
            _request_cache.reset(token)


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
    """The year the pages show when none is asked: the first year of the latest campaign already started
    (a multi-year campaign's conventions carry its first year), else of the first campaign."""
    today = today or date.today()
    campaigns = sorted(all_campaigns(), key=lambda c: c.first_year)
    started = [c for c in campaigns if c.first_year <= today.year]
    return (started[-1] if started else campaigns[0]).first_year
