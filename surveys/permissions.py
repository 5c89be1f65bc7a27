"""Who may see the impact dashboard: organizers (active staff in the Organizers group) and
superusers. Participants never see anyone's answers; survey links show only their own."""

from mm_program.roles import ORGANIZERS


def is_organizer(user) -> bool:
    if not (user and user.is_authenticated and user.is_active and user.is_staff):
        return False
    if user.is_superuser:
        return True
    cached = getattr(user, "_surveys_is_organizer", None)
    if cached is None:
        cached = user.groups.filter(name=ORGANIZERS).exists()
        user._surveys_is_organizer = cached
    return cached
