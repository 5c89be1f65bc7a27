"""Selection in a cohort program: the mentors' listings, and each applicant's ordered
choice of mentors with their answers to those mentors' questions.

The shared part of an application is the program's mentee form (``MenteeApplication``,
``matching.services.applications``); here the applicant, signed in, picks up to
``Cohort.max_choices`` mentors in order and answers only their questions, until the
program's deadline.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch

from matching.models import (
    OPEN_STATUSES,
    ChoiceAnswer,
    Cohort,
    CohortMentor,
    MenteeApplication,
    Mentor,
    MentorChoice,
    MentorQuestion,
    Program,
)
from matching.models.cohort import ANSWER_MAX

MAX_QUESTIONS = 5


def cohort_of(program: Program) -> Cohort:
    """The program's cohort setup; Http404-worthy LookupError for a rolling program."""
    cohort = Cohort.objects.filter(program=program).select_related("program").first()
    if cohort is None:
        raise LookupError(f"{program} is not a cohort program")
    return cohort


def listed_mentors(program: Program):
    """The mentors applicants can choose: active, accepted mentors of the program whose
    listing is shown, with their questions (three queries however many there are)."""
    return (
        Mentor.objects.filter(program=program, is_active=True, listing__is_listed=True)
        .select_related("user", "application", "listing")
        .prefetch_related(Prefetch("listing__questions",
                                   queryset=MentorQuestion.objects.order_by("position", "pk")))
        .order_by("user__name", "pk")
    )


def listing_for(mentor: Mentor) -> CohortMentor:
    """The mentor's listing, made (listed, empty) the first time it is asked for."""
    listing, _ = CohortMentor.objects.get_or_create(mentor=mentor)
    return listing


@transaction.atomic
def listing_save(*, listing: CohortMentor, by, agenda: str, style: str, task: str,
                 task_url: str, questions: list[str], task_file=None,
                 remove_task_file: bool = False) -> CohortMentor:
    """The mentor edits their listing: agenda, style, task (text, link or file) and their
    own questions. A question kept at its place keeps its answers; a removed one takes its
    answers with it."""
    listing = CohortMentor.objects.select_for_update(of=("self",)).select_related("mentor").get(
        pk=listing.pk)
    if listing.mentor.user_id != by.pk:
        raise PermissionDenied("Only the mentor edits their listing.")
    prompts = [" ".join(q.split()) for q in questions if q and q.strip()]
    if len(prompts) > MAX_QUESTIONS:
        raise ValidationError({"questions": f"At most {MAX_QUESTIONS} questions."})
    listing.agenda, listing.style = agenda.strip(), style.strip()
    listing.task, listing.task_url = task.strip(), task_url.strip()
    if remove_task_file and listing.task_file:
        listing.task_file.delete(save=False)
        listing.task_file = ""
    if task_file is not None:
        listing.task_file = task_file
    listing.save()
    existing = list(listing.questions.order_by("position", "pk"))
    for position, prompt in enumerate(prompts):
        if position < len(existing):
            question = existing[position]
            if question.prompt != prompt or question.position != position:
                question.prompt, question.position = prompt, position
                question.save(update_fields=["prompt", "position"])
        else:
            MentorQuestion.objects.create(listing=listing, position=position, prompt=prompt)
    for question in existing[len(prompts):]:
        question.delete()
    return listing


# --------------------------------------------------------------------------- choices


def application_for(program: Program, user) -> MenteeApplication | None:
    """The person's open application (the shared part) to the program, if any."""
    return (MenteeApplication.objects.filter(program=program, user=user,
                                             status__in=OPEN_STATUSES)
            .select_related("program").order_by("-submitted_at").first())


def choices_of(application: MenteeApplication) -> list[MentorChoice]:
    return list(application.mentor_choices.select_related("mentor__user")
                .prefetch_related("answers").order_by("rank"))


def choices_open_problem(program: Program) -> str:
    """Why choices can't be changed now ("" if they can)."""
    if not program.accepts_applications:
        return (f"Applications to {program.name} are closed: your choices stay as they "
                "were sent.")
    return ""


