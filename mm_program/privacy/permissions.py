"""Who may erase people: organizers (active staff in the Organizers group) and
superusers, as for the other organizer-only work. Payments officers, other staff and
participants may not: erasure touches every app, not only theirs."""

from mm_program.roles import is_organizer


def can_erase(user) -> bool:
    return is_organizer(user)
