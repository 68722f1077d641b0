"""What NetBox documents, read for the reconciliation in a constant number of paginated list requests.

**Which devices** (``reconcile_targets``): active, with a primary IP, a platform whose custom field
``napalm_driver`` is set (ios, eos, junos, ros: NetBox 4 has no NAPALM field of its own on platforms), and an
SSH login named in the config context (``egov_polling.ssh.credential``; port ``egov_polling.ssh.port``, default
22). NAPALM's optional arguments may come from ``egov_polling.napalm.optional_args``, never secrets nor anything
that changes how a host key is checked; the expected OS version from the config context key ``egov_os_version``.
Three list requests: the platforms, the devices (filtered by those platforms), their device types (for part
numbers). A device whose profile is wrong is skipped with a reason naming the device, the field and the value.

**What a batch's devices look like** (``read_documentation``): their interfaces with cables and cable paths (one
list), the devices at the far ends of those paths (one list: is each a network device, which should speak LLDP),
the devices the LLDP neighbours name (two lists: by full or short name, and NetBox names that are FQDNs of a short
name) and their interfaces (one list). Ids and names go in chunks that keep a URL short; no request is ever made
per device.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from ..netbox import (
    FILTER_CHUNK,
    POLLING_KEY,
    ProfileError,
    Skipped,
    Targets,
    check_profile,
    chunks,
    section,
    slug_of,
    ssh_section,
)
from .facts import DRIVERS
from .names import device_keys
from .records import DocumentedInterface, FarEnd, ReconcileTarget
from .resolve import Directory, NetBoxDevice, NetBoxPort

DRIVER_FIELD = "napalm_driver"  # custom field of dcim.platform
OS_VERSION_KEY = "egov_os_version"
DEVICE_FIELDS = "id,name,status,primary_ip,platform,device_type,serial,config_context"
INTERFACE_FIELDS = ("id,name,device,enabled,description,mark_connected,cable,link_peers,link_peers_type,"
                    "connected_endpoints,connected_endpoints_type,connected_endpoints_reachable")
PORT_FIELDS = "id,name,description,device"
# optional_args that would carry a secret or weaken the host key check: the login is the collector's business.
REFUSED_OPTIONAL_ARGS = ("password", "secret", "passphrase", "key_file", "pkey", "use_keys", "allow_agent",
                         "ssh_strict", "system_host_keys", "alt_host_keys", "alt_key_file", "ssh_config_file",
                         "hostkey_verify", "transport", "ssl_wrapper", "username")


@dataclass(frozen=True)
class Documentation:
    """A batch's documentation: each device's interfaces (by NetBox device id) and the neighbours' directory."""

    interfaces: dict[int, tuple[DocumentedInterface, ...]] = field(default_factory=dict)
    directory: Directory = field(default_factory=Directory)


@dataclass(frozen=True)
class Plan:
    """The devices to reconcile, those skipped with why, and the platforms of network devices (ids)."""

    targets: Targets
    network_platforms: frozenset = frozenset()


# Which devices.


def reconcile_targets(netbox, names=None) -> Plan:
    """The devices to reconcile (all, or those ``names``: then each named one that is not says why)."""
    drivers = platform_drivers(netbox)
    if names:
        rows = [row for chunk in chunks(sorted(set(names)), FILTER_CHUNK)
                for row in netbox.rows(netbox.api.dcim.devices, name=chunk, fields=DEVICE_FIELDS)]
    elif drivers:
        rows = [row for chunk in chunks(sorted(drivers), FILTER_CHUNK)
                for row in netbox.rows(netbox.api.dcim.devices, status="active", has_primary_ip=True,
                                       platform_id=chunk, fields=DEVICE_FIELDS)]
    else:
        rows = []
    types = device_types(netbox, {(row.get("device_type") or {}).get("id") for row in rows} - {None})
    result = Targets()
    for row in rows:
        name = row.get("name") or f"device {row['id']}"
        try:
            target = reconcile_target(row, drivers, types)
        except ProfileError as error:
            result.skipped.append(Skipped(name, str(error)))
            continue
        if target is not None:
            result.append(target)
        elif names:
            result.skipped.append(Skipped(name, f"{name}: {not_reconciled_reason(row, drivers)}"))
    if names:
        found = {row.get("name") for row in rows}
        result.skipped += [Skipped(name, f"{name}: no such device in NetBox") for name in names if name not in found]
    return Plan(result, frozenset(drivers))


