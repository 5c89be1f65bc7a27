"""The figures beyond the pilot's have charts: Δp of completers and early leavers side by
side, why mentorships ended early, the MATS measures, alumni per cohort against the goal,
and programs compared on one chart; the funders' report draws its charts too. Every canvas
a template names has a builder in impact.js, so none stays blank; each number question's
panel draws its histogram."""

import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from surveys.impact import queries
from surveys.impact.export import chart_data
from surveys.impact.figures import Figures, by_program
from surveys.models import SurveyKind

from .factories import ProgramFactory
from .surveys_helpers import answer, completed, invitation

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)


def charts_on(html: str) -> dict:
    found = re.search(r'<script id="impact-data" type="application/json">(.*?)</script>',
                      html, re.S)
    return json.loads(found.group(1))


@pytest.fixture
def two_programs(program):
    """Program one: 5 completed (Δp 10..30, mean 20) and 5 ended early (Δp 0, 5, 5, 10, 0:
    mean 4), each exit survey giving a reason. Program two: 5 completed, Δp -10 each."""
    for value in ["10", "15", "20", "25", "30"]:
        answer(invitation(completed(program)), delta_p_fulltime=value)
    for value, reason in zip(["0", "5", "5", "10", "0"],
                             ["fit", "fit", "mentee_time", "no_contact", "fit"], strict=True):
        m = completed(program, status="ended_early", end_reason="mentee_time")
        answer(invitation(m, SurveyKind.MENTEE_EXIT), delta_p_fulltime=value,
               exit_reason=reason)
    other = ProgramFactory(name="Second cohort")
    for _ in range(5):
        answer(invitation(completed(other)), delta_p_fulltime="-10")
    return program, other


def test_completers_and_early_leavers_and_programs_have_chart_data(two_programs):
    program, other = two_programs
    raw = queries.load()
    charts = chart_data(Figures(raw, [program.pk]).all())
    assert charts["by_end"]["labels"] == ["Completed", "Ended early", "Together"]
    assert charts["by_end"]["means"] == [20.0, 4.0, 12.0]
    exits = charts["exits_mentee_exit"]
    assert dict(zip(exits["labels"], exits["counts"], strict=True))["It wasn't a good fit"] == 3
    compared = chart_data(Figures(raw).all(), by_program(raw))["programs"]
    assert dict(zip(compared["labels"], compared["means"], strict=True)) == {
        program.name: 12.0, "Second cohort": -10.0}


def test_the_dashboard_and_the_report_draw_every_chart_they_have_data_for(
        two_programs, organizer_client):
    html = organizer_client.get(reverse("impact_dashboard")).content.decode()
    charts = charts_on(html)
    assert {"by_end", "exits_mentee_exit", "programs"} <= set(charts)
    # A question attached to a named figure says which one it feeds.
    assert "Mentee exit survey (ended early) · Single choice · feeds “Why it ended early”" in html
    # Every number question's own histogram: Δp in the final survey, both programs (-10
    # five times, 10 to 30), in bins of 5 from -10, the empty ones kept.
    histogram = charts["q-mentee_final-delta_p_fulltime"]
    assert dict(zip(histogram["labels"], histogram["counts"], strict=True)) == {
        "-10 to -6": 5, "-5 to -1": 0, "0–4": 0, "5–9": 0, "10–14": 1, "15–19": 1,
        "20–24": 1, "25–29": 1, "30–34": 1}
    for name in charts:
        assert f'data-chart="{name}"' in html, name
    report = organizer_client.get(reverse("impact_report")).content.decode()
    assert 'data-chart="by_end"' in report and "by_end" in charts_on(report)
    assert "js/impact.js" in report and "<script>" not in report


def test_every_canvas_in_the_templates_has_a_builder():
    script = (ROOT / "static/js/impact.js").read_text()
    builders = set(re.findall(r"^ {4}([a-z_]+): function", script, re.M))
    names = set()
    for template in (ROOT / "templates/surveys").rglob("*.html"):
        for name in re.findall(r'data-chart="([^"]+)"', template.read_text()):
            if name == "{{ chart }}":  # _shares.html: worth_it and again
                continue
            if name == "{{ p.chart }}":  # _questions.html: each question's histogram
                assert "var builder = name.indexOf(\"q-\") === 0 ? histogram" in script
                continue
            if "{{ row.kind }}" in name:  # _exits.html: one per exit survey
                names |= {name.replace("{{ row.kind }}", k) for k in ("mentee_exit",
                                                                     "mentor_exit")}
            else:
                names.add(name)
    assert {"by_end", "alumni", "programs", "exits_mentee_exit", "mentor_rating",
            "counterfactual", "elements"} <= names
    assert names | {"worth_it", "again"} <= builders


def test_the_programs_table_counts_early_leavers_and_their_surveys(two_programs,
                                                                   organizer_client):
    program, _ = two_programs
    html = organizer_client.get(reverse("impact_dashboard")).content.decode()
    row = re.search(rf'<a href="\?program={program.slug}">.*?</tr>', html, re.S).group(0)
    cells = re.findall(r'<td class="text-end">(.*?)</td>', row, re.S)
    # 10 applied (each mentee's application), 5 completed, 5 ended early.
    assert cells[:3] == ["10", "5", "5"]
    assert "End surveys answered" in html and "Funded or hired" in html
