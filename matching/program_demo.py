"""The demo program's public face, redirect list and announcements (``seed_demo``): a
description and a start date for its public page; the programs its organizers redirect
applicants to; one announcement sent to the program's mentees, so their
dashboards show it and its page shows the delivery, and a draft waiting with its preview."""

from datetime import date

from matching.models import Announcement, Audience, RedirectTarget
from matching.services.announcements import announcement_send


def seed_program_page_demo(program) -> None:
    if program.description:
        return
    program.description = (
        "AI Safety Mentors and Mentees pairs people who want to work on AI safety with "
        "researchers already doing it: one mentor, one mentee, a call every two weeks, "
        "for three to five months, next to a degree or a job.\n\n"
        "Mentees bring a goal and five or more hours a week; mentors bring 30 minutes a "
        "week and their overview of the field. Stipends are there for whoever needs one.")
    program.starts_on = program.starts_on or date(2025, 3, 1)
    program.contact_email = program.contact_email or "team@example.org"
    program.save(update_fields=["description", "starts_on", "contact_email"])


# (name, short name, page): where the demo's organizers send who fits elsewhere better.
REDIRECT_TARGETS = [
    ("AGI Safety Fundamentals", "AGISF", "https://aisafetyfundamentals.com/"),
    ("MATS (ML Alignment & Theory Scholars)", "MATS", "https://www.matsprogram.org/"),
    ("AI Safety Camp", "", "https://www.aisafety.camp/"),
    ("Another program", "another program", ""),
]


def seed_redirect_targets(program) -> dict[str, RedirectTarget]:
    """The program's redirect list, by the name the triage list shows."""
    targets = {}
    for position, (name, short, url) in enumerate(REDIRECT_TARGETS):
        target, _ = RedirectTarget.objects.get_or_create(
            program=program, name=name,
            defaults={"short_name": short, "url": url, "position": position})
        targets[target.label] = target
    return targets


def seed_announcements_demo(program, *, organizer) -> None:
    if program.announcements.exists():
        return
    Announcement.objects.create(
        program=program, audience=Audience.EVERYONE, created_by=organizer,
        subject="Mid-program check-in call on the 15th",
        body="We'd like to hear how the program works for you: a 30-minute open call on "
             "the 15th at 17:00 UTC. No preparation needed.")
    sent = Announcement.objects.create(
        program=program, audience=Audience.MENTEES, created_by=organizer,
        subject="Welcome, and how the program runs",
        body="Welcome to the program! Your mentor will write to agree on a first call. "
             "Meet every two weeks; your mentor logs each meeting in one line.\n\n"
             "Questions? Write to the organizers.")
    announcement_send(announcement=sent, by=organizer)
