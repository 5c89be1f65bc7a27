"""Events other parts of the product listen to (the surveys send their invitations here).

Both are sent after the transaction that made the change commits, with ``mentorship=``.
"""

from django.dispatch import Signal

# A mentorship became active: matched and introduced, or an invitation was confirmed.
mentorship_started = Signal()
# A mentorship ended: completed (final call recorded) or ended early.
mentorship_ended = Signal()
