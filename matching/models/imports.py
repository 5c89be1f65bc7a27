"""Saved column mappings for imports (admin → Import): map a source's columns once.

A spreadsheet or a Google Forms export names its columns in its own words ("What is your
time zone?"). The organizer says once which field each column fills; the mapping is kept
under a name for the program and the kind of rows, and offered (or picked by itself,
when it knows every column of a file) the next time.
"""

from django.conf import settings
from django.db import models

from .programs import Program


class ImportKind(models.TextChoices):
    MENTEE_APPLICATIONS = "menteeapplication", "Mentee applications"
    MENTOR_APPLICATIONS = "mentorapplication", "Mentor applications"
    MENTORSHIPS = "mentorship", "Mentors and mentees with their mentorships"
    MEETINGS = "meetinglog", "Meeting history"


class ImportSource(models.Model):
    """One source's columns, mapped to the fields of one kind of import."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE,
                                related_name="import_sources")
    kind = models.CharField(max_length=20, choices=ImportKind.choices)
    name = models.CharField(max_length=120, help_text="For example: “Google Form 2025”.")
    # {column header as in the file: field key, or "" to leave the column out}
    columns = models.JSONField(default=dict)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["program", "kind", "name"]
        verbose_name = "import column mapping"
        constraints = [
            models.UniqueConstraint(fields=["program", "kind", "name"],
                                    name="import_source_name_once"),
        ]

    def __str__(self):
        return f"{self.name} ({self.get_kind_display().lower()})"

    def knows(self, headers) -> bool:
        """Whether every column of a file with these headers is mapped (or left out)."""
        return all(header in self.columns for header in headers if header)
