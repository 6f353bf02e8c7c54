from django.urls import path

from conventions import follow_up_views as follow_up
from conventions import views

app_name = "conventions"
urlpatterns = [
    path("", views.convention_list, name="list"),
    path("nouvelle/", views.convention_create, name="create"),
    path("<int:pk>/", views.convention_detail, name="detail"),
    path("<int:pk>/modifier/", views.convention_edit, name="edit"),
    path("<int:pk>/etapes/<str:name>/", views.convention_step, name="step"),
    path("<int:pk>/historique/", views.convention_history, name="history"),
    path("<int:pk>/documents/generer/", follow_up.generate_documents, name="generate_documents"),
    path("<int:pk>/documents/<int:document_pk>/", follow_up.download_document, name="download_document"),
    path("<int:pk>/documents/copie-signee/", follow_up.upload_signed_copy, name="upload_signed_copy"),
    path("<int:pk>/avenants/", follow_up.propose_amendment, name="propose_amendment"),
    path("<int:pk>/avenants/<int:amendment_pk>/accord/", follow_up.agree_amendment, name="agree_amendment"),
    path("<int:pk>/versions/", follow_up.compare_versions, name="compare_versions"),
    path("<int:pk>/denonciation/", follow_up.notify_denunciation, name="notify_denunciation"),
    path(
        "<int:pk>/denonciation/<int:denunciation_pk>/levee/",
        follow_up.withdraw_denunciation,
        name="withdraw_denunciation",
    ),
    path("<int:pk>/signalements/", follow_up.report_execution, name="report_execution"),
    path("<int:pk>/comite/", follow_up.record_committee_meeting, name="record_committee_meeting"),
    path("donnees-essentielles.csv", follow_up.open_data_export, name="open_data_export"),
]
