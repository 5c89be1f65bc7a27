from django.apps import AppConfig


class MmProgramConfig(AppConfig):
    name = "mm_program"
    verbose_name = "Accounts and messages"
    # After the program's sections, before Django's and the scheduler's (admin_site.py).
    admin_position = 40
    admin_models = ("message", "erasurerequest", "erasure", "user")

    def ready(self):
        # Imported for what they register: system checks, a user_logged_in receiver.
        from . import checks, sessions  # noqa: F401
