from django.urls import path

from offer import views

app_name = "offer"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("recherche/", views.search, name="search"),
    path("import/", views.import_offer, name="import"),
    path("export/<str:fmt>/", views.export_offer, name="export"),
    path("doublons/", views.duplicates, name="duplicates"),
    path("referencer/<str:kind>/", views.enter, name="enter"),
    path("doublons/<int:pk>/", views.review, name="review"),
    path("services/<path:service_id>/financement/", views.link_funding, name="link_funding"),
]
