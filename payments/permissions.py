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

from mm_program.roles import is_organizer, is_payments_officer

__all__ = ["is_organizer", "is_payments_officer"]


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
