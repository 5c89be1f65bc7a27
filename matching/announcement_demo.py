"""The demo's announcements (``seed_demo``): one sent to the program's mentees, so their
dashboards show it and its page shows the delivery, and a draft waiting with its preview."""

from matching.models import Announcement, Audience
from matching.services.announcements import announcement_send


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
