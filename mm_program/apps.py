from django.apps import AppConfig


class MmProgramConfig(AppConfig):
    name = "mm_program"
    verbose_name = "Accounts and messages"
