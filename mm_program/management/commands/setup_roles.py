from django.core.management.base import BaseCommand

from mm_program.roles import ensure_roles


class Command(BaseCommand):
    help = "Create the Organizers and Payments officers groups with their permissions."

    def handle(self, *args, **options):
        groups = ensure_roles()
        for name, group in groups.items():
            self.stdout.write(f"{name}: {group.permissions.count()} permissions")
