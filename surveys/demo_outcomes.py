"""The demo's outcomes data, so every impact panel has something to show: mentees who
stopped early (with both exit surveys), alumni follow-ups at 6 and 12 months, and the
program's own mentee final survey with the MATS measures and one custom question.

Called by ``surveys.demo.seed_surveys_demo``; rows are written directly, dated in the
past, no email sent. Idempotent like the rest of the demo.
"""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.utils import timezone

from matching.demo_data import email_for
from matching.models import (
    ApplicationStatus,
    EndReason,
    MeetingLog,
    Mentee,
    MenteeApplication,
    Mentorship,
    MentorshipSource,
    MentorshipStatus,
)

from . import seed
from .dispatch import LINK_DAYS, current_template
from .followups import add_months
from .models import Invitation, Question, SurveyKind, SurveyTemplate
from .tokens import new_nonce

EARLY_DOMAIN = "early.example.org"
EARLY = ["Ana Lima", "Ben Okafor", "Chen Wei", "Dara Walsh", "Eli Cohen", "Femi Ade",
         "Gita Rao", "Hugo Brun", "Iris Berg", "Jonas Falk", "Kira Sato", "Luis Vega"]
User = get_user_model()
CUSTOM = dict(key="best_resource", type="single_choice", required=False,
              short_label="Most useful part",
              text="Which part of the mentorship helped you most?",
              choices="feedback | Feedback on my work\nintroductions | Introductions to "
                      "people\nreading | Reading suggestions\naccountability | Regular "
                      "calls that kept me going")
WHAT_CHANGE = ["Clearer expectations at the start about hours.", "A check-in after a month.",
               "", "", "Matching on time zones."]
OUTPUTS = ["https://www.lesswrong.com/posts/demo-distillation",
           "https://github.com/example/interp-replication", "", ""]
FUNDERS = ["LTFF", "Open Philanthropy", "MATS", "a safety lab", ""]


def _when(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(10, 0)))


def _user(email: str, name: str):
    user, created = User.objects.get_or_create(email=email, defaults={"name": name})
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
        EmailAddress.objects.get_or_create(user=user, email=email,
                                           defaults={"primary": True, "verified": True})
    return user


# The MATS measures that fit a 1-on-1 program, which the demo's rolling program adds to its
# own final survey as optional questions: a mentee who skips them still has the
# program's short required path. The share of value from the mentor and the support
# elements' NPS (coaching, workshops) describe a cohort program, which has more than the
# mentor to offer: the demo cohort's own survey asks them all (``cohort_final_template``).
ONE_ON_ONE_MEASURES = ("counterfactual", "counterfactual_activity", "grant_equivalent")


def _own_final_template(program, extra: list[dict]) -> SurveyTemplate:
    own = SurveyTemplate.objects.filter(kind=SurveyKind.MENTEE_FINAL, program=program).first()
    if own is not None:
        return own
    default = current_template(SurveyKind.MENTEE_FINAL, None)
    template = SurveyTemplate.objects.create(
        kind=SurveyKind.MENTEE_FINAL, program=program, title=default.title,
        intro=default.intro)
    rows = [Question(template=template, **{f: getattr(q, f) for f in (
        "key", "order", "text", "help_text", "type", "required", "choices", "low_label",
        "high_label", "min_value", "max_value", "figure", "short_label")})
        for q in default.questions.all()]
    last = max((q.order for q in rows), default=0)
    for i, spec in enumerate(extra):
        rows.append(Question(template=template, order=last + 10 * (i + 1),
                             **{"required": True, **spec}))
    Question.objects.bulk_create(rows)
    return template


def program_final_template(program) -> SurveyTemplate:
    """The rolling program's own mentee final: the default's questions, the MATS measures
    that fit 1-on-1 mentorship and one question of its own, all optional (what an
    organizer would add in admin)."""
    fitting = [m for m in seed.MATS_MEASURES if m["key"] in ONE_ON_ONE_MEASURES]
    return _own_final_template(program, [{**spec, "required": False}
                                         for spec in [*fitting, CUSTOM]])


def cohort_final_template(program) -> SurveyTemplate:
    """A cohort program's own mentee final, the MATS way: every MATS measure, as MATS
    asked them."""
    return _own_final_template(program, list(seed.MATS_MEASURES))


def mats_values(rng: random.Random) -> dict:
    return {
        "mentor_value_share": Decimal(rng.choice([20, 40, 50, 50, 60, 70, 80])),
        "counterfactual": rng.choice(["much_less", "somewhat_less", "somewhat_less",
                                      "about_as", "more"]),
        "counterfactual_activity": rng.choice(["tech", "upskill", "research_alone", "study"]),
        "productive_hours": Decimal(rng.randrange(5, 60, 5)),
        "grant_equivalent": Decimal(rng.randrange(500, 6000, 250)),
        "recommend_coaching": Decimal(rng.randint(5, 10)),
        "recommend_workshops": Decimal(rng.randint(3, 10)),
        "best_resource": rng.choice(["feedback", "feedback", "introductions", "reading",
                                     "accountability"]),
    }


