"""Who may do what with stipends. One place, used by the admin, the views and the services.

- Payments officers (the "Payments officers" group, staff, active) see everything of this
  app, reveal full bank details (logged), export payout CSVs and mark requests paid.
- Organizers (the "Organizers" group) see stipend requests and the budgets, approve and
  reject requests and may approve past the budget with a reason. They never see bank
  details beyond the masked account.
- Superusers count as organizers here, not as payments officers: full bank details are
  for the group only, so that every person who can read them is listed in it.
- A participant sees their own requests and their own masked account, nothing else.

Roles are read from group membership rather than Django permissions: the organizers'
group gets its permissions from ``mm_program.roles``, which knows nothing of this app.
"""

from mm_program.roles import ORGANIZERS, PAYMENTS_OFFICERS


def _staff(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.is_staff)


def _groups(user) -> set[str]:
    if not _staff(user):
        return set()
    cached = getattr(user, "_payments_groups", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        user._payments_groups = cached
    return cached


def is_payments_officer(user) -> bool:
    return PAYMENTS_OFFICERS in _groups(user)


def is_organizer(user) -> bool:
    return _staff(user) and (user.is_superuser or ORGANIZERS in _groups(user))


def can_see_requests(user) -> bool:
    return is_payments_officer(user) or is_organizer(user)


def can_decide(user) -> bool:
    """Approve or reject."""
    return is_payments_officer(user) or is_organizer(user)


def can_override_budget(user) -> bool:
    return is_organizer(user)


def can_pay(user) -> bool:
    """Export payouts and mark requests paid."""
    return is_payments_officer(user)


def can_reveal(user) -> bool:
    return is_payments_officer(user)


def can_see_bank_details(user) -> bool:
    """The masked list of bank details in the organizer area."""
    return is_payments_officer(user)
