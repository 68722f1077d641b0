"""Quotas seen per uplink: how much is guaranteed and how far the ceilings oversubscribe it."""

from dataclasses import dataclass

from django.db.models import Count, Sum

from .logic import quota as arithmetic
from .models import BandwidthQuota, Uplink


@dataclass
class UplinkLoad:
    uplink: Uplink
    agencies: int
    guaranteed_mbps: int
    ceilings_mbps: int

    @property
    def ratio(self):
        return arithmetic.oversubscription_ratio([self.ceilings_mbps], self.uplink.capacity_mbps)

    @property
    def guaranteed_fits(self):
        return self.guaranteed_mbps <= self.uplink.capacity_mbps


def uplink_loads(user):
    """Download load per uplink the user may view, counting only the quotas the user may view."""
    quotas = BandwidthQuota.objects.restrict(user, "view").filter(uplink__isnull=False)
    totals = {
        row["uplink"]: row
        for row in quotas.values("uplink").annotate(
            agencies=Count("pk"), guaranteed=Sum("guaranteed_down_mbps"), ceilings=Sum("ceiling_down_mbps")
        )
    }
    return [
        UplinkLoad(uplink, totals.get(uplink.pk, {}).get("agencies", 0),
                   totals.get(uplink.pk, {}).get("guaranteed") or 0, totals.get(uplink.pk, {}).get("ceilings") or 0)
        for uplink in Uplink.objects.restrict(user, "view").select_related("circuit")
    ]
