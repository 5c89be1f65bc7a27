"""A cohort program end to end in real Chromium, each person in a browser of their own:
the organizer adds an extra reviewer and assigns the SRP's graders in admin, the mentors
edit their listing and review, an applicant applies and chooses mentors in order, the
extra reviewer scores and declares a conflict of interest (the applicant disappears from
her list), the organizer allocates slots under the budget, runs
matching in both modes and approves each, an offer is declined and the slot re-offered,
a mentor stops a scholar at the Training filter, two graders grade the Scholar Research
Plan, the Extension's applications are endorsed and decided, and the scholar's Training
grant is requested, approved, exported and paid.

The cohort and its crowd (29 more applicants, their reviews, the offers nobody watches)
come from tests/cohort_journey.py, through the services. Each step below is one role's
visit; the test runs them in order. Screenshots of a failure: test-artifacts/."""

import csv
import io
from pathlib import Path

import pytest
from playwright.sync_api import expect

from matching.models import (
    RUNNING_STATUSES,
    Conflict,
    ExtensionApplication,
    ExtensionDecision,
    MatchingRun,
    MenteeApplication,
    Mentorship,
    Offer,
    OfferStatus,
)
from matching.services import cohort_reviews as reviews
from mm_program.models import Message, MessageStatus, User
from payments.models import StipendRequest

from .browser_fixtures import signed_in
from .cohort_journey import (
    SLOT_BUDGET,
    SRP_SECTIONS,
    TRAINING_GRANT,
    YES_PER_MENTOR,
    Journey,
    accept_offers,
    crowd_applies,
    crowd_reviews,
    deadline_passes,
    first_choosers,
    from_dashboard,
    journey_cohort,
    scholar_applies_to_extend,
    scholar_submits,
    score,
)
from .test_browser_apply import assert_no_browser_errors, fill_mentee_form

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ADA = "Ada Lovelace"  # the applicant who goes through every page herself
RITA = "rita@summer.example.org"  # the extra reviewer the organizer adds, with no account yet
GRADES = [(25, 20, 30), (27, 24, 34)]  # each grader's points for Ada, section by section
AVERAGE = f"{sum(map(sum, GRADES)) / len(GRADES):.1f}"
SRP_POINTS = sum(points for _, points in SRP_SECTIONS)


@pytest.fixture
def journey(organizer, areas) -> Journey:
    j = journey_cohort(organizer)
    crowd_applies(j)
    return j


def test_a_cohort_from_applications_to_the_extension(journey, new_page, live_server,
                                                     officer):
    j, opened = journey, []

    def browser_of(user):
        page = signed_in(new_page, live_server, user)
        opened.append(page)
        return page

    boss = browser_of(j.organizer)
    rita = organizer_adds_a_reviewer(j, boss)
    organizer_assigns_the_graders(j, boss)
    mentor = browser_of(j.mentors[0].user)
    mentor_edits_their_listing(j, mentor)
    ada = ada_applies_and_chooses(j, new_page, browser_of)
    crowd_reviews(j, first_rank_of={0: 2})
    reviews.shared_review_save(application=ada_application(), by=j.first_reviewer,
                               scores={c.pk: 3 for c in j.s.shared_criteria}, notes="")
    mentor_reviews_ada(j, mentor)
    reviewer = browser_of(rita)
    reviewer_scores_ada(j, reviewer)
    reviewer_declares_a_conflict(j, reviewer)

    allocate_slots(j, boss, {0: 2, 1: 2, 2: 1, 3: 0}, refused_first={0: 3, 1: 2, 2: 1, 3: 1})
    approve_a_run(j, boss, "optimal", expected_offers=5)
    offers_declined_and_offered_again(j, boss, browser_of, ada)
    # The scholars nobody watches accept theirs.
    accept_offers([first_choosers(j, 1)[0], first_choosers(j, 1)[1],
                   first_choosers(j, 2)[0], first_choosers(j, 0)[1]])
    allocate_slots(j, boss, {0: 2, 1: 2, 2: 1, 3: 1})
    approve_a_run(j, boss, "stable", expected_offers=1)
    accept_offers([first_choosers(j, 3)[0]])
    assert_offer_emails(j)

    mentor_filters_after_training(j, mentor, boss)
    srp_submitted_and_graded(j, ada, boss, browser_of)
    extension_applied_endorsed_decided(j, ada, mentor, boss)
    training_grant_paid(j, ada, boss, browser_of(officer))
    # Tolerated: the forms refused on purpose (400), and the payout export's POST, which
    # Chromium logs as failed when its answer turns out to be a download.
    for page in opened:
        assert_no_browser_errors(page, "status of 400 (Bad Request)", f"POST {live_server.url}"
                                 "/admin/payments/stipendrequest/?payout=to_export")


