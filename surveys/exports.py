"""The surveys' columns of the organizers' spreadsheets (``matching.exports``): each
mentorship's survey status, and per mentor their worth-it answers and the ratings their
mentees gave. Only submitted responses count."""

from collections import defaultdict

from django.db.models import Avg, Count, F

from matching.exports import MENTORS, MENTORSHIPS, column

from . import seed
from .models import Answer, Invitation, SurveyKind

SHORT = {SurveyKind.MENTEE_BASELINE: "baseline", SurveyKind.MENTEE_FINAL: "mentee final",
         SurveyKind.MENTOR_FINAL: "mentor final"}


@column(MENTORSHIPS, "surveys")
def survey_status(ids: list[int]) -> dict[int, str]:
    """For each mentorship sent surveys: "baseline: answered; mentor final: waiting"."""
    found: dict[int, list[str]] = defaultdict(list)
    for mentorship_id, kind, submitted in (
            Invitation.objects.filter(mentorship__in=ids)
            .order_by("mentorship_id", "created_at", "pk")
            .values_list("mentorship_id", "kind", "response__submitted_at")):
        found[mentorship_id].append(
            f"{SHORT.get(kind, kind)}: {'answered' if submitted else 'waiting'}")
    return {pk: "; ".join(parts) for pk, parts in found.items()}


def _submitted(key: str, kind: str):
    return Answer.objects.filter(
        question__key=key, response__submitted_at__isnull=False,
        response__invitation__kind=kind)


@column(MENTORS, "worth it? (their answers)")
def worth_it(ids: list[int]) -> dict[int, str]:
    found: dict[int, list[str]] = defaultdict(list)
    rows = (_submitted(seed.WORTH_IT, SurveyKind.MENTOR_FINAL)
            .filter(response__invitation__mentorship__mentor__in=ids)
            .select_related("question").order_by("response__submitted_at"))
    for answer in rows.annotate(mentor_id=F("response__invitation__mentorship__mentor")):
        labels = dict(answer.question.choice_list())  # "Not sure", not "not_sure"
        picked = answer.choices or [answer.text]
        found[answer.mentor_id].append(", ".join(labels.get(c, c) for c in picked))
    return {pk: "; ".join(parts) for pk, parts in found.items()}


@column(MENTORS, "mentees' ratings (recommend, 0-10)")
def ratings_received(ids: list[int]) -> dict[int, str]:
    """Their mentees' answers to "would you recommend the program", averaged."""
    rows = (_submitted(seed.RECOMMEND, SurveyKind.MENTEE_FINAL)
            .filter(response__invitation__mentorship__mentor__in=ids)
            .values("response__invitation__mentorship__mentor")
            .annotate(mean=Avg("number"), count=Count("pk")))
    return {row["response__invitation__mentorship__mentor"]:
            f"{row['mean']:.1f} from {row['count']}" for row in rows}
