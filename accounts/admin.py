from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from accounts.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "email", "first_name", "last_name", "role", "region", "departement", "collectivity")
    list_filter = ("role", "region", "is_active")
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        ("Rôle et territoire", {"fields": ("role", "region", "departement", "collectivity")}),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        ("Rôle et territoire", {"fields": ("email", "role", "region", "departement", "collectivity")}),
    )
