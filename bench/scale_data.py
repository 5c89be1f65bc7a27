"""A program at a given scale, for bench_admin_scale.py: the demo, then bulk rows.

Scale 1 is 1,000 applications (900 mentees, 100 mentors), 200 mentorships and 4,000
meetings; scale 10 is the issue's 10x program (10,000 applications, 2,000 mentorships,
40,000 meetings). The rest follows in proportion: stipend requests for the mentorships
that need one (a month each, paid in payout batches of 40, their bank details and the
reveal log of each export), survey invitations and answers (the demo's own generators),
the message log (three emails an application, five a mentorship), erasure requests,
locks and forbids, and one solved matching run of the accepted mentees left over.

Rows are written with bulk_create (no emails are sent) in a seeded order, so two builds
at the same scale hold the same data. Call ``build(scale)`` in a configured Django.
"""

from __future__ import annotations

import hashlib
import io
import random
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from matching import scoring
from matching.demo_data import BULK_DOMAIN, OFFICER_EMAIL, ORGANIZER_EMAIL
from matching.models import (
    LIVE_STATUSES,
    ApplicationStatus,
    EndReason,
    FinalProject,
    MeetingLog,
    Mentee,
    Mentor,
    Mentorship,
    MentorshipSource,
    MentorshipStatus,
    NextStep,
    PairRule,
    Program,
)
from matching.services.matching import run_matching
from matching.services.matching_inputs import eligible_mentees
from mm_program.models import ErasureRequest, Message, MessageStatus
from mm_program.roles import ORGANIZERS, PAYMENTS_OFFICERS
from payments.models import (
    CENT,
    BankDetails,
    BankDetailsReveal,
    PayoutBatch,
    StipendBudget,
    StipendRequest,
    StipendStatus,
)
from surveys import demo as surveys_demo
from surveys.models import SurveyKind

User = get_user_model()

SUPERUSER_EMAIL = "bench-superuser@example.org"
PER_SCALE = {"mentees": 900, "mentors": 100, "mentorships": 200, "meetings": 4000}
# How the mentorships are spread over their stages (the rest are active).
STAGES = [(MentorshipStatus.COMPLETED, 0.30), (MentorshipStatus.ENDED_EARLY, 0.07),
          (MentorshipStatus.PAUSED, 0.05), (MentorshipStatus.INVITED, 0.02),
          (MentorshipStatus.DECLINED, 0.01)]
NEEDS_STIPEND = 0.3
BATCH_SIZE = 40
NOTES = ["Went through the paper's appendix together.", "Planned the next experiment.",
         "Reviewed the draft post.", "Talked about applying to MATS.", "", "", ""]


def _when(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(10, 0)))


def build(scale: float, *, log=print) -> dict:
    """Everything at `scale` on an empty, migrated database. Returns what it made."""
    counts = {key: max(1, round(per * scale)) for key, per in PER_SCALE.items()}
    call_command("seed_demo", force=True, mentees=counts["mentees"],
                 mentors=counts["mentors"], stdout=io.StringIO())
    program = Program.objects.order_by("created_at", "pk").first()
    rng = random.Random(2026)  # noqa: S311 - synthetic data, not secrets
    made = {}
    with transaction.atomic():
        made["mentorships"] = _mentorships(program, counts["mentorships"], rng)
        made["meetings"] = _meetings(program, counts["meetings"], rng)
        made["final projects"] = _final_projects(program, rng)
        made.update(_stipends(program, rng))
        made["messages"] = _messages(program, rng)
        made["erasure requests"] = _erasure_requests(max(2, round(2 * scale)))
        made["pair rules"] = _pair_rules(program, max(4, round(5 * scale)), rng)
        _superuser()
    log(f"  bulk rows: {made}")
    # The demo's own survey generator answers every completed mentorship's surveys.
    made["surveys"] = surveys_demo.seed_surveys_demo(program)
    made["baseline invitations"] = _baselines(program, rng)
    organizer = User.objects.get(email=ORGANIZER_EMAIL)
    run = run_matching(program=program, weights=scoring.Weights(), threshold=20.0,
                       by=organizer)
    made["matching run"] = (f"{run.matched_count} of {run.mentee_count} mentees, "
                            f"{run.pair_count} allowed pairs")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # statistics for the planner, as autovacuum would
    return made


