from django.urls import path

from steering import views

app_name = "steering"
urlpatterns = [
    path("", views.national, name="national"),
    path("regions/<str:code>/", views.region, name="region"),
    path("collectivites/<str:code>/", views.collectivity, name="collectivity"),
    path("collectivites/<str:code>/partager/", views.share, name="share"),
    path("collectivites/<str:code>/partages/<int:pk>/revoquer/", views.revoke, name="revoke"),
    path("partage/<str:signed>/", views.shared, name="shared"),
]
