"""The acceptance email's default text, shorter again (issue 18: every word a mentee
reads counts): the program's name is in the subject, so the body no longer says it twice.
A text an organizer has edited is left as it is."""

from django.db import migrations

OLD_BODY = (
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
NEW_BODY = (
    'Hi {{ name }},\n'
    '\n'
    "You're accepted as a {{ role }}.\n"
    '{% if message %}\n'
    '{{ message }}\n'
    '{% endif %}\n'
    '{% if role == "mentee" %}Next, we find your mentor: you\'ll both get an introduction email.{% else %}We\'ll introduce you to mentees who fit your areas and capacity; you can change how many you take at any time.{% endif %}\n'
    '\n'
    'The organizers'
)


def forwards(apps, schema_editor):
    DecisionEmail = apps.get_model("matching", "DecisionEmail")
    DecisionEmail.objects.filter(decision="accepted", body=OLD_BODY).update(body=NEW_BODY)


def backwards(apps, schema_editor):
    DecisionEmail = apps.get_model("matching", "DecisionEmail")
    DecisionEmail.objects.filter(decision="accepted", body=NEW_BODY).update(body=OLD_BODY)


class Migration(migrations.Migration):
    dependencies = [("matching", "0026_phase_grant")]

    operations = [migrations.RunPython(forwards, backwards)]
