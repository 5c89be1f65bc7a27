"""The services every mentorship write goes through: status moves, capacity, signals sent
on commit, and the emails (with links that land on the right page)."""

import re
from datetime import timedelta
from html import unescape

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse

from matching import signals
from matching.models import (
    TRANSITIONS,
    MeetingLog,
    Mentorship,
    MentorshipSource,
    MentorshipStatus,
)
from matching.services import mentorships as services

from .factories import MenteeFactory, MentorFactory, MentorshipFactory
from .helpers import today

S = MentorshipStatus
URL = re.compile(r"https?://\S+")


@pytest.fixture
def grace(program):
    return MentorFactory(program=program, capacity=2, user__name="Grace Hopper",
                         user__email="grace@example.org")


@pytest.fixture
def ada(program):
    return MenteeFactory(program=program, user__name="Ada Lovelace",
                         user__email="ada@example.org")


def mentorship_in(status, program, **extra):
    fields = {"start_date": today() - timedelta(days=40)}
    if status in (S.COMPLETED, S.ENDED_EARLY):
        fields["ended_on"] = today() - timedelta(days=1)
    if status == S.ENDED_EARLY:
        fields["end_reason"] = "fit"
    return MentorshipFactory(program=program, status=status, **{**fields, **extra})


# Each target status and the service calls that move a mentorship there.
MOVERS = {
    S.ACTIVE: {
        "accept": lambda m: services.invitation_accept(
            mentorship=m, name="Ada", timezone_name="Europe/London", goals="Evals"),
        "resume": lambda m: services.mentorship_resume(mentorship=m),
    },
    S.PAUSED: {"pause": lambda m: services.mentorship_pause(mentorship=m)},
    S.COMPLETED: {"complete": lambda m: services.mentorship_complete(
        mentorship=m, next_steps=["job"], notes="Applying")},
    S.ENDED_EARLY: {"end early": lambda m: services.mentorship_end_early(
        mentorship=m, reason="mentee_time")},
    S.DECLINED: {"decline": lambda m: services.invitation_decline(mentorship=m)},
    S.INVITED: {},  # only ever created so
}
ALLOWED = [(src, dst) for src, targets in TRANSITIONS.items() for dst in sorted(targets)]
REFUSED = [(src, dst) for src in S.values for dst in S.values
           if dst not in TRANSITIONS[src] and MOVERS[dst]]


def test_the_tables_cover_every_status():
    assert set(TRANSITIONS) == set(S.values)
    assert set(MOVERS) == set(S.values)
    for status in S.values:
        assert not Mentorship(status=status).can_move_to(S.INVITED)


@pytest.mark.parametrize(("src", "dst"), ALLOWED)
def test_every_allowed_move_is_made(program, src, dst):
    m = mentorship_in(src, program)
    mover = "accept" if (src, dst) == (S.INVITED, S.ACTIVE) else \
        "resume" if (src, dst) == (S.PAUSED, S.ACTIVE) else next(iter(MOVERS[dst]))
    MOVERS[dst][mover](m)
    m.refresh_from_db()
    assert m.status == dst
    if dst in (S.COMPLETED, S.ENDED_EARLY):
        assert m.ended_on == today()


@pytest.mark.parametrize(("src", "dst"), REFUSED)
def test_every_other_move_is_refused_with_a_message(program, src, dst):
    m = mentorship_in(src, program)
    before = Mentorship.objects.filter(pk=m.pk).values().get()
    for name, move in MOVERS[dst].items():
        with pytest.raises(ValidationError) as caught:
            move(m)
        message = " ".join(caught.value.messages)
        assert len(message) > 20, (name, message)
        assert Mentorship.objects.filter(pk=m.pk).values().get() == before


def test_a_refusal_says_what_the_mentorship_is(program):
    m = mentorship_in(S.COMPLETED, program)
    with pytest.raises(ValidationError, match="This mentorship is completed; it cannot "
                                              "become paused."):
        services.mentorship_pause(mentorship=m)
    with pytest.raises(ValidationError, match="already been answered"):
        services.invitation_accept(mentorship=m, name="", timezone_name="UTC", goals="")
    with pytest.raises(ValidationError, match="Only a paused mentorship can be resumed"):
        services.mentorship_resume(mentorship=mentorship_in(S.ACTIVE, program))


