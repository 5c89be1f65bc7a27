"""Organizer admin for the matching app, one module per area."""

from . import applications, meetings, mentorships, runs  # noqa: F401  (registers ModelAdmins)
