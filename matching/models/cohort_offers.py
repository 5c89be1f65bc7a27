"""Offers in a cohort program: what an approved cohort matching run sends, and what frees a
slot again.

An offer is one applicant's place with one mentor. Approving a stored cohort run
(``MatchingRun`` with a ``mode``) sends one per proposal, with an accept-by date. The
applicant accepts (the mentorship starts) or declines; an offer not answered by its date
lapses. A decline or a lapse frees the slot, and the best waiting candidate of that mentor
is **proposed** for it: an offer the organizers approve (then it is sent) or dismiss (the
next candidate is proposed). Workflows: ``matching.services.cohort_offers``.

The database keeps the rule that an applicant holds at most one offer (proposed, sent or
accepted); the services keep, under a lock on the mentor's listing, that a mentor's held
offers never exceed their slots.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from .applications import MenteeApplication
from .cohort import Cohort
from .participants import Mentor


class OfferStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed: waiting for an organizer"
    PENDING = "pending", "Sent: waiting for the applicant"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    LAPSED = "lapsed", "Lapsed: not answered in time"
    DISMISSED = "dismissed", "Not sent: an organizer dismissed the proposal"


# Offers that hold the applicant and a slot of the mentor.
HELD_OFFER_STATUSES = (OfferStatus.PROPOSED, OfferStatus.PENDING, OfferStatus.ACCEPTED)
# Offers whose slot is free again.
FREED_OFFER_STATUSES = (OfferStatus.DECLINED, OfferStatus.LAPSED)


class Offer(models.Model):
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="offers")
    application = models.ForeignKey(MenteeApplication, on_delete=models.CASCADE,
                                    related_name="offers")
    mentor = models.ForeignKey(Mentor, on_delete=models.CASCADE, related_name="offers")
    status = models.CharField(max_length=10, choices=OfferStatus.choices,
                              default=OfferStatus.PROPOSED, db_index=True)
    # The approved run it came from (None for a re-offer), and the declined or lapsed
    # offer whose slot a re-offer takes.
    run = models.ForeignKey("matching.MatchingRun", null=True, blank=True,
                            on_delete=models.SET_NULL, related_name="offers")
    replaces = models.OneToOneField("self", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="replacement")
    score = models.FloatField(null=True, blank=True,
                              help_text="The pair's score (0–100) when it was proposed.")
    accept_by = models.DateField("accept by", null=True, blank=True)
    proposed_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)
    mentorship = models.OneToOneField("matching.Mentorship", null=True, blank=True,
                                      on_delete=models.SET_NULL, related_name="offer")

    history = HistoricalRecords()

    class Meta:
        ordering = ["mentor", "-proposed_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(status__in=[s.value for s in HELD_OFFER_STATUSES]),
                name="offer_one_held_per_applicant",
                violation_error_message="This applicant already holds an offer."),
            models.CheckConstraint(
                condition=Q(status__in=["proposed", "dismissed"])
                | Q(accept_by__isnull=False, sent_at__isnull=False),
                name="offer_sent_has_accept_by"),
        ]
        indexes = [models.Index(fields=["status", "accept_by"])]

    def __str__(self):
        return f"Offer: {self.application.name} with {self.mentor.user}"

    @property
    def is_open(self) -> bool:
        """Sent and waiting for the applicant's answer."""
        return self.status == OfferStatus.PENDING
