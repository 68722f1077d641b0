"""Where a device and NetBox disagree: pure functions from (documentation, facts) to ``Finding``s. No I/O.

``findings`` compares what the device read completely: the device itself (get_facts) when its facts were read,
the interfaces (get_interfaces) when they were, the links (get_lldp_neighbors_detail) when they were. A part not
read gives no finding of its kinds, and the run is then not complete (``DeviceFacts.complete``), so the plugin
resolves nothing on its account.

One finding per (kind, subject), as the plugin keys them: two unknown neighbours on one port (a phone and the PC
behind it) become one finding naming both, in a stable order, so a second run says the same.
"""

import re
from collections.abc import Iterable, Mapping

from .names import device_keys, interface_key
from .records import (
    DOCUMENTED_LINK_NOT_SEEN,
    INTERFACE_DOWN_BUT_ENABLED,
    INTERFACE_UP_BUT_DISABLED,
    MODEL_DIFFERS,
    OS_DIFFERS,
    SERIAL_DIFFERS,
    UNDOCUMENTED_LINK,
    UNKNOWN_NEIGHBOUR,
    WRONG_FAR_END,
    ArpEntry,
    DeviceFacts,
    DocumentedInterface,
    Finding,
    InterfaceState,
    Neighbour,
    ReconcileTarget,
)
from .resolve import Directory, Resolved

# What get_facts answers when the device did not say (NAPALM's IOS driver: "Unknown").
UNKNOWN_VALUES = {"", "unknown", "n/a", "none"}
NO_CABLE = "no cable"
NO_NEIGHBOUR = "no LLDP neighbour"


def findings(target: ReconcileTarget, facts: DeviceFacts, interfaces: Iterable[DocumentedInterface],
             directory: Directory) -> list[Finding]:
    """Every disagreement between NetBox's documentation of the target and what it said, one per (kind, subject),
    sorted by kind and subject."""
    interfaces = list(interfaces)
    found = device_findings(target, facts) if facts.facts_read else []
    if facts.interfaces is not None:
        found += interface_findings(interfaces, facts.interfaces)
    if facts.neighbours is not None:
        found += link_findings(interfaces, facts.neighbours, facts.interfaces, facts.arp or (), directory)
    return merged(found)


# The device itself.


def device_findings(target: ReconcileTarget, facts: DeviceFacts) -> list[Finding]:
    found = []
    if known(facts.serial) and facts.serial.strip().casefold() != target.serial.strip().casefold():
        found.append(Finding(SERIAL_DIFFERS, netbox_says=target.serial, device_says=facts.serial.strip()))
    if known(facts.model) and not same_model(facts.model, target.model, target.part_number):
        documented = " / ".join(dict.fromkeys(filter(None, (target.model, target.part_number))))
        found.append(Finding(MODEL_DIFFERS, netbox_says=documented, device_says=facts.model.strip()))
    if target.os_version and known(facts.os_version) and not same_version(target.os_version, facts.os_version):
        found.append(Finding(OS_DIFFERS, netbox_says=target.os_version, device_says=facts.os_version.strip()))
    return found


def known(value: str) -> bool:
    return value.strip().casefold() not in UNKNOWN_VALUES


def same_model(reported: str, model: str, part_number: str) -> bool:
    """The device's model is the device type's model or part number. A device may leave out the licence or power
    suffix of its part number (IOS prints ``WS-C3750X-24T`` for the part ``WS-C3750X-24T-S``): a documented name
    that continues the reported one after a ``-`` is the same model."""
    reported = reported.strip().casefold()
    for documented in (model, part_number):
        documented = documented.strip().casefold()
        if documented and (documented == reported or documented.startswith(reported + "-")):
            return True
    return False