def ada_application() -> MenteeApplication:
    return MenteeApplication.objects.get(email="ada@example.org")


# --------------------------------------------------------------------------- selection


def organizer_adds_a_reviewer(j: Journey, boss) -> User:
    """In the cohort's setup (admin → Cohorts), by her address: Rita has no account
    yet; one is made, and an email tells her where her list is."""
    boss.goto("/admin/")
    boss.get_by_role("link", name="Cohorts", exact=True).click()
    boss.get_by_role("link", name=str(j.s.program)).click()
    reviewers = boss.locator("#reviewers-group")
    addresses = reviewers.get_by_role("textbox", name="email address")
    expect(addresses.first).to_have_value(j.first_reviewer.email)
    expect(addresses.first).to_be_disabled()  # removed, never changed
    addresses.last.fill("Rita@Summer.example.org ")
    reviewers.get_by_role("textbox", name="name").last.fill("Rita Reviewer")
    boss.get_by_role("button", name="Save and continue editing").click()
    expect(boss.locator(".messagelist")).to_contain_text("was changed successfully")
    expect(addresses).to_have_count(3)  # Rita, Sam (by address) and a new empty row
    expect(addresses.first).to_have_value(RITA)
    expect(addresses.first).to_be_disabled()
    rita = User.objects.get(email=RITA)
    assert (str(rita), rita.has_usable_password()) == ("Rita Reviewer", False)
    invitation = Message.objects.get(kind="reviewer-invitation")
    assert invitation.recipient == RITA and f"/cohorts/{j.slug}/review/" in invitation.body_text
    return rita


def organizer_assigns_the_graders(j: Journey, boss):
    """The SRP's graders, by their addresses, on the milestone's page (admin →
    Milestones); each is emailed where to grade."""
    boss.goto("/admin/")
    boss.get_by_role("link", name="Milestones", exact=True).click()
    boss.get_by_role("link", name=j.srp.name).click()
    boss.get_by_label("Graders").fill("\n".join(g.email for g in j.graders))
    boss.get_by_role("button", name="Save and continue editing").click()
    expect(boss.locator(".messagelist")).to_contain_text("was changed successfully")
    assert set(j.srp.graders.all()) == set(j.graders)
    assert set(Message.objects.filter(kind="grader-invitation").values_list(
        "recipient", flat=True)) == {g.email for g in j.graders}


def mentor_edits_their_listing(j: Journey, mentor):
    from_dashboard(mentor, "Your applicants and listing")
    expect(mentor.get_by_role("heading", level=1)).to_contain_text(j.s.program.name)
    mentor.get_by_label("Your research agenda").fill("Evaluations of scheming in agents.")
    mentor.get_by_label("Your question 2").fill("Which eval would you build first?")
    mentor.get_by_role("button", name="Save my listing").click()
    expect(mentor.get_by_text("Your listing is saved")).to_be_visible()


def ada_applies_and_chooses(j: Journey, new_page, browser_of):
    visitor = new_page()
    visitor.goto(f"/cohorts/{j.slug}/")
    listing = visitor.locator(f"#mentor-{j.mentors[0].pk}").locator("xpath=../..")
    expect(listing).to_contain_text("Evaluations of scheming in agents.")
    expect(listing).to_contain_text("Which eval would you build first?")
    visitor.get_by_role("link", name="the application form").click()
    fill_mentee_form(visitor)
    visitor.get_by_role("button", name="Send application").click()
    expect(visitor.get_by_role("heading", name="Thank you, your application is in")).to_be_visible()
    expect(visitor.get_by_role("link", name="your choice of mentors")).to_be_visible()

    ada = browser_of(ada_application().user)
    from_dashboard(ada, "Your choice of mentors")
    for place, index in (("First", 0), ("Second", 1), ("Third", 2)):
        ada.get_by_label(f"{place} choice").select_option(label=j.mentor_name(index))
    ada.get_by_label("Question 0 of mentor 0?").fill("I would start from the threat model.")
    ada.get_by_label("Which eval would you build first?").fill("A sandbagging eval.")
    ada.get_by_label("Question 0 of mentor 1?").fill("Interpretability of planning.")
    ada.get_by_label("Question 0 of mentor 2?").fill("Scalable oversight.")
    ada.get_by_role("button", name="Save my choices").click()
    expect(ada.get_by_text(f"1. {j.mentor_name(0)}, 2. {j.mentor_name(1)}, "
                           f"3. {j.mentor_name(2)}")).to_be_visible()
    assert Message.objects.filter(recipient="ada@example.org",
                                  kind="application-received").exists()
    return ada


