"""What alumni answer at each follow-up (what they do now, full-time in the field, how much
the program contributed, who funded them, their outputs) is reported per round: an alumna
asked at 6 and at 12 months answers twice, and merging the rounds would count her twice.
The "every question" panels of the follow-up and its lists of written answers are split
the same way."""

import csv
import io

import pytest
from django.urls import reverse

from surveys.impact import queries
from surveys.impact.figures import Figures
from surveys.impact.questions import question_panels
from surveys.models import SurveyKind

from .surveys_helpers import answer, completed
from .test_impact_mentor_followups import followup

pytestmark = pytest.mark.django_db

# Six alumni answer at 6 months (a seventh is asked and doesn't); four of them again at
# 12 months, two of those having moved into research.
SIX = [("safety_research", "yes", "9", "https://example.org/paper-a"),
       ("safety_research", "yes", "7", ""),
       ("safety_research", "no", "8", ""),
       ("student", "no", "5", "https://example.org/post-b"),
       ("student", "no", "6", ""),
       ("looking", "no", "3", "")]
TWELVE = [("safety_research", "yes", "9", "https://example.org/paper-c"),
          ("safety_research", "yes", "8", ""),
          ("safety_research", "yes", "9", ""),
          ("safety_other", "yes", "7", "")]


def _answer(inv, occupation, fulltime, contribution, outputs):
    answer(inv, occupation=occupation, fulltime_in_field=fulltime,
           program_contribution=contribution, outputs=outputs or None,
           funded_by="LTFF" if outputs else None)


@pytest.fixture
def alumni(program):
    for i, six in enumerate(SIX):
        m = completed(program, days_ago=400)
        _answer(followup(m, 6), *six)
        if i < len(TWELVE):
            _answer(followup(m, 12), *TWELVE[i])
    followup(completed(program, days_ago=400), 6)  # asked, never answered
    return program


def test_each_round_is_reported_on_its_own(alumni):
    now = {n["months"]: n for n in Figures(queries.load(), [alumni.pk]).alumni()["now"]}
    assert sorted(now) == [6, 12]
    six, twelve = now[6], now[12]
    occupation = {o["value"]: (o["count"], o["share"]) for o in six["occupation"]["options"]}
    assert (six["occupation"]["n"], six["occupation"]["asked"]) == (6, 7)
    assert occupation["safety_research"] == (3, pytest.approx(50.0))
    assert occupation["student"] == (2, pytest.approx(100 * 2 / 6))
    assert occupation["tech"] == (0, 0.0)  # every option is listed, chosen or not
    assert (six["fulltime"]["part"], six["fulltime"]["n"]) == (2, 6)
    assert six["contribution"]["mean"] == pytest.approx((9 + 7 + 8 + 5 + 6 + 3) / 6)
    assert (six["outputs"]["n"], six["outputs"]["asked"]) == (2, 7)
    assert (six["funded_by"]["n"], six["outputs"]["key"]) == (2, "outputs")
    # Four at 12 months: too few to report, never merged into the six.
    assert twelve["occupation"]["n"] == 4 and twelve["occupation"]["suppressed"]
    assert twelve["contribution"]["n"] == 4 and twelve["contribution"]["suppressed"]
    # The same rows at every round, in the same order (the table has a row per option).
    assert ([o["value"] for o in six["occupation"]["options"]]
            == [o["value"] for o in twelve["occupation"]["options"]])


def test_the_follow_up_question_panels_are_one_per_round(alumni):
    panels = [p for p in question_panels(Figures(queries.load(), [alumni.pk]))
              if p["kind"] == SurveyKind.MENTEE_FOLLOWUP and p["key"] == "program_contribution"]
    assert [(p["months"], p["n"], p["asked"]) for p in panels] == [(6, 6, 7), (12, 4, 4)]
    assert panels[0]["kind_label"] == "Alumni follow-up, 6 months after the end"
    assert panels[0]["chart"] != panels[1]["chart"]


def test_the_dashboard_shows_what_alumni_do_now_per_round(alumni, organizer_client):
    html = organizer_client.get(reverse("impact_dashboard")).content.decode()
    assert "What alumni say at each follow-up" in html
    assert "<td>50% (3)</td>" in html  # research in AI safety at 6 months
    assert "(7)</td>" not in html  # 3 at 6 months and 4 at 12, never merged
    answers = reverse("impact_answers", args=[SurveyKind.MENTEE_FOLLOWUP, "outputs"])
    assert f'href="{answers}?months=6"' in html


def test_the_list_of_outputs_reads_one_round(alumni, organizer_client):
    url = reverse("impact_answers", args=[SurveyKind.MENTEE_FOLLOWUP, "outputs"])
    html = organizer_client.get(url, {"months": "12"}).content.decode()
    assert "paper-c" in html and "paper-a" not in html and "post-b" not in html
    assert "Alumni follow-up, 12 months after the end: 1 written answer" in html
    every = organizer_client.get(url).content.decode()
    assert all(link in every for link in ("paper-a", "post-b", "paper-c"))
    # Anything else than a number of months lists every round.
    for typed in ("x", "²", "-6", "99999"):
        page = organizer_client.get(url, {"months": typed})
        assert page.status_code == 200 and "paper-a" in page.content.decode(), typed


def test_the_export_has_each_round(alumni, organizer_client):
    page = organizer_client.get(reverse("impact_export", args=["alumni"]))
    rows = {r[2]: (r[3], r[4]) for r in csv.reader(io.StringIO(page.content.decode()))}
    assert rows["Alumni follow-ups sent"] == ("11", "")
    assert rows["What alumni do now, 6 months after: % Research in AI safety (a lab, "
                "academia, independent)"] == ("50.00", "6")
    assert rows["What alumni do now, 12 months after"] == ("too few to report", "4")
    assert rows["Listed publications or projects, 6 months after"] == ("2", "7")


def test_the_report_links_the_written_answers_only_for_all_time(alumni, organizer_client):
    # The lists cover every period: a report of one period counts its own, unlinked.
    answers = reverse("impact_answers", args=[SurveyKind.MENTEE_FOLLOWUP, "outputs"])
    report = reverse("impact_report")
    assert answers in organizer_client.get(report).content.decode()
    one_year = organizer_client.get(report, {"from": "2020-01-01", "to": "2099-12-31"})
    html = one_year.content.decode()
    assert "What alumni say at each follow-up" in html and answers not in html


def test_the_next_page_keeps_the_round_the_search_and_the_program(program, organizer_client):
    for i in range(52):
        _answer(followup(completed(program, days_ago=400), 6), "student", "no", "5",
                f"https://example.org/paper-{i}")
    url = reverse("impact_answers", args=[SurveyKind.MENTEE_FOLLOWUP, "outputs"])
    first = organizer_client.get(url, {"months": "6", "q": "paper", "program": program.slug})
    html = first.content.decode()
    older = html.split('class="page-link" href="')[1].split('"')[0].replace("&amp;", "&")
    assert sorted(older.lstrip("?").split("&")) == [
        "months=6", "page=2", f"program={program.slug}", "q=paper"]
    second = organizer_client.get(url + older).content.decode()
    assert second.count("mm-answer-text") == 2 and "paper-0<" in second
