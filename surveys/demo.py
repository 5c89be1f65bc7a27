"""Answered surveys for the demo program, so the impact dashboard has real-looking charts
on first run (``manage.py seed_demo`` calls ``seed_surveys_demo(program)``).

It adds a cohort of alumni: mentees (with accepted applications) whose mentorships with
the demo mentors completed months ago, with logged meetings; the demo mentor has a few
more, so that her own figures show. Then every completed mentorship of the program gets
its three invitations (the baseline at the start, both finals at the end) and most of
them answers, drawn from a seeded random generator: some invitations stay unanswered and a
few half-answered, so response rates look real too.

Rows are written directly (no emails are sent) with dates in the past. Idempotent: alumni
are found by email, an existing mentorship is left alone, and an invitation that already
has a response keeps it.
"""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from matching.demo_data import DEMO_MENTOR, MENTORS, email_for
from matching.models import (
    ApplicationStatus,
    MeetingLog,
    Mentee,
    MenteeApplication,
    Mentor,
    MentorApplication,
    Mentorship,
    MentorshipSource,
    MentorshipStatus,
)

from . import demo_outcomes as outcomes
from . import question_types, seed
from .demo_outcomes import _user, _when
from .dispatch import LINK_DAYS, current_template
from .models import Answer, Invitation, Question, Response, SurveyKind, SurveyTemplate
from .tokens import new_nonce

User = get_user_model()

ALUMNI_DOMAIN = "alumni.example.org"
ALUMNI = [
    "Aisha Bello", "Bruno Keller", "Carmen Ortiz", "Deniz Aydin", "Emeka Obi", "Farah Khan",
    "Gabriel Rossi", "Hana Novak", "Ishaan Gupta", "Julia Weber", "Kenji Mori", "Lena Fischer",
    "Mateo García", "Nadia Petrova", "Oscar Lind", "Priyanka Das", "Rafael Souza",
    "Sara Haddad", "Theo Martin", "Uma Krishnan", "Vera Ivanova", "Wei Zhang", "Yusuf Demir",
    "Zoe Clarke", "Adrian Popescu", "Bea Santos", "Cyrus Tehrani", "Dalia Mansour",
    "Erik Johansson", "Fatima Zahra", "Goran Petrov", "Helena Costa", "Ivan Horvat",
    "Jade Nguyen",
]
# More alumni of the demo mentor, the mentor people sign in as (name, days ago they began):
# ended 10 to 20 months ago, so that her mentees' 6-month follow-ups reach the 5 answers a
# mentor's figure needs, on her dashboard and in her row of the impact page (their 12-month
# ones stay under it: the suppression shows too). Placed between her other mentorships,
# never more than her 3 places at once.
DEMO_MENTOR_ALUMNI = [("Kofi Mensah", 720), ("Lucia Romano", 650), ("Mira Shah", 640),
                      ("Noah Berger", 455)]
LIKED = [
    "The structure and accountability: a call every two weeks kept me going.",
    "Choosing my own topic, and a mentor who knew where to look.",
    "Introductions to two researchers I would never have cold-emailed.",
    "Honest feedback on my distillation before I posted it.",
    "", "",
]
DISLIKED = [
    "I missed the goals I set for some weeks and felt bad about it.",
    "Hard to keep 5 hours a week during exams.",
    "Would have liked a small cohort to talk to.",
    "", "", "",
]
CONDITIONS = [
    "Only with mentees who can commit 5+ hours a week.",
    "Every three weeks instead of two.",
    "If someone else handles the scheduling.",
]


