from django.apps import AppConfig


class PlatformConfig(AppConfig):
    """The project's own settings-level pieces (deployment checks)."""

    name = "config"
    verbose_name = "configuration"

    def ready(self):
        from config import checks  # noqa: F401 - registers the checks
