"""The staff roles and what each may do in the organizer area."""

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

ORGANIZERS = "Organizers"
PAYMENTS_OFFICERS = "Payments officers"

# Organizers run the program: every model of these apps, but no user administration.
ORGANIZER_APPS = ["matching", "surveys"]


def ensure_roles() -> dict[str, Group]:
    """Create the staff groups and give them their permissions. Safe to run again."""
    organizers, _ = Group.objects.get_or_create(name=ORGANIZERS)
    organizers.permissions.set(
        Permission.objects.filter(
            Q(content_type__app_label__in=ORGANIZER_APPS)
            # The message log (view it, resend failed ones). Not the scheduler
            # (django_celery_beat's clocked, crontab, solar and interval schedules and its
            # periodic tasks): its rows are the product's own timers, for superusers; the
            # reminders' intervals are on each program.
            | Q(content_type__app_label="mm_program", content_type__model="message",
                codename__in=["view_message", "change_message"])
        )
    )
    officers, _ = Group.objects.get_or_create(name=PAYMENTS_OFFICERS)
    officers.permissions.set(Permission.objects.filter(content_type__app_label="payments"))
    return {ORGANIZERS: organizers, PAYMENTS_OFFICERS: officers}


# --- who is who, for the checks in views, admin and services ---------------------------


def is_active_staff(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.is_staff)


def staff_groups(user) -> set[str]:
    """The staff groups of an active staff member (none for anyone else), read once per
    request: the user object carries them."""
    if not is_active_staff(user):
        return set()
    cached = getattr(user, "_mm_groups", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        user._mm_groups = cached
    return cached


def is_organizer(user) -> bool:
    """Organizers run the program: active staff in the Organizers group, and superusers."""
    return is_active_staff(user) and (user.is_superuser or ORGANIZERS in staff_groups(user))


def is_payments_officer(user) -> bool:
    """Only the group, never superusers by default: everyone who can read full bank
    details is listed in it."""
    return PAYMENTS_OFFICERS in staff_groups(user)
