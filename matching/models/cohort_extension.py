"""Applications to a phase that admits by application (MATS's Extension): the scholar's
short form with their external funding status, the mentor's endorsement, and the
organizers' decision within the number of places they set (``Phase.places``).
Workflows: ``matching.services.cohort_extension``."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from .cohort_phases import Phase
from .mentorships import Mentorship
from .statuses import ExtensionDecision

PLAN_MAX = 3000
NOTE_MAX = 2000


class Funding(models.TextChoices):
    NONE = "none", "No outside funding applied for"
    APPLIED = "applied", "Applied, waiting for an answer"
    SECURED = "secured", "Secured"
    REFUSED = "refused", "Applied and refused"


class Endorsement(models.TextChoices):
    YES = "yes", "Endorses"
    NO = "no", "Doesn't endorse"


class ExtensionApplication(models.Model):
    phase = models.ForeignKey(Phase, on_delete=models.CASCADE, related_name="applications")
    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE,
                                   related_name="extension_applications")
    plan = models.TextField("what you'd do in it", max_length=PLAN_MAX)
    funding = models.CharField("outside funding", max_length=10, choices=Funding.choices)
    funder = models.CharField("from whom (LTFF, Open Philanthropy, …)", max_length=200,
                              blank=True)
    submitted_at = models.DateTimeField(auto_now=True)
    # The mentor's, read by organizers only.
    endorsement = models.CharField(max_length=3, choices=Endorsement.choices, blank=True)
    endorsement_note = models.TextField(max_length=NOTE_MAX, blank=True)
    endorsed_at = models.DateTimeField(null=True, blank=True)
    decision = models.CharField(max_length=10, choices=ExtensionDecision.choices,
                                default=ExtensionDecision.PENDING, db_index=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["phase", "submitted_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["phase", "mentorship"],
                                    name="extension_application_one_per_phase"),
        ]

    def __str__(self):
        return f"{self.mentorship.mentee} for {self.phase.name}"
