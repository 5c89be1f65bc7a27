"""The Content-Security-Policy blocks nothing on the real pages, in real Chromium.

The policy forbids inline scripts and styles. A template (ours, Django admin's, a
package's) or a script (Bootstrap, Chart.js, ours) that still relies on them would break
quietly: the browser drops the style or the script and logs it. This walks the pages of
every role on the demo program, plus every admin changelist, change form and history
page, and fails on any `securitypolicyviolation` event or console error that mentions the
policy.
"""

import time

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from matching.demo_data import DEMO_MENTEE, DEMO_MENTOR, email_for
from matching.models import Mentorship, MentorshipStatus, Program
from matching.services.matching import run_matching
from matching.tokens import invitation_token
from mm_program.models import User
from mm_program.reminders import pause_token
from mm_program.roles import PAYMENTS_OFFICERS
from payments.models import StipendRequest
from surveys.dispatch import invite
from surveys.models import SurveyKind
from surveys.tokens import survey_token

from .browser_fixtures import ARTIFACTS, sign_in
from .test_browser_surveys import charts_drawn, seeded_areas

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Runs before any of the page's own scripts: collects every violation the page reports.
WATCH_VIOLATIONS = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(
  `${e.violatedDirective} blocked ${e.blockedURI || 'inline'} ` +
  `(${e.sourceFile || 'the page'}:${e.lineNumber}) ${e.sample || ''}`));
