"""Who may erase people: organizers (active staff in the Organizers group) and
superusers, as for the other organizer-only work. Payments officers, other staff and
participants may not: erasure touches every app, not only theirs."""

from mm_program.roles import ORGANIZERS


def can_erase(user) -> bool:
    if not (user and user.is_authenticated and user.is_active and user.is_staff):
        return False
    if user.is_superuser:
        return True
    cached = getattr(user, "_privacy_is_organizer", None)
    if cached is None:
        cached = user.groups.filter(name=ORGANIZERS).exists()
        user._privacy_is_organizer = cached
    return cached
