import json

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from . import crypto, links
from .emails import RenderedEmail


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        if password:
            user.set_password(password)
        else:
            # Participants sign in with an emailed code; they never need a password.
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person. The email address is the identity: there are no usernames."""

    email = models.EmailField("email address", unique=True)
    name = models.CharField(max_length=150, blank=True)
    is_staff = models.BooleanField(
        default=False, help_text="Can sign in to the organizer area (Django admin)."
    )
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)
    # Names the current address of the person's calendar feed (mm_program.calendar):
    # counting it up makes every earlier address fail.
    calendar_epoch = models.PositiveIntegerField(default=0, editable=False)

    class Digest(models.TextChoices):
        DAILY = "daily", "Daily"
        WEEKLY = "weekly", "Weekly"

    # Organizers only: how often the "needs attention" digest comes (pausing it stops it).
    digest = models.CharField("needs-attention digest", max_length=6,
                              choices=Digest.choices, default=Digest.WEEKLY)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        ordering = ["email"]
        constraints = [
            # Emails are stored lower-cased; this keeps a mixed-case twin out even if a
            # code path forgets to normalise.
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
        ]

    def __str__(self):
        return self.name or self.email

    def save(self, *args, **kwargs):
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)

    def get_full_name(self):
        return self.name or self.email

    def get_short_name(self):
        return (self.name.split() or [self.email])[0]


class MessageStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    # Taken by a worker until `lease_until` (``mm_program.delivery``).
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


class Message(models.Model):
    """One email the product sends (or sent, or failed to send), rendered when queued.

    `occasion` is unique: it names why this message exists ("meeting-nudge/mentorship:42/
    since:2026-11-02/n:0/to:mentor"), so a second queueing of the same occasion (beat
    firing twice, two scans racing, a retried task) finds the first row instead of sending
    again. A worker claims a queued message for a short lease (``mm_program.delivery``),
    sends it with no lock or transaction held, then records the result; a claim whose
    worker died lapses with its lease, and the sweeper hands the message over again.
    """

    kind = models.CharField(max_length=40, db_index=True)
    occasion = models.CharField(max_length=255, unique=True)
    recipient = models.EmailField()
    user = models.ForeignKey(
        "mm_program.User", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="messages",
    )
    # The app that runs programs is named in settings (PROGRAM_MODEL), as the user model
    # is: the ground knows that messages belong to a program, not which app holds them.
    program = models.ForeignKey(
        settings.PROGRAM_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="messages",
    )
    # What the message is about, as "<app_label>.<model>:<pk>" (kept after a delete).
    about = models.CharField(max_length=80, blank=True, db_index=True)
    subject = models.CharField(max_length=255)
    # The text as organizers may read it: personal links appear as placeholders
    # (``mm_program.links``), and a sealed email's text is a note saying so.
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    # {placeholder: [builder, args]}: references, not links; the worker builds the links.
    links = models.JSONField(default=dict, blank=True)
    # An email whose text holds a secret no reference can rebuild (allauth's sign-in
    # codes): the real text, encrypted with FIELD_ENCRYPTION_KEYS, opened only by the
    # worker and erased once the message is sent, failed or cancelled.
    is_sealed = models.BooleanField(default=False)
    sealed = models.TextField(blank=True)
    # A reminder's one-click pause (RFC 8058): mail clients show it as an "Unsubscribe"
    # button that POSTs to this URL, no page to open. A placeholder, like the body's links.
    unsubscribe_url = models.CharField(max_length=500, blank=True)

    status = models.CharField(max_length=10, choices=MessageStatus.choices,
                              default=MessageStatus.QUEUED, db_index=True)
    # How many times a worker took it: a claim counts, sent or not.
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # Delivery's bookkeeping (``mm_program.delivery``): when the id last went to the
    # broker (empty: it must be handed over, by the sweeper if nobody else), when a
    # transient failure lets it be tried again, and which task holds it until when.
    handed_over_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=64, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self):
        return f"{self.kind} to {self.recipient}"

    SEALED_NOTE = ("(Sealed: this email holds a sign-in code. Only the mail worker opens it, "
                   "and it is erased once the email is sent or has failed.)")

    def outgoing(self) -> tuple[RenderedEmail, str]:
        """The email as it leaves: the seal opened, the personal links built. Returns
        (email, unsubscribe URL). Raises ``links.LinkGone`` when a link's object is gone,
        and ``crypto.UndecryptableValue`` when no configured key opens the seal."""
        text, html, unsubscribe = self.body_text, self.body_html, self.unsubscribe_url
        if self.is_sealed:
            if not self.sealed:
                raise LookupError("The sealed text was erased: there is nothing to send.")
            opened = json.loads(crypto.decrypt(self.sealed))
            text, html, unsubscribe = opened["text"], opened["html"], opened["unsubscribe"]
        built = {placeholder: links.build(ref) for placeholder, ref in self.links.items()}
        email = RenderedEmail(self.subject, links.fill(text, built), links.fill(html, built))
        return email, links.fill(unsubscribe, built)

    @property
    def readable_text(self) -> str:
        """The text for organizers: each personal link named, never built."""
        return links.describe(self.body_text, self.links)

    @property
    def message_id(self) -> str:
        """The email's Message-ID header: the same on every attempt."""
        domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip("> ") or "localhost"
        return f"<message-{self.pk}.{self.created_at:%Y%m%d%H%M%S}@{domain}>"


