"""Organizer admin for the matching app, one module per area."""

from . import (  # noqa: F401  (registers ModelAdmins)
    announcements,
    applications,
    cohort,
    cohort_offers,
    cohort_phases,
    decision_emails,
    imports,
    meetings,
    mentorships,
    programs,
    runs,
)
