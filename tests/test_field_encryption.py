"""Bank details at rest: encrypted under keys from the environment, rotated without
downtime, and a missing or wrong key fails loudly instead of showing ciphertext."""

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import FieldError
from django.core.management import CommandError, call_command
from django.db import connection
from django.template import Context, Template

from mm_program import crypto
from mm_program.checks import encryption_keys
from mm_program.crypto import EncryptionKeyMissing, Sealed, UndecryptableValue
from payments.models import BankDetails
from payments.services.bank import bank_details_save, plaintext

from .factories import UserFactory
from .payments_fixtures import DEMO_IBAN, iban_account

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("deliver_at_once")]

OLD, NEW = Fernet.generate_key().decode(), Fernet.generate_key().decode()


def raw_column(pk, column="iban"):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM payments_bankdetails WHERE id = %s",  # noqa: S608
                       [pk])
        return cursor.fetchone()[0]


@pytest.fixture
def ada(db):
    return UserFactory(email="ada@example.org", name="Ada Lovelace")


def test_the_account_is_stored_encrypted_and_read_back_sealed(ada):
    details = bank_details_save(user=ada, account=iban_account(), by=ada)
    stored = raw_column(details.pk)
    assert DEMO_IBAN not in stored and stored.startswith("gAAAAA")
    assert "Ada Lovelace" not in raw_column(details.pk, "holder_name")
    details = BankDetails.objects.get()
    assert isinstance(details.iban, Sealed)
    # Printed by mistake, in a template, a log line or an f-string: dots, never the value.
    assert str(details.iban) == "••••••••" and repr(details.iban) == "<Sealed value>"
    assert DEMO_IBAN not in f"{details.iban} {details.holder_name!r}"
    html = Template("{{ d.iban }} [{{ d.iban.reveal }}] {{ d.iban.token }}").render(
        Context({"d": details}))
    assert DEMO_IBAN not in html and "[]" in html
    assert details.masked == "DE89 •••• •••• •••• 3000"
    assert plaintext(details)["iban"] == DEMO_IBAN
    assert plaintext(details)["holder_name"] == "Ada Lovelace"


def test_an_encrypted_column_cannot_be_searched(ada):
    bank_details_save(user=ada, account=iban_account(), by=ada)
    with pytest.raises(FieldError):
        list(BankDetails.objects.filter(iban=DEMO_IBAN))


def test_old_keys_still_decrypt_and_saving_re_encrypts_with_the_newest(ada, settings):
    settings.FIELD_ENCRYPTION_KEYS = [OLD]
    details = bank_details_save(user=ada, account=iban_account(), by=ada)
    written_under_old = raw_column(details.pk)

    settings.FIELD_ENCRYPTION_KEYS = [NEW, OLD]  # a new key in front
    details = BankDetails.objects.get()
    assert plaintext(details)["iban"] == DEMO_IBAN
    assert not crypto.is_current(details.iban.token)
    details.save()  # any save re-encrypts every field under the newest key
    assert raw_column(details.pk) != written_under_old
    settings.FIELD_ENCRYPTION_KEYS = [NEW]  # the old key is gone: still readable
    assert plaintext(BankDetails.objects.get())["iban"] == DEMO_IBAN


def test_the_rotation_command_re_encrypts_every_row_then_the_old_key_can_go(ada, settings):
    settings.FIELD_ENCRYPTION_KEYS = [OLD]
    for n in range(3):
        user = UserFactory()
        bank_details_save(user=user, account=iban_account(f"Person {n}"), by=user)
    old_fingerprints = set(BankDetails.objects.values_list("fingerprint", flat=True))
    history_before = BankDetails.history.count()

    settings.FIELD_ENCRYPTION_KEYS = [NEW, OLD]
    out = io.StringIO()
    call_command("rotate_field_encryption", "--dry-run", stdout=out)
    assert "3 would be re-encrypted" in out.getvalue()
    call_command("rotate_field_encryption", stdout=out)
    assert "3 re-encrypted under the newest key, 0 already were" in out.getvalue()

    settings.FIELD_ENCRYPTION_KEYS = [NEW]
    for details in BankDetails.objects.all():
        assert plaintext(details)["iban"] == DEMO_IBAN
        assert crypto.is_current(details.iban.token)
    # The fingerprints follow the key (the same account still matches itself).
    new_fingerprints = set(BankDetails.objects.values_list("fingerprint", flat=True))
    assert new_fingerprints == {crypto.fingerprint(f"iban:{DEMO_IBAN}")}
    assert new_fingerprints != old_fingerprints
    # A rotation is nobody's change: no history entry, no email.
    assert BankDetails.history.count() == history_before
    out = io.StringIO()
    call_command("rotate_field_encryption", stdout=out)
    assert "0 re-encrypted under the newest key, 3 already were" in out.getvalue()


