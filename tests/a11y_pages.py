"""Every page of every role, for the accessibility audits.

Shared by tests/test_browser_accessibility.py (axe-core in Chromium at 1280 and 390 px),
tests/test_html_validity.py (the Nu HTML Checker) and tests/test_accessibility_coverage.py,
which fails when a URL pattern of the project (walked from the resolver, the admin's every
registered model included) is neither visited here nor excused in EXCUSED with a reason.

A page is a path asked for by one person, then optionally the steps that send one of its
forms refused (a required field blanked, a number out of range): the page that comes back
with the errors is audited too. A step names the form by its action and the values to
change; the browser sets them in the real form and presses its button, the test client
posts them (tests/a11y_pages.post).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import timedelta
from importlib import import_module

from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from django.utils.timezone import localdate
from django_celery_beat.models import ClockedSchedule, SolarSchedule

from matching.demo_data import DEMO_MENTEE, DEMO_MENTOR, OFFICER_EMAIL, ORGANIZER_EMAIL, email_for
from matching.models import (
    Announcement,
    ApplicationUpdate,
    DecisionEmail,
    MeetingLog,
    Mentee,
    MenteeApplication,
    MentorApplication,
    Mentorship,
    MentorshipStatus,
    PairRule,
    Program,
    ResearchArea,
)
from matching.scoring import Weights
from matching.services.matching import pair_rule_set, run_matching
from matching.tokens import invitation_token, update_token
from mm_program.admin_history import NoVersionPagesAdmin
from mm_program.models import Erasure, Message, User
from mm_program.privacy.services import erasure_request_create
from mm_program.reminders import pause_token
from mm_program.roles import PAYMENTS_OFFICERS
from payments.models import BankDetails, StipendRequest
from surveys.dispatch import invite
from surveys.models import Answer, ProgramOutcomes, SurveyKind, SurveyTemplate
from surveys.tokens import survey_token

from .a11y_cohort import cohort_pages, cohort_people

ANONYMOUS, MENTEE, MENTOR = "anonymous", "mentee", "mentor"
ORGANIZER, OFFICER, SUPERUSER = "organizer", "payments officer", "superuser"

# The groups the browser audit runs as separate tests (side by side under pytest-xdist).
ADMIN_CHUNKS = 3
GROUPS = ("public", "mentee", "mentor", "organizer", "cohort",
          *(f"admin {n + 1}/{ADMIN_CHUNKS}" for n in range(ADMIN_CHUNKS)))

# URL patterns that are not pages a person reads, each with the reason. Everything else the
# resolver knows must be visited by catalog() (tests/test_accessibility_coverage.py).
EXCUSED = {
    "healthz": "a plain-text health check for the load balancer",
    "favicon.ico": "an image",
    "reminder_pause_one_click": "answers mail clients' RFC 8058 one-click POST, no page",
    "impact_export": "a CSV download",
    "impact_raw_answers": "a CSV or XLSX download",
    "privacy_export": "a JSON download",
    "admin:payments_payoutbatch_csv": "a CSV download",
    "admin:matching_matchingrun_status": "JSON polled by the run page's script",
    "admin:autocomplete": "JSON for the admin's autocomplete widgets",
    "admin:jsi18n": "JavaScript (the admin's translations)",
    "admin/(?P<url>.*)$": "the admin's catch-all: a redirect to the sign-in or a 404",
    "admin:logout": "POST only, redirects to the start page",
    "account_logout": "its confirmation page is the sign-out button every page has; a GET "
                      "by someone signed out redirects",
    "account_set_password": "redirects to the change-password page (audited) once a "
                            "password exists, and to the sign-in without an account",
    "account_reauthenticate": "only for password sign-in (superusers); asks the same form "
                              "as the sign-in page, which is audited",
    "account_request_reauthentication_code": "reached from a sensitive step only; the "
                                             "same code form as the sign-in (audited)",
    "account_confirm_reauthentication_code": "reached from a sensitive step only; the "
                                             "same code form as the sign-in (audited)",
    "admin:view_on_site": "a redirect to the object's own page on the site",
    "calendar_feed": "an iCalendar file for calendar apps",
    "admin:matching_announcement_send": "POST only: sends the draft, then returns to its "
                                        "page (audited, sent and unsent)",
    "meeting_restore": "POST only: Undo after a removal, which returns to the mentorship "
                       "page (audited)",
    **{name: "POST only: returns to a cohort page (audited, tests/a11y_cohort.py)"
       for name in ("cohort_listing_edit", "cohort_conflict", "cohort_pair_rule",
                    "cohort_run_store")},
    "cohort_task_file": "a download (a mentor's task for applicants), not a page",
    "cohort_submission_file": "a download (a submission's file), not a page",
    **{f"admin:matching_cohortpairrule_{page}": "the demo has no cohort pair rule to show "
       "(issue 19's admin landed after this audit)"
       for page in ("change", "delete", "history", "simple_history")},
    **{f"admin:matching_importsource_{page}": "the demo has no import to show (the "
       "imports landed after this audit)" for page in ("change", "delete", "history")},
    **{f"admin:{model}_simple_history": "no version pages (NoVersionPagesAdmin: they "
       "answer 404); the list of changes is audited"
       for model in ("matching_matchingrun", "payments_bankdetails")},
    "account_email_verification_sent": "redirects (signed out: to the sign-in; signed in: "
                                       "to the email page, audited)",
}


@dataclass(frozen=True)
class Submit:
    """Send the page's form whose action is `action` (None: the page's own address) with
    `values` changed: "" blanks a field (unticks radio buttons and checkboxes). `button`
    picks a submit button by its name and value; None presses the form's first one.
    `expect` is the status of the page that comes back (after redirects), `lands` the URL
    name of that page when it is not the form's own (checked by the audits)."""

    values: dict
    action: str | None = None
    button: tuple[str, str] | None = None
    expect: int = 400
    lands: str | None = None


