"""The hourly lapse of unanswered offers, stored in django-celery-beat's tables so organizers
can change its interval (or switch it off) in admin, as the other periodic tasks."""

from django.db import migrations

TASK = "matching.tasks.lapse_offers"
NAME = "Lapse offers past their accept-by date"


def create(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every, _ = IntervalSchedule.objects.get_or_create(every=1, period="hours")
    PeriodicTask.objects.get_or_create(
        name=NAME,
        defaults={"task": TASK, "interval": every, "enabled": True,
                  "description": "Marks sent offers not answered by their accept-by date "
                                 "as lapsed and proposes the next candidate for each freed "
                                 "slot; repeats do nothing."},
    )


def remove(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("matching", "0015_cohort_offers"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(create, remove)]
