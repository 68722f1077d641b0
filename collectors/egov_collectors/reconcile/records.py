"""The records the reconciliation's parts hand each other: what NetBox documents, what a device says, what differs.

Plain frozen dataclasses, no I/O: ``documentation`` fills the NetBox side, ``facts`` the device side, ``compare``
turns both into ``Finding``s and ``report`` into the plugin's report (docs/reconciliation.md).
"""

from dataclasses import dataclass, field

# The finding kinds, exactly as the plugin's model has them (the contract).
UNDOCUMENTED_LINK = "undocumented_link"
WRONG_FAR_END = "wrong_far_end"
DOCUMENTED_LINK_NOT_SEEN = "documented_link_not_seen"
UNKNOWN_NEIGHBOUR = "unknown_neighbour"
SERIAL_DIFFERS = "serial_differs"
OS_DIFFERS = "os_differs"
MODEL_DIFFERS = "model_differs"
INTERFACE_DOWN_BUT_ENABLED = "interface_down_but_enabled"
INTERFACE_UP_BUT_DISABLED = "interface_up_but_disabled"
DEVICE_UNREACHABLE = "device_unreachable"
KINDS = (UNDOCUMENTED_LINK, WRONG_FAR_END, DOCUMENTED_LINK_NOT_SEEN, UNKNOWN_NEIGHBOUR, SERIAL_DIFFERS, OS_DIFFERS,
         MODEL_DIFFERS, INTERFACE_DOWN_BUT_ENABLED, INTERFACE_UP_BUT_DISABLED, DEVICE_UNREACHABLE)
# The model's field lengths: longer text is cut, never refused.
SUBJECT_LENGTH = 100
SAYS_LENGTH = 255


@dataclass(frozen=True)
class ReconcileTarget:
    """A device to reconcile, with what NetBox documents about the device itself (no secrets: only the name of
    its SSH login)."""

    device: str
    device_id: int
    host: str  # primary IP without prefix length
    driver: str  # NAPALM driver: ios, eos, junos, ros
    credential: str  # name of the SSH login (secrets.SecretStore.ssh)
    port: int = 22  # egov_polling.ssh.port
    optional_args: dict = field(default_factory=dict)  # egov_polling.napalm.optional_args (checked: no secrets)
    serial: str = ""
    model: str = ""  # the device type's model
    part_number: str = ""  # the device type's part number
    os_version: str | None = None  # config context egov_os_version; None: the OS is not compared
    platform: str = ""  # platform slug


@dataclass(frozen=True)
class FarEnd:
    """The interface at the other end of a documented cable path."""

    device: str
    interface: str
    device_id: int | None = None
    interface_id: int | None = None
    speaks_lldp: bool = True  # the far device's platform has a NAPALM driver: a network device

    def __str__(self):
        return f"{self.device} {self.interface}"


@dataclass(frozen=True)
class DocumentedInterface:
    """An interface of a reconciled device as NetBox documents it."""

    id: int
    name: str
    enabled: bool = True
    description: str = ""
    cabled: bool = False
    mark_connected: bool = False
    far_end: FarEnd | None = None  # the interface the cable path ends at, when it ends at one
    connected: bool = False  # the path is complete and every cable on it is connected
    peer: str = ""  # what the cable leads to when it is not an interface (a circuit, a port of a patch panel)

    @property
    def in_use(self) -> bool:
        """Documented as carrying a link: cabled, or marked connected (a link NetBox has no cable for)."""
        return self.cabled or self.mark_connected


@dataclass(frozen=True)
class InterfaceState:
    """An interface as the device reports it (get_interfaces)."""

    name: str
    enabled: bool
    up: bool
    description: str = ""
    mac: str = ""


@dataclass(frozen=True)
class Neighbour:
    """One LLDP neighbour seen on a local interface (get_lldp_neighbors_detail)."""

    local_interface: str
    system_name: str = ""
    port: str = ""
    port_description: str = ""
    chassis_id: str = ""

    def __str__(self):
        return " ".join(filter(None, (self.system_name or self.chassis_id, self.port))) or "(no name, no port)"


@dataclass(frozen=True)
class ArpEntry:
    ip: str
    mac: str
    interface: str = ""


@dataclass(frozen=True)
class DeviceFacts:
    """What one device said about itself. A getter that failed leaves its part None and a note saying why."""

    device: str
    duration: float = 0.0  # seconds the session took
    hostname: str = ""
    vendor: str = ""
    model: str = ""  # "" when the device did not say
    serial: str = ""
    os_version: str = ""
    interfaces: tuple[InterfaceState, ...] | None = None
    neighbours: tuple[Neighbour, ...] | None = None
    arp: tuple[ArpEntry, ...] | None = None
    facts_read: bool = False
    notes: tuple[str, ...] = ()

    @property
    def complete(self) -> bool:
        """Every part the findings come from was read: a run may then resolve what it no longer sees. ARP only
        adds addresses to findings, so a device without it is still complete."""
        return self.facts_read and self.interfaces is not None and self.neighbours is not None


class ReconcileError(Exception):
    """A device could not be read (``facts``). ``kind``: credential, driver-missing, unsupported, authentication,
    host-key-changed, host-key-unknown, timeout, unreachable."""

    def __init__(self, device, kind, reason):
        super().__init__(f"{device}: {reason}")
        self.device = device
        self.kind = kind
        self.reason = reason


@dataclass(frozen=True)
class Finding:
    """One disagreement between NetBox and a device, keyed (device, kind, subject) by the plugin."""

    kind: str
    subject: str = ""  # the NetBox interface name (else the device's), "" for the device itself
    interface: int | None = None  # NetBox interface id, when NetBox has the interface
    netbox_says: str = ""
    device_says: str = ""
    far_interface: int | None = None  # links: the NetBox interface the device sees at the far end (to accept)

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"kind {self.kind!r} is not one of {', '.join(KINDS)}")

    def item(self) -> dict:
        """The finding as the report endpoint takes it, text cut to the model's lengths (``far_interface`` only
        when there is one: only link findings name it)."""
        item = {"kind": self.kind, "subject": self.subject[:SUBJECT_LENGTH], "interface": self.interface,
                "netbox_says": cut(self.netbox_says), "device_says": cut(self.device_says)}
        if self.far_interface is not None:
            item["far_interface"] = self.far_interface
        return item


def cut(text: str, length: int = SAYS_LENGTH) -> str:
    return text if len(text) <= length else text[:length - 3] + "..."