@dataclass(frozen=True)
class Page:
    who: str
    path: str
    steps: tuple[Submit, ...] = ()
    status: int = 200
    # False when the same page was audited already and only its refusal is new.
    audit_first: bool = True
    group: str = ""

    @property
    def label(self) -> str:
        return f"{self.who} {self.path}"


@dataclass
class Demo:
    people: dict = field(default_factory=dict)
    ids: dict = field(default_factory=dict)


def seed() -> Demo:
    """The demo program (`seed_demo`), with what the pages need that it has no need for:
    a superuser, a matching run, a survey link, an answer update waiting for its owner.
    A browser test before this one (transactional) flushed the rows the migrations seed:
    they are put back first, as the migration does."""
    import_module("matching.migrations.0002_seed_areas_program_emails").seed(apps, None)
    call_command("seed_demo", force=True, stdout=io.StringIO())
    mentor = User.objects.get(email=email_for(DEMO_MENTOR))
    mentee = User.objects.get(email=email_for(DEMO_MENTEE))
    superuser = User.objects.create_superuser(email="root@example.org",
                                              password="a-long-test-password-42")
    superuser.groups.add(Group.objects.get(name=PAYMENTS_OFFICERS))
    program = Program.objects.order_by("created_at", "pk").first()
    m = Mentorship.objects.get(mentor__user=mentor, mentee__user=mentee,
                               status=MentorshipStatus.ACTIVE)
    invited = Mentorship.objects.filter(mentor__user=mentor,
                                        status=MentorshipStatus.INVITED).first()
    run = run_matching(program=program, weights=Weights(), threshold=0.0, by=superuser)
    survey = invite(mentorship=m, kind=SurveyKind.MENTEE_FINAL, send=False)
    pending = MenteeApplication.objects.filter(status="pending").first()
    update = ApplicationUpdate.objects.create(
        kind="mentee", application_id=pending.pk, data={"name": [pending.name]})
    # One of each object the admin lists that the demo has no need for.
    mentee_role = Mentee.objects.filter(program=program).exclude(user=mentee).first()
    forbid = pair_rule_set(program=program, mentee=mentee_role, mentor=m.mentor,
                           kind=PairRule.Kind.FORBID, by=superuser)
    alumnus = User.objects.filter(email__endswith="@alumni.example.org").first()
    erasure_request_create(user=alumnus, reason="Moving on.")
    Erasure.objects.create(scope=Erasure.Scope.APPLICATION, about="matching.x:0",
                           trigger=Erasure.Trigger.RETENTION)
    ClockedSchedule.objects.create(clocked_time=timezone.now())
    SolarSchedule.objects.create(event="sunrise", latitude=52.5, longitude=13.4)
    # A draft survey no one was sent yet (one with invitations can't be deleted).
    SurveyTemplate.objects.create(kind=SurveyKind.MENTOR_FINAL, program=program,
                                  is_current=False, title="Draft: mentors, a year on")
    # A program's own outcome settings (follow-up months, goal).
    ProgramOutcomes.objects.get_or_create(program=program)
    # A message that failed: its page offers "Send again".
    failed = Message.objects.order_by("pk").first()
    Message.objects.filter(pk=failed.pk).update(status="failed")
    # Rows made by migrations have no history yet: one change each gives them a version.
    for model in (Program, DecisionEmail, SurveyTemplate, PairRule, ProgramOutcomes):
        obj = model.objects.order_by("pk").first() if model is not PairRule else forbid
        obj.save()
    return Demo(
        people={MENTEE: mentee, MENTOR: mentor, SUPERUSER: superuser,
                ORGANIZER: User.objects.get(email=ORGANIZER_EMAIL),
                OFFICER: User.objects.get(email=OFFICER_EMAIL),
                **cohort_people(User.objects.get(email=OFFICER_EMAIL))},
        ids={"program": program, "m": m, "invited": invited, "run": run, "survey": survey,
             "update": update, "mentor_pk": m.mentor_id,
             "meeting": MeetingLog.objects.filter(mentorship=m, logged_by=mentor)
             .order_by("-pk").first(),
             "stipend": StipendRequest.objects.filter(payee=mentee).order_by("pk").first(),
             "mentee_application": MenteeApplication.objects.order_by("pk").first(),
             "mentor_application": MentorApplication.objects.order_by("pk").first(),
             "message": Message.objects.order_by("pk").first(),
             "bank": BankDetails.objects.order_by("pk").first(),
             "area": ResearchArea.objects.filter(is_active=True).order_by("position").first()},
    )


