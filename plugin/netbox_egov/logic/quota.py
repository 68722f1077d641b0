"""Quota arithmetic: usage state against a volume cap, capacity and oversubscription.

No Django here: the plugin's models and reports call it. The collectors do not import it: they write raw
totals through the REST upsert and read the state back from the API.
"""

import calendar
from dataclasses import dataclass

GIB = 1024**3
WARNING_FRACTION = 0.9


def period_cap_bytes(monthly_cap_gb, period, period_start):
    """The cap for a usage period: the monthly cap, or its share of the month for one day."""
    if monthly_cap_gb is None:
        return None
    monthly = monthly_cap_gb * GIB
    if period == "month":
        return monthly
    days = calendar.monthrange(period_start.year, period_start.month)[1]
    return monthly / days


def usage_state(used_bytes, cap_bytes):
    """within / warning (from 90%) / exceeded (from 100%), or no-cap."""
    if cap_bytes is None:
        return "no-cap"
    if used_bytes >= cap_bytes:
        return "exceeded"
    if used_bytes >= WARNING_FRACTION * cap_bytes:
        return "warning"
    return "within"


@dataclass(frozen=True)
class Overcommit:
    total_mbps: int
    capacity_mbps: int

    @property
    def excess_mbps(self):
        return self.total_mbps - self.capacity_mbps


def guaranteed_overcommit(own_mbps, others_mbps, capacity_mbps):
    """An Overcommit when this quota's guaranteed rate plus the others' exceeds the capacity, else None."""
    total = own_mbps + sum(others_mbps)
    if capacity_mbps is not None and total > capacity_mbps:
        return Overcommit(total, capacity_mbps)
    return None


def oversubscription_ratio(ceilings_mbps, capacity_mbps):
    """Sum of ceilings over capacity (1.0 = exactly full); None when the capacity is unknown."""
    if not capacity_mbps:
        return None
    return sum(ceilings_mbps) / capacity_mbps