# --- Capacity ----------------------------------------------------------------------------

def create(mentor, mentee=None, **kwargs):
    mentee = mentee or MenteeFactory(program=mentor.program)
    return services.mentorship_create(mentor=mentor, mentee=mentee,
                                      source=MentorshipSource.ORGANIZER, **kwargs)


def test_a_full_mentor_is_refused(grace):
    create(grace)
    create(grace)
    with pytest.raises(ValidationError, match=r"Grace Hopper is at capacity \(2 of 2 mentees\)"):
        create(grace)
    assert Mentorship.objects.count() == 2


def test_paused_and_invited_mentorships_still_hold_a_place(grace):
    services.mentorship_pause(mentorship=create(grace))
    services.mentorship_invite(mentor=grace, name="Bob", email="bob@example.org",
                               start_date=today())
    assert services.mentor_load(grace) == 2
    with pytest.raises(ValidationError, match="at capacity"):
        create(grace)


@pytest.mark.parametrize("end", ["complete", "end early", "decline"])
def test_an_ended_mentorship_frees_a_place(grace, end):
    first = create(grace) if end != "decline" else services.mentorship_invite(
        mentor=grace, name="Bob", email="bob@example.org", start_date=today())
    create(grace)
    with pytest.raises(ValidationError):
        create(grace)
    {"complete": MOVERS[S.COMPLETED]["complete"], "end early": MOVERS[S.ENDED_EARLY]["end early"],
     "decline": MOVERS[S.DECLINED]["decline"]}[end](first)
    assert services.mentor_load(grace) == 1
    create(grace)
    assert services.mentor_load(grace) == 2


def test_one_live_mentorship_per_pair(grace, ada):
    create(grace, ada)
    with pytest.raises(ValidationError, match="Grace Hopper and Ada Lovelace already have a "
                                              "mentorship"):
        create(grace, ada)


def test_an_inactive_mentor_is_refused(grace):
    grace.is_active = False
    grace.save()
    with pytest.raises(ValidationError, match="not an active mentor"):
        create(grace)


def test_a_mentor_cannot_invite_themselves(grace):
    with pytest.raises(ValidationError, match="your own email address"):
        services.mentorship_invite(mentor=grace, name="Me", email=" GRACE@example.org ",
                                   start_date=today())


# --- Signals -----------------------------------------------------------------------------

@pytest.fixture
def received():
    events = []

    def on_started(sender, mentorship, **kwargs):
        events.append(("started", mentorship.pk))

    def on_ended(sender, mentorship, **kwargs):
        events.append(("ended", mentorship.pk))

    signals.mentorship_started.connect(on_started)
    signals.mentorship_ended.connect(on_ended)
    yield events
    signals.mentorship_started.disconnect(on_started)
    signals.mentorship_ended.disconnect(on_ended)


