from django.conf import settings
from django.contrib import auth
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_POST

from accounts.forms import LoginForm
from accounts.proconnect import provider_logout_url
from accounts.throttling import address_blocked


@method_decorator(login_not_required, name="dispatch")
class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True
    extra_context = {"title": "Connexion"}

    def get_context_data(self, **kwargs):
        return super().get_context_data(proconnect_enabled=settings.PROCONNECT_ENABLED, **kwargs)

    def post(self, request, *args, **kwargs):
        if settings.AXES_ENABLED and address_blocked(request):
            return render(request, "accounts/address_blocked.html", {"title": "Connexions bloquées"}, status=429)
        return super().post(request, *args, **kwargs)


@require_POST
def logout(request):
    """Log out here, then at ProConnect when the session came from it."""
    provider_url = provider_logout_url(request)
    auth.logout(request)
    return redirect(provider_url or settings.LOGOUT_REDIRECT_URL)
