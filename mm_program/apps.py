from django.apps import AppConfig


class MmProgramConfig(AppConfig):
    name = "mm_program"
    verbose_name = "Accounts and messages"

    def ready(self):
        from . import checks  # noqa: F401  (checks register themselves)
