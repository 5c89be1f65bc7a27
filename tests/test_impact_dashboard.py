"""The impact dashboard: its figures against a hand-worked program, small-group
suppression, per program and overall, the CSV exports, and who may see it."""

import csv
import io

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from mm_program.roles import ORGANIZERS, PAYMENTS_OFFICERS, ensure_roles
from surveys.impact import queries
from surveys.impact.figures import Figures
from surveys.models import Invitation, SurveyKind

from .factories import (
    MenteeApplicationFactory,
    MenteeFactory,
    MentorshipFactory,
    ProgramFactory,
    UserFactory,
)
from .surveys_helpers import answer, completed, invitation

pytestmark = pytest.mark.django_db

DELTA_P = ["10", "20", "30", "15", "25"]  # mean 20, sd √62.5, n 5
MONTHS = ["0", "3", "3", "6", "12"]  # mean 4.8, median 3
RECOMMEND = ["10", "9", "9", "7", "3"]  # 3 promoters, 1 detractor of 5: NPS +40
MINUTES = [(60, 60), (90,), (30,), (120,), ()]  # 360 min over 5 completed: 1.2 h each
WORTH_IT = ["yes", "yes", "not_sure", "no"]  # 4 mentor answers: too few to report
BASELINE_DEPTH = ["4", "5", "3", "6", "4"]
FINAL_DEPTH = ["6", "6", "5", "6", "7"]  # changes 2, 1, 2, 0, 3: mean +1.6


@pytest.fixture
def world(program, redirect_targets):
    """A hand-worked program: 12 mentee applications (8 accepted, 2 redirected, 1
    declined, 1 pending), 6 accepted mentees matched (5 completed, 1 active), 5 answered
    mentee finals and baselines, 4 answered mentor finals."""
    accepted = [MenteeFactory(program=program) for _ in range(8)]
    for status, redirect in (("redirected", redirect_targets["MATS"]),
                             ("redirected", redirect_targets["AGISF"]),
                             ("declined", None), ("pending", None)):
        MenteeApplicationFactory(program=program, status=status, redirect_to=redirect)
    done = []
    for i in range(5):
        m = completed(program, mentee=accepted[i], minutes=MINUTES[i])
        done.append(m)
        base = invitation(m, SurveyKind.MENTEE_BASELINE)
        answer(base, self_depth=BASELINE_DEPTH[i])
        answer(invitation(m), delta_p_fulltime=DELTA_P[i], months_saved=MONTHS[i],
               recommend=RECOMMEND[i], self_depth=FINAL_DEPTH[i])
        if i < 4:
            answer(invitation(m, SurveyKind.MENTOR_FINAL), worth_it=WORTH_IT[i])
    MentorshipFactory(program=program, mentee=accepted[5], status="active")
    # Sent but never answered: counts in the response rate, not in the figures.
    invitation(MentorshipFactory(program=program, mentee=accepted[6], status="completed",
                                 ended_on="2026-01-01"))
    # Half answered: not counted either.
    half = invitation(completed(program, mentee=accepted[7]))
    answer(half, submit=False, recommend="0", delta_p_fulltime="-50")
    return {"program": program, "completed": done}


def figures(program=None):
    raw = queries.load()
    return Figures(raw, [program.pk] if program else None).all()


def test_the_funnel_by_hand(world):
    funnel = figures()["funnel"]
    stages = {s["key"]: (s["count"], s["rate"]) for s in funnel["stages"]}
    assert stages["applied"] == (12, None)
    assert stages["accepted"][0] == 8 and stages["accepted"][1] == pytest.approx(800 / 12)
    assert stages["redirected"][0] == 2 and stages["redirected"][1] == pytest.approx(200 / 12)
    # Matched: 8 mentees have a mentorship that started (5 + 1 active + 2 more completed).
    assert stages["matched"][0] == 8 and stages["matched"][1] == pytest.approx(100.0)
    assert stages["completed"][0] == 7 and stages["completed"][1] == pytest.approx(87.5)
    assert (funnel["declined"], funnel["pending"]) == (1, 1)


