"""What a matching run reads: who is in it (accepted mentees not yet mentored, active
mentors with free places), their profiles as ``matching.scoring`` takes them, and a
fingerprint of that state, so a run whose inputs changed since is known to be stale."""

import hashlib
import json
from dataclasses import asdict

from django.db.models import Q

from matching import scoring
from matching.models import (
    ApplicationStatus,
    EndReason,
    MatchingRun,
    Mentee,
    MenteeApplication,
    Mentor,
    MentorApplication,
    Mentorship,
    MentorshipStatus,
    PairRule,
    Program,
)

# --------------------------------------------------------------------------- who is in


# A mentorship that ended early for one of these reasons was no fault of the mentee's
# time or goals: the mentee goes back among those to match, never with the same mentor.
REMATCH_AFTER = (EndReason.MENTOR_TIME, EndReason.FIT)


def _rematchable():
    return Q(status=MentorshipStatus.ENDED_EARLY, end_reason__in=REMATCH_AFTER)


def taken_mentee_ids(program: Program):
    """Mentees who have (or had) a mentorship in the program: not matched again, unless
    it ended early because the mentor ran out of time or it was not a good fit."""
    # An invitation holds no mentee until accepted: its NULL would empty a NOT IN.
    return (
        Mentorship.objects.filter(program=program, mentee__isnull=False)
        .exclude(status=MentorshipStatus.DECLINED)
        .exclude(_rematchable())
        .values("mentee_id")
    )


def earlier_pairs(program: Program, mentee_ids, mentor_ids) -> dict[tuple[str, str], str]:
    """The pairs of this run's mentees whose mentorship ended early, with why: never
    proposed again."""
    rows = (Mentorship.objects.filter(_rematchable(), program=program)
            .values_list("mentee_id", "mentor_id", "end_reason"))
    return {
        (str(mentee), str(mentor)):
            f"their mentorship ended early: {EndReason(reason).label[:1].lower()}"
            f"{EndReason(reason).label[1:]}"
        for mentee, mentor, reason in rows
        if str(mentee) in mentee_ids and str(mentor) in mentor_ids
    }


def eligible_mentees(program: Program):
    return (
        # An inactive account (erased, or switched off by an organizer) is not matched.
        Mentee.objects.filter(program=program, application__status=ApplicationStatus.ACCEPTED,
                              user__is_active=True)
        .exclude(pk__in=taken_mentee_ids(program))
        .select_related("user", "application")
        .order_by("pk")
    )


def mentors_with_load(program: Program):
    return (
        Mentor.objects.filter(program=program, is_active=True, application__isnull=False)
        .select_related("user", "application")
        .with_load()
        .order_by("pk")
    )


def state_fingerprint(program: Program) -> str:
    """What a run's proposals depend on besides profiles: who can still be matched, every
    mentor's capacity, activity and load, and the organizers' locks and forbids."""
    mentors = list(
        Mentor.objects.filter(program=program)
        .with_load()
        .order_by("pk")
        .values_list("pk", "capacity", "is_active", "load")
    )
    mentees = list(eligible_mentees(program).values_list("pk", flat=True))
    rules = list(
        PairRule.objects.filter(program=program)
        .order_by("mentee_id", "mentor_id")
        .values_list("mentee_id", "mentor_id", "kind")
    )
    blob = json.dumps([mentors, mentees, rules], separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()


def is_stale(run: MatchingRun) -> bool:
    return state_fingerprint(run.program) != run.state_fingerprint


# --------------------------------------------------------------------------- profiles


def _lines(text: str) -> frozenset[str]:
    return frozenset(line.strip() for line in text.splitlines() if line.strip())


def _traits(application, reader: str) -> dict:
    """What each score component reads of this application beyond the profile's fields."""
    traits = {}
    for part in scoring.REGISTRY:
        value = getattr(part, reader)(application)
        if value is not None:
            traits[part.key] = value
    return traits


def mentee_profile(mentee: Mentee, areas: frozenset[str], preferred: frozenset[str]):
    app = mentee.application
    return scoring.MenteeProfile(
        id=str(mentee.pk),
        name=mentee.user.name or app.name,
        email=mentee.user.email.lower(),
        timezone=app.timezone,
        areas=areas,
        hours_per_week=app.hours_per_week,
        career_stage=app.occupation,
        preferred_involvement=app.preferred_involvement,
        preferred_control=app.preferred_control,
        preferred_mentors=preferred,
        conflicts=_lines(app.conflicts),
        traits=_traits(app, "mentee_trait"),
    )


def mentor_profile(mentor: Mentor, areas: frozenset[str]):
    app = mentor.application
    return scoring.MentorProfile(
        id=str(mentor.pk),
        name=mentor.user.name or app.name,
        email=mentor.user.email.lower(),
        timezone=app.timezone,
        areas=areas,
        involvement=app.involvement,
        creative_control=app.creative_control,
        excluded_stages=frozenset(app.excluded_stages),
        conflicts=_lines(app.conflicts),
        traits=_traits(app, "mentor_trait"),
    )


def _area_names(through, key: str, ids) -> dict[int, set[str]]:
    names: dict[int, set[str]] = {}
    for owner, name in through.objects.filter(**{f"{key}__in": ids}).values_list(
        key, "researcharea__name"
    ):
        names.setdefault(owner, set()).add(name)
    return names


def load_profiles(program: Program):
    """Profiles of everyone the run considers, in a fixed number of queries."""
    mentees = list(eligible_mentees(program))
    mentors = list(mentors_with_load(program))
    mentee_areas = _area_names(MenteeApplication.research_areas.through, "menteeapplication_id",
                               [m.application_id for m in mentees])
    mentor_areas = _area_names(MentorApplication.research_areas.through, "mentorapplication_id",
                               [m.application_id for m in mentors])
    preferred: dict[int, set[str]] = {}
    for app_id, mentor_id in MenteeApplication.preferred_mentors.through.objects.filter(
        menteeapplication_id__in=[m.application_id for m in mentees]
    ).values_list("menteeapplication_id", "mentor_id"):
        preferred.setdefault(app_id, set()).add(str(mentor_id))
    mentee_profiles = [
        mentee_profile(m, frozenset(mentee_areas.get(m.application_id, ())),
                       frozenset(preferred.get(m.application_id, ())))
        for m in mentees
    ]
    mentor_profiles = [
        mentor_profile(m, frozenset(mentor_areas.get(m.application_id, ()))) for m in mentors
    ]
    return mentees, mentors, mentee_profiles, mentor_profiles


def jsonable(profile) -> dict:
    return {k: sorted(v) if isinstance(v, frozenset) else v for k, v in asdict(profile).items()}