def mentor_reviews_ada(j: Journey, mentor):
    mentor.goto(f"/cohorts/{j.slug}/mentor/")
    chose = len([a for a in j.s.applications if a.mentor_choices.filter(
        mentor=j.mentors[0]).exists()]) + 1  # the crowd's and Ada's
    expect(mentor.locator("#mentor-demand")).to_contain_text(f"{chose} chose you")
    mentor.get_by_role("link", name=ADA).click()
    expect(mentor.get_by_text("Chose you as their first choice.")).to_be_visible()
    expect(mentor.locator("section", has_text="Answers to your questions")).to_contain_text(
        "A sandbagging eval.")
    score(mentor, "Research taste", 4)
    score(mentor, "Technical depth", 4)
    mentor.get_by_label("Yes", exact=True).check()
    mentor.get_by_label("Rank among your yeses").fill("1")
    mentor.get_by_label("Private notes").fill("Strong threat model.")
    mentor.get_by_role("button", name="Save my review").click()
    expect(mentor.get_by_text(f"Your review of {ADA} is saved.")).to_be_visible()
    mentor.get_by_role("link", name="Your applicants").click()
    row = mentor.get_by_role("row", name=ADA)
    expect(row).to_contain_text("Yes")
    expect(mentor.locator("#mentor-yeses")).to_have_text(f"{YES_PER_MENTOR + 1} yes")


def reviewer_scores_ada(j: Journey, reviewer):
    from_dashboard(reviewer, "Applications to review")
    reviewer.get_by_role("link", name=ADA).click()
    others = reviewer.locator("section", has_text="Reviewers' scores of the shared part")
    expect(others).to_contain_text("Shown once you have scored this applicant yourself.")
    expect(reviewer.get_by_text("Answers to your questions")).to_have_count(0)
    score(reviewer, "Motivation", 4)
    reviewer.get_by_role("button", name="Save my review").click()
    expect(reviewer.get_by_text(f"Your review of {ADA} is saved.")).to_be_visible()
    expect(others).not_to_contain_text("Shown once you have scored")
    expect(others.get_by_role("listitem")).to_have_count(1)


def reviewer_declares_a_conflict(j: Journey, reviewer):
    """Rita knows one applicant: she says so on the applicant's page, and from then on the
    applicant is gone from her list."""
    known = j.s.applications[0]
    reviewer.get_by_role("link", name="Reviews").click()
    reviewer.get_by_role("link", name=known.name, exact=True).click()
    reviewer.get_by_text(f"I have a conflict of interest with {known.name}").click()
    reviewer.get_by_label("Why (optional, for the organizers)").fill("My former student.")
    reviewer.get_by_role("button", name="Hide this applicant from me").click()
    expect(reviewer.get_by_text(f"{known.name} is hidden from you from now on")).to_be_visible()
    expect(reviewer.get_by_role("link", name=ADA)).to_be_visible()
    expect(reviewer.get_by_role("link", name=known.name, exact=True)).to_have_count(0)
    conflict = Conflict.objects.get(application=known)
    assert (conflict.user.email, conflict.note) == (RITA, "My former student.")


