from django.urls import path

from negotiation import views

app_name = "negotiation"
urlpatterns = [path("conventions/<int:pk>/", views.post_message, name="post")]
