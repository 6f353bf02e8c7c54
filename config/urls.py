from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from mozilla_django_oidc.views import OIDCAuthenticationRequestView

from accounts.proconnect import ProConnectCallbackView
from api.api import urls as api_urls
from config import views

urlpatterns = [
    path("", views.home, name="home"),
    path("accessibilite/", views.accessibility, name="accessibility"),
    path("compte/", include("accounts.urls")),
    # ProConnect: both steps of the login are reached before the user is known.
    path(
        "oidc/authenticate/",
        login_not_required(OIDCAuthenticationRequestView.as_view()),
        name="oidc_authentication_init",
    ),
    path(
        "oidc/callback/",
        login_not_required(ProConnectCallbackView.as_view()),
        name="oidc_authentication_callback",
    ),
    path("territoires/", include("territories.urls")),
    path("conventions/", include("conventions.urls")),
    path("campagnes/", include("campaigns.urls")),
    path("plans-d-action/", include("action_plans.urls")),
    path("financement/", include("funding.urls")),
    path("offre/", include("offer.urls")),
    path("pilotage/", include("steering.urls")),
    path("indicateurs/", include("indicators.urls")),
    path("notifications/", include("notifications.urls")),
    path("negociation/", include("negotiation.urls")),
    path("api/v1/", api_urls),
    path("admin/", admin.site.urls),
]

handler400 = "config.views.bad_request"

# Pages an anonymous visitor may open. Every other URL redirects to the login;
# tests/test_urls.py fails if a public view is missing here, or listed without being public.
PUBLIC_URL_NAMES = {
    "home",
    "accessibility",
    "accounts:login",
    "oidc_authentication_init",
    "oidc_authentication_callback",
    "admin:login",
    "steering:shared",
    "api:openapi-json",
    "api:openapi-view",
}
