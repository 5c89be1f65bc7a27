from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "matching"
    verbose_name = "Program and applications"

    def ready(self):
        # (they register reminder rules, personal links and privacy hooks)
        from . import calendar_events, cohort_dashboard, privacy, reminders, tokens  # noqa: F401