def _mentors(program) -> list[Mentor]:
    emails = [email_for(row[0]) for row in MENTORS]
    mentors = list(Mentor.objects.filter(program=program, user__email__in=emails)
                   .order_by("user__email"))
    if not mentors:
        mentors = list(Mentor.objects.filter(program=program).order_by("pk")[:5])
    if not mentors:  # a program without mentors: one demo mentor of its own
        user = _user(f"demo.mentor@{ALUMNI_DOMAIN}", "Morgan Mentor")
        app = MentorApplication.objects.create(
            program=program, user=user, name=user.name, email=user.email,
            timezone="Europe/London", position="fulltime_safety", capacity=3,
            minutes_per_week=90, involvement="balanced", creative_control="shared",
            status=ApplicationStatus.ACCEPTED, decided_at=timezone.now())
        mentors = [Mentor.objects.create(program=program, user=user, application=app,
                                         capacity=3)]
    return mentors


def _alumni(program, count: int, rng: random.Random) -> int:
    """Completed mentorships of alumni with the demo mentors. Returns how many were new."""
    mentors = _mentors(program)
    today = timezone.localdate()
    created = 0
    for i, name in enumerate(ALUMNI[:count]):
        # The first ended over a year ago: 12-month follow-ups.
        start = today - timedelta(days=560 - i * 10)
        created += _alumnus(program, name, mentors[i % len(mentors)], start, rng)
    return created


def _demo_mentor_alumni(program, rng: random.Random) -> int:
    """The demo mentor's earlier mentees, so that the mentor people sign in as has enough
    answered follow-ups for her own figures and her row of the impact dashboard (each
    shown from 5 answers). Returns how many were new."""
    mentor = Mentor.objects.filter(program=program, user__email=email_for(DEMO_MENTOR)).first()
    if mentor is None:
        return 0
    today = timezone.localdate()
    return sum(_alumnus(program, name, mentor, today - timedelta(days=days_ago), rng)
               for name, days_ago in DEMO_MENTOR_ALUMNI)


def _alumnus(program, name: str, mentor: Mentor, start, rng: random.Random) -> bool:
    """One alumna's completed mentorship with `mentor`, begun on `start`, with logged
    meetings. Returns True if it was new."""
    email = email_for(name).replace("@example.org", f"@{ALUMNI_DOMAIN}")
    user = _user(email, name)
    app = MenteeApplication.objects.filter(program=program, email=email).first()
    if app is None:
        app = MenteeApplication.objects.create(
            program=program, user=user, name=name, email=email, timezone="UTC",
            occupation=rng.choice(["masters", "masters", "phd", "phd", "industry"]),
            hours_per_week=rng.choice([5, 6, 8, 8, 10, 12]), fulltime_intent="yes",
            goals="Get into AI safety research.", status=ApplicationStatus.ACCEPTED,
            decided_at=_when(start - timedelta(days=10)))
        MenteeApplication.objects.filter(pk=app.pk).update(
            submitted_at=_when(start - timedelta(days=25)))
    mentee, _ = Mentee.objects.get_or_create(program=program, user=user,
                                             defaults={"application": app})
    if Mentorship.objects.filter(mentor=mentor, mentee=mentee).exists():
        return False
    length = rng.randint(95, 150)
    ended = start + timedelta(days=length)
    m = Mentorship.objects.create(
        program=program, mentor=mentor, mentee=mentee, status=MentorshipStatus.COMPLETED,
        source=MentorshipSource.MATCH, start_date=start,
        planned_end_date=start + timedelta(days=120), ended_on=ended,
        focus="A distillation or small project of the mentee's choice",
        hours_per_week=app.hours_per_week, meeting_every_weeks=2,
        meeting_minutes=rng.choice([30, 45, 60]), terms_recorded_at=_when(start),
        next_steps=rng.choice([["job"], ["phd"], ["grant"], ["program"], ["independent"],
                               ["grant", "program"], ["none"]]),
        introduced_at=_when(start),
    )
    days = range(length - 3, 0, -rng.choice([14, 14, 21]))
    MeetingLog.objects.bulk_create([
        MeetingLog(mentorship=m, date=start + timedelta(days=length - d),
                   minutes=rng.choice([30, 30, 45, 45, 60]),
                   on_track=rng.choice(["yes", "yes", "yes", "partly", "no"]),
                   logged_by=mentor.user)
        for d in days
    ])
    return True


