from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "payments"
    verbose_name = "Stipends"

    def ready(self):
        from . import reminders  # noqa: F401  (registers the rule)
