"""Login throttling beyond django-axes' (address, username) lock.

- The client's address: behind `TRUSTED_PROXY_COUNT` reverse proxies, the one the first trusted proxy saw (read
  from X-Forwarded-For, counted from its right end, which the proxies append to); without proxies, REMOTE_ADDR.
  Otherwise every user behind the proxy shares one address, and five wrong passwords lock a user for everyone.
- An address that fails on many accounts (password spraying) is blocked for the cool-off time, whatever the
  usernames it tries: ADDRESS_FAILURE_LIMIT failures in all, from axes' own records.
"""

from django.conf import settings
from django.db.models import Sum
from django.utils import timezone

ADDRESS_FAILURE_LIMIT = 20


def client_ip(request) -> str:
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
    if proxies and len(forwarded) >= proxies:
        return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def address_blocked(request) -> bool:
    from axes.models import AccessAttempt

    since = timezone.now() - settings.AXES_COOLOFF_TIME
    failures = AccessAttempt.objects.filter(ip_address=client_ip(request), attempt_time__gte=since).aggregate(
        total=Sum("failures_since_start")
    )["total"]
    return (failures or 0) >= ADDRESS_FAILURE_LIMIT
