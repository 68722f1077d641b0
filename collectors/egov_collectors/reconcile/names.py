"""Interface and device names as devices and NetBox spell them, reduced to keys that are equal when they name the
same thing.

Devices abbreviate their own interfaces in LLDP (IOS sends ``Gi1/0/1`` as the port id of
``GigabitEthernet1/0/1``, EOS ``Et1`` or ``Ethernet1``), NetBox may hold either spelling, and system names come
as FQDNs (``core-1.klaten.go.id``) or short names, in any case. One table (``INTERFACE_TYPES``) maps every
abbreviation to its full type name; nothing else in the reconciliation knows a spelling.
"""

import ipaddress
import re

# Full interface type name: the abbreviations devices and people use for it (lower case). A spelling missing
# here only means that spelling is compared as written.
INTERFACE_TYPES = {
    "GigabitEthernet": ("gi", "gig", "gige", "ge"),
    "TwoGigabitEthernet": ("tw", "twogige"),
    "FiveGigabitEthernet": ("fi", "fivegige"),
    "TenGigabitEthernet": ("te", "ten", "tengig", "tengige"),
    "TwentyFiveGigE": ("twe", "twentyfivegigabitethernet"),
    "FortyGigabitEthernet": ("fo", "fortygig", "fortygige"),
    "HundredGigE": ("hu", "hundredgigabitethernet"),
    "FastEthernet": ("fa", "fas"),
    "Ethernet": ("eth", "et"),
    "Port-channel": ("po", "portchannel"),
    "Management": ("mgmt", "ma", "mgt"),
    "AppGigabitEthernet": ("ap",),
    "Bundle-Ether": ("be",),
    "Vlan": ("vl",),
    "Loopback": ("lo", "loop"),
    "Tunnel": ("tu",),
    "Serial": ("se",),
}
_FULL_NAME = {alias: full for full, aliases in INTERFACE_TYPES.items() for alias in (full.lower(), *aliases)}
# The type is the leading letters (and hyphens: "Port-channel1", "Bundle-Ether1"); the rest is the position.
_INTERFACE = re.compile(r"([A-Za-z][A-Za-z-]*?)\s*(\d.*)")


def full_interface_name(name: str) -> str:
    """The interface's name with its type written out: ``Gi1/0/1`` -> ``GigabitEthernet1/0/1``; a name of an
    unknown type (``ge-0/0/0``, ``ether1``, ``eth0`` of a server) is returned as it is."""
    name = name.strip()
    match = _INTERFACE.fullmatch(name)
    if not match:
        return name
    full = _FULL_NAME.get(match.group(1).lower())
    return f"{full}{match.group(2)}" if full else name


def interface_key(name: str) -> str:
    """A key equal for every spelling of one interface: ``gi1/0/1``, ``Gi 1/0/1`` and ``GigabitEthernet1/0/1``
    all give ``gigabitethernet1/0/1``."""
    return full_interface_name(name).lower()


def device_keys(name: str) -> tuple[str, str]:
    """(full, short) keys of a system name: lower case, without a trailing dot; ``short`` is the first label of a
    domain name and the whole address of an IP address."""
    full = name.strip().rstrip(".").lower()
    try:
        ipaddress.ip_address(full)
    except ValueError:
        return full, full.split(".", 1)[0]
    return full, full