def platform_drivers(netbox) -> dict[int, str]:
    """Platform id -> its napalm_driver, for the platforms that have one."""
    platforms = netbox.rows(netbox.api.dcim.platforms, fields="id,slug,custom_fields")
    return {row["id"]: str(driver).strip() for row in platforms
            if (driver := (row.get("custom_fields") or {}).get(DRIVER_FIELD)) and str(driver).strip()}


def device_types(netbox, ids) -> dict[int, dict]:
    return {row["id"]: row for chunk in chunks(sorted(ids), FILTER_CHUNK)
            for row in netbox.rows(netbox.api.dcim.device_types, id=chunk, fields="id,model,part_number")}


def reconcile_target(row: dict, drivers: dict[int, str], types: dict[int, dict]) -> ReconcileTarget | None:
    """The target of a device row; None when the device is not to be reconciled; ProfileError when its profile
    or platform is wrong."""
    name = row.get("name")
    platform = row.get("platform") or {}
    context = row.get("config_context") or {}
    profile = context.get(POLLING_KEY)
    if ((row.get("status") or {}).get("value") != "active" or not row.get("primary_ip") or not name
            or platform.get("id") not in drivers or profile is None):
        return None
    check_profile(name, profile)
    ssh = ssh_section(name, profile)
    if not ssh:
        return None
    driver = drivers[platform["id"]]
    if driver not in DRIVERS:
        raise ProfileError(f"{name}: platform {platform.get('slug')} has {DRIVER_FIELD} {driver!r}, not one of "
                           f"{', '.join(DRIVERS)}")
    device_type = types.get((row.get("device_type") or {}).get("id"), {})
    return ReconcileTarget(
        device=name,
        device_id=row["id"],
        host=row["primary_ip"]["address"].split("/")[0],
        driver=driver,
        credential=ssh["credential"],
        port=ssh["port"],
        optional_args=optional_args(name, profile, driver),
        serial=(row.get("serial") or "").strip(),
        model=(device_type.get("model") or (row.get("device_type") or {}).get("model") or "").strip(),
        part_number=(device_type.get("part_number") or "").strip(),
        os_version=os_version(name, context),
        platform=slug_of(platform),
    )


def not_reconciled_reason(row: dict, drivers: dict[int, str]) -> str:
    status = (row.get("status") or {}).get("value")
    platform = row.get("platform")
    if status != "active":
        return f"status is {status!r}, not 'active'"
    if not row.get("primary_ip"):
        return "has no primary IP"
    if not platform:
        return "has no platform"
    if platform.get("id") not in drivers:
        return f"platform {platform.get('slug')} has no {DRIVER_FIELD}"
    return f"has no {POLLING_KEY}.ssh.credential in its config context"


def optional_args(device: str, profile: dict, driver: str) -> dict:
    if "napalm" not in profile:
        return {}
    napalm = section(device, profile, "napalm", ("optional_args",))
    where = f"{POLLING_KEY}.napalm.optional_args"
    options = napalm.get("optional_args", {})
    if not isinstance(options, dict):
        raise ProfileError(f"{device}: {where} must be an object, not {type(options).__name__}")
    # Named without their values: a password typed into NetBox by mistake must not travel on into logs.
    refused = sorted(key for key in options if key in REFUSED_OPTIONAL_ARGS or (key == "port" and driver != "ros"))
    if refused:
        raise ProfileError(f"{device}: {where} may not set {', '.join(refused)} (logins and host keys are the "
                           f"collector's: name a credential; the SSH port is {POLLING_KEY}.ssh.port)")
    return dict(options)


def os_version(device: str, context: dict) -> str | None:
    value = context.get(OS_VERSION_KEY)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise ProfileError(f"{device}: {OS_VERSION_KEY} {value!r} is not a version (a non-empty string)")
    return value.strip()


# What a batch's devices look like.