def allocate_slots(j: Journey, boss, slots: dict, *, refused_first: dict | None = None):
    """The organizer types each mentor's slots (first `refused_first`, over the budget:
    refused with what was typed kept)."""
    boss.goto(f"/organizers/cohorts/{j.slug}/")
    boss.get_by_role("link", name="Slot allocation").click()
    expect(boss.locator("#slot-budget")).to_have_text(str(SLOT_BUDGET))
    if refused_first:
        assert sum(refused_first.values()) > SLOT_BUDGET
        for index, number in refused_first.items():
            boss.get_by_label(f"Slots for {j.mentor_name(index)}").fill(str(number))
        boss.get_by_role("button", name="Save these slots").click()
        expect(boss.get_by_role("alert")).to_contain_text(f"the budget is {SLOT_BUDGET}")
        expect(boss.get_by_label(f"Slots for {j.mentor_name(0)}")).to_have_value(
            str(refused_first[0]))
    for index, number in slots.items():
        boss.get_by_label(f"Slots for {j.mentor_name(index)}").fill(str(number))
    boss.get_by_role("button", name="Save these slots").click()
    expect(boss.get_by_text("Slots saved")).to_be_visible()
    expect(boss.locator("#slot-total")).to_have_text(str(sum(slots.values())))


def approve_a_run(j: Journey, boss, mode: str, *, expected_offers: int):
    """Compare both modes, keep `mode`'s result and approve it: its offers go out."""
    boss.goto(f"/organizers/cohorts/{j.slug}/")
    boss.get_by_role("link", name="Matching: optimal and stable, compared").click()
    row = boss.locator(f"#mode-{mode}")
    for shown in ("optimal", "stable"):
        expect(boss.locator(f"#mode-{shown}")).to_be_visible()
    expect(row.get_by_role("cell").first).to_have_text(str(expected_offers))
    row.get_by_role("button", name="Keep this result to approve").click()
    expect(boss.get_by_role("heading", level=1)).to_contain_text(f": {mode.capitalize()} (")
    expect(boss.locator("#run-proposals tbody tr")).to_have_count(expected_offers)
    boss.get_by_role("button", name=f"Approve: send {expected_offers} offer").click()
    expect(boss.get_by_text(f"{expected_offers} offer")).to_be_visible()
    run = MatchingRun.objects.filter(program=j.s.program).latest("pk")
    assert (run.mode, run.status) == (mode, MatchingRun.Status.APPROVED)


def offers_declined_and_offered_again(j: Journey, boss, browser_of, ada):
    """The second of mentor 0's yeses declines; the organizer sends the re-offer the
    decline proposed (the next yes); Ada accepts hers."""
    second, third = first_choosers(j, 0)[:2]
    declining = browser_of(second.user)
    from_dashboard(declining, "You have an offer: answer it")
    declining.get_by_role("button", name="Decline").click()
    expect(declining.get_by_text("You declined the offer")).to_be_visible()

    boss.reload()
    reoffers = boss.locator("#reoffers")
    expect(reoffers).to_contain_text(third.name)
    expect(reoffers).to_contain_text(f"{second.name} (declined)")
    reoffers.get_by_role("button", name="Send the offer").click()
    expect(boss.get_by_text(f"Offer sent to {third.name}.")).to_be_visible()

    from_dashboard(ada, "You have an offer: answer it")
    expect(ada.get_by_role("heading", name=j.mentor_name(0))).to_be_visible()
    ada.get_by_role("button", name="Accept the offer").click()
    expect(ada.get_by_text(f"You and {j.mentor_name(0)} are introduced")).to_be_visible()
    assert Offer.objects.get(application=second).status == OfferStatus.DECLINED
    introduced = Message.objects.filter(kind="introduction")
    assert set(introduced.filter(user__email="ada@example.org").values_list(
        "status", flat=True)) == {MessageStatus.SENT}


def assert_offer_emails(j: Journey):
    """Every offer sent (5, the re-offer, 1) went through the message log, and out."""
    offers = Message.objects.filter(kind="cohort-offer", program=j.s.program)
    assert offers.count() == Offer.objects.exclude(sent_at=None).count() == 7
    assert set(offers.values_list("status", flat=True)) == {MessageStatus.SENT}
    assert offers.filter(recipient="ada@example.org").count() == 1


# --------------------------------------------------------------------------- phases