def same_version(expected: str, reported: str) -> bool:
    """The expected version is the reported one, or a whole word of it: IOS reports
    ``C3750E Software (C3750E-UNIVERSALK9-M), Version 15.2(4)E10, RELEASE SOFTWARE (fc2)``, EOS
    ``4.28.3M-28837868.4283M``. ``15.2(4)E1`` is not ``15.2(4)E10``, nor ``4.28`` ``4.28.3M``."""
    expected, reported = expected.strip(), reported.strip()
    version_character = r"[\w.()]"
    return expected.casefold() == reported.casefold() or bool(
        re.search(rf"(?<!{version_character}){re.escape(expected)}(?!{version_character})", reported, re.I))


# Interfaces.


def interface_findings(interfaces: list[DocumentedInterface], states: Iterable[InterfaceState]) -> list[Finding]:
    by_key = {interface_key(state.name): state for state in states}
    found = []
    for interface in interfaces:
        state = by_key.get(interface_key(interface.name))
        # Only interfaces NetBox documents as in use (enabled and cabled or marked connected) are expected up:
        # every switch has enabled ports nobody plugged anything into, and NetBox leaves them enabled by
        # default; a finding for each would bury the few that matter.
        if interface.enabled and interface.in_use and (state is None or not state.up):
            found.append(Finding(INTERFACE_DOWN_BUT_ENABLED, interface.name, interface.id,
                                 netbox_says=in_use_text(interface), device_says=down_text(state)))
        if not interface.enabled and state is not None and state.up:
            found.append(Finding(INTERFACE_UP_BUT_DISABLED, interface.name, interface.id, netbox_says="disabled",
                                 device_says="up"))
    return found


def in_use_text(interface: DocumentedInterface) -> str:
    if interface.far_end:
        return f"enabled, cabled to {interface.far_end}"
    if interface.cabled:
        return f"enabled, cabled to {interface.peer}" if interface.peer else "enabled, cabled"
    return "enabled, marked connected"


def down_text(state: InterfaceState | None) -> str:
    if state is None:
        return "no such interface"
    return "down" if state.enabled else "administratively down"


# Links.


def link_findings(interfaces: list[DocumentedInterface], neighbours: Iterable[Neighbour],
                  states: Iterable[InterfaceState] | None, arp: Iterable[ArpEntry],
                  directory: Directory) -> list[Finding]:
    documented = {interface_key(i.name): i for i in interfaces}
    seen: dict[str, list[Neighbour]] = {}
    for neighbour in neighbours:
        seen.setdefault(interface_key(neighbour.local_interface), []).append(neighbour)
    addresses = arp_addresses(arp)
    found = []
    for key, on_port in seen.items():
        found += port_findings(documented.get(key), on_port, directory, addresses)
    down = {interface_key(s.name) for s in states or () if not s.up}
    for key, interface in documented.items():
        far_end = interface.far_end
        # A link is expected in LLDP only when its path is complete and connected, and ends at a network device
        # (the far device's platform has a NAPALM driver): servers, cameras and printers seldom speak LLDP, and
        # each of their cables would otherwise be a finding for ever.
        if key not in seen and far_end and interface.connected and far_end.speaks_lldp:
            found.append(Finding(DOCUMENTED_LINK_NOT_SEEN, interface.name, interface.id, netbox_says=str(far_end),
                                 device_says=NO_NEIGHBOUR + (" (interface down)" if key in down else "")))
    return found


