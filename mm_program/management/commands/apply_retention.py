from django.core.management.base import BaseCommand

from mm_program.privacy.retention import retention_run


class Command(BaseCommand):
    help = ("Anonymise declined and redirected applications older than "
            "RETENTION_REJECTED_MONTHS (what the daily beat task does). --dry-run counts.")

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true",
                            help="Only count the applications that are due.")

    def handle(self, *args, dry_run=False, **options):
        result = retention_run(dry_run=dry_run)
        if result.months <= 0:
            self.stdout.write("The retention job is switched off "
                              "(RETENTION_REJECTED_MONTHS=0).")
            return
        n = result.applications
        noun = f"{n} application{'' if n == 1 else 's'}"
        if dry_run:
            self.stdout.write(f"{noun} declined or redirected over {result.months} months "
                              "ago would be anonymised.")
        else:
            self.stdout.write(f"Anonymised {noun}; {result.people} of them were all that "
                              "was left of a person, whose account was erased too.")
