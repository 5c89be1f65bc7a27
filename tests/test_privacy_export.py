"""A participant downloads their own data as JSON: everything of theirs, nothing of
anyone else's, never organizers' notes, full bank details or the other side's answers."""

import json
from decimal import Decimal

import pytest
from django.urls import reverse

from payments.services import stipends as stipend_services
from surveys.models import SurveyKind

from .payments_fixtures import DEMO_IBAN, DEMO_IBAN_SPACED, submit
from .surveys_helpers import answer, invitation

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("deliver_at_once")]

URL = reverse("privacy_export")


@pytest.fixture
def ada_world(world, officer, budget):
    """Ada (Grace's mentee) with notes organizers keep about her, a survey each side
    answered, an approved stipend and bank details; Cleo is in the same program."""
    m = world["m"]
    app = m.mentee.application
    app.goals = "Write a distillation of superposition."
    app.organizer_notes = "PRIVATE-APPLICATION-NOTE: strong maths, shaky code."
    app.decision_message = "Welcome aboard!"
    app.save()
    m.organizer_notes = "PRIVATE-MENTORSHIP-NOTE: watch her workload."
    m.focus = "Toy models of superposition"
    m.save()
    cleo_app = world["other"].mentee.application
    cleo_app.goals = "CLEO-GOALS: governance."
    cleo_app.save()
    answer(invitation(m), liked="ADA-LIKED the weekly calls.", recommend="9")
    answer(invitation(m, SurveyKind.MENTOR_FINAL), mentor_again_conditions="",
           mentee_depth="3", worth_it="not_sure")
    req = submit(m, world["ada"], hours="10", justification="ADA-JUSTIFICATION rent.")
    stipend_services.stipend_request_approve(stipend_request=req, by=officer)
    submit(world["other"], world["cleo"], justification="CLEO-JUSTIFICATION.")
    return world


def download(client, user) -> tuple[dict, str]:
    client.force_login(user)
    response = client.get(URL)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith('attachment; filename="my-data-')
    text = response.content.decode()
    return json.loads(text), text


def test_it_needs_sign_in_and_shows_nothing_to_an_anonymous_visitor(client, ada_world):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert b"ada@example.org" not in response.content


def test_it_holds_the_persons_own_data(client, ada_world):
    data, _ = download(client, ada_world["ada"])
    assert data["account"]["email"] == "ada@example.org"
    assert data["account"]["name"] == "Ada Lovelace"
    (application,) = data["applications"]
    assert application["answers"]["goals"] == "Write a distillation of superposition."
    assert application["answers"]["hours_per_week"] == 8
    assert (application["status"], application["decision_message"]) == (
        "Accepted", "Welcome aboard!")
    assert [r["program"] for r in data["roles"]["mentee"]] == [ada_world["m"].program.name]
    (mentorship,) = data["mentorships"]
    assert (mentorship["as"], mentorship["with"]) == ("mentee", "Grace Hopper")
    assert mentorship["terms"]["focus"] == "Toy models of superposition"
    assert sorted(x["minutes"] for x in mentorship["meetings"]) == [45, 60]
    (survey,) = data["survey_answers"]
    assert survey["survey"] == "Mentee final survey"
    assert any(a["answer"] == "ADA-LIKED the weekly calls." for a in survey["answers"])
    (stipend,) = data["stipend_requests"]
    assert (stipend["status"], stipend["amount"]) == ("Approved", str(Decimal("300.00")))
    assert stipend["justification"] == "ADA-JUSTIFICATION rent."
    assert data["bank_details"]["account"] == "DE89 •••• •••• •••• 3000"
    subjects = [e["subject"] for e in data["emails_sent_to_you"]]
    # The emails about her stipend (approval emails nothing; her bank details' notice).
    assert "Your bank details are saved" in subjects
    assert all(set(e) == {"kind", "subject", "sent_at", "status"}
               for e in data["emails_sent_to_you"])


def test_it_never_holds_organizer_notes_full_bank_details_or_others_data(client, ada_world):
    _, text = download(client, ada_world["ada"])
    for secret in [
        "PRIVATE-APPLICATION-NOTE", "PRIVATE-MENTORSHIP-NOTE", "organizer_notes",
        "decided_by", "flagged_low_hours",
        DEMO_IBAN, DEMO_IBAN_SPACED, "COBADEFFXXX",
        # The mentor's answers about her are the mentor's.
        "not_sure", "Not sure", "Was it worth your time",
        # Cleo, in the same program, and her mentor Alan.
        "cleo@example.org", "Cleo Other", "CLEO-GOALS", "CLEO-JUSTIFICATION",
        "alan@example.org", "Alan Turing",
        # Staff.
        "pat@example.org",
    ]:
        assert secret not in text, secret


def test_a_mentor_gets_their_mentorships_but_not_their_mentees_answers(client, ada_world):
    data, text = download(client, ada_world["grace"])
    (mentorship,) = data["mentorships"]
    assert (mentorship["as"], mentorship["with"]) == ("mentor", "Ada Lovelace")
    (survey,) = data["survey_answers"]
    assert survey["survey"] == "Mentor final survey"
    # What Ada's download must not show is really in Grace's.
    assert any(a["answer"] == "not_sure" for a in survey["answers"])
    assert "ADA-LIKED" not in text
    assert "ADA-JUSTIFICATION" not in text
    assert "PRIVATE-MENTORSHIP-NOTE" not in text
    assert data["bank_details"] is None