def port_findings(interface: DocumentedInterface | None, neighbours: list[Neighbour], directory: Directory,
                  addresses: Mapping[str, str]) -> list[Finding]:
    """The findings of the neighbours one local interface sees, against what NetBox documents for it (None:
    NetBox has no such interface; the subject is then the device's own name for it)."""
    subject = interface.name if interface else neighbours[0].local_interface
    interface_id = interface.id if interface else None
    far_end = interface.far_end if interface else None
    documented = documented_text(interface)
    found = []
    for neighbour in neighbours:
        resolved = directory.resolve(neighbour)
        if not isinstance(resolved, Resolved):
            said = str(neighbour) + address_text(neighbour, addresses)
            found.append(Finding(UNKNOWN_NEIGHBOUR, subject, interface_id,
                                 netbox_says=f"{documented}; {resolved.reason}", device_says=said))
        elif far_end is None and not (interface and interface.cabled):
            found.append(Finding(UNDOCUMENTED_LINK, subject, interface_id, netbox_says=documented,
                                 device_says=str(resolved), far_interface=resolved.port.id))
        elif not is_far_end(resolved, far_end):
            found.append(Finding(WRONG_FAR_END, subject, interface_id, netbox_says=documented,
                                 device_says=str(resolved), far_interface=resolved.port.id))
    return found


def documented_text(interface: DocumentedInterface | None) -> str:
    if interface is None:
        return "no such interface"
    if interface.far_end:
        return str(interface.far_end)
    if interface.cabled:
        return interface.peer or "a cable to no interface"
    return "marked connected, no cable" if interface.mark_connected else NO_CABLE


def is_far_end(resolved: Resolved, far_end) -> bool:
    if far_end is None:
        return False
    if far_end.interface_id is not None:
        return resolved.port.id == far_end.interface_id
    return (device_keys(resolved.device.name) == device_keys(far_end.device)
            and interface_key(resolved.port.name) == interface_key(far_end.interface))


def arp_addresses(arp: Iterable[ArpEntry]) -> dict[str, str]:
    """MAC, and local interface, -> IP from the ARP table, for those with exactly one address (a router's MAC
    answers for many; a VLAN interface holds a whole subnet)."""
    found: dict[str, set[str]] = {}
    for entry in arp:
        # EOS names the VLAN and the port it learnt the entry on: "Vlan10, Ethernet49".
        ports = [port_key(part) for part in entry.interface.split(",")]
        for key in (mac_key(entry.mac), *ports):
            if key:
                found.setdefault(key, set()).add(entry.ip)
    return {key: next(iter(ips)) for key, ips in found.items() if len(ips) == 1}


def address_text(neighbour: Neighbour, addresses: Mapping[str, str]) -> str:
    """`` (10.1.2.3)``: the neighbour's address from the ARP table, by its chassis MAC, else the one address
    learnt on the local interface (a routed link: its only ARP entry is the neighbour); "" without one."""
    address = addresses.get(mac_key(neighbour.chassis_id)) or addresses.get(port_key(neighbour.local_interface))
    return f" ({address})" if address else ""


def mac_key(value: str) -> str:
    """A MAC in any notation (``00:1c:73:aa:bb:cc``, ``001c.73aa.bbcc``) as 12 lower-case hex digits; "" for
    anything else (a chassis id may be a name or an address)."""
    value = value.strip()
    digits = re.sub(r"[-:.]", "", value)
    return digits.lower() if len(digits) == 12 and re.fullmatch(r"[0-9A-Fa-f]+", digits) else ""


def port_key(name: str) -> str:
    return "port:" + interface_key(name) if name.strip() else ""


# One finding per key.


def merged(found: Iterable[Finding]) -> list[Finding]:
    """One finding per (kind, subject): the texts of findings sharing a key joined, sorted, with "; "."""
    groups: dict[tuple[str, str], list[Finding]] = {}
    for finding in found:
        groups.setdefault((finding.kind, finding.subject), []).append(finding)
    result = []
    for (kind, subject), group in sorted(groups.items()):
        if len(group) == 1:
            result.append(group[0])
            continue
        # Several far ends on one port: none of them is the one cable to create.
        far = {f.far_interface for f in group}
        result.append(Finding(kind, subject, group[0].interface,
                              netbox_says="; ".join(sorted(dict.fromkeys(f.netbox_says for f in group))),
                              device_says="; ".join(sorted(dict.fromkeys(f.device_says for f in group))),
                              far_interface=far.pop() if len(far) == 1 else None))
    return result
