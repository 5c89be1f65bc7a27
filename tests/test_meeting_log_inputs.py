"""A mentor's paperwork for a meeting stays "one line": at most 3 inputs on one page, on
the dashboard itself, two of them already filled in (issue 18)."""

import re

import pytest
from django.urls import reverse

from matching.models import MeetingLog

from .helpers import log_data, text

pytestmark = pytest.mark.django_db


def _log_form(html, m) -> str:
    match = re.search(
        rf'<form method="post" action="{reverse("meeting_log", args=[m.pk])}".*?</form>',
        html, re.S)
    assert match, "no meeting form on the dashboard"
    return match.group(0)


def test_logging_a_meeting_takes_at_most_three_inputs_on_the_dashboard(mentor_client,
                                                                       mentorship):
    form = _log_form(text(mentor_client.get(reverse("dashboard"))), mentorship)
    inputs = [tag for tag in re.findall(r"<(?:input|select|textarea)\b[^>]*>", form)
              if 'type="hidden"' not in tag]
    # The questions a mentor answers (a group of radio buttons is one answer).
    names = list(dict.fromkeys(re.search(r'name="([^"]+)"', tag).group(1) for tag in inputs))
    required = [name for name in names
                if any(f'name="{name}"' in tag and " required" in tag for tag in inputs)]
    prefix = f"log-{mentorship.pk}-"
    assert required == [f"{prefix}date", f"{prefix}minutes", f"{prefix}on_track"]
    # The date and the agreed minutes are filled in: only "on track?" is left to pick.
    assert re.search(rf'name="{prefix}date" value="\d{{4}}-\d\d-\d\d"', form)
    assert re.search(rf'name="{prefix}minutes" value="\d+"', form)
    assert set(names) - set(required) == {f"{prefix}note"}  # optional

    # Those three alone log the meeting, and the mentor is back on the same page.
    data = {key: value for key, value in log_data(mentorship).items()
            if not key.endswith("-note")}
    response = mentor_client.post(reverse("meeting_log", args=[mentorship.pk]), data)
    assert response.status_code == 302 and response.url == reverse("dashboard")
    assert MeetingLog.objects.filter(mentorship=mentorship).count() == 1
