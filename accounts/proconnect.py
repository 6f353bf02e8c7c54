"""ProConnect login: OpenID Connect with userinfo returned as a signed JWT.

ProConnect only proves who logs in: accounts are opened beforehand by an
administrator with their role and territory, and matched by e-mail.
"""

import logging
from urllib.parse import urlencode

import jwt
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import SuspiciousOperation
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView

logger = logging.getLogger(__name__)


class ProConnectBackend(OIDCAuthenticationBackend):
    def authenticate(self, request, **kwargs):
        if not settings.PROCONNECT_ENABLED:
            return None
        return super().authenticate(request, **kwargs)

    def _verify_jws(self, payload, key):
        """Verify the signature, the algorithm and the audience (the library skips the audience)."""
        header = jwt.get_unverified_header(payload)
        if header.get("alg") != self.OIDC_RP_SIGN_ALGO:
            raise SuspiciousOperation("Algorithme de signature inattendu.")
        try:
            return jwt.decode(payload, key, algorithms=[self.OIDC_RP_SIGN_ALGO], audience=self.OIDC_RP_CLIENT_ID)
        except jwt.PyJWTError as error:
            raise SuspiciousOperation(f"Jeton ProConnect invalide : {error}") from error

    def verify_claims(self, claims):
        return bool(claims.get("email"))

    def filter_users_by_claims(self, claims):
        email = claims.get("email")
        if not email:
            return self.UserModel.objects.none()
        return self.UserModel.objects.filter(email__iexact=email, is_active=True)

    def update_user(self, user, claims):
        first_name = claims.get("given_name") or user.first_name
        last_name = claims.get("usual_name") or user.last_name
        if (first_name, last_name) != (user.first_name, user.last_name):
            user.first_name, user.last_name = first_name, last_name
            user.save(update_fields=["first_name", "last_name"])
        return user


def provider_logout_url(request) -> str:
    """The provider's end-session URL, so that leaving the platform also ends the ProConnect session."""
    id_token = request.session.get("oidc_id_token")
    if not (settings.OIDC_OP_LOGOUT_ENDPOINT and id_token):
        return ""
    query = urlencode(
        {
            "id_token_hint": id_token,
            "state": "logout",
            "post_logout_redirect_uri": request.build_absolute_uri("/"),
        }
    )
    return f"{settings.OIDC_OP_LOGOUT_ENDPOINT}?{query}"


class ProConnectCallbackView(OIDCAuthenticationCallbackView):
    """The library's callback, with a message in French when the login is refused.

    A forged state, a replayed nonce or a token signed by another key raise SuspiciousOperation
    in the library: they end here as a refused login, not as a server error.
    """

    def get(self, request):
        try:
            return super().get(request)
        except SuspiciousOperation as error:
            logger.warning("Connexion ProConnect refusée : %s", error)
            return self.login_failure()

    def login_failure(self):
        messages.error(
            self.request,
            "La connexion avec ProConnect a été refusée. Si le problème persiste, vérifiez qu'un compte "
            "a été ouvert sur la plateforme à votre adresse électronique professionnelle.",
        )
        return super().login_failure()
