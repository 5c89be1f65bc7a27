"""Extension applications: the scholar applies with a short form and their funding, only
their mentor endorses (organizers read it, the scholar doesn't), organizers decide side by
side with milestone grades, never past the places they set."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from matching.models import ExtensionApplication, Phase
from matching.services import cohort_extension as extension
from matching.services import cohort_milestones as milestones

from .helpers import signed_in, text, today

pytestmark = pytest.mark.django_db


@pytest.fixture
def ext(phased):
    s = phased
    s.extension = Phase.objects.create(program=s.program, name="Extension", position=3,
                                       starts_on=today() + timedelta(days=61),
                                       ends_on=today() + timedelta(days=180), places=1)
    return s


def apply(s, m, **fields):
    return extension.extension_apply(phase=s.extension, mentorship=m, by=m.mentee.user,
                                     **({"plan": "Write up the probe results.",
                                         "funding": "applied", "funder": "LTFF"} | fields))


def test_the_scholar_applies_and_a_bad_form_keeps_what_was_typed(ext):
    s = ext
    ada = s.mentorships[0]
    client = signed_in(ada.mentee.user)
    url = reverse("cohort_extension", args=[s.program.slug])
    response = client.post(url, {"plan": "Finish the paper", "funding": "secured",
                                 "funder": ""})
    assert response.status_code == 400
    page = text(response)
    assert "Say which funder" in page and "Finish the paper" in page
    assert not ExtensionApplication.objects.exists()
    response = client.post(url, {"plan": "Finish the paper", "funding": "secured",
                                 "funder": "Open Philanthropy"})
    assert response.status_code == 302
    assert ExtensionApplication.objects.get().funder == "Open Philanthropy"
    with pytest.raises(PermissionDenied):
        extension.extension_apply(
            phase=s.extension, mentorship=ada, by=s.mentorships[1].mentee.user,
            plan="x", funding="none")
    with pytest.raises(ValidationError, match="applications are closed"):
        apply(s, s.mentorships[1], today=s.extension.starts_on)


def test_only_the_scholars_mentor_endorses_and_the_scholar_never_reads_it(ext):
    s = ext
    ada = s.mentorships[0]
    application = apply(s, ada)
    with pytest.raises(PermissionDenied):
        extension.extension_endorse(application=application, by=s.mentors[1].user,
                                    endorsement="no", note="Not my scholar")
    other = signed_in(s.mentors[1].user).post(
        reverse("cohort_endorse", args=[s.program.slug]),
        {"application": application.pk, f"a{application.pk}-endorsement": "no",
         f"a{application.pk}-note": "Not mine"})
    assert other.status_code == 404
    response = signed_in(s.mentors[0].user).post(
        reverse("cohort_endorse", args=[s.program.slug]),
        {"application": application.pk, f"a{application.pk}-endorsement": "yes",
         f"a{application.pk}-note": "Ready to work alone; ENDORSEMENT-NOTE"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.endorsement == "yes"
    page = text(signed_in(ada.mentee.user).get(reverse("cohort_extension",
                                                       args=[s.program.slug])))
    assert "ENDORSEMENT-NOTE" not in page and "Endorses" not in page


def test_organizers_decide_side_by_side_within_the_places(ext, organizer):
    s = ext
    ada, bo = s.mentorships[0], s.mentorships[1]
    submission = milestones.submission_save(milestone=s.srp, mentorship=ada,
                                            by=ada.mentee.user, url="https://x.example/srp")
    milestones.grading_save(submission=submission, by=s.graders[0], grades={
        sec.pk: (sec.max_points - 5, "") for sec in s.sections})
    first, second = apply(s, ada), apply(s, bo, funding="none", funder="")
    extension.extension_endorse(application=first, by=s.mentors[0].user, endorsement="yes",
                                note="Strong SRP-NOTE")
    url = reverse("cohort_extension_decide", args=[s.program.slug, s.extension.pk])
    client = signed_in(organizer)
    page = text(client.get(url))
    assert "Strong SRP-NOTE" in page and "Scholar Research Plan: 85.0 of 100" in page
    assert "Applied, waiting for an answer (LTFF)" in page
    assert "<strong>0</strong> accepted of <strong>1</strong> place" in page
    assert client.post(url, {"application": first.pk, "decision": "accepted"}).status_code \
        == 302
    refused = client.post(url, {"application": second.pk, "decision": "accepted"})
    assert refused.status_code == 400 and "All 1 places" in text(refused)
    second.refresh_from_db()
    assert second.decision == "pending"
    # A mentor can't decide, nor open the page.
    with pytest.raises(PermissionDenied):
        extension.extension_decide(application=second, by=s.mentors[0].user,
                                   decision="accepted")
    assert signed_in(s.mentors[0].user).get(url).status_code == 403
    # The scholar reads the decision, not the endorsement.
    page = text(signed_in(ada.mentee.user).get(reverse("cohort_extension",
                                                       args=[s.program.slug])))
    assert "Accepted" in page and "SRP-NOTE" not in page


def test_the_dashboard_invites_to_apply_then_points_to_the_application(ext):
    s = ext
    client = signed_in(s.mentorships[0].mentee.user)
    before = text(client.get(reverse("dashboard")))
    assert "Apply to continue" in before and "Your application to continue" not in before
    apply(s, s.mentorships[0])
    after = text(client.get(reverse("dashboard")))
    assert "Your application to continue" in after and "Apply to continue" not in after
