from .applications import (
    ALLOWED_DECISIONS,
    OPEN_STATUSES,
    Application,
    ApplicationStatus,
    ApplicationUpdate,
    MenteeApplication,
    MentorApplication,
    RedirectTarget,
)
from .emails import DecisionEmail
from .participants import Mentee, Mentor
from .programs import Program, ResearchArea

__all__ = [
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