def early_leavers(program, mentors, rng: random.Random) -> int:
    """Mentorships that ended early, a few weeks in. Returns how many were new."""
    today = timezone.localdate()
    created = 0
    for i, name in enumerate(EARLY):
        email = email_for(name).replace("@example.org", f"@{EARLY_DOMAIN}")
        user = _user(email, name)
        start = today - timedelta(days=480 - i * 25)
        app = MenteeApplication.objects.filter(program=program, email=email).first()
        if app is None:
            app = MenteeApplication.objects.create(
                program=program, user=user, name=name, email=email, timezone="UTC",
                occupation=rng.choice(["masters", "phd", "industry"]),
                hours_per_week=rng.choice([3, 4, 5, 6]), fulltime_intent="maybe",
                goals="Find out whether AI safety research suits me.",
                status=ApplicationStatus.ACCEPTED, decided_at=_when(start - timedelta(days=7)))
            MenteeApplication.objects.filter(pk=app.pk).update(
                submitted_at=_when(start - timedelta(days=21)))
        mentee, _ = Mentee.objects.get_or_create(program=program, user=user,
                                                 defaults={"application": app})
        mentor = mentors[(i + 2) % len(mentors)]
        if Mentorship.objects.filter(mentor=mentor, mentee=mentee).exists():
            continue
        length = rng.randint(25, 70)
        m = Mentorship.objects.create(
            program=program, mentor=mentor, mentee=mentee,
            status=MentorshipStatus.ENDED_EARLY, source=MentorshipSource.MATCH,
            start_date=start, planned_end_date=start + timedelta(days=120),
            ended_on=start + timedelta(days=length),
            end_reason=rng.choice([r for r in EndReason.values if r != "other"]),
            focus="Reading and a first small project", hours_per_week=app.hours_per_week,
            meeting_every_weeks=2, meeting_minutes=45, terms_recorded_at=_when(start),
            introduced_at=_when(start))
        MeetingLog.objects.bulk_create([
            MeetingLog(mentorship=m, date=start + timedelta(days=d), minutes=45,
                       on_track=rng.choice(["partly", "no", "yes"]), logged_by=mentor.user)
            for d in range(3, length, 14)])
        created += 1
    return created


def exit_values(rng: random.Random, reason: str, *, mentor: bool) -> dict:
    if mentor:
        return {"exit_reason": reason, "worth_it": rng.choice(["yes", "not_sure", "no"]),
                "mentor_again": rng.choice(["yes", "yes_if", "no"]),
                "mentor_hours": Decimal(rng.randint(2, 8)),
                "what_change": rng.choice(WHAT_CHANGE)}
    return {"exit_reason": reason, "useful_so_far": Decimal(rng.randint(3, 8)),
            "delta_p_fulltime": Decimal(rng.choice([-5, 0, 0, 5, 10])),
            "recommend": Decimal(rng.randint(4, 9)),
            "mentor_rating": Decimal(rng.randint(5, 9)),
            "what_change": rng.choice(WHAT_CHANGE)}


def followup_values(rng: random.Random, months: int, completed: bool) -> dict:
    funded = rng.random() < (0.6 if completed else 0.3) + (0.1 if months >= 12 else 0)
    kind = rng.choice(["funded", "hired", "both"]) if funded else "neither"
    occupation = rng.choice(["safety_research", "safety_other", "student"] if funded
                            else ["student", "tech", "looking", "other"])
    # Full-time in the field only for those working in it (a funded student is not): the
    # same draws as before, so the rest of the demo is unchanged.
    fulltime = funded and rng.random() < 0.7 and occupation.startswith("safety_")
    return {
        "occupation": occupation,
        "fulltime_in_field": "yes" if fulltime else "no",
        "funded_or_hired": kind,
        "funded_by": rng.choice(FUNDERS) if funded else "",
        "outputs": rng.choice(OUTPUTS),
        "program_contribution": Decimal(rng.randint(3, 10) if completed
                                        else rng.randint(0, 6)),
    }


def followup_invitations(m: Mentorship, today) -> list[Invitation]:
    """The follow-ups at 6 and 12 months that came due, sent on their day."""
    template = current_template(SurveyKind.MENTEE_FOLLOWUP, m.program)
    found = []
    for months in (6, 12):
        due = add_months(m.ended_on, months)
        if template is None or due > today:
            continue
        invitation, _ = Invitation.objects.get_or_create(
            mentorship=m, kind=SurveyKind.MENTEE_FOLLOWUP, months_after=months,
            defaults={"template": template, "person": m.mentee.user, "nonce": new_nonce(),
                      "sent_at": _when(due), "expires_at": _when(due)
                      + timedelta(days=LINK_DAYS)})
        found.append(invitation)
    return found