def mentor_filters_after_training(j: Journey, mentor, boss):
    stopped, kept = first_choosers(j, 0)[1].user, ada_application().user
    from_dashboard(mentor, "Who continues after this phase")
    expect(mentor.locator("#current-phase")).to_contain_text("Training")
    # The last day itself is still open (filter_record refuses only after it).
    last_day = f"{j.training.ends_on.day} {j.training.ends_on:%B %Y}"
    expect(mentor.get_by_text(f"decide by {last_day} (the phase's last day)")).to_be_visible()
    card = mentor.locator("section.card", has_text=stopped.name)
    card.get_by_label("Stop here").check()
    card.get_by_label("Why").fill("Not a fit for evaluations work.")
    card.get_by_role("button", name="Record your decision").click()
    expect(mentor.get_by_text(f"You stopped {stopped.name} at Training")).to_be_visible()
    card = mentor.locator("section.card", has_text=kept.name)
    card.get_by_label("Continue to the next phase").check()
    card.get_by_label("Why").fill("Great first weeks.")
    card.get_by_role("button", name="Record your decision").click()
    expect(mentor.get_by_text(f"{kept.name} continues after Training")).to_be_visible()
    assert Mentorship.objects.get(mentee__user=stopped).status not in RUNNING_STATUSES

    boss.goto(f"/organizers/cohorts/{j.slug}/phases/")
    training = boss.locator(f"#phase-{j.training.pk}")
    expect(training.locator(".mm-filter-counts")).to_contain_text("2 decided (1 stopped)")
    expect(training.get_by_role("row", name=stopped.name)).to_contain_text("Stop here")


def srp_submitted_and_graded(j: Journey, ada, boss, browser_of):
    from_dashboard(ada, "Your milestones and grades")
    srp = ada.locator(f"#milestone-{j.srp.pk}")
    srp.get_by_label("Link").fill("https://docs.example.org/ada-srp")
    srp.get_by_role("button", name="Submit").click()
    expect(ada.get_by_text("Scholar Research Plan submitted")).to_be_visible()
    expect(srp.locator(".mm-grades")).to_contain_text("come back after the deadline")
    other = Mentorship.objects.get(mentee__user=first_choosers(j, 1)[0].user)
    scholar_submits(j, other, "https://docs.example.org/other-srp")

    for grader, points in zip(j.graders, GRADES, strict=True):
        page = browser_of(grader)
        from_dashboard(page, "Submissions to grade")
        expect(page.get_by_role("row", name=ADA)).to_contain_text("to grade")
        page.get_by_role("link", name=ADA).click()
        if grader == j.graders[1]:
            expect(page.locator("#others-hidden")).to_be_visible()
        for (name, _), value in zip(SRP_SECTIONS, points, strict=True):
            section = page.get_by_role("group", name=f"{name} (out of")
            section.get_by_label("Points").fill(str(value))
            section.get_by_label("Comment").fill(f"{name}: clear.")
        page.get_by_role("button", name="Submit your grades").click()
        expect(page.get_by_text("Your grades are saved")).to_be_visible()
    expect(page.locator(".mm-grading")).to_contain_text(f"{sum(GRADES[0])} of {SRP_POINTS}")

    owed = Mentorship.objects.filter(program=j.s.program, status__in=RUNNING_STATUSES).count()
    boss.goto(f"/organizers/cohorts/{j.slug}/phases/")
    expect(boss.locator(".mm-milestone-progress")).to_contain_text(
        f"2 submitted of {owed} owed · 1 graded (2 gradings by 2 graders) · average {AVERAGE}")
    ada.reload()
    expect(srp.locator(".mm-grades")).to_contain_text("come back after the deadline")
    deadline_passes(j.srp)
    ada.reload()
    expect(srp.locator(".mm-grades")).to_contain_text(f"Average: {AVERAGE} from 2 graders")
    expect(srp.locator(".mm-grades")).to_contain_text(
        f"Threat model: {GRADES[1][0]} of {SRP_SECTIONS[0][1]}")


