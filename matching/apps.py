from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "matching"
    verbose_name = "Program and applications"

    def ready(self):
        from . import reminders, tokens  # noqa: F401  (register reminder rules and links)