def read_documentation(netbox, targets: Iterable[ReconcileTarget], system_names: Iterable[str],
                       network_platforms=frozenset()) -> Documentation:
    """The interfaces of the targets and the directory of the devices ``system_names`` (LLDP) may mean."""
    targets = list(targets)
    rows = list_by(netbox, netbox.api.dcim.interfaces, "device_id", [t.device_id for t in targets],
                   fields=INTERFACE_FIELDS)
    far_ids = {endpoint["device"]["id"] for row in rows for endpoint in interface_endpoints(row)}
    far_devices = list_by(netbox, netbox.api.dcim.devices, "id", far_ids, fields="id,platform")
    speaking = {d["id"] for d in far_devices if (d.get("platform") or {}).get("id") in network_platforms}
    interfaces: dict[int, list[DocumentedInterface]] = {t.device_id: [] for t in targets}
    for row in rows:
        interfaces.setdefault(row["device"]["id"], []).append(documented_interface(row, speaking))
    return Documentation({device: tuple(found) for device, found in interfaces.items()},
                         directory(netbox, system_names))


def directory(netbox, system_names: Iterable[str]) -> Directory:
    """The NetBox devices the names may mean, with their interfaces."""
    keys = {key for name in system_names for key in device_keys(name)}
    shorts = {device_keys(name)[1] for name in system_names}
    devices = {row["id"]: row for row in list_by(netbox, netbox.api.dcim.devices, "name__ie", keys, fields="id,name")}
    # NetBox may name a device by its FQDN where LLDP gives the short name: names starting with "<short>.".
    devices.update((row["id"], row) for row in list_by(netbox, netbox.api.dcim.devices, "name__isw",
                                                      {f"{short}." for short in shorts}, fields="id,name"))
    ports: dict[int, list[NetBoxPort]] = {}
    for row in list_by(netbox, netbox.api.dcim.interfaces, "device_id", devices, fields=PORT_FIELDS):
        ports.setdefault(row["device"]["id"], []).append(
            NetBoxPort(row["id"], row["name"], (row.get("description") or "").strip()))
    return Directory([NetBoxDevice(row["id"], row["name"]) for row in devices.values() if row.get("name")], ports)


def list_by(netbox, endpoint, name: str, values, **filters) -> list[dict]:
    """Every row whose ``name`` filter matches one of ``values``, in chunks; no request for no values."""
    return [row for chunk in chunks(sorted(values), FILTER_CHUNK)
            for row in netbox.rows(endpoint, **{name: chunk}, **filters)]


def interface_endpoints(row: dict) -> list[dict]:
    """The interfaces a cable path from this interface ends at (none when it ends elsewhere or nowhere)."""
    if row.get("connected_endpoints_type") != "dcim.interface":
        return []
    return [endpoint for endpoint in row.get("connected_endpoints") or [] if endpoint.get("device")]


def documented_interface(row: dict, speaking: set[int]) -> DocumentedInterface:
    endpoints = interface_endpoints(row)
    far_end = None
    if len(endpoints) == 1:
        endpoint = endpoints[0]
        far_end = FarEnd(device=endpoint["device"].get("name") or "", interface=endpoint["name"],
                         device_id=endpoint["device"]["id"], interface_id=endpoint["id"],
                         speaks_lldp=endpoint["device"]["id"] in speaking)
    return DocumentedInterface(
        id=row["id"],
        name=row["name"],
        enabled=bool(row.get("enabled")),
        description=(row.get("description") or "").strip(),
        cabled=bool(row.get("cable")),
        mark_connected=bool(row.get("mark_connected")),
        far_end=far_end,
        connected=bool(row.get("connected_endpoints_reachable")),
        peer="" if far_end else peer_text(row),
    )


def peer_text(row: dict) -> str:
    """What the cable leads to when its path ends at no single interface, as NetBox displays it."""
    kind = (row.get("link_peers_type") or "").rsplit(".", 1)[-1]
    peers = []
    for peer in row.get("link_peers") or []:
        device = (peer.get("device") or {}).get("name")
        peers.append(" ".join(filter(None, (device, peer.get("display") or peer.get("name")))))
    return f"{kind} {', '.join(peers)}".strip() if peers else ""
