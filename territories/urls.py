from django.urls import path

from territories import views

app_name = "territories"
urlpatterns = [
    path("regions/", views.region_list, name="region_list"),
    path("regions/<str:code>/", views.region_detail, name="region_detail"),
    path("collectivites/", views.collectivity_list, name="collectivity_list"),
    path("collectivites/<str:code>/", views.collectivity_detail, name="collectivity_detail"),
    path("collectivites/<str:code>/signataires/", views.collectivity_edit, name="collectivity_edit"),
    path("collectivites/<str:code>/historique/", views.collectivity_history, name="collectivity_history"),
]
