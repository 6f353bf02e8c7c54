from django.apps import AppConfig


class ActionPlansConfig(AppConfig):
    name = "action_plans"
    verbose_name = "Plans d'action"