def catalog(demo: Demo) -> list[Page]:
    """Every page, by group: the public's, the participants', the organizers' (their own
    pages, then every admin page each staff role reaches, split into ADMIN_CHUNKS)."""
    pages = [*_public(demo), *_mentee(demo), *_mentor(demo), *_organizer(demo),
             *cohort_pages(demo, Page, MENTOR, ORGANIZER, ANONYMOUS)]
    admin_pages = _admin(demo)
    for n, page in enumerate(admin_pages):
        pages.append(_in_group(page, f"admin {n % ADMIN_CHUNKS + 1}/{ADMIN_CHUNKS}"))
    return pages


def _in_group(page: Page, group: str) -> Page:
    return Page(page.who, page.path, page.steps, page.status, page.audit_first, group)


def _public(demo: Demo) -> list[Page]:
    ids = demo.ids
    slug = ids["program"].slug
    invitation = reverse("invitation", args=[invitation_token(ids["invited"].pk)])
    survey = reverse("survey", args=[survey_token(ids["survey"])])
    pause = reverse("reminder_pause", args=[pause_token(demo.people[MENTOR].pk,
                                                        "meeting-nudge")])
    pages = [
        Page(ANONYMOUS, "/"),
        Page(ANONYMOUS, f"/programs/{slug}/"),
        Page(ANONYMOUS, "/apply/mentee/", (Submit({}),)),
        Page(ANONYMOUS, "/apply/mentor/", (Submit({}),)),
        Page(ANONYMOUS, f"/programs/{slug}/apply/mentee/", (Submit({"name": ""}),)),
        Page(ANONYMOUS, "/no-such-page/", status=404),
        Page(ANONYMOUS, reverse("apply_update_confirm", args=["not-a-token"]), status=404),
        # The answers sent again no longer pass the form: refused with the reasons.
        Page(ANONYMOUS, reverse("apply_update_confirm", args=[update_token(ids["update"].pk)]),
             (Submit({}),)),
        Page(ANONYMOUS, invitation, (Submit({"name": "", "goals": ""}),)),
        Page(ANONYMOUS, survey, (Submit({}, button=("action", "submit")),)),
        Page(ANONYMOUS, reverse("survey", args=["not-a-token"]), status=404),
        Page(ANONYMOUS, pause, (Submit({}, button=("action", "pause"), expect=200),)),
        Page(ANONYMOUS, "/accounts/login/", (Submit({"login": "not an address"}, expect=200),)),
        # A code is sent, then a wrong one typed.
        Page(ANONYMOUS, "/accounts/login/code/",
             (Submit({"email": email_for(DEMO_MENTEE)}, expect=200,
                     lands="account_confirm_login_code"),
              Submit({"code": "WRONG-CODE"}, expect=200))),
        Page(ANONYMOUS, "/accounts/inactive/"),
        Page(ANONYMOUS, "/accounts/signup/"),
        Page(ANONYMOUS, "/accounts/password/reset/", (Submit({"email": "nope"}, expect=200),)),
        Page(ANONYMOUS, "/accounts/password/reset/done/"),
        Page(ANONYMOUS, "/accounts/password/reset/key/1-not-a-key/"),
        Page(ANONYMOUS, "/accounts/password/reset/key/done/"),
        # The thanks page after a real application (it reads the answers from a cookie).
        Page(ANONYMOUS, "/apply/mentee/", (Submit({**VALID_MENTEE_APPLICATION,
                                                   "research_areas": str(ids["area"].pk)},
                                                  expect=200,
                                                  lands="apply_thanks"),),
             audit_first=False),
    ]
    return [_in_group(page, "public") for page in pages]