def _mentorships(program, count: int, rng: random.Random) -> int:
    today = timezone.localdate()
    mentees = list(
        Mentee.objects.filter(program=program, application__status=ApplicationStatus.ACCEPTED,
                              user__email__endswith=BULK_DOMAIN, mentorships__isnull=True)
        .select_related("user").order_by("pk")[:count])
    mentors = list(Mentor.objects.filter(program=program, is_active=True,
                                         user__email__endswith=BULK_DOMAIN)
                   .with_load().order_by("pk"))
    free = {m.pk: m.capacity - m.load for m in mentors}
    rows, turn = [], 0
    for i, mentee in enumerate(mentees):
        roll, status = rng.random(), MentorshipStatus.ACTIVE
        for stage, share in STAGES:
            if roll < share:
                status = stage
                break
            roll -= share
        live = status in LIVE_STATUSES
        for _ in range(len(mentors)):  # the next mentor with a free place, if it must be
            mentor = mentors[turn % len(mentors)]
            turn += 1
            if not live or free[mentor.pk] > 0:
                break
        else:
            status, live = MentorshipStatus.COMPLETED, False
        if live:
            free[mentor.pk] -= 1
        if status in (MentorshipStatus.COMPLETED, MentorshipStatus.ENDED_EARLY):
            start = today - timedelta(days=rng.randint(200, 420))
        else:
            start = today - timedelta(days=rng.randint(1, 170))
        row = Mentorship(
            program=program, mentor=mentor, mentee=mentee, status=status,
            source=rng.choice(MentorshipSource.values), start_date=start,
            planned_end_date=start + timedelta(days=180), introduced_at=_when(start),
        )
        if status in (MentorshipStatus.INVITED, MentorshipStatus.DECLINED):
            # An invitation names no account until it is accepted.
            row.mentee, row.introduced_at = None, None
            row.invited_name, row.invited_email = mentee.user.name, f"invited{i}@{BULK_DOMAIN}"
        elif rng.random() < 0.85 or status != MentorshipStatus.ACTIVE:
            row.terms_recorded_at = _when(start + timedelta(days=7))
            row.terms_recorded_by = mentor.user
            row.focus = "A distillation of a recent interpretability paper"
            row.hours_per_week = rng.randint(4, 12)
            row.meeting_every_weeks = rng.choice([1, 2, 2, 4])
            row.meeting_minutes = rng.choice([30, 45, 60])
            row.needs_stipend = rng.random() < NEEDS_STIPEND
        if status == MentorshipStatus.COMPLETED:
            row.ended_on = start + timedelta(days=180)
            row.next_steps = rng.sample([s for s in NextStep.values if s != "none"], 2)
        elif status == MentorshipStatus.ENDED_EARLY:
            row.ended_on = start + timedelta(days=rng.randint(20, 150))
            row.end_reason = rng.choice(EndReason.values)
            row.end_notes = "We both ran out of time."
        rows.append(row)
    Mentorship.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def _met(program):
    return (Mentorship.objects.filter(program=program, mentee__user__email__endswith=BULK_DOMAIN)
            .exclude(status__in=[MentorshipStatus.INVITED, MentorshipStatus.DECLINED]))


def _meetings(program, count: int, rng: random.Random) -> int:
    today = timezone.localdate()
    mentorships = list(_met(program).select_related("mentor").order_by("pk"))
    spans = [((m.ended_on or today) - m.start_date).days for m in mentorships]
    per_day = count / max(1, sum(spans))
    rows = []
    for m, span in zip(mentorships, spans, strict=True):
        for _ in range(max(1, round(per_day * span * rng.uniform(0.6, 1.4)))):
            rows.append(MeetingLog(
                mentorship=m, date=m.start_date + timedelta(days=rng.randint(0, span)),
                minutes=rng.choice([30, 45, 60, 60, 90]),
                on_track=rng.choice(["yes", "yes", "yes", "partly", "no"]),
                note=rng.choice(NOTES), logged_by_id=m.mentor.user_id,
            ))
    MeetingLog.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


