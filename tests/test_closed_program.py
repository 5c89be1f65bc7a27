from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from matching.models import MenteeApplication, MentorApplication


@pytest.mark.parametrize("role", ["mentee", "mentor"])
def test_a_closed_program_says_so_instead_of_accepting(client, program, mentee_data,
                                                       mentor_data, role):
    program.is_open = False
    program.save()
    page = client.get(f"/apply/{role}/")
    assert b"are closed" in page.content
    assert b'name="email"' not in page.content

    data = mentee_data if role == "mentee" else mentor_data
    response = client.post(f"/apply/{role}/", data)
    assert b"are closed" in response.content
    assert MenteeApplication.objects.count() == MentorApplication.objects.count() == 0
    assert mail.outbox == []


def test_a_cohort_closes_at_its_deadline(client, program, mentee_data):
    program.admission = "cohort"
    program.deadline = timezone.now() + timedelta(hours=1)
    program.save()
    assert b'name="email"' in client.get("/apply/mentee/").content

    program.deadline = timezone.now() - timedelta(minutes=1)
    program.save()
    page = client.get("/apply/mentee/")
    assert b"The mentee form closed on" in page.content
    client.post("/apply/mentee/", mentee_data)
    assert MenteeApplication.objects.count() == 0


def test_the_home_page_says_when_applications_are_closed(client, program):
    program.is_open = False
    program.save()
    assert b"Applications are closed at the moment." in client.get("/").content


def test_a_cohort_program_needs_a_deadline(program):
    from django.db import IntegrityError, transaction

    program.admission = "cohort"
    program.deadline = None
    with pytest.raises(IntegrityError), transaction.atomic():
        program.save()
