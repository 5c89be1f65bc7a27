"""The surveys a person still owes, at the top of their dashboard, and a mentor's own
figures under their sheet (blocks registered with ``matching.dashboard``). Imported by
``SurveysConfig.ready()``."""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from matching.dashboard import dashboard_extra
from matching.models import RUNNING_STATUSES

from .models import MENTEE_KINDS, Answer, Invitation, SurveyKind
from .tokens import survey_token


@dashboard_extra(place="top", template="surveys/_dashboard_waiting.html")
def surveys_waiting(user) -> dict | None:
    """The person's own survey invitations not yet sent back and still open: the emailed
    link may be in a spam folder, so the page offers the same link (one query)."""
    invitations = (
        Invitation.objects.filter(person=user, expires_at__gt=timezone.now())
        .exclude(response__submitted_at__isnull=False)
        # "Where you stand at the start" means nothing once the mentorship stopped.
        .exclude(Q(kind=SurveyKind.MENTEE_BASELINE)
                 & ~Q(mentorship__status__in=RUNNING_STATUSES))
        .select_related("mentorship__mentor__user", "mentorship__mentee__user", "response")
        .order_by("expires_at", "pk")
    )
    waiting = []
    for invitation in invitations:
        m = invitation.mentorship
        other = m.mentor.user if invitation.kind in MENTEE_KINDS else m.mentee.user
        waiting.append({
            "url": reverse("survey", args=[survey_token(invitation)]),
            "baseline": invitation.kind == SurveyKind.MENTEE_BASELINE,
            "months_after": invitation.months_after,
            "other": str(other),
            "until": invitation.expires_at,
            "started": hasattr(invitation, "response"),
        })
    return {"surveys": waiting} if waiting else None


# What a mentor may see of their own figures, each only from MIN_RESPONSES answers on:
# under that, an answer could be traced to one mentee.
OWN_FIGURES = {
    "mentor_rating": "Your mentees' rating of you (1–10)",
    "funded_or_hired": "Your mentees funded or hired since (alumni follow-ups)",
    "worth_it": "Mentorships you said were worth your time",
    "mentor_again": "Mentorships after which you'd mentor again",
}


def _own_label(figure: str, months: int) -> str:
    if figure == "funded_or_hired" and months:
        return f"Your mentees funded or hired {months} months after the end"
    return OWN_FIGURES[figure]


@dashboard_extra(place="mentor_sheet", template="surveys/_mentor_figures.html")
def mentor_own_figures(user, sections) -> dict[int, dict]:
    """Under each mentor sheet: the mentor's own aggregate figures (one grouped query),
    each shown only once it rests on at least MIN_RESPONSES answers. Their mentees'
    follow-ups count at each offset apart: a mentee who answered at 6 and 12 months is
    one answer in each, never two in one share (two answers of one person would count
    towards the five that keep an answer from being traced)."""
    from .impact.stats import MIN_RESPONSES
    from .named_figures import FUNDED_OR_HIRED, MENTOR_AGAIN

    mentor_ids = [section["mentor"].pk for section in sections]
    if not mentor_ids:
        return {}
    # By the response's own copies of its mentor and months after (no join through the
    # invitation to the mentorship), as the impact figures group them.
    rows = (Answer.objects.filter(response__submitted_at__isnull=False,
                                  response__mentor__in=mentor_ids,
                                  question__figure__in=OWN_FIGURES)
            .values("response__mentor", "question__figure", "response__months_after",
                    "number", "text")
            .annotate(n=Count("pk")).order_by())
    counts: dict = {}
    for r in rows:
        cell = counts.setdefault((r["response__mentor"], r["question__figure"],
                                  r["response__months_after"]),
                                 {"n": 0, "sum": 0.0, "yes": 0})
        cell["n"] += r["n"]
        if r["number"] is not None:
            cell["sum"] += float(r["number"]) * r["n"]
        counted = {"funded_or_hired": FUNDED_OR_HIRED, "mentor_again": MENTOR_AGAIN}.get(
            r["question__figure"], ("yes",))
        if r["text"] in counted:
            cell["yes"] += r["n"]
    blocks = {}
    for mentor in mentor_ids:
        mine = sorted((figure, months) for (m, figure, months) in counts if m == mentor)
        if not mine:
            continue  # nothing answered yet: no block
        figures = []
        for figure in OWN_FIGURES:
            offsets = [months for f, months in mine if f == figure] or [0]
            for months in offsets:
                cell = counts.get((mentor, figure, months), {"n": 0})
                value = None
                if cell["n"] >= MIN_RESPONSES:
                    value = (f"{cell['sum'] / cell['n']:.1f}" if figure == "mentor_rating"
                             else f"{100 * cell['yes'] / cell['n']:.0f}%")
                figures.append({"label": _own_label(figure, months), "n": cell["n"],
                                "value": value})
        blocks[mentor] = {"figures": figures, "min": MIN_RESPONSES}
    return blocks