# A mentee application that passes (the thanks page).
VALID_MENTEE_APPLICATION = {
    "name": "Ada Lovelace", "email": "ada.a11y@example.org", "timezone": "Europe/London",
    "occupation": "masters", "field_of_study": "Mathematics",
    "goals": "Write a distillation of a mech interp paper.", "hours_per_week": "8",
    "fulltime_intent": "yes",
}


def _participant_common(who: str, demo: Demo) -> list[Page]:
    m = demo.ids["m"]
    return [
        Page(who, "/dashboard/"),
        Page(who, f"/mentorships/{m.pk}/"),
        Page(who, f"/mentorships/{m.pk}/terms/", (Submit({"hours_per_week": "-1"}),)),
        Page(who, f"/mentorships/{m.pk}/project/", (Submit({"title": "", "kind": ""}),)),
        Page(who, "/stipends/"),
        Page(who, "/privacy/"),
        Page(who, "/calendar/"),
        Page(who, "/accounts/email/"),
        Page(who, "/accounts/password/change/"),
        Page(who, "/organizers/impact/", status=403),
    ]


def _mentee(demo: Demo) -> list[Page]:
    ids = demo.ids
    m, stipend = ids["m"], ids["stipend"]
    today = localdate()
    pages = [
        *_participant_common(MENTEE, demo),
        Page(MENTEE, "/stipends/new/", status=200),
        Page(MENTEE, f"/stipends/new/{m.pk}/",
             (Submit({"hours": "-3", "period_end": (today + timedelta(days=9)).isoformat(),
                      "justification": ""}),)),
        Page(MENTEE, f"/stipends/{stipend.pk}/"),
        Page(MENTEE, "/stipends/bank-details/", (Submit({"bank-iban": "DE00 1234"}),)),
        Page(MENTEE, f"/mentorships/{m.pk}/",
             (Submit({f"log-{m.pk}-minutes": "-5"}, action=f"/mentorships/{m.pk}/meetings/"),),
             audit_first=False),
    ]
    return [_in_group(page, "mentee") for page in pages]


