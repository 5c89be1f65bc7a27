"""Matching in a cohort program: organizers' standing locks and forbids on pairs of an
applicant and a mentor they chose (``CohortPairRule``), applied to both modes of every
comparison (``matching.services.cohort_matching``)."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from .applications import MenteeApplication
from .cohort import Cohort
from .participants import Mentor


class CohortPairRule(models.Model):
    """An organizer's standing decision about one applicant–mentor pair."""

    class Kind(models.TextChoices):
        LOCK = "lock", "Locked: always place this pair"
        FORBID = "forbid", "Forbidden: never place this pair"

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="pair_rules")
    application = models.ForeignKey(MenteeApplication, on_delete=models.CASCADE,
                                    related_name="cohort_pair_rules")
    mentor = models.ForeignKey(Mentor, on_delete=models.CASCADE,
                               related_name="cohort_pair_rules")
    kind = models.CharField(max_length=6, choices=Kind.choices)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["cohort", "kind", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["application", "mentor"],
                                    name="cohort_pair_rule_one_per_pair"),
            # At most one lock per applicant: they can be placed once.
            models.UniqueConstraint(fields=["application"], condition=models.Q(kind="lock"),
                                    name="cohort_pair_rule_one_lock_per_applicant"),
        ]

    def __str__(self):
        return f"{self.get_kind_display().split(':')[0]}: {self.application.name} – " \
               f"{self.mentor.user}"
