"""Django's makemigrations, with the model checks only.

Writing migrations reads the models and nothing else. The production guards (a real
encryption key: mm_program.E001 to E004) belong to the commands that run the app, such as
``check --deploy`` and ``migrate``, which still refuse. Before this, a bare
``manage.py makemigrations --check`` failed on any machine without production secrets,
which hid whether the models and the migrations agree.
"""

from django.core.checks import Tags
from django.core.management.commands.makemigrations import Command as MakeMigrations


class Command(MakeMigrations):
    requires_system_checks = [Tags.models]
