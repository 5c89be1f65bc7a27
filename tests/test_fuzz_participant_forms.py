"""Hostile input on the signed-in participants' forms: the meeting line, the mentor's
"add a mentee" row, the first-call terms, the final project, the ending and the privacy
request. Never a server error; a post either saves what the form accepted, all of it,
or changes nothing and says what to fix."""

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from matching.forms.invitations import AddMenteeForm
from matching.forms.mentorships import (
    CompleteForm,
    EndEarlyForm,
    FinalProjectForm,
    MeetingLogForm,
    TermsForm,
)
from matching.models import (
    FinalProject,
    MeetingLog,
    Mentee,
    Mentorship,
    MentorshipSource,
    MentorshipStatus,
)
from matching.services.mentorships import mentorship_create
from mm_program.models import ErasureRequest, Message
from mm_program.privacy.forms import ErasureRequestForm

from .factories import MenteeFactory, MentorFactory
from .fuzz_strategies import (
    assert_no_server_error,
    assert_refused,
    assert_refused_as_too_big,
    changes,
    counts,
    examples,
    isolated,
    label,
    post,
    posts,
    received,
    rows,
    too_big,
)
from .helpers import today

pytestmark = pytest.mark.django_db

User = get_user_model()


@pytest.fixture
def m(program, areas):
    """Grace mentors Ada, for a month now; Grace has room for two more mentees."""
    grace = MentorFactory(program=program, capacity=3, user__name="Grace Hopper",
                          user__email="grace@example.org")
    ada = MenteeFactory(program=program, user__name="Ada Lovelace",
                        user__email="ada@example.org")
    return mentorship_create(mentor=grace, mentee=ada, source=MentorshipSource.ORGANIZER,
                             start_date=today() - timedelta(days=30))


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def either_side(m):
    return st.sampled_from([m.mentor.user, m.mentee.user])


@examples(20)
@given(data=st.data())
def test_it_logs_a_whole_meeting_or_nothing(m, data):
    prefix = f"log-{m.pk}-"
    valid = {f"{prefix}date": (today() - timedelta(days=2)).isoformat(),
             f"{prefix}minutes": "30", f"{prefix}on_track": "yes",
             f"{prefix}note": "Read the paper together.",
             "back": data.draw(st.sampled_from(["dashboard", "detail"]))}
    form = data.draw(posts(valid))
    user = data.draw(either_side(m))
    with isolated():
        before = rows(MeetingLog.objects.all(), Mentorship.objects.all())
        response = post(signed_in(user), reverse("meeting_log", args=[m.pk]), form)
        assert_no_server_error(response)
        if too_big(form):
            assert_refused_as_too_big(response)
        elif response.status_code == 302:
            accepted = MeetingLogForm(received(form), mentorship=m)
            assert accepted.is_valid()
            log = MeetingLog.objects.exclude(pk__in=[r["id"] for r in before[0]]).get()
            expected = {**accepted.cleaned_data, "note": accepted.cleaned_data["note"].strip()}
            assert {k: getattr(log, k) for k in expected} == expected
            assert log.logged_by == user
            return
        else:
            assert_refused(response)
        assert rows(MeetingLog.objects.all(), Mentorship.objects.all()) == before


@examples(20)
@given(data=st.data())
def test_it_adds_a_whole_mentee_row_or_nothing(m, data):
    mentor = m.mentor
    prefix = f"add-{mentor.pk}-"
    email = data.draw(st.sampled_from(["alan@example.org", "ada@example.org",
                                       "grace@example.org", " Alan@Example.org "]))
    form = data.draw(posts({f"{prefix}name": "Alan Turing", f"{prefix}email": email,
                            f"{prefix}start_date": today().isoformat()}))
    watched = [User, EmailAddress, Mentee, Mentorship, Message]
    with isolated():
        before = counts(watched)
        response = post(signed_in(mentor.user), reverse("mentee_add", args=[mentor.pk]),
                        form)
        assert_no_server_error(response)
        delta = changes(before, watched)
        if too_big(form):
            assert_refused_as_too_big(response)
        elif response.status_code == 302:
            accepted = AddMenteeForm(received(form), mentor=mentor)
            assert accepted.is_valid()
            row = Mentorship.objects.latest("pk")
            assert row.status == MentorshipStatus.INVITED
            assert row.start_date == accepted.cleaned_data["start_date"]
            assert row.invited_email == accepted.cleaned_data["email"].lower()
            # The row and its email, and no account: that waits for the invitee.
            assert delta == {label(Mentorship): 1, label(Message): 1}
            return
        else:
            assert_refused(response)
        assert delta == {}


