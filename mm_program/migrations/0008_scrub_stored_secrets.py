"""Scrub the secrets the message log kept before links were made at sending.

Until migration 0007, an email's text was stored as sent: its survey, invitation,
confirmation and pause links, and a sign-in code while the email waited or after it
failed, were readable by anyone allowed to view messages. Every such link (a URL holding a
signed token, ``value:timestamp:signature``) and every sign-in email's text is replaced
by a note, at every status. A message still waiting to be sent keeps its real text
sealed (encrypted with FIELD_ENCRYPTION_KEYS), so it still goes out; without a key it is
cancelled instead, and the note in its error says why.
"""

import json
import re

from django.db import migrations

from mm_program import crypto

# A Django signed token in a URL path: payload:timestamp:signature (url-safe base64; a
# compressed payload starts with a dot).
URL_WITH_TOKEN = re.compile(
    r"https?://[^\s\"'<>]*/\.?[A-Za-z0-9_-]+:[A-Za-z0-9_-]+:[A-Za-z0-9_-]+[^\s\"'<>]*")
REMOVED = "[personal link removed]"
SIGN_IN_KIND = "account"
SEALED_NOTE = ("(Sealed: this email holds a sign-in code. Only the mail worker opens it, "
               "and it is erased once the email is sent or has failed.)")
QUEUED = "queued"
FIELDS = ["body_text", "body_html", "unsubscribe_url", "is_sealed", "sealed", "status",
          "last_error"]


def scrubbed(message) -> bool:
    """Scrub one message in place; True if anything changed."""
    original = (message.body_text, message.body_html, message.unsubscribe_url)
    if message.kind == SIGN_IN_KIND:
        message.body_text, message.body_html = SEALED_NOTE, ""
    else:
        message.body_text = URL_WITH_TOKEN.sub(REMOVED, message.body_text)
        message.body_html = URL_WITH_TOKEN.sub(REMOVED, message.body_html)
    message.unsubscribe_url = ""
    if (message.body_text, message.body_html, message.unsubscribe_url) == original:
        return False
    if message.status == QUEUED:
        _seal_or_cancel(message, *original)
    return True


def _seal_or_cancel(message, text: str, html: str, unsubscribe: str) -> None:
    try:
        message.sealed = crypto.encrypt(json.dumps(
            {"text": text, "html": html, "unsubscribe": unsubscribe}))
        message.is_sealed = True
    except crypto.EncryptionKeyMissing:
        message.status = "cancelled"
        message.last_error = ("Cancelled by the upgrade that stopped storing personal links: "
                              "no FIELD_ENCRYPTION_KEYS to seal it with.")


def scrub_stored_secrets(apps, schema_editor):
    Message = apps.get_model("mm_program", "Message")
    candidates = (Message.objects.filter(is_sealed=False)
                  .only("pk", "kind", "status", *FIELDS).order_by("pk"))
    batch = []
    for message in candidates.iterator(chunk_size=500):
        if scrubbed(message):
            batch.append(message)
        if len(batch) >= 500:
            Message.objects.bulk_update(batch, FIELDS)
            batch = []
    if batch:
        Message.objects.bulk_update(batch, FIELDS)


class Migration(migrations.Migration):

    dependencies = [
        ("mm_program", "0007_message_links_and_seal"),
    ]

    operations = [
        migrations.RunPython(scrub_stored_secrets, migrations.RunPython.noop, elidable=True),
    ]
