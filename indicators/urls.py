from django.urls import path

from indicators import mapping_views, views

app_name = "indicators"
urlpatterns = [
    path("collectivites/<str:code>/", views.dashboard, name="dashboard"),
    path("collectivites/<str:code>/volet2.csv", views.volet2_export, name="volet2_export"),
    path("collectivites/<str:code>/volet3.csv", views.volet3_export, name="volet3_export"),
    path("collectivites/<str:code>/plein-emploi/", views.plein_emploi_export, name="plein_emploi_export"),
    path("collectivites/<str:code>/indicateurs.parquet", views.parquet_export, name="parquet_export"),
    path("collectivites/<str:code>/livraisons/", views.deliveries, name="deliveries"),
    path("collectivites/<str:code>/a-orienter/", views.worklist, name="worklist"),
    path("collectivites/<str:code>/orientation-france-travail/", views.france_travail_list, name="france_travail"),
    path("collectivites/<str:code>/synthese-cdpe/", views.cdpe_synthesis, name="cdpe"),
    path("collectivites/<str:code>/correspondances/", mapping_views.column_mappings, name="column_mappings"),
    path(
        "collectivites/<str:code>/correspondances/enregistrer/",
        mapping_views.save_column_mapping,
        name="save_column_mapping",
    ),
    path(
        "collectivites/<str:code>/correspondances/<str:file>/modifier/",
        mapping_views.edit_column_mapping,
        name="edit_column_mapping",
    ),
    path(
        "collectivites/<str:code>/correspondances/<str:file>/supprimer/",
        mapping_views.delete_column_mapping,
        name="delete_column_mapping",
    ),
    path("livraisons/<int:pk>/", views.delivery_detail, name="delivery_detail"),
]
