from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "payments"
    verbose_name = "Stipends"

    def ready(self):
        # (they register privacy hooks, a reminder rule, and checks matching asks for)
        from . import hooks, privacy, reminders  # noqa: F401
