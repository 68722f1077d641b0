"""Which address space may be allocated as public, and overlaps between allocations.

Pure functions on netaddr objects; the model turns their answers into
validation errors that name the field and the conflicting allocation.
"""

from netaddr import IPNetwork, IPRange, IPSet

# Space that is never public: (network, why). Order matters only for the message.
NON_PUBLIC = [
    (IPNetwork("10.0.0.0/8"), "private space (RFC 1918)"),
    (IPNetwork("172.16.0.0/12"), "private space (RFC 1918)"),
    (IPNetwork("192.168.0.0/16"), "private space (RFC 1918)"),
    (IPNetwork("100.64.0.0/10"), "carrier-grade NAT space (RFC 6598)"),
    (IPNetwork("127.0.0.0/8"), "loopback space"),
    (IPNetwork("169.254.0.0/16"), "link-local space"),
    (IPNetwork("224.0.0.0/4"), "multicast space"),
    (IPNetwork("240.0.0.0/4"), "reserved space"),
    (IPNetwork("0.0.0.0/8"), "'this network' space"),
    (IPNetwork("fc00::/7"), "unique-local IPv6 space"),
    (IPNetwork("fe80::/10"), "link-local IPv6 space"),
    (IPNetwork("ff00::/8"), "multicast IPv6 space"),
    (IPNetwork("::1/128"), "loopback space"),
]

DOCUMENTATION = [
    IPNetwork("192.0.2.0/24"),
    IPNetwork("198.51.100.0/24"),
    IPNetwork("203.0.113.0/24"),
    IPNetwork("2001:db8::/32"),
]


def as_ipset(space):
    """An IPSet for a netaddr IPNetwork or IPRange (or anything IPSet accepts)."""
    if isinstance(space, IPRange):
        return IPSet(space.cidrs())
    return IPSet([space])


def refusal_reason(space, allow_documentation=False):
    """Why `space` cannot be a public allocation, or None when it can."""
    candidate = as_ipset(space)
    for network, why in NON_PUBLIC:
        if network.version == _version(space) and candidate & IPSet([network]):
            return why
    if not allow_documentation:
        for network in DOCUMENTATION:
            if network.version == _version(space) and candidate & IPSet([network]):
                return "documentation space (RFC 5737/3849), allowed only when the plugin setting allows it"
    return None


def is_public(space):
    """True for space that is neither special-purpose nor documentation."""
    return refusal_reason(space, allow_documentation=True) is None


def first_overlap(space, others):
    """The first (key, other_space) in `others` that overlaps `space`, or None."""
    candidate = as_ipset(space)
    for key, other in others:
        if candidate & as_ipset(other):
            return key, other
    return None


def unallocated(public_spaces, allocated_spaces):
    """The CIDRs of `public_spaces` that no allocation covers."""
    remaining = IPSet()
    for space in public_spaces:
        remaining |= as_ipset(space)
    for space in allocated_spaces:
        remaining -= as_ipset(space)
    return remaining.iter_cidrs()


def _version(space):
    return space.version
