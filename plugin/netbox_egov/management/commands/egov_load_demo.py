"""Demo only: load the illustrative Klaten demo data set; running it again changes nothing.

It adds invented agencies' devices, addresses and people, and login users with a known password: never for
a NetBox in service. It refuses to run without --demo.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from netbox_egov.demo.loader import load_demo


class Command(BaseCommand):
    help = ("Demo only: load the illustrative Kabupaten Klaten demo data, with demo users whose password is "
            "known (idempotent). Never on a NetBox in service.")

    def add_arguments(self, parser):
        parser.add_argument("--demo", action="store_true",
                            help="confirm that this NetBox is a demo: invented data and known passwords go in")

    def handle(self, *args, demo, **options):
        if not demo:
            raise CommandError("egov_load_demo adds invented data and users with a known password; "
                               "run it on a demo NetBox only, with --demo")
        with transaction.atomic():
            created, refused = load_demo()
        summary = ", ".join(f"{count} {name}" for name, count in created.items() if count) or "nothing new"
        self.stdout.write(f"Klaten demo data loaded: {summary}")
        for refusal in refused:
            self.stderr.write(f"refused, as intended by the demo: {refusal}")
