from django.urls import path

from action_plans import views

app_name = "action_plans"
urlpatterns = [
    path("<int:pk>/", views.action_plan, name="plan"),
    path("<int:pk>/<str:kind>/ajouter/", views.plan_item_edit, name="add"),
    path("<int:pk>/<str:kind>/<int:item_pk>/", views.plan_item_edit, name="edit"),
    path("<int:pk>/fiches/<int:sheet_pk>/budget/", views.budget_line_add, name="budget_line_add"),
]
