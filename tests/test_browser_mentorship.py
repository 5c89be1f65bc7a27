"""A mentorship as its two people use it: real Chromium, real clicks, a live server.

The mentor signs in with an emailed code, adds a mentee they found themselves; the mentee
confirms from the invitation email; the mentor logs a meeting in one line and records the
first call's terms; the mentee signs in with a code later and finds it all on their page;
an organizer finds the pair in admin. Screenshots of each page, on a
desktop and at phone width, go to test-artifacts/mentorship-*.png.
"""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from matching.models import MeetingLog, Mentorship, MentorshipStatus

from .browser_fixtures import ARTIFACTS
from .factories import MentorFactory
from .test_browser_apply import assert_no_browser_errors

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CODE = re.compile(r"\b([A-Z0-9]{4}-[A-Z0-9]{4})\b")
LINK = re.compile(r"https?://\S+")
PHONE = {"viewport": {"width": 375, "height": 812}, "device_scale_factor": 2,
         "is_mobile": True, "has_touch": True}


def shot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"mentorship-{name}.png"), full_page=True)


def no_sideways_scroll(page):
    width = page.evaluate("window.innerWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def sign_in_with_code(page, email):
    page.goto("/accounts/login/")
    page.get_by_label("The email you applied with").fill(email)
    sent = len(mail.outbox)
    page.get_by_role("button", name="Email me a sign-in code").click()
    expect(page.locator('input[name="code"]')).to_be_visible()
    assert len(mail.outbox) == sent + 1
    code = CODE.search(mail.outbox[-1].body).group(1)
    page.locator('input[name="code"]').fill(code)
    page.get_by_role("button", name="Confirm").click()
    expect(page).to_have_url(re.compile(r"/dashboard/$"))


def test_a_mentor_adds_a_mentee_logs_a_meeting_and_records_the_terms(new_page, program, areas):
    grace = MentorFactory(program=program, capacity=3, user__name="Grace Hopper",
                          user__email="grace@example.org")
    grace.user.set_unusable_password()
    grace.user.save()
    today = timezone.localdate()

    # --- The mentor signs in with an emailed code and finds an empty spreadsheet.
    page = new_page()
    sign_in_with_code(page, "grace@example.org")
    expect(page.get_by_role("heading", name="Your mentees")).to_be_visible()
    expect(page.get_by_text("No mentees yet.")).to_be_visible()
    expect(page.locator(".mm-load")).to_contain_text("0 of 3 places taken")

    # --- Adds a mentee she found herself: one row.
    add = page.get_by_role("form", name=re.compile("Add a mentee you found yourself"))
    expect(add.get_by_label("Start date")).to_have_value(today.isoformat())
    add.get_by_label("Name").fill("Ada Lovelace")
    add.get_by_label("Email").fill("ada@example.org")
    mail.outbox.clear()
    add.get_by_role("button", name="Add and invite").click()
    expect(page.get_by_role("alert").filter(has_text="We emailed ada@example.org")).to_be_visible()
    row = page.locator("tr.mm-sheet-row", has_text="Ada Lovelace")
    expect(row).to_contain_text("Invited")
    expect(row).to_contain_text("Waiting for the mentee to confirm")
    expect(page.locator(".mm-load")).to_contain_text("1 of 3 places taken")
    shot(page, "1-mentor-dashboard-invited")

    # --- A typo in the one-row form is explained in place, and what was typed stays.
    add.get_by_label("Name").fill("Me Myself")
    add.get_by_label("Email").fill("GRACE@example.org")
    add.get_by_role("button", name="Add and invite").click()
    summary = page.locator(".mm-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("That is your own email address")
    expect(add.get_by_label("Email")).to_have_value("GRACE@example.org")
    expect(add.get_by_label("Email")).to_have_class(re.compile(r"\bis-invalid\b"))
    expect(add.get_by_label("Email")).to_have_accessible_description(
        re.compile("That is your own email address"))
    shot(page, "2-mentor-dashboard-add-error")

    # --- The mentee opens the link in her email, with no account and no password.
    mentorship = Mentorship.objects.get()
    invitation = [m for m in mail.outbox if m.to == ["ada@example.org"]][-1]
    url = LINK.search(invitation.body).group(0)
    path = url.split("://", 1)[1].split("/", 1)[1]
    mentee_page = new_page()
    mentee_page.goto("/" + path)
    expect(mentee_page.get_by_role("heading", level=1)).to_have_text(
        "Grace Hopper invited you to be their mentee")
    expect(mentee_page.get_by_label("Your name")).to_have_value("Ada Lovelace")
    # The time zone defaults to the browser's (Europe/Berlin in these tests).
    expect(mentee_page.get_by_label("Your time zone")).to_have_value("Europe/Berlin")
    shot(mentee_page, "3-invitation")
    mentee_page.get_by_label("What do you want to work on?").fill(
        "Distil a mechanistic interpretability paper.")
    mentee_page.get_by_role("button", name="Confirm and start").click()
    expect(mentee_page).to_have_url(re.compile(rf"/mentorships/{mentorship.pk}/$"))
    expect(mentee_page.get_by_role("heading", level=1)).to_contain_text(
        "Your mentorship with Grace Hopper")
    expect(mentee_page.get_by_text("Welcome!")).to_be_visible()
    mentorship.refresh_from_db()
    assert mentorship.status == MentorshipStatus.ACTIVE
    assert mentorship.mentee.timezone == "Europe/Berlin"

    # --- Back on her page, the mentor logs a meeting in one line: the date and the
    # agreed minutes are filled in, she picks "on track" and sends.
    page.goto("/dashboard/")
    row = page.locator("tr.mm-sheet-row", has_text="Ada Lovelace")
    expect(row).to_contain_text("Active")
    expect(row).to_contain_text("Record the first call's terms")
    line = page.get_by_role("form", name="Log a meeting with Ada Lovelace")
    expect(line.get_by_label("Date")).to_have_value(today.isoformat())
    expect(line.get_by_label("Minutes")).to_have_value("30")
    shot(page, "4-mentor-dashboard-active")

    # A date in the future is refused in the row, and what was typed stays.
    line.get_by_label("Date").fill((today + timedelta(days=2)).isoformat())
    line.get_by_text("Yes", exact=True).click()
    line.get_by_label("Note").fill("First call: picked a paper")
    line.get_by_role("button", name="Log meeting").click()
    line = page.get_by_role("form", name="Log a meeting with Ada Lovelace")
    expect(page.locator(".mm-error-summary")).to_be_focused()
    expect(line).to_contain_text("A meeting you are logging can't be in the future.")
    expect(line.get_by_label("Date")).to_have_class(re.compile(r"\bis-invalid\b"))
    expect(line.get_by_label("Date")).to_have_accessible_description(
        re.compile("can't be in the future"))
    expect(line.get_by_label("Note")).to_have_value("First call: picked a paper")
    expect(line.get_by_label("Yes", exact=True)).to_be_checked()
    assert MeetingLog.objects.count() == 0
    shot(page, "5-mentor-dashboard-log-error")

    line.get_by_label("Date").fill(today.isoformat())
    line.get_by_label("Minutes").fill("45")
    line.get_by_role("button", name="Log meeting").click()
    expect(page.get_by_role("alert").filter(has_text="logged (45 min)")).to_be_visible()
    row = page.locator("tr.mm-sheet-row", has_text="Ada Lovelace")
    expect(row.locator('[data-label="Meetings so far"]')).to_have_text("1")
    expect(row.locator('[data-label="Hours so far"]')).to_have_text("0.8")
    meeting = MeetingLog.objects.get()
    assert (meeting.minutes, meeting.on_track, meeting.date) == (45, "yes", today)

    # --- ...and records the first call's terms from the mentorship page.
    row.get_by_role("link", name="Ada Lovelace").click()
    expect(page.get_by_role("heading", name="Record the first call's terms")).to_be_visible()
    expect(page.get_by_label("Minutes per meeting")).to_have_value("30")
    expect(page.get_by_text("Suggested: 30–60 minutes.")).to_be_visible()
    shot(page, "6-mentorship-page-before-terms")
    page.get_by_role("group", name="Focus areas").get_by_label(areas[0].name).check()
    page.get_by_label("What the mentee will work on").fill("A distillation of superposition")
    page.get_by_label("Mentee's hours per week").fill("8")
    page.get_by_label("Minutes per meeting").fill("45")
    page.get_by_label("The mentee needs a stipend").check()
    page.get_by_role("button", name="Save the terms").click()
    expect(page.get_by_text("The terms are recorded.")).to_be_visible()
    expect(page.get_by_text("45 minutes every 2 weeks")).to_be_visible()
    expect(page.get_by_role("cell", name="First call: picked a paper")).to_be_visible()
    shot(page, "7-mentorship-page")
    mentorship.refresh_from_db()
    assert mentorship.terms_recorded and mentorship.hours_per_week == 8

    # --- Later, on another device, the mentee signs in with an emailed code (no
    # password, ever) and sees it all on her page.
    mentee_page = new_page()
    sign_in_with_code(mentee_page, "ada@example.org")
    expect(mentee_page).to_have_url(re.compile(r"/dashboard/$"))
    card = mentee_page.locator(".mm-mentorship-card")
    expect(card).to_contain_text("With Grace Hopper")
    expect(card).to_contain_text("grace@example.org")
    expect(card).to_contain_text("A distillation of superposition")
    expect(card).to_contain_text("8 h a week · a 45-minute meeting every 2 weeks · stipend needed")
    expect(card).to_contain_text("1 meeting, 0.8 h")
    expect(card.locator(".mm-meetings")).to_contain_text(
        "45 min · Yes · First call: picked a paper")
    expect(card.get_by_role("heading", name="Stipend requests")).to_be_visible()
    shot(mentee_page, "8-mentee-dashboard")

    # --- Phone width: the spreadsheet turns into one card per mentee, nothing sideways.
    phone = new_page(storage_state=page.context.storage_state(), **PHONE)
    phone.goto("/dashboard/")
    expect(phone.locator("tr.mm-sheet-row", has_text="Ada Lovelace")).to_be_visible()
    expect(phone.get_by_role("form", name="Log a meeting with Ada Lovelace")
           .get_by_role("button", name="Log meeting")).to_be_visible()
    no_sideways_scroll(phone)
    shot(phone, "9-phone-mentor-dashboard")
    phone.goto(f"/mentorships/{mentorship.pk}/")
    no_sideways_scroll(phone)
    shot(phone, "10-phone-mentorship-page")
    phone_mentee = new_page(storage_state=mentee_page.context.storage_state(), **PHONE)
    phone_mentee.goto("/dashboard/")
    no_sideways_scroll(phone_mentee)
    shot(phone_mentee, "11-phone-mentee-dashboard")

    # --- An organizer finds the pair in admin, with its meeting and hours.
    from mm_program.roles import ORGANIZERS, ensure_roles

    from .factories import UserFactory

    ensure_roles()
    olivia = UserFactory(email="olivia@example.org", name="Olivia", is_staff=True)
    olivia.groups.add(Group.objects.get(name=ORGANIZERS))
    mentorship.program.organizers.add(olivia)  # organizers see the programs they run
    admin = new_page()
    admin.goto("/admin/matching/mentorship/")
    admin.get_by_text("Organizers: sign in with a password").click()
    admin.locator('input[name="login"]').fill("olivia@example.org")
    admin.locator('input[name="password"]').fill("a-long-test-password-42")
    admin.get_by_role("button", name="Sign in with password").click()
    admin.locator("#searchbar").fill("ada@example.org")
    admin.get_by_role("button", name="Search").click()
    expect(admin).to_have_url(re.compile(r"\?q=ada%40example.org"))
    result = admin.locator("#result_list tbody tr")
    expect(result).to_have_count(1)
    expect(result).to_contain_text("Grace Hopper")
    expect(result).to_contain_text("Ada Lovelace")
    shot(admin, "13-organizer-finds-the-pair")

    # The refused posts answer 400 Bad Request, which Chromium logs as an error.
    for each in (page, mentee_page, phone, phone_mentee):
        assert_no_browser_errors(each, "status of 400 (Bad Request)")
    assert_no_browser_errors(admin)


def test_the_invitation_on_a_phone(new_page, program):
    grace = MentorFactory(program=program, capacity=3, user__name="Grace Hopper",
                          user__email="grace@example.org")
    from matching.services.mentorships import mentorship_invite
    from matching.tokens import invitation_token

    m = mentorship_invite(mentor=grace, name="Ada Lovelace", email="ada@example.org",
                          start_date=timezone.localdate())
    page = new_page(**PHONE)
    page.goto(f"/invitation/{invitation_token(m.pk)}/")
    expect(page.get_by_role("button", name="Confirm and start")).to_be_visible()
    no_sideways_scroll(page)
    shot(page, "12-phone-invitation")
    page.get_by_role("button", name="Confirm and start").tap()
    # Nothing typed about the work: the page says so and focuses the summary.
    expect(page.locator(".mm-error-summary")).to_be_focused()
    expect(page.locator(".mm-error-summary")).to_contain_text(
        "Tell your mentor in a sentence what you want to work on.")
    page.get_by_role("button", name="Decline the invitation").tap()
    expect(page.get_by_role("heading", name="You declined the invitation")).to_be_visible()
    m.refresh_from_db()
    assert m.status == MentorshipStatus.DECLINED
    assert_no_browser_errors(page, "status of 400 (Bad Request)")


def test_the_final_project_and_the_final_call(new_page, program, areas):
    from matching.services.mentorships import mentorship_create

    from .factories import MenteeFactory

    grace = MentorFactory(program=program, capacity=3, user__name="Grace Hopper",
                          user__email="grace@example.org")
    ada = MenteeFactory(program=program, user__name="Ada Lovelace",
                        user__email="ada@example.org")
    m = mentorship_create(mentor=grace, mentee=ada, source="organizer",
                          start_date=timezone.localdate() - timedelta(days=100))
    page = new_page()
    sign_in_with_code(page, "grace@example.org")

    # The terms page on its own (the reminder emails link here): a bad end date.
    page.goto(f"/mentorships/{m.pk}/terms/")
    page.get_by_label("Mentee's hours per week").fill("6")
    page.get_by_label("Planned end").fill(m.start_date.isoformat())
    page.get_by_role("button", name="Save the terms").click()
    expect(page.locator(".mm-error-summary")).to_be_focused()
    expect(page.locator(".mm-error-summary")).to_contain_text(
        "The planned end must be after the start")
    expect(page.get_by_label("Mentee's hours per week")).to_have_value("6")
    shot(page, "13-terms-error")

    page.goto(f"/mentorships/{m.pk}/")
    page.get_by_role("link", name="Record the final project").click()
    page.get_by_label("Blog post").check()
    page.get_by_label("Title").fill("Superposition, distilled")
    page.get_by_label("Link").fill("lesswrong.com/posts/abc")
    page.get_by_label("Mentor's feedback").fill("Clear, careful and well sourced.")
    shot(page, "14-final-project-form")
    page.get_by_role("button", name="Save the final project").click()
    expect(page.get_by_text("The final project is saved.")).to_be_visible()
    expect(page.get_by_role("link", name="Superposition, distilled")).to_have_attribute(
        "href", "https://lesswrong.com/posts/abc")

    page.get_by_role("link", name="Complete with next steps").click()
    expect(page.get_by_role("heading", name="Completed: the final call")).to_be_visible()
    page.get_by_role("button", name="Complete the mentorship").click()
    expect(page.locator(".mm-error-summary")).to_contain_text("Pick at least one next step")
    shot(page, "15-final-call-error")
    complete = page.locator("section", has=page.get_by_role(
        "heading", name="Completed: the final call"))
    complete.get_by_label("A PhD").check()
    complete.get_by_label("A grant").check()
    complete.get_by_label("Notes from the final call").fill("Applying to Oxford and LTFF.")
    complete.get_by_role("button", name="Complete the mentorship").click()
    expect(page.get_by_text("The mentorship is completed.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Completed")
    expect(page.get_by_text("Applying to Oxford and LTFF.")).to_be_visible()
    shot(page, "16-completed-mentorship")
    m.refresh_from_db()
    assert m.status == MentorshipStatus.COMPLETED and m.next_steps == ["phd", "grant"]

    page.goto("/dashboard/")
    row = page.locator("tr.mm-sheet-row", has_text="Ada Lovelace")
    expect(row).to_contain_text("Completed")
    expect(page.locator(".mm-load")).to_contain_text("0 of 3 places taken")
    shot(page, "17-dashboard-after-completion")
    assert_no_browser_errors(page, "status of 400 (Bad Request)")
