"""Create or refresh the agency groups and the Dinas group with their ObjectPermissions (idempotent)."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from netbox_egov.access import ensure_agency_access, ensure_dinas_access
from netbox_egov.agencies import agency_tenants


class Command(BaseCommand):
    help = "Set up agency-scoped access: a group per agency (PD <slug>) and the Dinas Kominfo group."

    def add_arguments(self, parser):
        parser.add_argument("--agency", action="append", default=[], metavar="SLUG",
                            help="only this agency (repeatable); default: every agency")

    def handle(self, *args, agency, **options):
        agencies = agency_tenants()
        if agency:
            agencies = agencies.filter(slug__in=agency)
            missing = set(agency) - set(agencies.values_list("slug", flat=True))
            if missing:
                raise CommandError(f"--agency: no agency with slug {', '.join(sorted(missing))}")
        with transaction.atomic():
            ensure_dinas_access()
            groups = [ensure_agency_access(tenant) for tenant in agencies]
        self.stdout.write(f"access set up: Dinas Kominfo group and {len(groups)} agency groups")
