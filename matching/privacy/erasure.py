"""The matching part of erasing a person (``mm_program.privacy.services``): their
applications, mentorships, roles and the invitations to their addresses, and their name
wherever matching copied it (matching runs, other applicants' conflicts of interest,
what others wrote in their mentorships). Also the retention job's anonymising of one
application."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q

from mm_program.erased import ERASED_DOMAIN, ERASED_NAME, erased_email, is_erased_email
from mm_program.messaging import about_key
from mm_program.models import Erasure, User
from mm_program.privacy.hooks import Erasing, ErasurePlan
from mm_program.privacy.scrub import clear, needles, scrub, scrub_rows
from mm_program.privacy.services import log_entries_scrub, messages_about_erase, plural

from ..models import (
    LIVE_STATUSES,
    OPEN_STATUSES,
    ApplicationUpdate,
    FinalProject,
    MatchingRun,
    MeetingLog,
    Mentee,
    MenteeApplication,
    Mentor,
    MentorApplication,
    Mentorship,
    MentorshipStatus,
    Proposal,
)

# An application's answers that say who the applicant is or what they wrote; choices and
# numbers (occupation, hours, areas, intent) stay for the program's figures.
APPLICATION_CLEARED = {"heard_about": "", "decision_message": "", "organizer_notes": ""}
MENTEE_APPLICATION_CLEARED = {
    **APPLICATION_CLEARED, "field_of_study": "", "research_interests": "", "goals": "",
    "key_uncertainties": "", "funding_reason": "", "cv_url": "", "github_url": "",
    "writing_url": "", "conflicts": "",
}
MENTOR_APPLICATION_CLEARED = {
    **APPLICATION_CLEARED, "organization": "", "expertise": "", "style_notes": "",
    "profile_url": "", "conflicts": "",
    # An erased mentor is no longer shown on the mentee form.
    "listed_for_applicants": False,
}
APPLICATION_MODELS = {MenteeApplication: MENTEE_APPLICATION_CLEARED,
                      MentorApplication: MENTOR_APPLICATION_CLEARED}
# The texts of a mentorship describe the mentee's work, so they go with the mentee; an
# erased mentor takes only what they wrote (their meeting notes and project feedback).
MENTORSHIP_TEXTS = {"focus": "", "next_steps_notes": "", "end_notes": "",
                    "organizer_notes": ""}
# What others write in a mentorship: the other side's meeting notes, the notes on the
# mentorship itself, the final project's feedback.
SHARED_TEXTS = (
    (Mentorship, "pk", list(MENTORSHIP_TEXTS)),
    (MeetingLog, "mentorship", ["note"]),
    (FinalProject, "mentorship", ["title", "mentor_feedback"]),
)


def applications_of(user: User) -> list:
    return [app for model in APPLICATION_MODELS
            for app in model.objects.filter(user=user).select_related("program")]


def plan(user: User, plan: ErasurePlan) -> None:
    applications = applications_of(user)
    mentorships = list(Mentorship.objects.of_person(user).select_related(
        "program", "mentor__user", "mentee__user"))
    if applications:
        plan.steps.append(
            f"{plural(len(applications), 'application')}: the name, email, links and every "
            "text they wrote are cleared, with the organizers' notes on them; status, "
            "dates and choices stay for the program's figures.")
    if mentorships:
        plan.steps.append(
            f"{plural(len(mentorships), 'mentorship')}: the texts about their work "
            "(focus, notes, final project title and link) or the notes they wrote are "
            "cleared; dates, statuses and meeting minutes stay.")
    for m in mentorships:
        if m.status in LIVE_STATUSES:
            is_mentor = m.mentor.user_id == user.pk
            other = m.mentee_name if is_mentor else str(m.mentor.user)
            plan.warnings.append(
                f"Their mentorship {'of' if is_mentor else 'with'} {other} "
                f"is {m.get_status_display().lower()}: it stays so, with an anonymous "
                f"{'mentor' if is_mentor else 'mentee'}. End it first if it should stop.")
    for app in applications:
        if app.status in OPEN_STATUSES:
            plan.warnings.append(
                f"Their {app.kind} application to {app.program} is "
                f"{app.get_status_display().lower()}: it stays so, anonymous. Decline it "
                "first if it should leave triage.")


def erase(erasing: Erasing) -> dict[str, int]:
    return {
        "applications": _erase_applications(erasing),
        "mentorships": _erase_mentorships(erasing.user),
        "invitations": _erase_invitations(erasing.emails),
    }


def _erase_applications(erasing: Erasing) -> int:
    user = erasing.user
    applications = applications_of(user)
    address = erased_email(str(user.pk))
    for model, values in APPLICATION_MODELS.items():
        ids = [app.pk for app in applications if isinstance(app, model)]
        clear(model, Q(user=user), name=ERASED_NAME, email=address, **values)
        _forget_held_updates(model, ids)
        # Other applicants' conflicts of interest may name the person.
        scrub_rows(model.objects.exclude(user=user), ["conflicts"], erasing.pattern,
                   erasing.found)
    return len(applications)


def _forget_held_updates(model, ids: list[int]) -> None:
    """Answers sent again for these applications and held for confirmation."""
    held = ApplicationUpdate.objects.filter(kind=model.kind, application_id__in=ids)
    clear(ApplicationUpdate, held.values_list("pk", flat=True), data={})
    held.delete()


def _erase_mentorships(user: User) -> int:
    as_mentee = Q(mentorship__mentee__user=user)
    as_mentor = Q(mentorship__mentor__user=user)
    count = clear(Mentorship, Q(mentee__user=user), **MENTORSHIP_TEXTS)
    count += Mentorship.objects.filter(mentor__user=user).count()
    clear(Mentorship, Q(ended_by=user), end_notes="")  # their note to the organizers
    clear(MeetingLog, as_mentee | (as_mentor & Q(logged_by=user)), note="")
    clear(FinalProject, as_mentee, title=ERASED_NAME, url="", mentor_feedback="")
    clear(FinalProject, as_mentor, mentor_feedback="")
    clear(Mentee, Q(user=user), timezone="", goals="")
    # Never proposed in a matching run again.
    clear(Mentor, Q(user=user), is_active=False)
    return count


def _erase_invitations(emails: set[str]) -> int:
    """Mentors' invitations to one of the person's addresses: a waiting one is
    withdrawn; each keeps neither the address nor the name the mentor typed."""
    to_them = Q(invited_email__in=emails)
    Mentorship.objects.filter(to_them, status=MentorshipStatus.INVITED).update(
        status=MentorshipStatus.DECLINED)
    return clear(Mentorship, to_them, invited_email="", invited_name=ERASED_NAME)


def scrub_copies(erasing: Erasing) -> int:
    """The inputs and proposals of the matching runs of the person's programs."""
    user, pattern = erasing.user, erasing.pattern
    programs = set(Mentee.objects.filter(user=user).values_list("program_id", flat=True))
    programs |= set(Mentor.objects.filter(user=user).values_list("program_id", flat=True))
    changed = 0
    for run in MatchingRun.objects.filter(program__in=programs):
        inputs, unmatched = scrub(run.inputs, pattern), scrub(run.unmatched, pattern)
        if (inputs, unmatched) != (run.inputs, run.unmatched):
            clear(MatchingRun, [run.pk], inputs=inputs, unmatched=unmatched)
            changed += 1
    proposals = Proposal.objects.filter(run__program__in=programs).only(
        "pk", "summary", "components")
    for proposal in proposals:
        summary = scrub(proposal.summary, pattern)
        components = scrub(proposal.components, pattern)
        if (summary, components) != (proposal.summary, proposal.components):
            clear(Proposal, [proposal.pk], summary=summary, components=components)
            changed += 1
    return changed


