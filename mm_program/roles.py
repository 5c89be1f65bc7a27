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
            # The message log (view it, resend failed ones) and the reminder schedule.
            | Q(content_type__app_label="mm_program", content_type__model="message",
                codename__in=["view_message", "change_message"])
            | Q(content_type__app_label="django_celery_beat")
        )
    )
    officers, _ = Group.objects.get_or_create(name=PAYMENTS_OFFICERS)
    officers.permissions.set(Permission.objects.filter(content_type__app_label="payments"))
    return {ORGANIZERS: organizers, PAYMENTS_OFFICERS: officers}