def _final_projects(program, rng: random.Random) -> int:
    done = _met(program).filter(status=MentorshipStatus.COMPLETED, final_project__isnull=True)
    rows = [FinalProject(mentorship=m, kind=rng.choice(FinalProject.Kind.values),
                         title=f"What I learned replicating paper {m.pk}",
                         url=f"https://example.org/posts/{m.pk}", is_published=rng.random() < 0.4)
            for m in done.order_by("pk") if rng.random() < 0.6]
    FinalProject.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def _stipends(program, rng: random.Random) -> dict:
    """A request a month for the mentorships that need a stipend: old ones paid in
    batches (each export logs a reveal per payee), recent ones approved or waiting."""
    today = timezone.localdate()
    officer = User.objects.get(email=OFFICER_EMAIL)
    organizer = User.objects.get(email=ORGANIZER_EMAIL)
    rate = program.stipend_rate or Decimal("30")
    StipendBudget.objects.update_or_create(program=program,
                                           defaults={"amount": Decimal("10000000")})
    requests, payees = [], {}
    for m in _met(program).filter(needs_stipend=True).select_related("mentee").order_by("pk"):
        end = min(m.ended_on or today, today - timedelta(days=3))
        start = m.start_date
        while start + timedelta(days=27) <= end:
            period_end = start + timedelta(days=27)
            hours = Decimal(rng.randint(10, 40))
            age = (today - period_end).days
            status = (StipendStatus.PAID if age > 60 else StipendStatus.APPROVED if age > 20
                      else StipendStatus.SUBMITTED)
            if rng.random() < 0.05:
                status = StipendStatus.REJECTED
            decided = _when(period_end + timedelta(days=2))
            requests.append(StipendRequest(
                program=program, mentorship=m, payee_id=m.mentee.user_id, payee_role="mentee",
                period_start=start, period_end=period_end, hours=hours, rate=rate,
                amount=(hours * rate).quantize(CENT), currency=program.currency,
                justification="It lets me work fewer shifts while I do this.", status=status,
                decided_at=None if status == StipendStatus.SUBMITTED else decided,
                decided_by=None if status == StipendStatus.SUBMITTED else organizer,
                rejection_reason="Please split it by month." if status == "rejected" else "",
            ))
            payees[m.mentee.user_id] = None
            start = period_end + timedelta(days=1)
    # Paid ones, and a few approved ones, go out in batches; each batch was an export.
    in_batches = [r for r in requests if r.status == StipendStatus.PAID
                  or (r.status == StipendStatus.APPROVED and rng.random() < 0.3)]
    batches = PayoutBatch.objects.bulk_create(
        [PayoutBatch(created_by=officer) for _ in range(0, len(in_batches), BATCH_SIZE)])
    for i, r in enumerate(in_batches):
        r.batch = batches[i // BATCH_SIZE]
        if r.status == StipendStatus.PAID:
            r.paid_on = r.period_end + timedelta(days=9)
            r.paid_at, r.paid_by = _when(r.paid_on), officer
            r.payment_reference = f"BANK-{i:06d}"
            r.paid_to = "DE89 •••• •••• •••• 3000"
    StipendRequest.objects.bulk_create(requests, batch_size=2000)

    details = []
    for n, user_id in enumerate(payees):
        # Every 50th payee shares an account with the one before: "Same account as".
        same = n - 1 if n % 50 == 49 else n
        details.append(BankDetails(
            user_id=user_id, kind="iban", country="DE",
            masked=f"DE{n % 90 + 10:02d} •••• •••• •••• {n % 10000:04d}",
            fingerprint=hashlib.sha256(f"bench-account-{same}".encode()).hexdigest(),
            holder_name=f"Payee {n}", iban=f"DE89370400440532{n % 1000000:06d}",
            bic="COBADEFFXXX", account_number="", routing_code="", updated_by_id=user_id,
        ))
    BankDetails.objects.bulk_create(details, batch_size=1000)
    masked = {d.user_id: d.masked for d in details}
    reveals = []
    for batch_index, batch in enumerate(batches):
        members = {r.payee_id for r in in_batches[batch_index * BATCH_SIZE:
                                                  (batch_index + 1) * BATCH_SIZE]}
        reveals += [BankDetailsReveal(payee_id=p, revealed_by=officer, purpose="export",
                                      batch=batch, account=masked[p]) for p in sorted(members)]
        if batch_index % 5 == 0:  # someone without the role tried to download it again
            reveals.append(BankDetailsReveal(revealed_by=organizer, purpose="download",
                                             outcome="refused", batch=batch))
    reveals += [BankDetailsReveal(payee_id=p, revealed_by=officer, purpose="reveal",
                                  account=masked[p]) for p in list(payees)[::7]]
    BankDetailsReveal.objects.bulk_create(reveals, batch_size=2000)
    return {"stipend requests": len(requests), "payout batches": len(batches),
            "bank details": len(details), "reveals": len(reveals)}


def _messages(program, rng: random.Random) -> int:
    """The emails the program would have sent: three per application (received,
    confirmation link, decision), five per mentorship (introductions, reminders)."""
    users = list(User.objects.filter(email__endswith=BULK_DOMAIN).values_list("pk", "email"))
    mentorships = list(_met(program).values_list("pk", "mentor__user__email",
                                                 "mentee__user__email"))
    rows = []
    kinds = [("application-received", "We received your application"),
             ("login-code", "Your sign-in code"), ("decision", "About your application")]
    for pk, email in users:
        for kind, subject in kinds:
            rows.append((kind, f"{kind}/user:{pk}", email, pk, subject))
    for pk, mentor, mentee in mentorships:
        rows += [("introduction", f"introduction/mentorship:{pk}/to:mentor", mentor, None,
                  "Meet your mentee"),
                 ("introduction", f"introduction/mentorship:{pk}/to:mentee", mentee, None,
                  "Meet your mentor"),
                 ("terms-nudge", f"terms-nudge/mentorship:{pk}", mentor, None,
                  "Record the first call's terms"),
                 ("meeting-nudge", f"meeting-nudge/mentorship:{pk}/n:0", mentor, None,
                  "No meeting logged for three weeks"),
                 ("meeting-nudge", f"meeting-nudge/mentorship:{pk}/n:1", mentor, None,
                  "No meeting logged for five weeks")]
    now = timezone.now()
    Message.objects.bulk_create([
        Message(kind=kind, occasion=occasion, recipient=to, user_id=user_id, program=program,
                subject=subject, body_text=f"{subject}.\n\nThe program team",
                status=MessageStatus.FAILED if rng.random() < 0.002 else MessageStatus.SENT,
                attempts=1, sent_at=now)
        for kind, occasion, to, user_id, subject in rows
    ], batch_size=5000)
    return len(rows)


def _erasure_requests(count: int) -> int:
    users = User.objects.filter(email__endswith=BULK_DOMAIN).order_by("-pk")[:count]
    ErasureRequest.objects.bulk_create(
        [ErasureRequest(user=u, reason="I no longer take part.") for u in users])
    return count


def _pair_rules(program, count: int, rng: random.Random) -> int:
    organizer = User.objects.get(email=ORGANIZER_EMAIL)
    mentees = list(eligible_mentees(program).filter(user__email__endswith=BULK_DOMAIN)
                   .order_by("pk")[:count])
    mentors = list(Mentor.objects.filter(program=program, is_active=True,
                                         user__email__endswith=BULK_DOMAIN).order_by("pk"))
    PairRule.objects.bulk_create([
        PairRule(program=program, mentee=mentee, mentor=rng.choice(mentors),
                 kind="forbid" if i % 4 else "lock", created_by=organizer)
        for i, mentee in enumerate(mentees)])
    return len(mentees)


def _baselines(program, rng: random.Random) -> int:
    """The baseline survey of each running mentorship, most of them answered."""
    made = 0
    for m in (_met(program).filter(status__in=[MentorshipStatus.ACTIVE, MentorshipStatus.PAUSED])
              .select_related("program", "mentee__user").order_by("pk")):
        invitation = surveys_demo._invitation(m, SurveyKind.MENTEE_BASELINE, m.start_date)
        if invitation and rng.random() < 0.8:
            surveys_demo._answer(invitation, surveys_demo._baseline_values(rng),
                                 m.start_date + timedelta(days=2))
        made += invitation is not None
    return made


def _superuser():
    user = User.objects.filter(email=SUPERUSER_EMAIL).first() or User.objects.create_superuser(
        email=SUPERUSER_EMAIL, password=None, name="Bench Superuser")
    user.groups.add(*Group.objects.filter(name__in=[ORGANIZERS, PAYMENTS_OFFICERS]))
    return user
