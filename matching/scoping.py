"""Which programs an organizer runs: the one rule every organizer list, page, export,
count and service asks.

Organizers are scoped to programs (``Program.organizers``): an organizer sees and changes
only the programs they organize, in every list, filter, export, matching run, count and
dashboard; a superuser sees all. Rows that belong to no program and are shared by all
(the decision texts and surveys every program uses unless it has its own) are read by
every organizer and changed by superusers only.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from mm_program.roles import ORGANIZERS, is_organizer

from .models import Program


def _program_ids(user) -> frozenset[int]:
    """The ids of the programs `user` organizes, read once per user object (a request)."""
    cached = getattr(user, "_mm_program_ids", None)
    if cached is None:
        cached = frozenset(Program.objects.filter(organizers=user).values_list("pk", flat=True)) \
            if is_organizer(user) else frozenset()
        user._mm_program_ids = cached
    return cached


def sees_every_program(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.is_superuser)


def organizer_accounts() -> QuerySet:
    """The people who can be named a program's organizers: active staff in the
    Organizers group."""
    return get_user_model().objects.filter(is_active=True, is_staff=True,
                                           groups__name=ORGANIZERS).order_by("email")


def organizes_every_program(user) -> bool:
    """Superusers, and organizers of every program: who may change what all programs
    share (a change there reaches only programs they run)."""
    if sees_every_program(user):
        return True
    return is_organizer(user) and not Program.objects.exclude(
        pk__in=_program_ids(user)).exists()


def organizes_any(user) -> bool:
    return sees_every_program(user) or bool(_program_ids(user))


def organized_programs(user) -> QuerySet:
    """The programs `user` may see and change as an organizer."""
    if sees_every_program(user):
        return Program.objects.all()
    return Program.objects.filter(pk__in=_program_ids(user))


def organizes(user, program) -> bool:
    """Whether `user` may act as an organizer of `program` (an object or an id)."""
    if not is_organizer(user):
        return False
    if sees_every_program(user):
        return True
    program_id = getattr(program, "pk", program)
    return program_id in _program_ids(user)


def scoped(queryset: QuerySet, user, path: str = "program", *,
           shared_when_null: bool = False) -> QuerySet:
    """`queryset` narrowed to the rows of the programs `user` organizes, following `path`
    from its model to the program ("program", "mentorship__program", "pk" for programs).
    With `shared_when_null`, rows with no program (shared by all) stay in."""
    if sees_every_program(user):
        return queryset
    condition = Q(**{f"{path}__in": sorted(_program_ids(user))})
    if shared_when_null:
        condition |= Q(**{f"{path}__isnull": True})
    return queryset.filter(condition)
