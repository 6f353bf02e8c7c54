from django.urls import path

from funding import execution_views as execution
from funding import mid_year_views, tranche_views, views

app_name = "funding"
urlpatterns = [
    path("conventions/<int:pk>/plan/", views.plan, name="plan"),
    path("conventions/<int:pk>/plan/volet-<int:volet>/ajouter/", views.line_add, name="line_add"),
    path("conventions/<int:pk>/plan/lignes/<int:line_pk>/", views.line_update, name="line_update"),
    path("conventions/<int:pk>/plan/lignes/<int:line_pk>/supprimer/", views.line_delete, name="line_delete"),
    path("conventions/<int:pk>/plan.xlsx", views.export_xlsx, name="export_xlsx"),
    path("conventions/<int:pk>/plan/import/", views.import_xlsx, name="import_xlsx"),
    path("conventions/<int:pk>/execution/", execution.execution, name="execution"),
    path("conventions/<int:pk>/versements/<int:payment_pk>/approuver/", execution.approve, name="approve_payment"),
    path("conventions/<int:pk>/versements/<int:payment_pk>/paye/", execution.mark_paid, name="mark_paid"),
    path("conventions/<int:pk>/versements/<int:payment_pk>/annuler/", execution.cancel_payment, name="cancel_payment"),
    path("conventions/<int:pk>/soldes/<int:balance_pk>/titre/", execution.recovery_issue, name="recovery_issue"),
    path("conventions/<int:pk>/titres/<int:recovery_pk>/recouvre/", execution.recovery_done, name="recovery_done"),
    path("conventions/<int:pk>/controles/", execution.control_add, name="control_add"),
    path("conventions/<int:pk>/bilan.xlsx", execution.report_xlsx, name="report_xlsx"),
    path("conventions/<int:pk>/bilan/import/", execution.report_import, name="report_import"),
    path("conventions/<int:pk>/actions/<int:sheet_pk>/<str:stage>/", execution.outcome, name="outcome"),
    path("conventions/<int:pk>/solde/", execution.settle, name="settle"),
    path("conventions/<int:pk>/tranches/", tranche_views.tranches_update, name="tranches_update"),
    path("conventions/<int:pk>/avances/", tranche_views.year_advances, name="year_advances"),
    path("conventions/<int:pk>/bilan-mise-en-oeuvre/", execution.implementation_report, name="implementation_report"),
    path("consolidation/", execution.consolidation, name="consolidation"),
    path("conventions/<int:pk>/mi-annee/volet-<int:volet>/", mid_year_views.synthesis, name="mid_year"),
    path("remontee-mi-annee/", mid_year_views.consolidation, name="mid_year_consolidation"),
    path("plafonds/", views.ceilings, name="ceilings"),
    path("plafonds/simulation/", views.simulation, name="simulation"),
    path("plafonds/calpae/", views.calpae_import, name="calpae_import"),
    path("plafonds/enveloppe/", views.envelope_set, name="envelope_set"),
    path("plafonds/saisie/", views.ceiling_set, name="ceiling_set"),
]
