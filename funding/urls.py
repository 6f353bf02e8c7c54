from django.urls import path

from funding import views

app_name = "funding"
urlpatterns = [
    path("conventions/<int:pk>/plan/", views.plan, name="plan"),
    path("conventions/<int:pk>/plan/volet-<int:volet>/ajouter/", views.line_add, name="line_add"),
    path("conventions/<int:pk>/plan/lignes/<int:line_pk>/", views.line_update, name="line_update"),
    path("conventions/<int:pk>/plan/lignes/<int:line_pk>/supprimer/", views.line_delete, name="line_delete"),
    path("conventions/<int:pk>/plan.xlsx", views.export_xlsx, name="export_xlsx"),
    path("conventions/<int:pk>/plan/import/", views.import_xlsx, name="import_xlsx"),
    path("plafonds/", views.ceilings, name="ceilings"),
    path("plafonds/simulation/", views.simulation, name="simulation"),
    path("plafonds/calpae/", views.calpae_import, name="calpae_import"),
    path("plafonds/enveloppe/", views.envelope_set, name="envelope_set"),
    path("plafonds/saisie/", views.ceiling_set, name="ceiling_set"),
]
