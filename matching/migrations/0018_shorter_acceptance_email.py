"""The acceptance email's default text, shorter (issue 18: every word a mentee reads
counts): the dashboard link, which the email adds below the text, is no longer repeated
in it, nor the thanks. A text an organizer has edited is left as it is."""

from django.db import migrations

OLD_BODY = (
    'Hi {{ name }},\n'
    '\n'
    "Good news: you're accepted into {{ program }} as a {{ role }}.\n"
    '{% if message %}\n'
    '{{ message }}\n'
    '{% endif %}\n'
    '{% if role == "mentee" %}We\'re now looking for the mentor who fits you best. When we have a match, you\'ll both get an introduction email and can set up a first call.{% else %}We\'ll introduce you to mentees who fit your areas and capacity. You can always change how many mentees you take.{% endif %}\n'
    '\n'
    'Your page: {{ dashboard_url }} (sign in with a code sent to this address, no password needed).\n'
    '\n'
    'Thank you for joining,\n'
    'The {{ program }} organizers'
)
NEW_BODY = (
    'Hi {{ name }},\n'
    '\n'
    "You're accepted into {{ program }} as a {{ role }}.\n"
    '{% if message %}\n'
    '{{ message }}\n'
    '{% endif %}\n'
    '{% if role == "mentee" %}Next, we find your mentor: you\'ll both get an introduction email.{% else %}We\'ll introduce you to mentees who fit your areas and capacity; you can change how many you take at any time.{% endif %}\n'
    '\n'
    'The {{ program }} organizers'
)


def forwards(apps, schema_editor):
    DecisionEmail = apps.get_model("matching", "DecisionEmail")
    DecisionEmail.objects.filter(decision="accepted", body=OLD_BODY).update(body=NEW_BODY)


def backwards(apps, schema_editor):
    DecisionEmail = apps.get_model("matching", "DecisionEmail")
    DecisionEmail.objects.filter(decision="accepted", body=NEW_BODY).update(body=OLD_BODY)


class Migration(migrations.Migration):
    dependencies = [("matching", "0017_announcements")]

    operations = [migrations.RunPython(forwards, backwards)]
