"""What each app holds about a person, for the data export, erasure and retention.

The ground runs the privacy duties (the participant's request, the organizers' erasure,
the retention job) and knows only its own rows: the account, its addresses, sessions
and the message log. Each app says what it holds by registering a ``PrivacyHooks``
subclass, as it registers reminder rules; the ground asks every registered app in turn,
in the order the apps are installed:

    @register
    class SurveyPrivacy(PrivacyHooks):
        def export(self, user): return {"survey_answers": [...]}
        def erase(self, erasing): return {"survey_answers": cleared}

Every method has a default that holds nothing, so an app implements only what applies.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from mm_program.models import User


@dataclass
class Erasing:
    """One person's erasure, as every app's hooks see it."""

    user: User
    # Every address the person used (account, sign-in addresses, what the apps hold).
    emails: set[str]
    # The full names and addresses to cut out of texts, and the pattern that finds them.
    found: list[str]
    pattern: re.Pattern | None
    # First names alone, cut only where others wrote in the person's own mentorships.
    first: list[str]
    first_pattern: re.Pattern | None


@dataclass
class ErasurePlan:
    """What `person_erase` would do to one person, in words, for the confirmation page."""

    user: User
    steps: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # Reasons it cannot be done at all.
    blockers: list[str] = field(default_factory=list)

    @property
    def allowed(self) -> bool:
        return not self.blockers


class PrivacyHooks:
    """One app's part in the privacy duties. Subclass, override, and ``@register``."""

    def addresses(self, user: User) -> set[str]:
        """Other addresses the app holds for the person (an application's email)."""
        return set()

    def names(self, user: User) -> list[str]:
        """Other names the app holds for the person (an application's name)."""
        return []

    def export(self, user: User) -> dict:
        """Sections of the person's data export: {"section": plain data}."""
        return {}

    def plan(self, user: User, plan: ErasurePlan) -> None:
        """Add to `plan` what erasing the person does here (steps) and what to settle
        first (warnings)."""

    def erase(self, erasing: Erasing) -> dict[str, int]:
        """Erase the person's own rows here; {what: how many} for the erasure record."""
        return {}

    def scrub_copies(self, erasing: Erasing) -> int:
        """Cut the person's name and addresses out of rows about others that copied them
        (a matching run's inputs, another applicant's conflicts of interest)."""
        return 0

    def scrub_texts_by_others(self, erasing: Erasing) -> int:
        """Cut the person, first name included, out of what others wrote in their
        mentorships (meeting notes, survey answers, stipend requests)."""
        return 0

    def keeps(self, user: User, *, ignoring=None) -> bool:
        """Whether the app holds records of the person that the program keeps (a role,
        a stipend, a survey), `ignoring` one row about to be anonymised: the retention
        job erases a person altogether only when no app keeps anything."""
        return False


HOOKS: list[PrivacyHooks] = []


def register(cls: type[PrivacyHooks]) -> type[PrivacyHooks]:
    """Register an app's hooks (once per class, however often its module is imported)."""
    if not any(type(hooks) is cls for hooks in HOOKS):
        HOOKS.append(cls())
    return cls


# The retention job's rules: each finds what is past its period and anonymises it.
@dataclass
class RetentionResult:
    months: int
    applications: int = 0
    people: int = 0


RetentionRule = Callable[..., None]
RETENTION_RULES: list[RetentionRule] = []


def retention_rule(fn: RetentionRule) -> RetentionRule:
    """Register fn(*, now: datetime, months: int, dry_run: bool, result: RetentionResult)."""
    if fn not in RETENTION_RULES:
        RETENTION_RULES.append(fn)
    return fn


def when(value: datetime | None) -> str | None:
    """A date or time as the export writes it."""
    return value.isoformat() if value is not None else None

