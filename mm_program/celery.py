import os

from celery import Celery
from celery.signals import worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mm_program.settings")

app = Celery("mm_program")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_init.connect
def _refuse_a_development_key(**kwargs):
    from mm_program.checks import require_real_secret_key

    require_real_secret_key()
