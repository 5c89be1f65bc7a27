"""A cohort's data in a person's export and erasure: the mentors an applicant chose and
their answers go out with the export and are erased with the person; the reviews of an
application never go to the applicant; a mentor's listing leaves with the mentor."""

import os

import pytest
from django.core.files.base import ContentFile

from matching.models import ChoiceAnswer, CohortMentor, MentorQuestion, MentorReview
from mm_program.privacy.export import person_export
from mm_program.privacy.services import person_erase

from .cohort_helpers import applicant, cohort_program, review

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(organizer, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    s = cohort_program(questions=1)
    app = applicant(s, 1, choose=(1, 0), name="Ada Applicant")
    review(s, app, 1, notes="Ada's reply to my question was sharp.")
    return s, app


def test_the_export_holds_the_choices_in_order_with_the_answers(world):
    s, app = world
    data = person_export(user=app.user)["cohort"]
    chose = data["mentors_you_chose"]
    assert [c["mentor"] for c in chose] == [str(s.mentors[1].user), str(s.mentors[0].user)]
    assert [c["choice"] for c in chose] == [1, 2]
    assert chose[0]["answers"] == [{"question": "Question 0 of mentor 1?",
                                    "answer": "My answer to Question 0 of mentor 1?"}]


def test_the_export_never_shows_the_applicant_a_review(world):
    _, app = world
    text = str(person_export(user=app.user))
    assert "sharp" not in text and "rating" not in text


def test_a_mentors_export_holds_their_listing(world):
    s, _ = world
    data = person_export(user=s.mentors[0].user)["cohort"]
    assert data["your_mentor_listings"][0]["agenda"] == "Agenda of mentor 0"
    assert data["your_mentor_listings"][0]["questions"] == ["Question 0 of mentor 0?"]
    assert data["mentors_you_chose"] == []


def test_erasing_an_applicant_clears_their_answers_and_the_notes_about_them(world, organizer):
    s, app = world
    person_erase(user=app.user, by=organizer)
    assert set(ChoiceAnswer.objects.filter(choice__application=app)
               .values_list("text", flat=True)) == {""}
    kept = MentorReview.objects.get(choice__application=app)
    assert kept.notes == "" and kept.decision == "yes"  # the decision stays, anonymous


def test_erasing_a_mentor_clears_their_listing_file_and_notes(world, organizer):
    s, app = world
    mentor = s.mentors[1]
    listing = CohortMentor.objects.get(mentor=mentor)
    listing.task = "Read this and reply"
    listing.task_file.save("task.pdf", ContentFile(b"%PDF-1.4 task"))
    path = listing.task_file.path
    person_erase(user=mentor.user, by=organizer)
    listing.refresh_from_db()
    assert (listing.agenda, listing.task, listing.task_file.name, listing.is_listed) == \
        ("", "", "", False)
    assert not os.path.exists(path)
    assert MentorReview.objects.get(choice__application=app).notes == ""
    assert not MentorQuestion.objects.filter(listing=listing,
                                             prompt__contains="mentor 1").exists()
    # The applicant's own answers stay theirs.
    assert ChoiceAnswer.objects.filter(choice__application=app).exclude(text="").exists()


# -- an erased applicant's offers (issue 19) ------------------------------------------------

def test_erasing_an_applicant_withdraws_their_offer_and_proposes_the_next_yes(
        offers_sent, organizer):
    from matching.models import Offer, OfferStatus
    from matching.services.cohort_slots import yes_ratings_by_mentor
    from mm_program.privacy.services import person_erasure_plan

    from .cohort_offer_fixtures import offer_emails, offer_of

    s, ada, bo, cy, _ = offers_sent
    sent = offer_of(ada)
    emails_before = offer_emails()
    warnings = person_erasure_plan(user=ada.user).warnings
    assert any("withdrawn, and the slot proposed" in w for w in warnings)
    person_erase(user=ada.user, by=organizer)
    sent.refresh_from_db()
    assert sent.status == OfferStatus.DECLINED and sent.answered_at is not None
    proposal = Offer.objects.get(replaces=sent)
    assert (proposal.application, proposal.status) == (bo, OfferStatus.PROPOSED)
    assert offer_emails() == emails_before  # nobody is written to
    # Ada's yes no longer counts: mentor 0's yeses are Bo's and Cy's.
    assert len(yes_ratings_by_mentor(s.cohort)[s.mentors[0].pk]) == 2


def test_erasing_an_applicant_dismisses_a_proposal_for_them(offers_sent, organizer):
    from matching.models import Offer, OfferStatus
    from matching.services import cohort_offers as offers

    from .cohort_offer_fixtures import offer_of

    s, ada, bo, cy, _ = offers_sent
    offers.offer_decline(offer=offer_of(ada), by=ada.user)
    proposed = offer_of(bo)
    assert proposed.status == OfferStatus.PROPOSED
    person_erase(user=bo.user, by=organizer)
    proposed.refresh_from_db()
    assert proposed.status == OfferStatus.DISMISSED
    assert Offer.objects.get(replaces=proposed).application == cy
