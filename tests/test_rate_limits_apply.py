"""The interest forms are limited per submitted email too (the per-address limit is in
tests/test_apply_mentee.py): each taken submission can email the address's owner."""

import pytest
from django.core import mail

from matching.models import ApplicationUpdate, MenteeApplication

URL = "/apply/mentee/"


@pytest.fixture
def submit(post_committed):
    return lambda data, **extra: post_committed(URL, data, **extra)


def test_it_takes_the_same_email_up_to_the_limit_then_keeps_the_form(
    submit, program, mentee_data, settings
):
    settings.APPLY_EMAIL_RATE_LIMIT = "2/h"
    for i in range(2):  # from different addresses: the count is the email's
        mentee_data["goals"] = f"Goals, version {i}"
        assert submit(mentee_data, REMOTE_ADDR=f"10.0.0.{i}").status_code == 302
    sent = len(mail.outbox)

    mentee_data["goals"] = "Goals, version 3"
    response = submit({**mentee_data, "email": " ADA@example.org "},
                      REMOTE_ADDR="10.0.0.9")
    assert response.status_code == 429
    html = response.content.decode()
    assert "with this email address many times" in html
    assert "Goals, version 3" in html  # what was typed, kept
    assert len(mail.outbox) == sent  # and nobody emailed
    assert MenteeApplication.objects.count() == 1
    assert ApplicationUpdate.objects.count() <= 1


def test_other_emails_are_not_affected(submit, program, mentee_data, settings):
    settings.APPLY_EMAIL_RATE_LIMIT = "1/h"
    assert submit(mentee_data).status_code == 302
    assert submit(mentee_data).status_code == 429
    assert submit({**mentee_data, "email": "grace@example.org"}).status_code == 302
    assert MenteeApplication.objects.count() == 2


def test_invalid_posts_do_not_count_toward_the_email_limit(submit, program, mentee_data,
                                                           settings):
    settings.APPLY_EMAIL_RATE_LIMIT = "1/h"
    for _ in range(3):
        assert submit({**mentee_data, "hours_per_week": "0"}).status_code == 400
    assert submit(mentee_data).status_code == 302
