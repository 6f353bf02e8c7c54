from django.contrib import admin

from api.models import ApiToken
from config.french import count


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """The tokens (never their value: only its digest is stored), revoked from here or by command."""

    list_display = ("name", "user", "created_at", "last_used_at", "expires_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("name", "user__username")
    readonly_fields = ("user", "name", "key_digest", "created_at", "last_used_at", "expires_at", "revoked_at")
    actions = ("revoke",)

    def has_add_permission(self, request):
        return False  # issued by `manage.py create_api_token`, which shows the token once

    @admin.action(description="Révoquer les jetons sélectionnés")
    def revoke(self, request, queryset):
        for token in queryset:
            token.revoke()
        self.message_user(request, f"{count(queryset.count(), 'jeton révoqué')}.")
