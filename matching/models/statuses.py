"""A mentorship's statuses, and which of them hold a mentor's place: read by the
mentorship itself and by the mentor's load (``participants.MentorQuerySet``). Also the
decision on an application to a phase, which says who is in that phase
(``Phase.mentorships``)."""

from django.db import models


class MentorshipStatus(models.TextChoices):
    INVITED = "invited", "Invited, waiting for the mentee"
    ACTIVE = "active", "Active"
    PAUSED = "paused", "Paused"
    COMPLETED = "completed", "Completed"
    ENDED_EARLY = "ended_early", "Ended early"
    DECLINED = "declined", "Invitation declined"


# A live mentorship holds one of the mentor's places and blocks a second one for the pair.
LIVE_STATUSES = (MentorshipStatus.INVITED, MentorshipStatus.ACTIVE, MentorshipStatus.PAUSED)
# Meetings, terms and final projects can be recorded while the mentorship runs.
RUNNING_STATUSES = (MentorshipStatus.ACTIVE, MentorshipStatus.PAUSED)


class ExtensionDecision(models.TextChoices):
    PENDING = "pending", "Waiting for a decision"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
