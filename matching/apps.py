from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "matching"
    verbose_name = "Program and applications"

    def ready(self):
        from . import reminders  # noqa: F401  (registers the reminder rules)