def test_the_mentee_outcomes_by_hand(world):
    outcomes = figures()["outcomes"]
    delta = outcomes["delta_p"]
    assert (delta["n"], delta["mean"], delta["median"]) == (5, 20.0, 20.0)
    assert delta["ci_low"] == pytest.approx(10.1837, abs=1e-4)
    assert delta["ci_high"] == pytest.approx(29.8163, abs=1e-4)
    assert delta["bins"] == [0, 0, 0, 2, 2, 1]  # 10 15 | 20 25 | 30
    months = outcomes["months"]
    assert (months["n"], months["mean"], months["median"]) == (5, 4.8, 3.0)
    # Paid a stipend: what the payments app knows, over the 7 ended mentorships.
    assert (outcomes["funded"]["n"], outcomes["funded"]["share"]) == (7, 0.0)


def test_the_nps_by_hand(world):
    nps = figures()["nps"]
    assert (nps["n"], nps["suppressed"]) == (5, False)
    assert nps["score"] == pytest.approx(40.0)
    assert (nps["promoters"], nps["passives"], nps["detractors"]) == (60.0, 20.0, 20.0)
    assert nps["distribution"] == [0, 0, 0, 1, 0, 0, 0, 1, 0, 2, 1]


def test_groups_under_five_answers_are_too_few_to_report(world, organizer_client):
    figs = figures()
    assert figs["mentors"]["worth_it"]["n"] == 4
    assert figs["mentors"]["worth_it"]["suppressed"]
    assert all(r["suppressed"] for r in figs["ratings"])
    page = organizer_client.get(reverse("impact_dashboard"))
    html = page.content.decode()
    assert "Too few to report: 4 answers, at least 5 needed." in html
    # The suppressed shares never reach the page, not even in the chart data.
    assert '"worth_it"' not in html.split('id="impact-data"')[1]
    assert "50%" not in html.split("Mentors: worth their time?")[1].split("</section>")[0]
    rows = export(organizer_client, "mentors")
    assert rows[1][2:] == ["Worth their time", "too few to report", "4"]


def test_baseline_to_final_change_by_hand(world):
    change = {r["key"]: r for r in figures()["change"]}
    depth = change["self_depth"]
    assert (depth["n"], depth["mean"]) == (5, pytest.approx(1.6))
    assert depth["before"] == pytest.approx(4.4) and depth["after"] == pytest.approx(6.0)
    # Changes 2, 1, 2, 0, 3: sd = √1.3, t(0.975, 4) = 2.776445.
    assert depth["ci_high"] - depth["mean"] == pytest.approx(2.776445 * (1.3 ** 0.5) / 5 ** 0.5,
                                                              abs=1e-5)
    assert change["self_breadth"]["mean"] == pytest.approx(1.0)  # 4 → 5 for everyone


def test_the_cost_and_the_response_rates(world):
    figs = figures()
    cost = figs["cost"]
    # Completed mentorships: the 5, the unanswered one, the half answered one (7);
    # logged minutes are 360 in all.
    assert cost["completed"] == 7
    assert cost["hours_per_mentee"] == pytest.approx(6 / 7)
    rates = {r["kind"]: r for r in figs["responses"]}
    assert (rates["mentee_final"]["answered"], rates["mentee_final"]["in_progress"]) == (5, 1)
    assert rates["mentor_final"]["answered"] == 4


def test_one_program_or_all_of_them(world, organizer_client):
    other = ProgramFactory(name="Second cohort")
    for _ in range(5):
        m = completed(other)
        answer(invitation(m), recommend="0", delta_p_fulltime="-10")
    assert figures(other)["nps"]["score"] == -100.0
    assert figures(world["program"])["nps"]["score"] == pytest.approx(40.0)
    assert figures()["nps"]["score"] == pytest.approx(-30.0)  # 3 - 6 of 10
    page = organizer_client.get(reverse("impact_dashboard"))
    html = page.content.decode()
    assert "By program" in html and "Second cohort" in html
    one = organizer_client.get(reverse("impact_dashboard"), {"program": other.slug})
    assert one.status_code == 200 and "By program" not in one.content.decode()
    assert organizer_client.get(reverse("impact_dashboard"),
                                {"program": "nope"}).status_code == 404


