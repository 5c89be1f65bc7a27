"""The periodic reminder scan, stored in django-celery-beat's tables so organizers can
change its interval (or switch it off) in admin."""

from django.db import migrations

TASK = "mm_program.tasks.scan_reminders"
NAME = "Scan for due reminders"


def create(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every, _ = IntervalSchedule.objects.get_or_create(every=15, period="minutes")
    PeriodicTask.objects.get_or_create(
        name=NAME,
        defaults={"task": TASK, "interval": every, "enabled": True,
                  "description": "Queues each due reminder once; re-delivers messages a "
                                 "broker outage left queued."},
    )


def remove(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("mm_program", "0002_message_reminderpause"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(create, remove)]
