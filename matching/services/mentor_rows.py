"""A mentor adding a mentee they found while every place is taken: the dashboard's
add-a-mentee form then also raises their cap, in the same step."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from matching.models import Mentor, Mentorship

from .mentorships import mentor_load, mentor_set_capacity, mentorship_invite


def mentorship_invite_raising_capacity(*, mentor: Mentor, capacity: int, name: str,
                                       email: str, start_date: date) -> Mentorship:
    """Raise the mentor's cap to `capacity` if that is more than it is, and invite the
    mentee, in one transaction: when either is refused, the cap stays as it was. The cap
    moves by ``mentor_set_capacity``'s rules (never lowered here), and must leave a
    place for the newcomer. Raises ValidationError by field: what is wrong with the
    number is said at "capacity"."""
    with transaction.atomic():
        mentor = Mentor.objects.select_for_update().get(pk=mentor.pk)
        load = mentor_load(mentor)
        if capacity <= load:
            raise _no_room(load, name)
        if capacity > mentor.capacity:
            try:
                mentor = mentor_set_capacity(mentor=mentor, capacity=capacity)
            except ValidationError as exc:
                raise ValidationError({"capacity": exc.messages}) from exc
        try:
            return mentorship_invite(mentor=mentor, name=name, email=email,
                                     start_date=start_date)
        except ValidationError as exc:
            if getattr(exc, "code", None) == "capacity":  # a mentorship began meanwhile
                raise _no_room(exc.params["load"], name) from exc
            raise


def _no_room(load: int, name: str) -> ValidationError:
    return ValidationError({"capacity": (
        f"You have {load} mentee{'s' if load != 1 else ''} now: to add "
        f"{' '.join(name.split())}, enter at least {load + 1}.")})
