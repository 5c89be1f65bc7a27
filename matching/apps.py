from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "matching"
    verbose_name = "Program and applications"

    def ready(self):
        # (they register reminder rules, calendar events, a dashboard block, personal
        # links, privacy hooks, and the counts of "needs attention")
        from . import (  # noqa: F401
            attention,
            calendar_events,
            cohort_dashboard,
            privacy,
            reminders,
            tokens,
        )
