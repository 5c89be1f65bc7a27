"""A cohort program's selection as applicants and mentors use it: the public listing, one
application choosing mentors in order and answering only their questions, the mentor's
listing edited from their page."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from matching.models import ChoiceAnswer, MentorChoice, MentorQuestion, Program

from .cohort_helpers import applicant, cohort_program, review
from .helpers import signed_in, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def choices_data(scenario, indexes, *, answers=True, skip=()):
    data = {}
    for place, index in enumerate(indexes, start=1):
        mentor = scenario.mentors[index]
        data[f"choice_{place}"] = str(mentor.pk)
        for question in MentorQuestion.objects.filter(listing__mentor=mentor):
            if answers and index not in skip:
                data[f"answer_{mentor.pk}_{question.pk}"] = f"About {question.prompt}"
    return data


def test_the_listing_shows_each_mentor_with_agenda_and_questions(client):
    s = cohort_program(mentors=2, questions=2)
    response = client.get(reverse("cohort_listing", args=[s.program.slug]))
    page = text(response)
    assert response.status_code == 200
    assert "Agenda of mentor 1" in page
    assert "Question 1 of mentor 0?" in page
    assert "up to 3 mentors" in page


def test_a_rolling_program_has_no_cohort_pages(client, program):
    assert client.get(reverse("cohort_listing", args=[program.slug])).status_code == 404
    assert not program.runs_as_cohort


def test_an_applicant_chooses_mentors_in_order_answering_only_their_questions(client):
    s = cohort_program(mentors=3, questions=1)
    app = applicant(s, 1)
    browser = signed_in(app.user)
    url = reverse("cohort_apply", args=[s.program.slug])
    data = choices_data(s, [2, 0])
    response = browser.post(url, data)
    assert response.status_code == 302, text(response)
    choices = list(MentorChoice.objects.filter(application=app).order_by("rank"))
    assert [(c.rank, c.mentor_id) for c in choices] == [(1, s.mentors[2].pk),
                                                        (2, s.mentors[0].pk)]
    # Mentor 1 was not chosen: no answer for them is kept, even when one is sent.
    assert ChoiceAnswer.objects.filter(choice__application=app).count() == 2
    assert not ChoiceAnswer.objects.filter(choice__mentor=s.mentors[1]).exists()


def test_a_chosen_mentors_question_must_be_answered_and_nothing_typed_is_lost(client):
    s = cohort_program(mentors=2, questions=1)
    app = applicant(s, 1)
    browser = signed_in(app.user)
    data = choices_data(s, [0, 1], skip={1})
    data[f"answer_{s.mentors[0].pk}_" + str(MentorQuestion.objects.get(
        listing__mentor=s.mentors[0]).pk)] = "Typed with care"
    response = browser.post(reverse("cohort_apply", args=[s.program.slug]), data)
    assert response.status_code == 400
    page = text(response)
    assert f"Answer {s.mentors[1].user}'s question." in page
    assert "Typed with care" in page
    assert not MentorChoice.objects.filter(application=app).exists()


def test_more_mentors_than_allowed_or_twice_the_same_are_refused(client):
    s = cohort_program(mentors=3, questions=0, max_choices=2)
    app = applicant(s, 1)
    browser = signed_in(app.user)
    url = reverse("cohort_apply", args=[s.program.slug])
    # The form has two places only: a third is not even read.
    response = browser.post(url, {"choice_1": s.mentors[0].pk, "choice_2": s.mentors[0].pk})
    assert response.status_code == 400
    assert "twice" in text(response)
    assert not MentorChoice.objects.exists()


def test_reordering_keeps_the_mentors_reviews(client):
    s = cohort_program(mentors=2, questions=0)
    app = applicant(s, 1, choose=[0, 1])
    review(s, app, 1, decision="yes", rank=1)
    browser = signed_in(app.user)
    response = browser.post(reverse("cohort_apply", args=[s.program.slug]),
                            choices_data(s, [1, 0]))
    assert response.status_code == 302
    choice = MentorChoice.objects.get(application=app, mentor=s.mentors[1])
    assert choice.rank == 1
    assert choice.review.decision == "yes"


def test_after_the_deadline_choices_stay_as_sent(client):
    s = cohort_program(mentors=2, questions=0)
    app = applicant(s, 1, choose=[0])
    Program.objects.filter(pk=s.program.pk).update(deadline=timezone.now() - timedelta(hours=1))
    browser = signed_in(app.user)
    response = browser.post(reverse("cohort_apply", args=[s.program.slug]),
                            choices_data(s, [1]))
    assert response.status_code == 302
    assert list(MentorChoice.objects.filter(application=app).values_list(
        "mentor_id", flat=True)) == [s.mentors[0].pk]
    assert "closed" in text(browser.get(reverse("cohort_apply", args=[s.program.slug])))


def test_without_the_shared_form_the_page_says_to_send_it_first(client):
    s = cohort_program(mentors=1)
    browser = signed_in(s.mentors[0].user)
    page = text(browser.get(reverse("cohort_apply", args=[s.program.slug])))
    assert "First send" in page


def test_the_mentor_edits_their_listing_with_a_task_file(client, media):
    s = cohort_program(mentors=1, questions=2)
    mentor = s.mentors[0]
    browser = signed_in(mentor.user)
    upload = SimpleUploadedFile("task.pdf", b"%PDF-1.4 the task", "application/pdf")
    response = browser.post(reverse("cohort_listing_edit", args=[s.program.slug]), {
        "agenda": "Interpretability of small models", "style": "Hands-on, weekly",
        "task": "Spend 10 hours on an open problem.", "task_url": "",
        "task_file": upload, "question_1": "What did you find?", "question_2": "",
    })
    assert response.status_code == 302
    listing = mentor.listing
    listing.refresh_from_db()
    assert listing.agenda == "Interpretability of small models"
    assert list(listing.questions.values_list("prompt", flat=True)) == ["What did you find?"]
    download = client.get(reverse("cohort_task_file", args=[s.program.slug, mentor.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4 the task"
    assert "attachment" in download["Content-Disposition"]


def test_a_listing_refuses_a_file_of_the_wrong_kind_and_keeps_the_text(client, media):
    s = cohort_program(mentors=1)
    browser = signed_in(s.mentors[0].user)
    response = browser.post(reverse("cohort_listing_edit", args=[s.program.slug]), {
        "agenda": "Kept agenda", "task_file": SimpleUploadedFile("x.html", b"<script>")})
    assert response.status_code == 400
    assert "Kept agenda" in text(response)


def test_only_the_mentor_edits_their_listing(client):
    s = cohort_program(mentors=1)
    outsider = applicant(s, 9)
    browser = signed_in(outsider.user)
    response = browser.post(reverse("cohort_listing_edit", args=[s.program.slug]),
                            {"agenda": "Hijacked"})
    assert response.status_code == 404
    assert s.mentors[0].listing.agenda != "Hijacked"
