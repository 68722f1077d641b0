"""Recommendations seen from NetBox: who may make a transition, and which devices no approval covers."""

from datetime import date

from django.db.models import Exists, OuterRef, Q

from .agencies import agency_tenants
from .choices import RecommendationStatusChoices
from .logic.workflow import TRANSITIONS
from .models import RecommendationItem

# The agency's officer submits (an edit of their own draft); only the Dinas decides.
WORKFLOW_PERMISSIONS = {"submit": "change", "approve": "approve", "reject": "approve"}


def workflow_permission(transition):
    return WORKFLOW_PERMISSIONS[transition]


def covering_items(today=None):
    """Items of approved recommendations still valid today."""
    today = today or date.today()
    return RecommendationItem.objects.filter(
        recommendation__status=RecommendationStatusChoices.APPROVED,
    ).filter(Q(recommendation__valid_until__isnull=True) | Q(recommendation__valid_until__gte=today))


def uncovered_devices(devices, today=None):
    """Agency devices among `devices` (e.g. those a user may view) that no valid approval covers (Pasal 11(2)).

    A device is covered by an item naming it, or by an item naming its device
    type (at its site, or at any site), in a recommendation of its own agency.
    Coverage is a fact about the device, whoever asks: every approval counts.
    """
    items = covering_items(today).filter(recommendation__tenant=OuterRef("tenant"))
    by_device = items.filter(device=OuterRef("pk"))
    by_type = items.filter(device_type=OuterRef("device_type")).filter(
        Q(site__isnull=True) | Q(site=OuterRef("site"))
    )
    return (
        devices
        .filter(tenant__in=agency_tenants())
        .exclude(Exists(by_device))
        .exclude(Exists(by_type))
        .select_related("tenant", "site", "device_type", "role")
        .order_by("tenant__name", "name")
    )


def allowed_transitions(user, recommendation):
    """Names of the transitions `user` may make on `recommendation` in its current state."""
    model = type(recommendation)
    return [
        name for name, (source, _target) in TRANSITIONS.items()
        if recommendation.status == source
        and model.objects.restrict(user, workflow_permission(name)).filter(pk=recommendation.pk).exists()
    ]
