"""An organizer invites another organizer into a program they run, with no superuser.

The invited address gets a staff account in the Organizers group (made if there is none)
and becomes one of the program's organizers (``Program.organizers``), so they see that
program and no other (``matching.scoping``); an email through the message log tells them
where to sign in, with an emailed code as everyone does.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse

from matching.models import Program
from matching.scoping import organizes
from mm_program.emails import absolute_url
from mm_program.erased import is_erased_email
from mm_program.messaging import queue
from mm_program.roles import ORGANIZERS, ensure_roles


def organizer_invite(*, program: Program, email: str, name: str = "", by):
    """Make `email` an organizer of `program` (only its organizers may) and email them.
    Returns the user. Raises ValidationError, changing nothing, for a bad address, a
    deactivated account or someone who runs the program already."""
    if not organizes(by, program):
        raise PermissionDenied("Only the program's organizers invite its organizers.")
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise ValidationError({"email": "Enter an email address like ada@example.org."}) \
            from exc
    if is_erased_email(email):
        raise ValidationError({"email": "That address belongs to an erased person."})
    User = get_user_model()
    with transaction.atomic():
        user = User.objects.select_for_update().filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email, name=(name or "").strip()[:150])
        elif not user.is_active:
            raise ValidationError({"email": "This account is deactivated: a superuser can "
                                            "restore it."})
        elif program.organizers.filter(pk=user.pk).exists():
            raise ValidationError({"email": f"{user} runs {program.name} already."})
        if not user.is_staff:
            user.is_staff = True
            user.save(update_fields=["is_staff"])
        ensure_roles()
        user.groups.add(Group.objects.get(name=ORGANIZERS))
        program.organizers.add(user)
        queue("organizer-invitation", to=user.email, context={
            "program": program, "name": user.get_short_name(), "inviter": str(by),
            "sign_in_url": absolute_url(reverse("account_login")),
            "admin_url": absolute_url(reverse("admin:index")),
        }, occasion=f"organizer-invitation/program:{program.pk}/to:{user.pk}",
            user=user, program=program, about=program)
    return user