def extension_applied_endorsed_decided(j: Journey, ada, mentor, boss):
    from_dashboard(ada, "Apply to continue")
    ada.get_by_label("What you'd do in it").fill("Turn the SRP into a workshop paper.")
    ada.get_by_label("Applied, waiting for an answer").check()
    ada.get_by_label("From whom").fill("LTFF")
    ada.get_by_role("button", name="Apply").click()
    expect(ada.get_by_text("Your application to Extension is in")).to_be_visible()
    other = Mentorship.objects.get(mentee__user=first_choosers(j, 1)[0].user)
    scholar_applies_to_extend(j, other, endorse="yes")

    from_dashboard(mentor, "Endorse your scholars' applications")
    card = mentor.locator("section.card", has_text=ADA)
    card.get_by_label("Endorses", exact=True).check()
    card.get_by_label("Why").fill("Her plan is the strongest of my scholars'.")
    card.get_by_role("button", name="Save your endorsement").click()
    expect(mentor.get_by_text(f"Your endorsement of {ADA} is saved.")).to_be_visible()

    boss.goto(f"/organizers/cohorts/{j.slug}/phases/")
    boss.get_by_role("link", name="Applications to Extension").click()
    theirs = boss.get_by_role("row", name=ADA)
    expect(theirs).to_contain_text("Endorses: Her plan is the strongest")
    expect(theirs).to_contain_text(f"Scholar Research Plan: {AVERAGE} of {SRP_POINTS}")
    expect(theirs).to_contain_text("Applied, waiting for an answer (LTFF)")
    theirs.get_by_role("button", name="Accept").click()
    expect(boss.locator("#places")).to_contain_text("1 accepted of 1 place")
    other_row = boss.get_by_role("row", name=str(other.mentee.user))
    other_row.get_by_role("button", name="Accept").click()
    expect(boss.locator("#decide-error")).to_contain_text("All 1 places of Extension are taken")
    boss.get_by_role("row", name=str(other.mentee.user)).get_by_role(
        "button", name="Decline").click()
    expect(boss.get_by_role("row", name=str(other.mentee.user))).to_contain_text("Declined")

    from_dashboard(ada, "Your application to continue")
    expect(ada.locator("#extension-status")).to_contain_text("Accepted")
    assert ExtensionApplication.objects.get(mentorship=other).decision == (
        ExtensionDecision.DECLINED)


# --------------------------------------------------------------------------- grants


def training_grant_paid(j: Journey, ada, boss, pay):
    """Ada asks for her Training grant from her page (no hours: her bank details, once),
    the organizer approves it and a payments officer exports it in a payout batch and marks
    it paid, in the admin as any stipend request; the "paid" email goes out."""
    from_dashboard(ada, "Request your Training grant")
    expect(ada.locator("main")).to_contain_text(f"{TRAINING_GRANT} USD")
    expect(ada.get_by_label("Hours worked")).to_have_count(0)
    ada.get_by_label("Account holder").fill(ADA)
    ada.get_by_role("textbox", name="IBAN").fill("DE89 3704 0044 0532 0130 00")
    ada.get_by_role("button", name="Request your Training grant").click()
    expect(ada.get_by_text(f"Your Training grant ({TRAINING_GRANT} USD) is requested")
           ).to_be_visible()
    req = StipendRequest.objects.get(phase=j.training, payee__email="ada@example.org")

    boss.goto(f"/admin/payments/stipendrequest/{req.pk}/change/")
    expect(boss.locator("#content")).to_contain_text("no hours are claimed")
    boss.get_by_role("link", name="Approve", exact=True).click()
    boss.get_by_role("button", name="Approve").click()
    expect(boss.locator(".messagelist")).to_contain_text("1 request approved")

    pay.goto("/admin/payments/stipendrequest/?payout=to_export")
    pay.locator(f'input[name="_selected_action"][value="{req.pk}"]').check()
    pay.locator('select[name="action"]').select_option("export_payout")
    with pay.expect_download() as download:
        pay.get_by_role("button", name="Go").click()
    rows = list(csv.DictReader(io.StringIO(
        Path(download.value.path()).read_text(encoding="utf-8-sig"))))
    assert [(r["holder"], r["amount"]) for r in rows] == [(ADA, str(TRAINING_GRANT))]

    pay.goto(f"/admin/payments/stipendrequest/{req.pk}/change/")
    pay.get_by_role("link", name="Mark paid…").click()
    pay.get_by_label("Payment reference").fill("GRANT-2026-0001")
    pay.get_by_role("button", name="Mark paid").click()
    expect(pay.locator(".messagelist")).to_contain_text("1 request marked paid")
    req.refresh_from_db()
    assert (req.status, req.amount, req.hours) == ("paid", TRAINING_GRANT, None)
    ada.goto("/dashboard/")
    expect(ada.locator(".mm-stipends")).to_contain_text("Paid")
    paid = Message.objects.get(kind="stipend-paid", recipient="ada@example.org")
    assert paid.status == MessageStatus.SENT