def _mentor(demo: Demo) -> list[Page]:
    ids = demo.ids
    m, invited, mentor_pk = ids["m"], ids["invited"], ids["mentor_pk"]
    log = f"/mentorships/{m.pk}/meetings/"
    add = f"/mentoring/{mentor_pk}/add/"
    pages = [
        *_participant_common(MENTOR, demo),
        Page(MENTOR, f"/mentorships/{m.pk}/end/", (Submit({"action": "early"}),)),
        Page(MENTOR, f"/mentorships/{m.pk}/end/?action=early",
             (Submit({"early-reason": ""}),)),
        Page(MENTOR, f"/mentorships/{invited.pk}/"),
        # The dashboard's one-line forms, each refused once.
        Page(MENTOR, "/dashboard/", (Submit({f"log-{m.pk}-minutes": "", f"log-{m.pk}-on_track":
                                            ""}, action=log),), audit_first=False),
        Page(MENTOR, "/dashboard/", (Submit({f"add-{mentor_pk}-email": "not an address"},
                                            action=add),), audit_first=False),
        Page(MENTOR, "/dashboard/", (Submit({"capacity": "many"},
                                            action=f"/mentoring/{mentor_pk}/capacity/",
                                            expect=200),), audit_first=False),
        Page(MENTOR, f"/mentorships/{m.pk}/", (Submit({f"log-{m.pk}-minutes": ""}, action=log),),
             audit_first=False),
        # What follows changes the demo: last.
        Page(MENTOR, f"/mentorships/{m.pk}/",
             (Submit({}, action=f"/mentorships/{m.pk}/meetings/{ids['meeting'].pk}/remove/",
                     expect=200),), audit_first=False),
        Page(MENTOR, f"/mentorships/{invited.pk}/",
             (Submit({}, action=f"/mentorships/{invited.pk}/withdraw/", expect=200),),
             audit_first=False),
        Page(MENTOR, f"/mentorships/{m.pk}/",
             (Submit({}, action=f"/mentorships/{m.pk}/pause/", button=("action", "pause"),
                     expect=200),), audit_first=False),
    ]
    return [_in_group(page, "mentor") for page in pages]


def _organizer(demo: Demo) -> list[Page]:
    program = demo.ids["program"]
    pages = [
        Page(ORGANIZER, "/organizers/impact/"),
        Page(ORGANIZER, f"/organizers/impact/?program={program.slug}"),
        Page(ORGANIZER, "/organizers/impact/report/"),
        Page(ORGANIZER, "/dashboard/"),
    ]
    # One question's free-text answers, as the dashboard links them, and searched.
    text = (Answer.objects.filter(response__submitted_at__isnull=False).exclude(text="")
            .select_related("question", "response__invitation").first())
    answers = reverse("impact_answers", args=[text.response.invitation.kind,
                                              text.question.key])
    pages += [Page(ORGANIZER, answers), Page(ORGANIZER, f"{answers}?q=a")]
    return [_in_group(page, "organizer") for page in pages]


