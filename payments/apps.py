from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "payments"
    verbose_name = "Stipends"

    def ready(self):
        # (they register privacy hooks, a reminder rule, checks matching asks for, and a
        # count of "needs attention")
        from . import attention, hooks, privacy, reminders  # noqa: F401
