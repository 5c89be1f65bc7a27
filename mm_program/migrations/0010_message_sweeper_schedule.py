"""The message sweeper, every minute, stored in django-celery-beat's tables like the
reminder scan. The scan no longer re-delivers stuck messages: its description says so."""

from django.db import migrations

TASK = "mm_program.tasks.sweep_messages"
NAME = "Sweep the message queue"
SCAN = "Scan for due reminders"
SCAN_BEFORE = ("Queues each due reminder once; re-delivers messages a broker outage left "
               "queued.")
SCAN_NOW = "Queues each due reminder once."


def create(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every, _ = IntervalSchedule.objects.get_or_create(every=1, period="minutes")
    PeriodicTask.objects.get_or_create(
        name=NAME,
        defaults={"task": TASK, "interval": every, "enabled": True,
                  "description": "Gives back emails whose worker died and hands over "
                                 "again those the broker lost, within a minute or two."},
    )
    PeriodicTask.objects.filter(name=SCAN, description=SCAN_BEFORE).update(
        description=SCAN_NOW)


def remove(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name=NAME).delete()
    PeriodicTask.objects.filter(name=SCAN, description=SCAN_NOW).update(
        description=SCAN_BEFORE)


class Migration(migrations.Migration):
    dependencies = [
        ("mm_program", "0009_message_delivery_lease"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(create, remove)]