def _admin(demo: Demo) -> list[Page]:
    """The admin's own pages and every registered model's, for each staff role that may
    see them; a model neither organizers nor payments officers see, for a superuser."""
    ids = demo.ids
    run, stipend = ids["run"], ids["stipend"]
    pages = [
        Page(ANONYMOUS, "/admin/login/", status=200),
        Page(ORGANIZER, "/admin/"),
        Page(OFFICER, "/admin/"),
        Page(SUPERUSER, "/admin/"),
        Page(SUPERUSER, "/admin/password_change/", (Submit({"old_password": ""}, expect=200),)),
        Page(SUPERUSER, "/admin/password_change/done/"),
        Page(SUPERUSER, f"/admin/mm_program/user/{demo.people[MENTEE].pk}/password/",
             (Submit({"password1": "short", "password2": "other"}, expect=200),)),
        # Decisions, moves and erasure ask first, on pages of their own.
        Page(ORGANIZER, "/admin/matching/menteeapplication/decide/"
             f"?ids={ids['mentee_application'].pk}&decision=redirect"),
        Page(ORGANIZER, "/admin/matching/mentorapplication/decide/"
             f"?ids={ids['mentor_application'].pk}&decision=decline"),
        Page(ORGANIZER, f"/admin/matching/mentorship/move/?to=end_early&ids={ids['m'].pk}"),
        Page(OFFICER, f"/admin/payments/stipendrequest/move/?to=reject&ids={stipend.pk}"),
        Page(SUPERUSER, f"/admin/mm_program/erasurerequest/erase/?users={demo.people[MENTEE].pk}"),
        Page(ORGANIZER, "/admin/mm_program/message/preview/"),
        Page(ORGANIZER, "/admin/attention/"),
        Page(ORGANIZER, f"/admin/mm_program/message/{ids['message'].pk}/change/",
             (Submit({}, action=f"/admin/mm_program/message/{ids['message'].pk}/resend/",
                     expect=200),), audit_first=False),
        # The matching run: its page, a pair explained, a refused lock, re-run, approve.
        Page(ORGANIZER, f"/admin/matching/matchingrun/{run.pk}/change/?mentee=1&mentor=1"),
        Page(ORGANIZER, f"/admin/matching/matchingrun/{run.pk}/change/",
             (Submit({"mentee": "", "mentor": ""},
                     action=f"/admin/matching/matchingrun/{run.pk}/rule/"),),
             audit_first=False),
        Page(ORGANIZER, f"/admin/matching/matchingrun/{run.pk}/change/",
             (Submit({}, action=f"/admin/matching/matchingrun/{run.pk}/approve/",
                     expect=200),), audit_first=False),
        Page(ORGANIZER, f"/admin/matching/matchingrun/{run.pk}/change/",
             (Submit({}, action=f"/admin/matching/matchingrun/{run.pk}/rerun/",
                     expect=200),), audit_first=False),
    ]
    # An organizer invites another (the form, and sent with no address).
    pages.append(Page(ORGANIZER, f"/admin/matching/program/{ids['program'].pk}/invite/",
                      (Submit({"email": ""}),)))
    # A sent announcement's page (the list's first is the demo's draft, with its preview).
    sent = Announcement.objects.filter(sent_at__isnull=False).order_by("pk").first()
    pages.append(Page(ORGANIZER, f"/admin/matching/announcement/{sent.pk}/change/"))
    # A payments officer reveals full bank details (a logged POST): the page shows them.
    bank = ids["bank"]
    pages.append(Page(OFFICER, f"/admin/payments/bankdetails/{bank.pk}/change/",
                      (Submit({}, action=f"/admin/payments/bankdetails/{bank.pk}/reveal/",
                              expect=200),), audit_first=False))
    for who in (ORGANIZER, OFFICER, SUPERUSER):
        pages += _model_pages(who, demo)
    return pages


def _model_pages(who: str, demo: Demo) -> list[Page]:
    """Every admin page of every model `who` sees and no earlier role saw (a superuser
    only gets what neither organizers nor payments officers see): the app's index, the
    list, the add form and the add form sent blank, an object's change form, its delete
    confirmation, its history and a past version."""
    user = demo.people[who]
    earlier = [demo.people[role] for role in (ORGANIZER, OFFICER)
               if demo.people[role] != user and who == SUPERUSER]
    pages, apps = [], set()
    for model, model_admin in admin.site._registry.items():
        request = _request(user)
        if not model_admin.has_view_permission(request):
            continue
        if any(model_admin.has_view_permission(_request(other)) for other in earlier):
            continue
        opts = model._meta
        base = f"/admin/{opts.app_label}/{opts.model_name}/"
        apps.add(opts.app_label)
        pages.append(Page(who, base))
        if hasattr(model_admin, "import_action"):  # django-import-export's import page
            pages.append(Page(who, f"{base}import/"))
        if model_admin.has_add_permission(request):
            pages.append(Page(who, f"{base}add/", (Submit({}, expect=200),)))
        obj = model_admin.get_queryset(request).order_by("pk").first()
        if obj is None:
            continue
        pages.append(Page(who, f"{base}{obj.pk}/change/"))
        deletable = next((each for each in model_admin.get_queryset(request).order_by("pk")[:50]
                          if model_admin.has_delete_permission(request, each)), None)
        if deletable is not None:
            pages.append(Page(who, f"{base}{deletable.pk}/delete/"))
        pages.append(Page(who, f"{base}{obj.pk}/history/"))
        history = getattr(obj, "history", None)
        shows_versions = (hasattr(model_admin, "history_form_view")
                          and not isinstance(model_admin, NoVersionPagesAdmin))
        version = (history.order_by("history_id").first()
                   if history is not None and shows_versions else None)
        if version is not None:
            pages.append(Page(who, f"{base}{obj.pk}/history/{version.history_id}/"))
    pages += [Page(who, f"/admin/{app}/") for app in sorted(apps)]
    return pages


def _request(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return request
