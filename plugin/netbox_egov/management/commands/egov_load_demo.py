"""Load the illustrative Klaten demo data set; running it again changes nothing."""

from django.core.management.base import BaseCommand
from django.db import transaction

from netbox_egov.demo.loader import load_demo


class Command(BaseCommand):
    help = "Load the illustrative Kabupaten Klaten demo data (idempotent)."

    def handle(self, *args, **options):
        with transaction.atomic():
            created, refused = load_demo()
        summary = ", ".join(f"{count} {name}" for name, count in created.items() if count) or "nothing new"
        self.stdout.write(f"Klaten demo data loaded: {summary}")
        for refusal in refused:
            self.stderr.write(f"refused, as intended by the demo: {refusal}")
