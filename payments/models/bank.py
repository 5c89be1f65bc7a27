"""Bank details, one set per payee, encrypted at rest; and the log of every reveal, and
of every refused one."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from mm_program.fields import EncryptedTextField

from ..banking import country_name

# Never copied into the change history (simple_history) nor shown anywhere unmasked.
ENCRYPTED_FIELDS = ["holder_name", "iban", "bic", "account_number", "routing_code"]


class AccountKind(models.TextChoices):
    IBAN = "iban", "IBAN"
    ACCOUNT = "account", "Account number (countries without IBAN)"


class BankDetails(models.Model):
    """Where to pay a person. Written only through ``payments.services.bank``.

    The account itself (holder, IBAN or account number, BIC, routing code) is encrypted;
    ``masked`` (DE89 •••• •••• •••• 3000), the country and a keyed fingerprint (to spot
    the same account on two payees) are not.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="bank_details")
    kind = models.CharField(max_length=8, choices=AccountKind.choices)
    country = models.CharField(max_length=2)
    masked = models.CharField("account", max_length=40)
    fingerprint = models.CharField(max_length=64, db_index=True, editable=False)

    holder_name = EncryptedTextField()
    iban = EncryptedTextField()
    bic = EncryptedTextField()
    account_number = EncryptedTextField()
    routing_code = EncryptedTextField()

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    history = HistoricalRecords(excluded_fields=[*ENCRYPTED_FIELDS, "fingerprint"])

    class Meta:
        verbose_name = "bank details"
        verbose_name_plural = "bank details"
        ordering = ["user__email"]
        permissions = [("reveal_bankdetails", "Can reveal full bank details")]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["iban", "account"]), name="bankdetails_kind_valid"),
        ]

    def __str__(self):
        return f"{self.masked} ({self.user})"

    @property
    def country_name(self) -> str:
        return country_name(self.country)


class BankDetailsReveal(models.Model):
    """Somebody saw a payee's full bank details (who, when, whose, and why), or asked to
    and was refused. Written only by ``payments.services.bank``.

    A refused row names what was asked for (the payee; or the batch, or the requests in
    ``detail``, for a payout CSV that names several) and never holds an account, not even
    masked: a database rule.
    """

    class Purpose(models.TextChoices):
        REVEAL = "reveal", "Revealed in the organizer area"
        EXPORT = "export", "Payout CSV export"
        DOWNLOAD = "download", "Payout CSV downloaded again"

    class Outcome(models.TextChoices):
        GRANTED = "granted", "Granted"
        REFUSED = "refused", "Refused"

    payee = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.CASCADE, related_name="bank_details_reveals",
                              help_text="Empty for a refused export, which names requests.")
    revealed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                    on_delete=models.SET_NULL, related_name="+",
                                    verbose_name="who")
    revealed_at = models.DateTimeField("when", auto_now_add=True, db_index=True)
    purpose = models.CharField(max_length=10, choices=Purpose.choices,
                               default=Purpose.REVEAL)
    outcome = models.CharField(max_length=8, choices=Outcome.choices,
                               default=Outcome.GRANTED)
    batch = models.ForeignKey("payments.PayoutBatch", null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    account = models.CharField("account (masked)", max_length=40, blank=True)
    detail = models.CharField(max_length=200, blank=True,
                              help_text="What a refused export asked for.")

    class Meta:
        ordering = ["-revealed_at", "-pk"]
        verbose_name = "bank details reveal"
        constraints = [
            models.CheckConstraint(condition=Q(outcome__in=["granted", "refused"]),
                                   name="bankdetailsreveal_outcome_valid"),
            models.CheckConstraint(condition=Q(outcome="refused") | Q(payee__isnull=False),
                                   name="bankdetailsreveal_granted_names_payee"),
            models.CheckConstraint(condition=Q(outcome="granted") | Q(account=""),
                                   name="bankdetailsreveal_refused_holds_no_account"),
        ]

    def __str__(self):
        whose = f"{self.payee}'s bank details" if self.payee_id else (
            str(self.batch) if self.batch_id else self.detail or "bank details")
        if self.outcome == self.Outcome.REFUSED:
            return f"{self.revealed_by} was refused {whose}"
        return f"{self.revealed_by} saw {whose}"
