from django.conf import settings
from django.contrib import auth
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_POST

from accounts.forms import LoginForm
from accounts.proconnect import provider_logout_url


@method_decorator(login_not_required, name="dispatch")
class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True
    extra_context = {"title": "Connexion"}

    def get_context_data(self, **kwargs):
        return super().get_context_data(proconnect_enabled=settings.PROCONNECT_ENABLED, **kwargs)


@require_POST
def logout(request):
    """Log out here, then at ProConnect when the session came from it."""
    provider_url = provider_logout_url(request)
    auth.logout(request)
    return redirect(provider_url or settings.LOGOUT_REDIRECT_URL)
