"""Announcements to a phase of a cohort program (issue 20): the people of the mentorships
in it, those accepted into a phase that admits by application, a phase of another program
or one that doesn't fit the audience refused in words, and the organizer's form."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from matching.models import Announcement, Audience, ExtensionApplication, Phase
from matching.services.announcements import announcement_send, audience, preview

from .factories import MentorshipFactory, ProgramFactory

pytestmark = pytest.mark.django_db


def _emails(queryset):
    return set(queryset.values_list("email", flat=True))


def _people(mentorships, side):
    return {getattr(m, side).user.email for m in mentorships}


@pytest.fixture
def extension(phased):
    """Extension after Research: it admits by application; Ada was accepted, Bo declined,
    Cy never applied."""
    phase = Phase.objects.create(program=phased.program, name="Extension", position=3,
                                 starts_on=phased.research.ends_on + timedelta(days=1),
                                 ends_on=phased.research.ends_on + timedelta(days=90),
                                 places=2)
    ada, bo, _ = phased.mentorships
    for mentorship, decision in ((ada, "accepted"), (bo, "declined")):
        ExtensionApplication.objects.create(phase=phase, mentorship=mentorship, plan="More",
                                            funding="none", decision=decision)
    return phase


def test_a_phase_names_the_people_of_its_mentorships_only(phased, extension):
    ada, bo, cy = phased.mentorships
    MentorshipFactory(program=phased.program, status="completed",  # ended: in no phase
                      ended_on=phased.training.starts_on)
    MentorshipFactory(status="active")  # another program
    everyone = phased.mentorships
    assert _emails(audience(phased.program, Audience.MENTEES, phased.training)) == \
        _people(everyone, "mentee")
    assert _emails(audience(phased.program, Audience.MENTORS, phased.training)) == \
        _people(everyone, "mentor")
    assert _emails(audience(phased.program, Audience.MENTEES, extension)) == \
        _people([ada], "mentee")
    assert _emails(audience(phased.program, Audience.EVERYONE, extension)) == \
        _people([ada], "mentee") | _people([ada], "mentor")
    # Without a phase the audience is the whole program's, as before.
    assert _people([ada, bo, cy], "mentee") <= _emails(
        audience(phased.program, Audience.MENTEES))


def test_sending_to_a_phase_reaches_its_people_once(phased, extension, organizer,
                                                   deliver_at_once):
    ada = phased.mentorships[0]
    draft = Announcement.objects.create(program=phased.program, audience=Audience.EVERYONE,
                                        phase=extension, subject="Extension logistics",
                                        body="Desks are booked.")
    assert preview(draft).recipients == 2
    assert announcement_send(announcement=draft, by=organizer) == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [ada.mentee.user.email, ada.mentor.user.email])
    assert draft.audience_label == "Everyone taking part now (mentors and mentees), " \
                                   "in Extension"


def test_a_phase_of_another_program_or_an_unfit_audience_is_refused(phased, organizer):
    other = ProgramFactory()
    foreign = Phase.objects.create(program=other, name="Foreign", starts_on=phased.research
                                   .starts_on, ends_on=phased.research.ends_on)
    draft = Announcement.objects.create(program=phased.program, audience=Audience.MENTEES,
                                        phase=foreign, subject="Hi", body="Text")
    with pytest.raises(ValidationError, match="phase of"):
        announcement_send(announcement=draft, by=organizer)
    draft.phase, draft.audience = phased.training, Audience.ALUMNI
    draft.save()
    with pytest.raises(ValidationError, match="leave it empty"):
        announcement_send(announcement=draft, by=organizer)
    draft.refresh_from_db()
    assert not draft.is_sent and not mail.outbox


def test_the_organizers_form_offers_their_programs_phases_and_keeps_a_refused_draft(
        client, phased, organizer):
    client.force_login(organizer)
    other = ProgramFactory()
    Phase.objects.create(program=other, name="Not yours", starts_on=phased.research
                         .starts_on, ends_on=phased.research.ends_on)
    other.organizers.remove(organizer)
    add = reverse("admin:matching_announcement_add")
    page = client.get(add).content.decode()
    assert "Training" in page and "Not yours" not in page
    refused = client.post(add, {"program": phased.program.pk, "audience": Audience.WAITING,
                                "phase": phased.training.pk, "subject": "Desks",
                                "body": "Kept words."})
    assert refused.status_code == 200
    assert b"leave it empty" in refused.content and b"Kept words." in refused.content
    saved = client.post(add, {"program": phased.program.pk, "audience": Audience.MENTEES,
                              "phase": phased.training.pk, "subject": "Desks",
                              "body": "Kept words."})
    assert saved.status_code == 302
    draft = Announcement.objects.get()
    page = client.get(reverse("admin:matching_announcement_change", args=[draft.pk]))
    assert "Send to 3 people" in page.content.decode()
