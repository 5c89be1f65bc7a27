"""Re-encrypt every encrypted column under the newest key of FIELD_ENCRYPTION_KEYS.

    python manage.py rotate_field_encryption            # re-encrypt what needs it
    python manage.py rotate_field_encryption --dry-run  # only count

Rotating a key: put the new key first in FIELD_ENCRYPTION_KEYS (keep the old one after
it), deploy, run this command, then remove the old key. The command is all or nothing:
if one row can't be decrypted with any configured key, it stops with the row's id (never
its value) and changes nothing. The fingerprints are recomputed under the new key too.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from mm_program import crypto
from mm_program.crypto import Sealed
from payments.models import ENCRYPTED_FIELDS, BankDetails
from payments.services.bank import account_identity


class Command(BaseCommand):
    help = "Re-encrypt bank details under the newest FIELD_ENCRYPTION_KEYS key."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true",
                            help="Count the rows that need it; change nothing.")

    def handle(self, *args, dry_run, **options):
        try:
            crypto.fernets()
        except crypto.EncryptionKeyMissing as exc:
            raise CommandError(str(exc)) from None
        rotated = current = 0
        unreadable = []
        with transaction.atomic():
            for details in BankDetails.objects.select_for_update().order_by("pk"):
                tokens = [getattr(details, name) for name in ENCRYPTED_FIELDS]
                tokens = [t for t in tokens if isinstance(t, Sealed)]
                try:
                    for token in tokens:
                        token.reveal()
                    identity = account_identity(details)
                except crypto.UndecryptableValue:
                    unreadable.append(details.pk)
                    continue
                fingerprint = crypto.fingerprint(identity)
                if all(crypto.is_current(t.token) for t in tokens) \
                        and fingerprint == details.fingerprint:
                    current += 1
                    continue
                rotated += 1
                if not dry_run:
                    # update(), not save(): a rotation is not a change of anyone's account,
                    # so it makes no history entry and no email. Sealed values re-encrypt
                    # under the newest key as they are written.
                    BankDetails.objects.filter(pk=details.pk).update(
                        fingerprint=fingerprint,
                        **{name: getattr(details, name) for name in ENCRYPTED_FIELDS})
            if unreadable:
                raise CommandError(
                    f"{len(unreadable)} bank details row(s) could not be decrypted with any "
                    f"key in FIELD_ENCRYPTION_KEYS (ids: {', '.join(map(str, unreadable))}). "
                    "Nothing was changed. Put the missing key back in the list and run "
                    "again.")
        verb = "would be re-encrypted" if dry_run else "re-encrypted"
        self.stdout.write(self.style.SUCCESS(
            f"Bank details: {rotated} {verb} under the newest key, {current} already were."))