def export(client, figure, **params):
    page = client.get(reverse("impact_export", args=[figure]), params)
    assert page.status_code == 200
    assert page["Content-Type"] == "text/csv; charset=utf-8"
    assert f"impact-{figure}-" in page["Content-Disposition"]
    return list(csv.reader(io.StringIO(page.content.decode())))


def test_every_figure_has_a_csv_export(world, organizer_client):
    from surveys.impact.export import FIGURES

    for figure in [*FIGURES, "all"]:
        rows = export(organizer_client, figure)
        assert rows[0] == ["figure", "programs", "measure", "value", "n"]
        assert len(rows) > 1, figure
    nps = export(organizer_client, "nps")
    assert nps[1] == ["Net Promoter Score", "All programs", "NPS", "40.00", "5"]
    outcomes = {r[2]: r[3] for r in export(organizer_client, "outcomes")}
    assert outcomes["Δp(full-time): 95% CI low (percentage points)"] == "10.18"
    funnel = {r[2]: r[3] for r in export(organizer_client, "funnel",
                                         program=world["program"].slug)}
    assert funnel["Accepted: % of applicants"] == "66.67"
    assert organizer_client.get("/organizers/impact/nothing.csv").status_code == 404


def test_csv_cells_cannot_become_formulas(organizer_client, program):
    ProgramFactory(name="=HYPERLINK(\"http://x\")")
    rows = export(organizer_client, "programs")
    assert any(r[1].startswith("'=HYPERLINK") for r in rows[1:])


def test_the_dashboard_renders_its_charts_data_and_numbers(world, organizer_client):
    page = organizer_client.get(reverse("impact_dashboard"))
    assert page.status_code == 200
    html = page.content.decode()
    for chart in ("funnel", "delta_p", "months", "nps"):
        assert f'data-chart="{chart}"' in html
    assert '<script id="impact-data" type="application/json">' in html
    assert "vendor/chartjs/chart.umd.min.js" in html and "js/impact.js" in html
    assert "<script>" not in html  # no inline scripts (a CSP is coming)
    assert "+20.0 pp" in html and "+40" in html
    assert "95% CI +10.2 to +29.8" in html


def test_the_dashboard_links_the_funders_report_and_shows_the_mats_measures(
        world, organizer_client):
    program = world["program"]
    Invitation.objects.filter(kind=SurveyKind.MENTEE_FINAL).update(sent_at=timezone.now())
    html = organizer_client.get(reverse("impact_dashboard"),
                                {"program": program.slug}).content.decode()
    assert f'href="{reverse("impact_report")}?program={program.slug}"' in html
    mats = html.split('id="mats-h"')[1].split("</section>")[0]
    # Five mentee finals rated the mentor 8; seven finals were sent (one never answered,
    # one half answered): n 5 of 7 asked.
    rating = mats.split("Rating of the mentor")[1].split("</tr>")[0]
    assert "mean 8.0" in rating and "n = 5 of 7 asked (71%)" in rating
    # The default surveys attach no question to the other measures: said so, not zeros.
    value = mats.split("Share of value from the mentor")[1].split("</tr>")[0]
    assert "No question in these surveys is attached to it." in value
    assert f'href="{reverse("impact_export", args=["mats"])}?program={program.slug}"' in mats


# --- Who may see it ----------------------------------------------------------------------

def staff(email, group=None, **kw):
    ensure_roles()
    user = UserFactory(email=email, is_staff=True, **kw)
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


@pytest.mark.parametrize("url", ["/organizers/impact/", "/organizers/impact/all.csv"])
def test_anonymous_visitors_are_sent_to_sign_in(client, url):
    page = client.get(url)
    assert page.status_code == 302 and page.url.startswith("/accounts/login/")


