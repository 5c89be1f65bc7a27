import pytest
from django.core import mail

from matching.models import MentorApplication

URL = "/apply/mentor/"


@pytest.fixture
def submit(post_committed):
    return lambda data, **extra: post_committed(URL, data, **extra)


def test_it_explains_the_time_it_takes(client, program):
    html = client.get(URL).content.decode()
    assert "30 minutes a week per mentee" in html


def test_it_saves_the_mentor_application_and_confirms(submit, program, areas, mentor_data):
    assert submit(mentor_data).status_code == 302
    application = MentorApplication.objects.get()
    assert application.capacity == 2
    assert application.involvement == "hands_on"
    assert list(application.research_areas.all()) == [areas[0]]
    assert mail.outbox[0].subject == f"We received your mentor application to {program.name}"
    assert "your cap of 2" in mail.outbox[0].body


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("capacity", "0", "Take at least one mentee."),
        ("capacity", "50", "Up to 20 mentees at once"),
        ("minutes_per_week", "5", "At least 10 minutes a week."),
        ("involvement", "", "This field is required."),
        ("creative_control", "total", "Select a valid choice"),
        ("position", "", "This field is required."),
        ("research_areas", [], "Pick at least one area."),
        ("style_notes", "y" * 1001, "Please keep this under 1,000 characters"),
    ],
)
def test_each_bad_input_gets_a_message(submit, program, mentor_data, field, value, message):
    mentor_data[field] = value
    response = submit(mentor_data)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert 'value="Grace Hopper"' in html
    assert MentorApplication.objects.count() == 0


def test_too_little_time_for_the_capacity_is_explained(submit, program, mentor_data):
    mentor_data.update(capacity="4", minutes_per_week="30")
    response = submit(mentor_data)
    assert response.status_code == 400
    assert ("4 mentees need at least 60 minutes a week, and about 120 works best"
            in response.content.decode())
    mentor_data.update(minutes_per_week="60")  # the least it takes: accepted
    assert submit(mentor_data).status_code == 302
