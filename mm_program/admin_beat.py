"""django-celery-beat's periodic task admin (superusers only), its task select made valid
HTML: its empty first choice had no words."""

from django.contrib import admin
from django_celery_beat.admin import (
    PeriodicTaskAdmin,
    PeriodicTaskForm,
    TaskChoiceField,
    TaskSelectWidget,
)
from django_celery_beat.models import PeriodicTask

from .admin_forms import NONE_CHOSEN


class LabelledTaskSelect(TaskSelectWidget):
    def tasks_as_choices(self):
        return (("", NONE_CHOSEN), *super().tasks_as_choices()[1:])


class LabelledPeriodicTaskForm(PeriodicTaskForm):
    regtask = TaskChoiceField(label=PeriodicTaskForm.base_fields["regtask"].label,
                              required=False, widget=LabelledTaskSelect)


admin.site.unregister(PeriodicTask)


@admin.register(PeriodicTask)
class LabelledPeriodicTaskAdmin(PeriodicTaskAdmin):
    form = LabelledPeriodicTaskForm