"""

# Admin pages loaded side by side in the organizer walk (see Walk).
ADMIN_TABS = 6
# How long a walk waits for one page to load (the browser tests' default is 10 s). Loaded
# side by side, a page waits behind the other tabs' requests, served by the live server's
# threads on a CI machine's two shared CPUs: 10 s was too tight there. This test checks
# the policy, not speed (bench/ measures that).
LOAD_TIMEOUT_MS = 60_000


def quiet(page, path: str) -> None:
    """Wait for the page's load event, then for half a second in which none of its own
    requests (``page.pending``) was open, started or finished. Playwright's "networkidle"
    sometimes never came, on SQLite under load, for a page already complete with nothing
    open (the walk then failed after a minute, naming no request)."""
    started = time.monotonic()
    try:
        page.wait_for_load_state("load")
    except PlaywrightTimeout as timeout:
        raise AssertionError(f"{path}: no load event after {LOAD_TIMEOUT_MS} ms; open "
                             f"requests: {list(page.pending.values())}") from timeout
    while page.pending or time.monotonic() - page.last_request < 0.5:
        if time.monotonic() - started > LOAD_TIMEOUT_MS / 1000:
            raise AssertionError(f"{path} still loading after {LOAD_TIMEOUT_MS} ms; open "
                                 f"requests: {list(page.pending.values())}")
        page.wait_for_timeout(100)  # (Playwright delivers the request events meanwhile)


class Walk:
    """Pages visited in one browser context, with every problem found on them.

    With `tabs` above one, `visit_all` loads that many pages at once, each in a context of
    its own signed in as the same user: every page is still checked only once it has
    reached network idle (no request for 500 ms), but those quiet half-seconds overlap
    instead of adding up over a hundred admin pages."""

    def __init__(self, new_page, live_server, user=None, tabs=1):
        self.pages = [self._open(new_page, live_server, user) for _ in range(tabs)]
        self.page = self.pages[0]
        self.problems: list[str] = []
        self.visited: list[str] = []

    @staticmethod
    def _open(new_page, live_server, user):
        page = new_page()
        page.set_default_timeout(LOAD_TIMEOUT_MS)
        page.add_init_script(WATCH_VIOLATIONS)
        # The requests still open, so that a page that never goes quiet says which.
        page.pending, page.last_request = {}, 0.0

        def started(request):
            page.pending[id(request)] = request.url
            page.last_request = time.monotonic()

        def ended(request):
            page.pending.pop(id(request), None)
            page.last_request = time.monotonic()

        page.on("request", started)
        page.on("requestfinished", ended)
        page.on("requestfailed", ended)
        if user is not None:
            sign_in(page, live_server, user)
        return page

    def visit(self, path: str, status: int = 200):
        self.visit_all([path], status=status)

    def visit_all(self, paths: list[str], status: int = 200):
        for start in range(0, len(paths), len(self.pages)):
            batch = list(zip(self.pages, paths[start:start + len(self.pages)], strict=False))
            # Start every page of the batch, then wait for each as `goto` would (the load
            # event) and on to network idle: the pages load side by side.
            started = [(page, path, page.goto(path, wait_until="commit"))
                       for page, path in batch]
            for page, path, response in started:
                assert response is not None, path
                assert response.status == status, f"{path}: HTTP {response.status}"
                assert "default-src 'self'" in response.headers.get(
                    "content-security-policy", ""), path
                quiet(page, path)
                self.check(path, page)
                self.visited.append(path)

    def check(self, where: str, page=None):
        page = page or self.page
        for violation in page.evaluate("window.__csp || []"):
            self.problems.append(f"{where}: {violation}")
        page.evaluate("window.__csp = []")
        for line in page.browser_log:
            if "Content Security Policy" in line or "Content-Security-Policy" in line:
                self.problems.append(f"{where}: {line}")
        page.browser_log.clear()


@pytest.fixture
def demo(db):
    seeded_areas()
    call_command("seed_demo", force=True)
    program = Program.objects.order_by("created_at", "pk").first()
    mentor = User.objects.get(email=email_for(DEMO_MENTOR))
    mentee = User.objects.get(email=email_for(DEMO_MENTEE))
    m = Mentorship.objects.filter(mentor__user=mentor, mentee__user=mentee).first()
    return {"program": program, "mentor": mentor, "mentee": mentee, "m": m}


def test_the_public_pages_break_no_policy(new_page, live_server, demo):
    m = demo["m"]
    invited = Mentorship.objects.filter(status=MentorshipStatus.INVITED).first()
    assert invited is not None  # the demo has one
    invitation = invite(mentorship=m, kind=SurveyKind.MENTEE_FINAL, send=False)
    walk = Walk(new_page, live_server)
    for path in ("/", "/apply/mentee/", "/apply/mentor/", "/accounts/login/",
                 "/accounts/login/code/", "/no-such-page/"):
        walk.visit(path, status=404 if path == "/no-such-page/" else 200)

    # A refused application: the error summary takes focus (static/js/app.js).
    walk.visit("/apply/mentee/")
    walk.page.get_by_role("button", name="Send application").click()
    expect(walk.page.locator(".mm-error-summary")).to_be_focused()
    walk.check("/apply/mentee/ (refused)")

    # The emailed links: reminder pause, mentee invitation, survey (saves as one types).
    walk.visit(reverse("reminder_pause", args=[pause_token(demo["mentor"].pk, "meeting-nudge")]))
    walk.visit(reverse("invitation", args=[invitation_token(invited.pk)]))
    walk.visit(reverse("invitation", args=["not-a-token"]), status=404)
    walk.visit(reverse("apply_update_confirm", args=["not-a-token"]), status=404)
    walk.visit(reverse("survey", args=[survey_token(invitation)]))
    walk.page.locator("textarea, input[type=text], input[type=number]").first.fill("4")
    with walk.page.expect_response(lambda r: r.request.method == "POST"):
        walk.page.keyboard.press("Tab")  # (survey.js saves 600 ms after the last change)
    quiet(walk.page, "survey (autosave)")
    walk.check("survey (autosave)")
    assert walk.problems == []


def test_the_participants_pages_break_no_policy(new_page, live_server, demo):
    m = demo["m"]
    mentor = Walk(new_page, live_server, demo["mentor"])
    for path in ("/dashboard/", f"/mentorships/{m.pk}/", f"/mentorships/{m.pk}/terms/",
                 f"/mentorships/{m.pk}/project/", f"/mentorships/{m.pk}/end/",
                 "/stipends/", "/stipends/bank-details/"):
        mentor.visit(path)
    mentee = Walk(new_page, live_server, demo["mentee"])
    for path in ("/dashboard/", f"/mentorships/{m.pk}/", "/stipends/"):
        mentee.visit(path)
    request = StipendRequest.objects.filter(payee=demo["mentee"]).first()
    mentee.visit(f"/stipends/{request.pk}/")
    mentee.visit(f"/stipends/new/{m.pk}/")
    # The amount is worked out as one types (payments/stipends.js).
    mentee.page.get_by_label("Hours worked").fill("3")
    expect(mentee.page.locator("#stipend-amount")).to_contain_text("Amount: 90.00")
    mentee.check("stipend request (typing)")
    assert mentor.problems + mentee.problems == []


def test_the_organizer_pages_break_no_policy(new_page, live_server, demo):
    from matching.scoring import Weights

    # Superuser and payments officer: every admin page, bank details included.
    superuser = User.objects.create_superuser(email="root@example.org",
                                              password="a-long-test-password-42")
    superuser.groups.add(Group.objects.get(name=PAYMENTS_OFFICERS))
    run = run_matching(program=demo["program"], weights=Weights(), threshold=0.0,
                       by=superuser)
    walk = Walk(new_page, live_server, superuser, tabs=ADMIN_TABS)

    walk.visit("/organizers/impact/")
    assert all(drawn for _, drawn in charts_drawn(walk.page))
    paths = ["/admin/", reverse("admin:matching_matchingrun_change", args=[run.pk]),
             reverse("admin:matching_matchingrun_add")]
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        paths.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        first = model_admin.get_queryset(_request(superuser)).order_by("pk").first()
        if first is None:
            continue
        paths.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_change",
                             args=[first.pk]))
        paths.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_history",
                             args=[first.pk]))
    walk.visit_all(paths)
    assert len(walk.visited) > 40
    if walk.problems:
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / "csp-violations.txt").write_text("\n".join(walk.problems) + "\n")
    assert walk.problems == []


def _request(user):
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = user
    return request
