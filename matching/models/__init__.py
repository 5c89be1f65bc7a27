from .applications import (
    ALLOWED_DECISIONS,
    MIN_MINUTES_PER_MENTEE,
    MINUTES_PER_MENTEE,
    OPEN_STATUSES,
    Application,
    ApplicationStatus,
    ApplicationUpdate,
    MenteeApplication,
    MentorApplication,
    RedirectTarget,
)
from .emails import DecisionEmail
from .mentorships import (
    MAX_MEETING_MINUTES,
    TRANSITIONS,
    EndReason,
    FinalProject,
    MeetingLog,
    Mentorship,
    MentorshipSource,
    NextStep,
    OnTrack,
    validate_next_steps,
)
from .participants import Mentee, Mentor
from .programs import Program, ResearchArea
from .runs import MatchingRun, PairRule, Proposal
from .statuses import LIVE_STATUSES, RUNNING_STATUSES, MentorshipStatus

__all__ = [
    "validate_next_steps",
    "MIN_MINUTES_PER_MENTEE",
    "MINUTES_PER_MENTEE",
    "LIVE_STATUSES",
    "MAX_MEETING_MINUTES",
    "RUNNING_STATUSES",
    "TRANSITIONS",
    "EndReason",
    "FinalProject",
    "MatchingRun",
    "MeetingLog",
    "Mentorship",
    "MentorshipSource",
    "MentorshipStatus",
    "NextStep",
    "OnTrack",
    "PairRule",
    "Proposal",
    "ALLOWED_DECISIONS",
    "OPEN_STATUSES",
    "Application",
    "ApplicationUpdate",
    "ApplicationStatus",
    "DecisionEmail",
    "Mentee",
    "MenteeApplication",
    "Mentor",
    "MentorApplication",
    "Program",
    "RedirectTarget",
    "ResearchArea",
]