def test_started_is_sent_on_commit(grace, ada, received, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        m = create(grace, ada)
        assert received == []  # nothing before the transaction commits
    assert received == []
    for callback in callbacks:
        callback()
    assert received == [("started", m.pk)]


def test_an_invitation_starts_when_confirmed(grace, received,
                                             django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        m = services.mentorship_invite(mentor=grace, name="Bob", email="bob@example.org",
                                       start_date=today())
    assert received == []
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_accept(mentorship=m, name="Bob", timezone_name="UTC",
                                   goals="Evals")
    assert received == [("started", m.pk)]


@pytest.mark.parametrize("end", ["complete", "end early"])
def test_ended_is_sent_on_commit(program, received, django_capture_on_commit_callbacks, end):
    m = mentorship_in(S.ACTIVE, program)
    target = S.COMPLETED if end == "complete" else S.ENDED_EARLY
    with django_capture_on_commit_callbacks() as callbacks:
        MOVERS[target][end](m)
    assert received == []
    for callback in callbacks:
        callback()
    assert received == [("ended", m.pk)]


def test_no_signal_for_a_refused_move(program, received, django_capture_on_commit_callbacks):
    m = mentorship_in(S.COMPLETED, program)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        services.mentorship_end_early(mentorship=m, reason="fit")
    assert received == []


# --- Emails and their links --------------------------------------------------------------

def path_of(url: str) -> str:
    assert url.startswith(settings.SITE_URL)
    return url[len(settings.SITE_URL):]


def links(message) -> list[str]:
    html = message.alternatives[0][0]
    return [unescape(u) for u in re.findall(r'href="(https?://[^"]+)"', html)]


def test_the_introduction_goes_to_both_sides_with_a_link_to_the_mentorship(
    grace, ada, client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        m = create(grace, ada)
    detail = reverse("mentorship_detail", args=[m.pk])
    # (The mentee's baseline survey follows the introduction; surveys test it.)
    by_address = {message.to[0]: message for message in mailoutbox
                  if "Meet your" in message.subject}
    assert set(by_address) == {"grace@example.org", "ada@example.org"}
    assert "Meet your mentee, Ada Lovelace" in by_address["grace@example.org"].subject
    assert "Meet your mentor, Grace Hopper" in by_address["ada@example.org"].subject
    for address, person, other in (("grace@example.org", grace.user, "Ada Lovelace"),
                                   ("ada@example.org", ada.user, "Grace Hopper")):
        message = by_address[address]
        text_url = URL.search(message.body.split("records it here:")[1]).group(0)
        assert path_of(text_url) == detail
        assert settings.SITE_URL + detail in links(message)
        # The link lands on the mentorship page, for that person once signed in.
        client.force_login(person)
        response = client.get(path_of(text_url))
        assert response.status_code == 200
        assert f"Your mentorship with {other}" in response.content.decode()
    # ...and for a visitor who isn't signed in, on the sign-in page that leads back there.
    client.logout()
    response = client.get(detail)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert "next=" in response.url


def test_the_invitation_email_links_to_the_invitation_page(
    grace, client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        m = services.mentorship_invite(mentor=grace, name="Bob Builder",
                                       email="Bob@Example.org", start_date=today())
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["bob@example.org"]
    assert message.subject == "An invitation to a mentorship in AI Safety Mentors and Mentees"
    assert 'Mentor: "Grace Hopper"' in message.body
    url = URL.search(message.body).group(0)
    assert path_of(url).startswith("/invitation/")
    assert url in links(message)
    response = client.get(path_of(url))
    assert response.status_code == 200
    page = unescape(response.content.decode())
    assert "Grace Hopper invited you to be their mentee" in page
    # Confirming from the email's link sends the introduction, self-found wording.
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(path_of(url), {"name": "Bob Builder", "timezone": "UTC",
                                              "goals": "Evals"})
    assert response.status_code == 302
    assert response.url == reverse("mentorship_detail", args=[m.pk])
    by_address = {message.to[0]: message for message in mailoutbox
                  if "quick ratings" not in message.subject}  # the baseline survey
    assert "Bob Builder confirmed your invitation" in by_address["grace@example.org"].body
    assert "now mentor and mentee" in by_address["bob@example.org"].body


def test_an_invitation_sends_no_introduction_yet(grace, mailoutbox,
                                                django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        m = services.mentorship_invite(mentor=grace, name="Bob", email="bob@example.org",
                                       start_date=today())
    assert [message.to for message in mailoutbox] == [["bob@example.org"]]
    assert m.introduced_at is None


def test_nothing_is_emailed_when_a_creation_is_refused(grace, mailoutbox,
                                                      django_capture_on_commit_callbacks):
    create(grace)
    create(grace)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        services.mentorship_invite(mentor=grace, name="Bob", email="bob@example.org",
                                   start_date=today())
    assert mailoutbox == []
    assert not Mentorship.objects.filter(mentee__user__email="bob@example.org").exists()


# --- Meetings and terms ------------------------------------------------------------------

@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"meeting_date": "tomorrow"}, "can't be in the future"),
        ({"meeting_date": "before"}, "before the mentorship started"),
        ({"minutes": 0}, "greater than or equal to 1"),
        ({"minutes": 481}, "less than or equal to 480"),
        ({"on_track": "maybe"}, "not a valid choice"),
    ],
)
def test_a_bad_meeting_is_refused(program, kwargs, message):
    m = mentorship_in(S.ACTIVE, program)
    dates = {"tomorrow": today() + timedelta(days=1),
             "before": m.start_date - timedelta(days=1)}
    values = {"minutes": 30, "on_track": "yes", **kwargs}
    values = {k: dates.get(v, v) if isinstance(v, str) else v for k, v in values.items()}
    with pytest.raises(ValidationError, match=message):
        services.meeting_log(mentorship=m, by=m.mentor.user, **values)
    assert MeetingLog.objects.count() == 0


@pytest.mark.parametrize("status", [S.INVITED, S.COMPLETED, S.ENDED_EARLY, S.DECLINED])
def test_meetings_and_terms_only_while_running(program, status):
    m = mentorship_in(status, program)
    with pytest.raises(ValidationError, match="no longer be logged"):
        services.meeting_log(mentorship=m, by=m.mentor.user, minutes=30, on_track="yes")
    with pytest.raises(ValidationError, match="terms can't change now"):
        services.terms_record(mentorship=m, by=m.mentor.user, focus_areas=[],
                              hours_per_week=5)
    assert MeetingLog.objects.count() == 0


def test_a_paused_mentorship_can_still_log_meetings(program):
    m = mentorship_in(S.PAUSED, program)
    services.meeting_log(mentorship=m, by=m.mentee.user, minutes=30, on_track="partly")
    assert MeetingLog.objects.get().logged_by == m.mentee.user


def test_create_fills_the_program_defaults(grace, ada):
    m = create(grace, ada, start_date=today())
    assert (m.meeting_minutes, m.meeting_every_weeks) == (30, 2)
    assert m.planned_end_date == services.default_end_date(grace.program, today())
    assert not m.terms_recorded
    assert m.next_step() == "Record the first call's terms"


def test_every_problem_with_a_meeting_is_reported_at_once(program):
    m = mentorship_in(S.ACTIVE, program)
    with pytest.raises(ValidationError) as caught:
        services.meeting_log(mentorship=m, by=m.mentor.user, minutes=9999, on_track="yes",
                             meeting_date=today() + timedelta(days=2))
    assert set(caught.value.message_dict) == {"minutes", "date"}
    assert not MeetingLog.objects.exists()


def test_the_invitation_goes_to_the_address_the_mentor_typed(
    grace, mailoutbox, django_capture_on_commit_callbacks
):
    from allauth.account.models import EmailAddress

    ada = MenteeFactory(program=grace.program, user__email="ada@example.org")
    EmailAddress.objects.create(user=ada.user, email="ada@university.edu", verified=True)
    with django_capture_on_commit_callbacks(execute=True):
        m = services.mentorship_invite(mentor=grace, name="Ada", email="Ada@University.edu",
                                       start_date=today())
    assert [e.to for e in mailoutbox] == [["ada@university.edu"]]
    m = services.invitation_accept(mentorship=m, name="", timezone_name="UTC", goals="")
    assert m.mentee == ada  # the same person, found by any of their addresses


def test_the_final_project_is_saved_only_while_the_mentorship_runs(program):
    from matching.models import FinalProject

    m = mentorship_in(S.ACTIVE, program)
    services.final_project_save(mentorship=m, project=FinalProject(kind="blog_post",
                                                                   title="On evals"))
    # Completed: the final call often comes before the post is written, so 90 days more.
    done = mentorship_in(S.COMPLETED, program, ended_on=today() - timedelta(days=90))
    services.final_project_save(mentorship=done, project=FinalProject(
        kind="blog_post", title="Written after the final call"))
    long_done = mentorship_in(S.COMPLETED, program, ended_on=today() - timedelta(days=91))
    ended = mentorship_in(S.ENDED_EARLY, program)
    for m in (long_done, ended):
        with pytest.raises(ValidationError, match="can no longer be changed"):
            services.final_project_save(mentorship=m, project=FinalProject(
                kind="blog_post", title="Late"))
    assert sorted(FinalProject.objects.values_list("title", flat=True)) == [
        "On evals", "Written after the final call"]
