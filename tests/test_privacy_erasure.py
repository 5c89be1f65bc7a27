"""Erasing a person: after it, no table (history included) holds their name or address,
they cannot sign in, the program's figures and payment records stay, and it is all or
nothing."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from matching.models import ApplicationUpdate, MenteeApplication, Mentor, Mentorship
from mm_program.models import Erasure, ErasureRequest, Message
from mm_program.privacy.services import erasure_request_create, person_erase
from mm_program.reminders import scan
from payments.models import BankDetails, StipendRequest
from surveys.impact import queries
from surveys.impact.figures import Figures
from surveys.models import Answer, QuestionType

from .demo_once import demo_once
from .test_payments_demo import dump_database

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("deliver_at_once")]

User = get_user_model()


_demo_seeded_once = demo_once(deliver_at_once=True)


@pytest.fixture
def demo(_demo_seeded_once, db):
    """The demo as `seed_demo` leaves it, seeded once for the module (tests/demo_once.py)."""


@pytest.fixture
def organizer_user(demo):
    return User.objects.get(email="organizer@example.org")


def person(email):
    return User.objects.get(email=email)


def traces(user) -> list[str]:
    """The strings that must vanish: the name and every address the person used."""
    found = {user.email, user.name}
    found |= set(EmailAddress.objects.filter(user=user).values_list("email", flat=True))
    found |= set(MenteeApplication.objects.filter(user=user).values_list("email", flat=True))
    return sorted(value.lower() for value in found if value)


@pytest.mark.parametrize("email", [
    "ana.costa@example.org",  # mentee: bank details, a paid stipend, meetings, emails
    "amara.okafor@example.org",  # mentor of many: introductions and reminders to others
    "zara.ahmed@example.org",  # named in a mentor's conflicts of interest
    "aisha.bello@alumni.example.org",  # an alumna with answered surveys
])
def test_no_table_holds_the_erased_persons_name_or_address(demo, organizer_user, email,
                                                           client):
    ana = person(email)
    client.force_login(ana)  # a live session, which must go too
    found = traces(ana)
    assert all(value in dump_database().lower() for value in found)

    person_erase(user=ana, by=organizer_user)

    dump = dump_database().lower()
    leftovers = [value for value in found if value in dump]
    assert leftovers == []


def test_the_erased_person_cannot_sign_in_any_more(demo, organizer_user):
    ana = person("ana.costa@example.org")
    browser = Client()
    browser.force_login(ana)
    assert browser.get(reverse("dashboard")).status_code == 200

    person_erase(user=ana, by=organizer_user)

    ana.refresh_from_db()
    assert ana.email == f"erased-{ana.pk}@invalid.example"
    assert (ana.name, ana.is_active, ana.has_usable_password()) == ("(erased)", False, False)
    assert not EmailAddress.objects.filter(user=ana).exists()
    assert not Session.objects.exists()
    # The old session is gone: the dashboard asks for sign-in again.
    response = browser.get(reverse("dashboard"))
    assert response.status_code == 302 and response.url.startswith(reverse("account_login"))
    # And a sign-in code asked for the old address finds no account to sign in to.
    Message.objects.all().delete()
    Client().post(reverse("account_request_login_code"),
                  {"email": "ana.costa@example.org"})
    assert list(Message.objects.values_list("kind", "user")) == [("account", None)]


def test_payment_records_stay_without_personal_fields(demo, organizer_user):
    ana = person("ana.costa@example.org")
    before = list(StipendRequest.objects.filter(payee=ana).order_by("pk").values_list(
        "pk", "amount", "hours", "rate", "period_start", "period_end", "status",
        "payment_reference", "paid_on"))
    assert any(row[6] == "paid" for row in before)

    person_erase(user=ana, by=organizer_user)

    after = StipendRequest.objects.filter(payee=ana).order_by("pk")
    assert list(after.values_list(
        "pk", "amount", "hours", "rate", "period_start", "period_end", "status",
        "payment_reference", "paid_on")) == before
    assert set(after.values_list("justification", flat=True)) == {""}
    assert set(after.values_list("paid_to", flat=True)) == {""}
    assert not BankDetails.objects.filter(user=ana).exists()
    # The change history keeps the moves (who, when, which status), not the words.
    history = StipendRequest.history.filter(payee=ana)
    assert history.exists()
    assert set(history.values_list("justification", flat=True)) == {""}
    assert not BankDetails.history.filter(user=ana).exclude(masked="").exists()


def test_survey_answers_stay_anonymous_and_the_impact_figures_do_not_move(demo,
                                                                            organizer_user):
    alumni = list(User.objects.filter(email__endswith="@alumni.example.org",
                                      survey_invitations__response__submitted_at__isnull=False)
                  .distinct()[:5])
    assert len(alumni) == 5
    figures_before = Figures(queries.load()).all()
    numbers_before = Answer.objects.filter(number__isnull=False).count()

    for alumnus in alumni:
        person_erase(user=alumnus, by=organizer_user)

    assert Figures(queries.load()).all() == figures_before
    assert Answer.objects.filter(number__isnull=False).count() == numbers_before
    theirs = Answer.objects.filter(response__invitation__person__in=alumni)
    assert theirs.filter(number__isnull=False).exists()
    assert not theirs.filter(question__type__in=[QuestionType.SHORT_TEXT,
                                                 QuestionType.LONG_TEXT]).exclude(text="")
    # The mentors' free text about these mentees goes too; their numbers stay.
    about_them = Answer.objects.filter(response__invitation__mentorship__mentee__user__in=alumni,
                                       response__invitation__kind="mentor_final")
    assert about_them.filter(number__isnull=False).exists()
    assert not about_them.filter(question__type=QuestionType.LONG_TEXT).exclude(text="")


def test_the_other_side_keeps_their_mentorship_and_the_erasure_is_recorded(demo,
                                                                           organizer_user):
    amara = person("amara.okafor@example.org")
    request, _ = erasure_request_create(user=amara, reason="Please remove me.")
    mentorships = set(Mentorship.objects.filter(mentor__user=amara).values_list(
        "pk", "status", "start_date"))

    erasure = person_erase(user=amara, by=organizer_user, request=request)

    assert set(Mentorship.objects.filter(mentor__user=amara).values_list(
        "pk", "status", "start_date")) == mentorships
    assert not Mentor.objects.filter(user=amara, is_active=True).exists()
    assert (erasure.trigger, erasure.scope, erasure.about) == (
        "request", "person", f"mm_program.user:{amara.pk}")
    assert erasure.performed_by == organizer_user and erasure.request == request
    assert erasure.counts["mentorships"] == len(mentorships)
    request.refresh_from_db()
    assert (request.status, request.reason, request.closed_by) == ("done", "",
                                                                    organizer_user)


def test_reminders_due_to_an_erased_person_go_nowhere(demo, organizer_user):
    elif_ = person("elif.yilmaz@example.org")  # her mentorship ends this month
    person_erase(user=elif_, by=organizer_user)
    Message.objects.all().delete()

    scan()

    ending = Message.objects.filter(kind="end-reminder")
    # Her mentor still hears of the end; she is sent nothing, under no address.
    assert list(ending.values_list("recipient", flat=True)) == ["lucas.moreau@example.org"]
    assert ending.get().subject.startswith("Your mentorship with (erased) ends")
    assert not Message.objects.filter(recipient__endswith="@invalid.example").exists()
    assert not Message.objects.filter(user=elif_).exists()


def test_a_failure_halfway_leaves_everything_as_it_was(demo, organizer_user, monkeypatch):
    ana = person("ana.costa@example.org")
    dump_before = dump_database()

    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr("mm_program.privacy.services._scrub_copies", broken)
    with pytest.raises(RuntimeError):
        person_erase(user=ana, by=organizer_user)

    assert dump_database() == dump_before
    assert not Erasure.objects.exists()


def test_a_staff_account_or_an_erased_one_is_refused(demo, organizer_user):
    officer = person("payments@example.org")
    with pytest.raises(ValidationError, match="staff"):
        person_erase(user=officer, by=organizer_user)
    ana = person("ana.costa@example.org")
    person_erase(user=ana, by=organizer_user)
    with pytest.raises(ValidationError, match="already erased"):
        person_erase(user=ana, by=organizer_user)
    assert Erasure.objects.count() == 1


def test_open_requests_are_closed_and_held_answers_forgotten(demo, organizer_user):
    greta = person("greta.nilsson@example.org")  # a pending application
    app = MenteeApplication.objects.get(user=greta)
    ApplicationUpdate.objects.create(kind="mentee", application_id=app.pk,
                                     data={"name": ["Greta Nilsson"], "goals": ["New goals"]})
    ErasureRequest.objects.create(user=greta)

    person_erase(user=greta, by=organizer_user)

    app.refresh_from_db()
    assert (app.name, app.goals, app.status) == ("(erased)", "", "pending")
    assert app.hours_per_week == 4 and app.occupation == "bachelors"
    assert not ApplicationUpdate.objects.filter(application_id=app.pk).exists()
    assert not ErasureRequest.objects.filter(user=greta, status="open").exists()


def test_history_of_rows_deleted_before_the_erasure_is_cleared_too(demo, organizer_user):
    ana = person("ana.costa@example.org")
    # Her bank details were removed some time ago: only their history is left.
    BankDetails.objects.filter(user=ana).delete()
    assert BankDetails.history.filter(user=ana, history_type="-").exclude(masked="").exists()

    person_erase(user=ana, by=organizer_user)

    assert not BankDetails.history.filter(user=ana).exclude(masked="").exists()
    assert not BankDetails.history.filter(user=ana).exclude(country="").exists()


def test_what_others_wrote_in_their_mentorships_loses_the_first_name_too(demo,
                                                                         organizer_user):
    from matching.models import MeetingLog

    amara = person("amara.okafor@example.org")
    theirs = Mentorship.objects.filter(mentor__user=amara).select_related("mentee__user")
    mentorship = theirs.filter(mentee__isnull=False).first()
    mentee = mentorship.mentee.user
    note = MeetingLog.objects.create(
        mentorship=mentorship, minutes=30, on_track="yes", logged_by=mentee,
        note="Amara's tip: ask Amara Okafor about evals; amaranth is a plant.")
    elsewhere = MeetingLog.objects.create(
        mentorship=Mentorship.objects.exclude(mentor__user=amara).first(), minutes=30,
        on_track="yes", note="Amara from the reading group joined.")
    answer = (Answer.objects.filter(response__invitation__mentorship__in=theirs,
                                    question__type=QuestionType.LONG_TEXT)
              .exclude(response__invitation__person=amara).first())
    Answer.objects.filter(pk=answer.pk).update(text="Amara was generous with her time.")
    stipend = StipendRequest.objects.filter(mentorship__in=theirs).first()
    StipendRequest.objects.filter(pk=stipend.pk).update(
        justification="Hours agreed with Amara.")

    erasure = person_erase(user=amara, by=organizer_user)

    note.refresh_from_db()
    assert note.note == "[erased]'s tip: ask [erased] about evals; amaranth is a plant."
    elsewhere.refresh_from_db()
    assert elsewhere.note == "Amara from the reading group joined."  # could be anyone
    answer.refresh_from_db()
    assert answer.text == "[erased] was generous with her time."
    stipend.refresh_from_db()
    assert stipend.justification == "Hours agreed with [erased]."
    assert erasure.counts["texts_by_others"] >= 3
