from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "payments"
    verbose_name = "Stipends"
    admin_position = 20  # after the program's own section (mm_program/admin_site.py)
    admin_models = ("stipendrequest", "stipendbudget", "payoutbatch", "bankdetails",
                    "bankdetailsreveal")

    def ready(self):
        # (they register privacy hooks, a reminder rule, checks matching asks for, and a
        # count of "needs attention")
        from . import attention, hooks, privacy, reminders  # noqa: F401
