"""The daily retention job, stored in django-celery-beat's tables so organizers can move
it (or switch it off) in admin."""

from django.db import migrations

TASK = "mm_program.tasks.apply_retention"
NAME = "Apply the retention period"


def create(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    # At night (UTC), away from the working day's reminder scans.
    nightly, _ = CrontabSchedule.objects.get_or_create(
        minute="30", hour="3", day_of_week="*", day_of_month="*", month_of_year="*",
        timezone="UTC",
    )
    PeriodicTask.objects.get_or_create(
        name=NAME,
        defaults={"task": TASK, "crontab": nightly, "enabled": True,
                  "description": "Anonymises declined and redirected applications older "
                                 "than RETENTION_REJECTED_MONTHS; repeats do nothing."},
    )


def remove(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("mm_program", "0004_erasure"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(create, remove)]
