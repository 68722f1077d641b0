"""LLDP neighbours to NetBox objects: which NetBox device and interface a neighbour names, if any. Pure.

A neighbour's system name matches a NetBox device by its full name, else by its short name (``core-1`` and
``core-1.klaten.go.id`` are one device), in any case, and only when exactly one device matches: two devices
``core-1`` in two domains leave ``core-1`` unresolved rather than guessed. Its port matches an interface of that
device by name in any spelling (``names.interface_key``), else by the port description the neighbour sends: as an
interface name (devices that send a MAC as port id and the name as description) or as the interface's NetBox
description. An unresolved neighbour is never dropped: it becomes an ``unknown_neighbour`` finding.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .names import device_keys, interface_key
from .records import Neighbour


@dataclass(frozen=True)
class NetBoxDevice:
    id: int
    name: str


@dataclass(frozen=True)
class NetBoxPort:
    id: int
    name: str
    description: str = ""


@dataclass(frozen=True)
class Resolved:
    """The neighbour is this NetBox interface."""

    device: NetBoxDevice
    port: NetBoxPort

    def __str__(self):
        return f"{self.device.name} {self.port.name}"


@dataclass(frozen=True)
class Unresolved:
    """NetBox has no (single) device or interface for the neighbour; ``reason`` says which."""

    reason: str


class Directory:
    """The NetBox devices a batch's neighbours may be, and their interfaces (read by ``documentation``)."""

    def __init__(self, devices: Iterable[NetBoxDevice] = (), ports: Mapping[int, Iterable[NetBoxPort]] = None):
        self._by_full, self._by_short = defaultdict(set), defaultdict(set)
        for device in devices:
            full, short = device_keys(device.name)
            self._by_full[full].add(device)
            self._by_short[short].add(device)
        self._ports = {device_id: tuple(found) for device_id, found in (ports or {}).items()}

    def device(self, system_name: str) -> NetBoxDevice | None:
        """The one device the name means: by full name, else by short name; None when none or several match."""
        if not system_name.strip():
            return None
        full, short = device_keys(system_name)
        for candidates in (self._by_full.get(full), self._by_short.get(short)):
            if candidates and len(candidates) == 1:
                return next(iter(candidates))
            if candidates:
                return None  # several devices: ambiguous, not guessed
        return None

    def port(self, device_id: int, port: str, description: str = "") -> NetBoxPort | None:
        """The device's interface the neighbour's port id (or port description) names, when exactly one does."""
        ports = self._ports.get(device_id, ())
        tries = [(port, lambda p: p.name, interface_key), (description, lambda p: p.name, interface_key),
                 (description, lambda p: p.description, str.casefold)]
        for value, attribute, key in tries:
            if not value.strip():
                continue
            wanted = key(value.strip())
            matches = [p for p in ports if attribute(p).strip() and key(attribute(p).strip()) == wanted]
            if len(matches) == 1:
                return matches[0]
        return None

    def resolve(self, neighbour: Neighbour) -> Resolved | Unresolved:
        if not neighbour.system_name.strip():
            return Unresolved("it sends no system name")
        device = self.device(neighbour.system_name)
        if device is None:
            return Unresolved(f"no single NetBox device is named {neighbour.system_name}")
        port = self.port(device.id, neighbour.port, neighbour.port_description)
        if port is None:
            return Unresolved(f"{device.name} has no interface {neighbour.port} in NetBox")
        return Resolved(device, port)


def system_names(neighbours: Iterable[Neighbour]) -> set[str]:
    """The distinct system names the neighbours give (what ``documentation`` looks up in NetBox)."""
    return {n.system_name.strip() for n in neighbours if n.system_name.strip()}