@dataclass(frozen=True)
class ChoiceInput:
    """One chosen mentor, in order, with the answers to their questions by question id."""

    mentor_id: int
    answers: dict[int, str]


def choices_problems(*, application: MenteeApplication, chosen: list[ChoiceInput],
                     mentors: dict[int, Mentor]) -> dict[str, list[str]]:
    """Everything wrong with a set of choices, by form field ("choice_<n>",
    "answer_<mentor>_<question>", or "__all__"), all at once: the form shows them at their
    fields, ``choices_save`` asks again under the lock."""
    cohort = application.program.cohort
    problems: dict[str, list[str]] = {}

    def refuse(field: str, message: str) -> None:
        problems.setdefault(field, []).append(message)

    if not chosen:
        refuse("__all__", "Choose at least one mentor.")
    if len(chosen) > cohort.max_choices:
        refuse("__all__", f"Choose at most {cohort.max_choices} mentors.")
    seen: set[int] = set()
    for place, item in enumerate(chosen, start=1):
        mentor = mentors.get(item.mentor_id)
        if mentor is None:
            refuse(f"choice_{place}", "That mentor is not listed in this program.")
            continue
        if item.mentor_id in seen:
            refuse(f"choice_{place}", f"You chose {mentor.user} twice: choose each mentor "
                                      "once.")
        seen.add(item.mentor_id)
        if mentor.user_id == application.user_id:
            refuse(f"choice_{place}", "You can't choose yourself.")
        for question in mentor.listing.questions.all():
            text = item.answers.get(question.pk, "").strip()
            field = f"answer_{mentor.pk}_{question.pk}"
            if not text:
                refuse(field, f"Answer {mentor.user}'s question.")
            elif len(text) > ANSWER_MAX:
                refuse(field, f"At most {ANSWER_MAX:,} characters (this is {len(text):,}).")
    return problems


@transaction.atomic
def choices_save(*, application: MenteeApplication, by,
                 chosen: list[ChoiceInput]) -> list[MentorChoice]:
    """Save the applicant's mentors in order (first = most wanted) and their answers.

    A mentor kept keeps their review of the applicant (a new place in the order moves
    it); a mentor dropped takes the answers and any review with them. Raises
    ValidationError (by field, as ``choices_problems``) or PermissionDenied."""
    application = (MenteeApplication.objects.select_for_update(of=("self",))
                   .select_related("program__cohort").get(pk=application.pk))
    if application.user_id != by.pk:
        raise PermissionDenied("Only the applicant chooses their mentors.")
    program = application.program
    if not program.runs_as_cohort:
        raise ValidationError("This program doesn't take choices of mentors.")
    if application.status not in OPEN_STATUSES:
        raise ValidationError("This application has been decided: its choices stay as "
                              "they are.")
    closed = choices_open_problem(program)
    if closed:
        raise ValidationError(closed)
    mentors = {m.pk: m for m in listed_mentors(program)}
    problems = choices_problems(application=application, chosen=chosen, mentors=mentors)
    if problems:
        raise ValidationError(problems)
    existing = {c.mentor_id: c for c in application.mentor_choices.all()}
    wanted = [item.mentor_id for item in chosen]
    MentorChoice.objects.filter(application=application).exclude(
        mentor_id__in=wanted).delete()
    saved = []
    for rank, item in enumerate(chosen, start=1):
        choice = existing.get(item.mentor_id)
        if choice is None:
            choice = MentorChoice.objects.create(application=application,
                                                 mentor_id=item.mentor_id, rank=rank)
        elif choice.rank != rank:
            choice.rank = rank
            choice.save(update_fields=["rank"])
        questions = list(mentors[item.mentor_id].listing.questions.all())
        for question in questions:
            ChoiceAnswer.objects.update_or_create(
                choice=choice, question=question,
                defaults={"text": item.answers[question.pk].strip()})
        ChoiceAnswer.objects.filter(choice=choice).exclude(
            question__in=questions).delete()
        saved.append(choice)
    return saved
