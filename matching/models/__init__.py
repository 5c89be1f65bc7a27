from .applications import (
    ALLOWED_DECISIONS,
    Application,
    ApplicationStatus,
    MenteeApplication,
    MentorApplication,
    RedirectTarget,
)
from .emails import DecisionEmail
from .participants import Mentee, Mentor
from .programs import Program, ResearchArea

__all__ = [
    "ALLOWED_DECISIONS",
    "Application",
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
