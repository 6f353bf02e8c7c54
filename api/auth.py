from django.utils import timezone
from ninja.security import HttpBearer

from api.models import ApiToken, digest


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <token>` for machine clients."""

    def authenticate(self, request, token):
        api_token = ApiToken.objects.active().select_related("user").filter(key_digest=digest(token)).first()
        if api_token is None:
            return None
        ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=timezone.now())
        request.user = api_token.user
        return api_token.user