def _invitation(m: Mentorship, kind: str, sent_on) -> Invitation | None:
    template = current_template(kind, m.program)
    if template is None:
        return None
    person = m.mentor.user if kind in (SurveyKind.MENTOR_FINAL, SurveyKind.MENTOR_EXIT) \
        else m.mentee.user
    invitation, _ = Invitation.objects.get_or_create(
        mentorship=m, kind=kind,
        defaults={"template": template, "person": person, "nonce": new_nonce(),
                  "sent_at": _when(sent_on),
                  "expires_at": _when(sent_on) + timedelta(days=LINK_DAYS)},
    )
    return invitation


def _clip(value: int, low: int = 1, high: int = 10) -> int:
    return max(low, min(high, value))


def _mentee_values(rng: random.Random, baseline: dict) -> dict:
    recommend = rng.choices(range(3, 11), weights=[1, 2, 3, 5, 8, 12, 16, 16])[0]
    delta = rng.choice([-5, 0, 0, 5, 5, 10, 10, 10, 15, 15, 15, 20, 20, 25, 30, 40])
    values = {
        seed.HOURS_TOTAL: Decimal(rng.randrange(35, 130, 5)),
        "mentor_rating": Decimal(_clip(recommend - rng.choice([0, 1, 1, 2]) + 1)),
        "liked": rng.choice(LIKED), "disliked": rng.choice(DISLIKED),
        seed.DELTA_P: Decimal(delta),
        seed.MONTHS_SAVED: Decimal(rng.choice([-1, 0, 0, 1, 2, 3, 3, 4, 6, 6, 9, 12])),
        seed.RECOMMEND: Decimal(recommend),
    }
    for key in seed.SELF_RATINGS:
        values[key] = Decimal(_clip(int(baseline[key]) + rng.choice([-1, 0, 1, 1, 2, 2, 3])))
    values[seed.P_FULLTIME] = Decimal(_clip(int(baseline[seed.P_FULLTIME]) + delta, 0, 100))
    return values


def _baseline_values(rng: random.Random) -> dict:
    values = {key: Decimal(rng.randint(3, 7)) for key in seed.SELF_RATINGS}
    values["self_motivation"] = Decimal(rng.randint(6, 9))
    values[seed.P_FULLTIME] = Decimal(rng.randrange(20, 75, 5))
    return values


def _mentor_values(rng: random.Random) -> dict:
    worth = rng.choices(["yes", "not_sure", "no"], weights=[6, 3, 1])[0]
    again = {"yes": rng.choice(["yes", "yes", "yes", "yes_if"]),
             "not_sure": rng.choice(["yes_if", "yes_if", "yes"]),
             "no": rng.choice(["no", "no", "yes_if"])}[worth]
    values = {
        seed.WORTH_IT: worth, seed.MENTOR_AGAIN: again,
        "mentor_again_conditions": rng.choice(CONDITIONS) if again == "yes_if" else "",
        "mentee_depth": Decimal(rng.randint(4, 8)), "mentee_breadth": Decimal(rng.randint(4, 8)),
        "mentee_taste": Decimal(rng.randint(3, 8)),
        "mentee_motivation": Decimal(rng.randint(6, 10)),
        seed.SUPPORT: Decimal(rng.randint(5, 10)),
        seed.MENTOR_HOURS: Decimal(rng.randrange(6, 22)),
    }
    return values