def scrub_texts_by_others(erasing: Erasing) -> int:
    """The full name and addresses, and the first name on its own, where it is written
    as a name ("met Amara on Tuesday"), out of the texts of the person's mentorships."""
    ids = list(Mentorship.objects.of_person(erasing.user).values_list("pk", flat=True))
    if not ids:
        return 0
    changed = 0
    for found, pattern in ((erasing.found, erasing.pattern),
                           (erasing.first, erasing.first_pattern)):
        for model, link, fields in SHARED_TEXTS:
            changed += scrub_rows(model.objects.filter(**{f"{link}__in": ids}), fields,
                                  pattern, found)
    return changed


def keeps(user: User, *, ignoring=None) -> bool:
    """Another application (not erased), or a role in a program."""
    for model in APPLICATION_MODELS:
        others = model.objects.filter(user=user).exclude(email__iendswith="@" + ERASED_DOMAIN)
        if isinstance(ignoring, model):
            others = others.exclude(pk=ignoring.pk)
        if others.exists():
            return True
    return user.mentor_roles.exists() or user.mentee_roles.exists()


@transaction.atomic
def application_anonymise(*, application, trigger: str = Erasure.Trigger.RETENTION,
                          by: User | None = None) -> Erasure | None:
    """Anonymise one application in place: what erasing a person does to each of their
    applications, and to the emails about it. None if it already was."""
    model = type(application)
    application = model.objects.select_for_update().get(pk=application.pk)
    if is_erased_email(application.email):
        return None
    found = needles(application.name, application.email)
    clear(model, [application.pk], name=ERASED_NAME,
          email=erased_email(f"{application.kind}-application-{application.pk}"),
          **APPLICATION_MODELS[model])
    _forget_held_updates(model, [application.pk])
    messages = messages_about_erase(application, found=found)
    log_entries_scrub(application, found=found)
    return Erasure.objects.create(
        scope=Erasure.Scope.APPLICATION, about=about_key(application),
        user_id=application.user_id, trigger=trigger, performed_by=by,
        counts={"applications": 1, "messages": messages})