@examples(20)
@given(data=st.data())
def test_it_records_the_whole_terms_or_nothing(m, areas, data):
    valid = {"focus_areas": [str(a.pk) for a in areas[:2]], "focus": "A distillation",
             "hours_per_week": "8", "meeting_every_weeks": "2", "meeting_minutes": "45",
             "planned_end_date": (m.start_date + timedelta(days=120)).isoformat(),
             "needs_stipend": "on"}
    form = data.draw(posts(valid))
    user = data.draw(either_side(m))
    watched = (Mentorship.objects.filter(pk=m.pk), Mentorship.focus_areas.through.objects)
    with isolated():
        before = rows(*watched)
        response = post(signed_in(user), reverse("mentorship_terms", args=[m.pk]), form)
        assert_no_server_error(response)
        if too_big(form):
            assert_refused_as_too_big(response)
        elif response.status_code == 302:
            accepted = TermsForm(received(form), mentorship=m)
            assert accepted.is_valid()
            saved = Mentorship.objects.get(pk=m.pk)
            terms = accepted.terms()
            assert {k: getattr(saved, k) for k in terms} == terms
            assert set(saved.focus_areas.all()) == set(accepted.cleaned_data["focus_areas"])
            assert saved.terms_recorded_by == user
            return
        else:
            assert_refused(response)
        assert rows(*watched) == before


@examples(20)
@given(data=st.data())
def test_it_saves_the_whole_final_project_or_nothing(m, data):
    valid = {"kind": "distillation", "title": "Induction heads, distilled",
             "url": "example.org/post", "is_public": "on", "is_published": "",
             "mentor_feedback": "Clear and careful."}
    form = data.draw(posts(valid))
    user = data.draw(either_side(m))
    with isolated():
        before = rows(FinalProject.objects.all())
        response = post(signed_in(user), reverse("final_project", args=[m.pk]), form)
        assert_no_server_error(response)
        if too_big(form):
            assert_refused_as_too_big(response)
        elif response.status_code == 302:
            accepted = FinalProjectForm(received(form), is_mentor=user == m.mentor.user)
            assert accepted.is_valid()
            project = FinalProject.objects.get(mentorship=m)
            assert {k: getattr(project, k) for k in accepted.cleaned_data} == \
                accepted.cleaned_data
            return
        else:
            assert_refused(response)
        assert rows(FinalProject.objects.all()) == before


ENDINGS = {
    "complete": {"action": "complete", "complete-next_steps": ["job", "phd"],
                 "complete-notes": "Applying to two labs.", "complete-ended_on": None},
    "early": {"action": "early", "early-reason": "fit", "early-notes": "",
              "early-ended_on": None},
}


@examples(20)
@given(data=st.data())
def test_it_ends_a_mentorship_wholly_or_not_at_all(m, data):
    action = data.draw(st.sampled_from(sorted(ENDINGS)))
    valid = {k: v or today().isoformat() for k, v in ENDINGS[action].items()}
    form = data.draw(posts(valid))
    user = data.draw(either_side(m))
    with isolated():
        before = rows(Mentorship.objects.filter(pk=m.pk))
        response = post(signed_in(user), reverse("mentorship_end", args=[m.pk]), form)
        assert_no_server_error(response)
        posted_action = received(form).get("action")
        if too_big(form):
            assert_refused_as_too_big(response)
        elif response.status_code == 302 and posted_action in ENDINGS:
            form_class = CompleteForm if posted_action == "complete" else EndEarlyForm
            accepted = form_class(received(form), mentorship=m)
            assert accepted.is_valid()
            ended = Mentorship.objects.get(pk=m.pk)
            assert ended.ended_on == accepted.cleaned_data["ended_on"]
            if posted_action == "complete":
                assert ended.status == MentorshipStatus.COMPLETED
                assert ended.next_steps == accepted.cleaned_data["next_steps"]
                assert ended.next_steps_notes == accepted.cleaned_data["notes"]
            else:
                assert ended.status == MentorshipStatus.ENDED_EARLY
                assert ended.end_reason == accepted.cleaned_data["reason"]
                assert ended.end_notes == accepted.cleaned_data["notes"]
            return
        elif response.status_code == 302:
            # Neither button: back to the page with a message saying to choose one.
            assert response.url == reverse("mentorship_end", args=[m.pk])
        else:
            assert_refused(response)
        assert rows(Mentorship.objects.filter(pk=m.pk)) == before


@examples(20)
@given(data=st.data())
def test_it_records_a_whole_erasure_request_or_nothing(m, data):
    form = data.draw(posts({"reason": "I'm leaving the field."}))
    user = data.draw(either_side(m))
    watched = [ErasureRequest, Message]
    with isolated():
        before = counts(watched)
        response = post(signed_in(user), reverse("privacy"), form)
        assert_no_server_error(response)
        delta = changes(before, watched)
        if too_big(form):
            assert_refused_as_too_big(response)
        elif response.status_code == 302:
            accepted = ErasureRequestForm(received(form))
            assert accepted.is_valid()
            assert delta == {label(ErasureRequest): 1, label(Message): 1}
            assert ErasureRequest.objects.get(user=user).reason == \
                accepted.cleaned_data["reason"]
            return
        else:
            assert_refused(response)
        assert delta == {}
