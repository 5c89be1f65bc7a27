"""The payments officers' and organizers' area for stipends, one module per area.

Permissions are this app's own (``payments.permissions``), not the model permissions:
organizers see requests and budgets and decide; only payments officers see bank details
(masked, with an explicit, logged reveal), export payouts and mark requests paid. The
change history of every model here is read-only (django-simple-history, revert off).
"""

from . import bank, batches, requests  # noqa: F401  (registers the ModelAdmins)
