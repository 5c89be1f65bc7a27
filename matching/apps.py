from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "matching"
    verbose_name = "Program and applications"
    # First on the organizers' admin index, in the order of the work (mm_program/admin_site.py).
    admin_position = 10
    admin_models = ("menteeapplication", "mentorapplication", "matchingrun", "mentorship",
                    "meetinglog", "finalproject", "announcement", "mentor", "mentee",
                    "pairrule", "program", "researcharea", "decisionemail")

    def ready(self):
        # (they register reminder rules, calendar events, a dashboard block, personal
        # links, privacy hooks, and the counts of "needs attention")
        from mm_program import scope

        from . import (  # noqa: F401
            announcement_dashboard,
            attention,
            calendar_events,
            cohort_dashboard,
            cohort_phase_dashboard,
            cohort_phase_reminders,
            privacy,
            reminders,
            tokens,
        )
        from .scoping import scoped

        scope.register(scoped)