class ReminderPause(models.Model):
    """A person asked (from the link in a reminder) not to get one kind of reminder."""

    user = models.ForeignKey("mm_program.User", on_delete=models.CASCADE,
                             related_name="reminder_pauses")
    kind = models.CharField(max_length=40)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="reminder_pause_once"),
        ]

    def __str__(self):
        return f"{self.user} paused {self.kind}"


class ErasureRequestStatus(models.TextChoices):
    OPEN = "open", "Waiting for an organizer"
    DONE = "done", "Erased"


class ErasureRequest(models.Model):
    """A participant asked, from their page, for their personal data to be erased.

    Organizers see it in admin and carry it out (``mm_program.privacy.services``). One
    open request per person: asking again while one waits changes nothing.
    """

    user = models.ForeignKey("mm_program.User", on_delete=models.CASCADE,
                             related_name="erasure_requests")
    reason = models.TextField(max_length=1000, blank=True)
    status = models.CharField(max_length=8, choices=ErasureRequestStatus.choices,
                              default=ErasureRequestStatus.OPEN, db_index=True)
    requested_at = models.DateTimeField(default=timezone.now, db_index=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey("mm_program.User", null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = "erasure request"
        constraints = [
            models.UniqueConstraint(fields=["user"], condition=models.Q(status="open"),
                                    name="erasure_request_one_open_per_user"),
        ]

    def __str__(self):
        return f"Erasure request {self.pk} ({self.get_status_display().lower()})"


class Erasure(models.Model):
    """That personal data was erased: whose (an id), when, by whom and why, and how many
    rows of each kind changed. Never the erased data itself."""

    class Scope(models.TextChoices):
        PERSON = "person", "Person"  # the account and everything of theirs
        APPLICATION = "application", "Application"

    class Trigger(models.TextChoices):
        REQUEST = "request", "The person asked"
        ORGANIZER = "organizer", "An organizer decided"
        RETENTION = "retention", "Retention period over"

    scope = models.CharField(max_length=12, choices=Scope.choices)
    # What was erased, as "<app_label>.<model>:<pk>" (the user or the application).
    about = models.CharField(max_length=80, db_index=True)
    user = models.ForeignKey("mm_program.User", null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    trigger = models.CharField(max_length=10, choices=Trigger.choices)
    request = models.ForeignKey(ErasureRequest, null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="erasures")
    performed_by = models.ForeignKey("mm_program.User", null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    performed_at = models.DateTimeField(default=timezone.now, db_index=True)
    counts = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-performed_at", "-pk"]
        verbose_name = "erasure record"

    def __str__(self):
        return f"Erasure {self.pk} of {self.about}"
