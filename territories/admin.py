from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from territories.models import Collectivity, Departement, Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "name")


@admin.register(Departement)
class DepartementAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "region")


@admin.register(Collectivity)
class CollectivityAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "kind", "region", "rsa_households")
    list_filter = ("kind", "region")
    readonly_fields = ("rsa_households", "rsa_households_year", "rsa_households_source", "rsa_households_note")
