"""Public IP allocations seen from IPAM: the space nobody holds."""

from ipam.models import Prefix

from .choices import AllocationStatusChoices
from .logic import public_space
from .models import PublicIPAllocation


def unallocated_public_space(user):
    """CIDRs of the public prefixes the user may view that no requested or approved allocation covers.

    Public means not special-purpose (documentation ranges count as public
    here, so the demo's space shows up); only top-level prefixes are taken,
    children are already inside them.
    """
    prefixes = [prefix.prefix for prefix in Prefix.objects.restrict(user, "view").filter(vrf__isnull=True)]
    public = [network for network in prefixes if public_space.is_public(network)]
    top_level = [network for network in public if not any(network != other and network in other for other in public)]
    held = [
        allocation.space
        for allocation in PublicIPAllocation.objects.restrict(user, "view")
        .filter(status__in=AllocationStatusChoices.HOLDING)
        .select_related("prefix", "ip_range")
    ]
    return list(public_space.unallocated(top_level, held))
