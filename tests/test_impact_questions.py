"""Every question reported by its type: a question of a type registered after the fact,
added by an organizer to a survey, reaches its panel on the dashboard and the raw export
(CSV and XLSX, pseudonymised by default); free text gets its searchable list; only
organizers see any of it."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from surveys import question_types
from surveys.impact import queries
from surveys.impact.figures import Figures
from surveys.impact.questions import question_panels
from surveys.impact.raw_export import pseudonym
from surveys.models import Invitation, Question, SurveyKind, SurveyTemplate

from .factories import UserFactory
from .surveys_helpers import answer, completed, invitation

pytestmark = pytest.mark.django_db

YEARS = ["1", "2", "2", "3", "7"]  # mean 3, median 2; 6 asked


class Years(question_types.Number):
    name, label = "years", "Years"
    low, high, unit, example = Decimal(0), Decimal(50), "years", "2 or 0.5"


@pytest.fixture
def world(program, monkeypatch):
    monkeypatch.setitem(question_types._REGISTRY, Years.name, Years())
    final = SurveyTemplate.objects.get(kind=SurveyKind.MENTEE_FINAL, program=None,
                                       is_current=True)
    Question.objects.create(template=final, key="years_in_field", order=999, type="years",
                            required=False, text="How many years until you expect to work "
                                                 "in the field?")
    people = []
    for i in range(6):
        inv = invitation(completed(program))
        people.append(inv.person)
        if i < 5:
            answer(inv, years_in_field=YEARS[i],
                   liked="=HYPERLINK(\"http://x\")" if i == 0 else f"Calls number {i}")
    Invitation.objects.update(sent_at=timezone.now())
    return people


def panel(key):
    figures = Figures(queries.load())
    return next(p for p in question_panels(figures) if p["key"] == key)


def test_a_new_type_gets_the_panel_of_what_it_reports(world):
    years = panel("years_in_field")
    assert (years["type_label"], years["reported_as"]) == ("Years", "numbers")
    assert (years["n"], years["asked"], years["mean"], years["median"]) == (5, 6, 3.0, 2.0)
    assert [(b["label"], b["count"]) for b in years["bars"]] == [
        ("1", 1), ("2", 2), ("3", 1), ("4", 0), ("5", 0), ("6", 0), ("7", 1)]
    assert years["rate"] == pytest.approx(500 / 6)
    liked = panel("liked")
    assert (liked["reported_as"], liked["n"]) == ("text", 5)


def test_the_dashboard_shows_each_question_panel(world, organizer_client):
    html = organizer_client.get(reverse("impact_dashboard")).content.decode()
    assert "How many years until you expect to work in the field?" in html
    assert "Mentee final survey · Years · n = 5 of 6 asked (83%)" in html
    assert reverse("impact_answers", args=["mentee_final", "liked"]) in html


def test_the_raw_csv_has_every_answer_pseudonymised(world, organizer_client):
    response = organizer_client.get(reverse("impact_raw_answers", args=["csv"]))
    raw = b"".join(response.streaming_content)
    assert raw.startswith("\ufeff".encode())  # Excel reads it as UTF-8
    body = raw.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body)))
    years = sorted(float(r["value"]) for r in rows if r["question_key"] == "years_in_field")
    assert years == [1.0, 2.0, 2.0, 3.0, 7.0]
    assert {r["type"] for r in rows if r["question_key"] == "years_in_field"} == {"years"}
    assert "name" not in rows[0] and world[0].email not in body and world[0].name not in body
    assert pseudonym(world[0].pk) in {r["respondent"] for r in rows}
    liked = [r["value"] for r in rows if r["question_key"] == "liked"]
    assert "'=HYPERLINK(\"http://x\")" in liked  # defused, not a formula


def test_names_only_when_asked_and_xlsx_alike(world, organizer_client):
    url = reverse("impact_raw_answers", args=["xlsx"])
    book = load_workbook(io.BytesIO(organizer_client.get(url, {"names": "1"}).content))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][-2:] == ("name", "email")
    assert world[0].email in {row[-1] for row in rows[1:]}
    assert sorted(row[9] for row in rows[1:] if row[6] == "years_in_field") == [
        1, 2, 2, 3, 7]
    plain = load_workbook(io.BytesIO(organizer_client.get(url).content))
    assert "email" not in next(plain.active.iter_rows(values_only=True))


def test_free_text_is_listed_and_searchable(world, organizer_client):
    url = reverse("impact_answers", args=["mentee_final", "liked"])
    html = organizer_client.get(url).content.decode()
    assert "5 written answers" in html and "Calls number 3" in html
    html = organizer_client.get(url, {"q": "number 2"}).content.decode()
    assert "1 written answer " in html and "Calls number 2" in html
    assert "Calls number 3" not in html


def test_only_organizers_see_answers(world, client):
    client.force_login(UserFactory())
    for url in (reverse("impact_raw_answers", args=["csv"]),
                reverse("impact_raw_answers", args=["xlsx"]),
                reverse("impact_answers", args=["mentee_final", "liked"])):
        assert client.get(url).status_code == 403
    client.logout()
    assert client.get(reverse("impact_raw_answers", args=["csv"])).status_code == 302