def _answer(invitation: Invitation, values: dict, submitted_on, *, partial=False) -> bool:
    """Answer `invitation` with `values` unless it has a response. Returns True if new."""
    if Response.objects.filter(invitation=invitation).exists():
        return False
    response = Response.objects.create(invitation=invitation, template=invitation.template)
    questions = list(invitation.template.questions.all())
    if partial:
        questions = questions[: len(questions) // 2]
    Answer.objects.bulk_create([
        Answer(response=response, question=q,
               **question_types.of(q).to_fields(values[q.key]))
        for q in questions if values.get(q.key) not in (None, "")
    ])
    stamp = _when(submitted_on)
    Response.objects.filter(pk=response.pk).update(
        started_at=stamp, updated_at=stamp, submitted_at=None if partial else stamp)
    return True


def seed_surveys_demo(program, *, alumni: int = len(ALUMNI), seed_value: int = 2026) -> dict:
    """Alumni with completed mentorships, early leavers, and invitations with answers for
    every ended mentorship of `program`: finals or exits, and the follow-ups that came
    due. Returns counts of what it created."""
    seed.create_default_templates(SurveyTemplate, Question)
    rng = random.Random(seed_value)  # noqa: S311 - demo data, not secrets
    answered = 0
    today = timezone.localdate()
    with transaction.atomic():
        created = _alumni(program, alumni, rng)
        if alumni == len(ALUMNI):  # the full demo: early leavers and the program's survey
            created += outcomes.early_leavers(program, _mentors(program), rng)
            # After the others: their seeded draws (by position) stay as they were.
            created += _demo_mentor_alumni(program, rng)
            outcomes.program_final_template(program)
        ended = (Mentorship.objects.filter(program=program, status__in=(
            MentorshipStatus.COMPLETED, MentorshipStatus.ENDED_EARLY))
            .select_related("program", "mentor__user", "mentee__user")
            .order_by("pk"))
        # Seeded by position, not by primary key: the same demo on any database (ids
        # differ between PostgreSQL sequences and a fresh SQLite file).
        for position, m in enumerate(ended):
            r = random.Random(f"{seed_value}/{position}")  # noqa: S311 - demo data
            if m.status == MentorshipStatus.COMPLETED:
                answered += _completed_surveys(m, r)
            else:
                answered += _exit_surveys(m, r)
            for inv in outcomes.followup_invitations(m, today):
                if r.random() < 0.7:
                    answered += _answer(inv, outcomes.followup_values(
                        r, inv.months_after, m.status == MentorshipStatus.COMPLETED),
                        inv.sent_at.date() + timedelta(days=r.randint(1, 20)))
    return {"alumni_mentorships": created, "responses": answered}


def seed_cohort_surveys_demo(program) -> SurveyTemplate:
    """The demo cohort's own mentee final survey, with every MATS measure (its scholars
    answer it at the end; the demo cohort is still at its selection stage)."""
    seed.create_default_templates(SurveyTemplate, Question)
    return outcomes.cohort_final_template(program)


def _completed_surveys(m: Mentorship, r: random.Random) -> int:
    answered = 0
    ended = m.ended_on or timezone.localdate()
    baseline = _baseline_values(r)
    roll = r.random()
    inv = _invitation(m, SurveyKind.MENTEE_BASELINE, m.start_date)
    if inv and roll < 0.85:
        answered += _answer(inv, baseline, m.start_date + timedelta(days=2))
    inv = _invitation(m, SurveyKind.MENTEE_FINAL, ended)
    values = {**_mentee_values(r, baseline), **outcomes.mats_values(r)}
    if inv and roll < 0.9:
        answered += _answer(inv, values, ended + timedelta(days=r.randint(0, 9)))
    elif inv and roll < 0.95:
        answered += _answer(inv, values, ended, partial=True)
    inv = _invitation(m, SurveyKind.MENTOR_FINAL, ended)
    if inv and r.random() < 0.85:
        answered += _answer(inv, _mentor_values(r), ended + timedelta(days=r.randint(1, 12)))
    return answered


def _exit_surveys(m: Mentorship, r: random.Random) -> int:
    answered = 0
    for kind, is_mentor in ((SurveyKind.MENTEE_EXIT, False), (SurveyKind.MENTOR_EXIT, True)):
        inv = _invitation(m, kind, m.ended_on)
        if inv and r.random() < 0.8:
            answered += _answer(inv, outcomes.exit_values(r, m.end_reason, mentor=is_mentor),
                                m.ended_on + timedelta(days=r.randint(1, 10)))
    return answered
