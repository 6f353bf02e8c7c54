from django.urls import path

from conventions import views

app_name = "conventions"
urlpatterns = [
    path("", views.convention_list, name="list"),
    path("nouvelle/", views.convention_create, name="create"),
    path("<int:pk>/", views.convention_detail, name="detail"),
    path("<int:pk>/modifier/", views.convention_edit, name="edit"),
    path("<int:pk>/etapes/<str:name>/", views.convention_step, name="step"),
    path("<int:pk>/historique/", views.convention_history, name="history"),
]