@pytest.mark.parametrize("who", ["mentor", "mentee", "staff", "officer", "inactive"])
@pytest.mark.parametrize("url", ["/organizers/impact/", "/organizers/impact/nps.csv"])
def test_only_organizers_see_the_dashboard(client, program, who, url):
    m = completed(program)
    user = {
        "mentor": lambda: m.mentor.user,
        "mentee": lambda: m.mentee.user,
        "staff": lambda: staff("plain@example.org"),
        "officer": lambda: staff("pay@example.org", PAYMENTS_OFFICERS),
        "inactive": lambda: staff("gone@example.org", ORGANIZERS, is_active=False),
    }[who]()
    client.force_login(user)
    page = client.get(url)
    if who == "inactive":  # signed out
        assert page.status_code == 302 and "login" in page.url
    else:  # signed in, but not an organizer
        assert page.status_code == 403
        assert b"Net Promoter" not in page.content


def test_organizers_and_superusers_see_it_and_the_link(client, organizer_client, program):
    assert organizer_client.get("/organizers/impact/").status_code == 200
    home = organizer_client.get("/").content.decode()
    assert 'href="/organizers/impact/">Impact</a>' in home
    client.force_login(UserFactory(email="root@example.org", is_staff=True,
                                   is_superuser=True))
    assert client.get("/organizers/impact/").status_code == 200
    m = completed(program)
    client.force_login(m.mentor.user)
    assert "/organizers/impact/" not in client.get("/").content.decode()


def test_the_admin_links_organizers_to_the_dashboard_and_nobody_else(client,
                                                                    organizer_client):
    # Organizers land in the admin after signing in.
    admin_home = organizer_client.get("/admin/").content.decode()
    assert '<a href="/organizers/impact/">Impact dashboard</a>' in admin_home
    client.force_login(staff("pay@example.org", PAYMENTS_OFFICERS))
    page = client.get("/admin/")
    assert page.status_code == 200
    assert "/organizers/impact/" not in page.content.decode()


def test_an_empty_program_shows_zeros_and_too_few(organizer_client, program):
    page = organizer_client.get(reverse("impact_dashboard"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "too few" in html


def test_stipend_spend_per_completed_mentee(world, organizer_client):
    payments = pytest.importorskip("payments.models")
    from datetime import date
    from decimal import Decimal

    from django.utils import timezone

    m = world["completed"][0]
    common = dict(program=m.program, mentorship=m, period_start=date(2026, 1, 1),
                  period_end=date(2026, 1, 31), rate=Decimal("30.00"), currency="USD",
                  justification="x", decided_at=timezone.now())
    payments.StipendRequest.objects.create(
        payee=m.mentee.user, payee_role="mentee", hours=Decimal("10"),
        amount=Decimal("300.00"), status="paid", paid_on=date(2026, 2, 1),
        paid_at=timezone.now(), payment_reference="T-1", **common)
    payments.StipendRequest.objects.create(
        payee=m.mentor.user, payee_role="mentor", hours=Decimal("4"),
        amount=Decimal("120.00"), status="approved", **common)
    payments.StipendRequest.objects.create(  # rejected: not spent
        payee=m.mentee.user, payee_role="mentee", hours=Decimal("5"),
        amount=Decimal("150.00"), status="rejected", rejection_reason="no", **common)
    [usd] = figures()["cost"]["stipends"]
    assert (usd["spend"], usd["paid"], usd["mentee"], usd["mentor"]) == (
        Decimal("420.00"), Decimal("300.00"), Decimal("300.00"), Decimal("120.00"))
    assert usd["per_completed"] == Decimal("60.00")  # 420 over 7 completed mentorships
    html = organizer_client.get(reverse("impact_dashboard")).content.decode()
    assert "420 USD" in html and "60 USD" in html


def test_without_the_payments_app_the_stipend_figure_is_left_out(organizer_client,
                                                                 monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "payments.models", None)  # import fails
    assert queries.stipend_totals() is None
    html = organizer_client.get(reverse("impact_dashboard")).content.decode()
    assert "not available (the stipends app does not report it)" in html
