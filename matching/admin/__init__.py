"""Organizer admin for the matching app, one module per area."""

from . import applications, mentorships, runs  # noqa: F401  (registers the ModelAdmins)