def test_the_rotation_stops_and_changes_nothing_if_a_row_cannot_be_read(ada, settings):
    settings.FIELD_ENCRYPTION_KEYS = [OLD]
    readable = bank_details_save(user=ada, account=iban_account(), by=ada)
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    lost = UserFactory()
    lost_details = bank_details_save(user=lost, account=iban_account(), by=lost)
    before = (raw_column(readable.pk), raw_column(lost_details.pk))

    settings.FIELD_ENCRYPTION_KEYS = [NEW, OLD]  # the second key was lost
    with pytest.raises(CommandError) as failed:
        call_command("rotate_field_encryption")
    assert f"ids: {lost_details.pk}" in str(failed.value) and "gAAAA" not in str(failed.value)
    assert (raw_column(readable.pk), raw_column(lost_details.pk)) == before


def test_a_missing_key_fails_loudly_on_save_and_on_read(ada, settings):
    details = bank_details_save(user=ada, account=iban_account(), by=ada)
    settings.FIELD_ENCRYPTION_KEYS = []
    with pytest.raises(EncryptionKeyMissing, match="FIELD_ENCRYPTION_KEYS is not set"):
        plaintext(BankDetails.objects.get())
    other = UserFactory()
    with pytest.raises(EncryptionKeyMissing):
        bank_details_save(user=other, account=iban_account(), by=other)
    assert BankDetails.objects.count() == 1
    # What can be shown without the key still is: the masked account.
    assert BankDetails.objects.get().masked == details.masked


def test_a_wrong_key_fails_loudly_and_never_returns_ciphertext(ada, settings):
    bank_details_save(user=ada, account=iban_account(), by=ada)
    settings.FIELD_ENCRYPTION_KEYS = [NEW]  # not the key it was written with
    details = BankDetails.objects.get()
    with pytest.raises(UndecryptableValue) as failed:
        plaintext(details)
    message = str(failed.value)
    assert "could not be decrypted with any key" in message
    assert "gAAAA" not in message and NEW not in message
    assert str(details.iban) == "••••••••"


def test_a_malformed_key_is_refused_without_echoing_it(settings):
    settings.FIELD_ENCRYPTION_KEYS = [NEW, "not-a-real-key-but-secret-ish"]
    with pytest.raises(EncryptionKeyMissing, match="key #2 is not a valid Fernet key") as bad:
        crypto.encrypt("x")
    assert "secret-ish" not in str(bad.value)
    assert [e.id for e in encryption_keys()] == ["mm_program.E002"]


def test_the_system_check_wants_a_real_key_when_debug_is_off(settings):
    settings.DEBUG, settings.TESTING = False, False
    settings.FIELD_ENCRYPTION_KEYS = []
    assert [e.id for e in encryption_keys()] == ["mm_program.E001"]
    settings.FIELD_ENCRYPTION_KEYS = [settings.DEV_FIELD_ENCRYPTION_KEY]
    assert [e.id for e in encryption_keys()] == ["mm_program.E003"]
    settings.FIELD_ENCRYPTION_KEYS = [NEW, NEW]
    assert [e.id for e in encryption_keys()] == ["mm_program.E004"]
    settings.FIELD_ENCRYPTION_KEYS = [NEW, OLD]
    assert encryption_keys() == []
    settings.DEBUG, settings.FIELD_ENCRYPTION_KEYS = True, []
    assert encryption_keys() == []  # development: settings fall back to the dev key


def _manage(*args, **env_changes):
    env = {k: v for k, v in os.environ.items()
           if k not in ("MM_TESTING", "FIELD_ENCRYPTION_KEYS", "DATABASE_URL")}
    env.update({"DEBUG": "0", "SECRET_KEY": "s" * 60, "ALLOWED_HOSTS": "example.org",
                **env_changes})
    manage = Path(__file__).resolve().parent.parent / "manage.py"
    return subprocess.run([sys.executable, str(manage), *args], env=env,
                          capture_output=True, text=True, timeout=120)


def test_check_deploy_fails_without_a_key_and_passes_this_check_with_one():
    without = _manage("check", "--deploy")
    assert without.returncode != 0
    assert "mm_program.E001" in without.stderr and "FIELD_ENCRYPTION_KEYS" in without.stderr
    with_key = _manage("check", "--deploy", FIELD_ENCRYPTION_KEYS=f"{NEW},{OLD}")
    assert "mm_program.E00" not in with_key.stderr + with_key.stdout


def test_settings_use_the_development_key_only_in_development_or_tests():
    code = "import mm_program.settings as s; print(len(s.FIELD_ENCRYPTION_KEYS))"
    env = {k: v for k, v in os.environ.items()
           if k not in ("MM_TESTING", "FIELD_ENCRYPTION_KEYS")}
    run = lambda **extra: subprocess.run(  # noqa: E731
        [sys.executable, "-c", code], env={**env, **extra}, capture_output=True, text=True)
    assert run(DEBUG="0").stdout.strip() == "0"
    assert run(DEBUG="1").stdout.strip() == "1"
    assert run(DEBUG="0", MM_TESTING="1").stdout.strip() == "1"
    assert run(DEBUG="0", FIELD_ENCRYPTION_KEYS=f"{NEW}, {OLD}").stdout.strip() == "2"
