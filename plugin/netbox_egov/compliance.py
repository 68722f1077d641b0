"""The agency compliance scorecard (Pasal 9, 10, 11, 14, 19, 21): one row per agency the user may view.

A check is True (complies), False (does not) or None (does not apply, e.g.
no information systems); percentages are None when there is nothing to
count. The score is the share of applicable checks passed.

Which rows a user gets depends on their permissions; what a row says does
not: each figure is counted over all of the agency's objects, so the Dinas
and the agency's own officer read the same score. A figure names nothing,
so it reveals no object the user may not view.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, fields
from datetime import date

from django.db.models import Exists, OuterRef

from core.models import ObjectType
from dcim.models import Device
from tenancy.models import ContactAssignment, Tenant

from . import cable_labels, recommendations
from .agencies import agency_tenants, ict_officer_role_slug
from .models import BandwidthQuota, InformationSystem, SecurityAssessment
from .reconciliation.summary import open_findings_per_agency

PASS_PERCENT = 100


@dataclass
class AgencyCompliance:
    agency: Tenant
    has_ict_officer: bool
    cables_labelled_percent: int | None
    devices_covered_percent: int | None
    quota_assigned: bool
    systems_in_data_center: bool | None
    assessments_current: bool | None
    # Reconciliation: findings on the agency's devices still open (acknowledged ones are accepted differences).
    open_findings: int | None

    @property
    def checks(self):
        return {
            "has_ict_officer": self.has_ict_officer,
            "cables_labelled": _full(self.cables_labelled_percent),
            "devices_covered": _full(self.devices_covered_percent),
            "quota_assigned": self.quota_assigned,
            "systems_in_data_center": self.systems_in_data_center,
            "assessments_current": self.assessments_current,
            "documentation_matches": None if self.open_findings is None else self.open_findings == 0,
        }

    @property
    def score(self):
        applicable = [value for value in self.checks.values() if value is not None]
        return round(100 * sum(applicable) / len(applicable)) if applicable else None

    def as_dict(self):
        row = {field.name: getattr(self, field.name) for field in fields(self) if field.name != "agency"}
        # The checks as the score counts them, so API readers (the exporter) need not repeat the pass rule.
        return {"agency": {"id": self.agency.pk, "slug": self.agency.slug, "name": self.agency.name},
                **row, "checks": self.checks, "score": self.score}


def _full(percent):
    return None if percent is None else percent >= PASS_PERCENT


def _percent(part, whole):
    return round(100 * part / whole) if whole else None


def scorecard(user, agencies=None, today=None):
    """Compliance of each agency the user may view (or of those in `agencies`, a queryset of them)."""
    today = today or date.today()
    agencies = list((agencies if agencies is not None else agency_tenants()).restrict(user, "view").order_by("name"))
    officers = set(
        ContactAssignment.objects.filter(
            object_type=ObjectType.objects.get_for_model(Tenant), role__slug=ict_officer_role_slug(),
            object_id__in=[agency.pk for agency in agencies],
        ).values_list("object_id", flat=True)
    )
    labels = cable_labels.agency_figures(agencies)
    agency_devices = Device.objects.filter(tenant__in=agencies)
    devices = Counter(agency_devices.values_list("tenant", flat=True))
    uncovered = Counter(recommendations.uncovered_devices(agency_devices, today).values_list("tenant", flat=True))
    quotas = set(BandwidthQuota.objects.filter(tenant__in=agencies).values_list("tenant", flat=True))
    placement, assessed = _systems(agencies, today)
    findings = open_findings_per_agency(agencies)
    return [
        AgencyCompliance(
            agency=agency,
            has_ict_officer=agency.pk in officers,
            cables_labelled_percent=labels[agency]["percent_correct"],
            devices_covered_percent=_percent(devices[agency.pk] - uncovered[agency.pk], devices[agency.pk]),
            quota_assigned=agency.pk in quotas,
            systems_in_data_center=all(placement[agency.pk]) if placement[agency.pk] else None,
            assessments_current=all(assessed[agency.pk]) if assessed[agency.pk] else None,
            # No devices: nothing to reconcile, the check does not apply.
            open_findings=findings[agency.pk] if devices[agency.pk] else None,
        )
        for agency in agencies
    ]


def _systems(agencies, today):
    """Per agency: whether each of its systems sits in the data center, and has a current assessment."""
    current = SecurityAssessment.objects.filter(information_system=OuterRef("pk"), next_due__gte=today)
    systems = (
        InformationSystem.with_placement(InformationSystem.objects.all())
        .filter(tenant__in=agencies)
        .annotate(assessed=Exists(current))
        .values_list("tenant", "in_data_center", "assessed")
    )
    placement, assessed = defaultdict(list), defaultdict(list)
    for tenant, in_data_center, is_assessed in systems:
        placement[tenant].append(in_data_center)
        assessed[tenant].append(is_assessed)
    return placement, assessed
