"""What refuses a mentor's invitation of a mentee they found before anything is looked up:
the add-a-mentee form asks these at its fields, and ``mentorship_invite`` asks them again
(matching/services/mentorships.py)."""

from matching.models import Mentor


def adding_refused(mentor: Mentor) -> str:
    """Why `mentor` can't add a mentee themselves ("" if they can): cohorts use offers."""
    if mentor.program.runs_as_cohort:
        return f"In {mentor.program.name}, scholars join by accepting the organizers' offers."
    return ""


def invitation_address_problem(*, mentor: Mentor, email: str) -> str:
    """What is wrong with inviting `email` ("" if nothing)."""
    if email.strip().lower() == mentor.user.email.lower():
        return "That is your own email address: enter your mentee's."
    return ""
