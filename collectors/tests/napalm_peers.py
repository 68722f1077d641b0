"""FakeNOS SSH servers answering recorded `show` outputs to NAPALM, for the reconciliation's tests.

A small network of the Dinas' data centre, each device on its own loopback address (127.0.0.11, .12, ...) and
port, behind one host key the test made (its known_hosts lists it):

    gw-disdik Gi0/0/1 --- Gi1/0/1 core-1 Te1/1/1 --- Ethernet49 leaf-1 Ethernet1 --- eth0 srv-db (lldpd)
                                  core-1 Gi1/0/3 --- Gi0/0/1 gw-dinkes   (no cable in NetBox: undocumented)
                                  core-1 Gi1/0/4 --- Gi0/1 sw-lantai2    (its LLDP is off: never seen)

- core-1: Catalyst WS-C3750X-24T, IOS 15.2(4)E10 (NAPALM ios);
- gw-disdik: ISR4331/K9, IOS XE 16.9.5 (ios); its serial in the recordings is FDO2231M0AB;
- leaf-1: DCS-7050TX-64, EOS 4.28.3M (eos, over SSH: every command with `| json`); Ethernet3 is not connected;
- sw-old: an older IOS (12.2) whose LLDP detail has no local interface, so NAPALM asks `show lldp neighbors` for
  them, and by then the neighbour had aged out: the counts differ and the LLDP getter fails. A device read in
  part.

The recordings (collectors/tests/recordings/napalm/<device>/) are the outputs of the commands NAPALM 5.2's
drivers send for get_facts, get_interfaces, get_lldp_neighbors_detail and get_arp_table, nothing else: a command
not recorded gets the device's own "invalid input" answer. FakeNOS answers each command with fixed text, so it
serves all four getters of ios and eos; what it cannot serve is NETCONF (junos: PyEZ opens a NETCONF subsystem,
which FakeNOS refuses after the SSH handshake, so junos is tested only up to its host key check) and the RouterOS
API (ros: napalm-ros talks the API on port 8728, not SSH).

Peers that fail: ``silent_port`` accepts TCP and never speaks SSH (a hung sshd: the banner times out);
``dropping_port`` is a listener whose accept queue is full, so the kernel drops new SYNs (a firewall that drops:
the TCP connection times out).
"""

import socket
import time
from dataclasses import dataclass, field
from pathlib import Path

import paramiko
import pytest
from fakenos import FakeNOS

RECORDINGS = Path(__file__).resolve().parent / "recordings" / "napalm"
USERNAME = "netops"
PASSWORD = "Rec0rded-Lab-9f3c"  # the lab's only login: no real device has it
PROMPTS = ["{base_prompt}>", "{base_prompt}#"]
IOS_COMMANDS = {
    "show version": "show_version.txt",
    "show hosts": "show_hosts.txt",
    "show ip interface brief": "show_ip_interface_brief.txt",
    "show interfaces": "show_interfaces.txt",
    "show lldp neighbors detail": "show_lldp_neighbors_detail.txt",
    "show lldp neighbors": "show_lldp_neighbors.txt",  # asked only when the detail has no local interfaces
    "show arp | exclude Incomplete": "show_arp.txt",
}
# NAPALM's EOS driver over SSH adds `| json`; its LLDP command has two spaces where an interface filter would go.
EOS_COMMANDS = {
    "show version | json": "show_version.json",
    "show hostname | json": "show_hostname.json",
    "show interfaces | json": "show_interfaces.json",
    "show lldp neighbors  detail | json": "show_lldp_neighbors_detail.json",
    "show arp vrf all | json": "show_arp_vrf_all.json",
}
FAKENOS_PLUGIN = {"ios": "cisco_ios", "eos": "arista_eos"}

# What NetBox documents for the recorded network (test_reconcile_compare.py and test_reconcile_netbox.py): it
# agrees with the devices but for exactly four things: gw-disdik's serial (a typo), core-1 Gi1/0/3's cable to
# gw-dinkes (never documented), core-1 Gi1/0/4's cable to sw-lantai2 (documented, never seen: sw-lantai2's LLDP is
# off), and leaf-1 Ethernet3, cabled to srv-app but down.
NETWORK_DEVICES = ("core-1", "gw-disdik", "leaf-1", "gw-dinkes", "sw-lantai2")  # platforms with a NAPALM driver
SERVERS = ("srv-backup", "srv-db", "srv-app")
PORTS = {
    "core-1": [f"GigabitEthernet1/0/{n}" for n in range(1, 25)] + ["TenGigabitEthernet1/1/1",
                                                                     "TenGigabitEthernet1/1/2"],
    "gw-disdik": ["GigabitEthernet0/0/0", "GigabitEthernet0/0/1", "GigabitEthernet0/0/2"],
    "leaf-1": [f"Ethernet{n}" for n in range(1, 53)] + ["Management1"],
    "gw-dinkes": ["GigabitEthernet0/0/0", "GigabitEthernet0/0/1"],
    "sw-lantai2": ["GigabitEthernet0/1", "GigabitEthernet0/2"],
    "srv-backup": ["eth0"], "srv-db": ["eth0"], "srv-app": ["eth0"],
}
CABLES = [  # (device, interface, device, interface)
    ("core-1", "GigabitEthernet1/0/1", "gw-disdik", "GigabitEthernet0/0/1"),
    ("core-1", "GigabitEthernet1/0/4", "sw-lantai2", "GigabitEthernet0/1"),
    ("core-1", "GigabitEthernet1/0/10", "srv-backup", "eth0"),
    ("core-1", "TenGigabitEthernet1/1/1", "leaf-1", "Ethernet49"),
    ("leaf-1", "Ethernet1", "srv-db", "eth0"),
    ("leaf-1", "Ethernet3", "srv-app", "eth0"),
]
DOCUMENTED = {  # the reconciled devices: device type, serial and expected OS version as NetBox has them
    "core-1": {"serial": "FDO1732Q1AB", "model": "Catalyst 3750X-24T", "part_number": "WS-C3750X-24T-S",
               "os_version": "15.2(4)E10"},
    "gw-disdik": {"serial": "FDO2231M0AA", "model": "ISR4331/K9", "part_number": "ISR4331/K9",
                  "os_version": "16.9.5"},
    "leaf-1": {"serial": "JPE16281042", "model": "DCS-7050TX-64", "part_number": "", "os_version": "4.28.3M"},
}


@dataclass(frozen=True)
class RecordedDevice:
    name: str
    driver: str  # NAPALM driver
    address: str
    port: int


@dataclass
class RecordedNetwork:
    devices: dict[str, RecordedDevice]
    folder: Path
    host_key: paramiko.PKey
    known_hosts: Path = field(init=False)  # the devices' true key
    known_hosts_of_before: Path = field(init=False)  # another key for every device: as if each key had changed

    def __post_init__(self):
        self.known_hosts = self.known_hosts_with(self.host_key, "known_hosts")
        self.known_hosts_of_before = self.known_hosts_with(paramiko.RSAKey.generate(1024), "known_hosts_of_before")

    def known_hosts_with(self, key, name):
        """A known_hosts file listing ``key`` for every device."""
        path = self.folder / name
        path.write_text("".join(f"[{d.address}]:{d.port} {key.get_name()} {key.get_base64()}\n"
                                for d in self.devices.values()))
        return path

    def target(self, name, **changes):
        """The ``ReconcileTarget`` of a recorded device (NetBox ids and documentation from ``changes``)."""
        from egov_collectors.reconcile.records import ReconcileTarget

        device = self.devices[name]
        fields = {"device": name, "device_id": 0, "host": device.address, "driver": device.driver,
                  "credential": "lab", "port": device.port}
        return ReconcileTarget(**{**fields, **changes})


def commands(name, driver):
    """What the recorded device answers: each command NAPALM sends, with its recorded output."""
    table = IOS_COMMANDS if driver == "ios" else EOS_COMMANDS
    answers = {command: (RECORDINGS / name / file).read_text() for command, file in table.items()
               if (RECORDINGS / name / file).exists()}
    return {command: {"output": output, "prompt": PROMPTS, "help": "recorded"} for command, output in answers.items()}


def free_port(address="127.0.0.1"):
    with socket.socket() as probe:
        probe.bind((address, 0))
        return probe.getsockname()[1]


def wait_for_port(address, port, timeout=30):
    """Wait until something listens on address:port, read from /proc/net/tcp: a probing connection closed before
    SSH's handshake would make FakeNOS's paramiko log an error."""
    wanted = f"{socket.inet_aton(address)[::-1].hex().upper()}:{port:04X}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        lines = Path("/proc/net/tcp").read_text().splitlines()[1:]
        # Columns: sl, local address (hex ip:port), remote address, state (0A is LISTEN), ...
        if any(fields[1] == wanted and fields[3] == "0A" for fields in map(str.split, lines)):
            return
        time.sleep(0.05)
    raise TimeoutError(f"FakeNOS did not listen on {address}:{port} within {timeout} s")


def serve(devices, key_file):
    """A started FakeNOS serving each (name, driver, address[, recording]) with the recordings of ``recording``
    (default: its name), and the RecordedDevices."""
    recorded = {}
    hosts = {}
    for name, driver, address, *recording in devices:
        port = free_port(address)
        while port in {device.port for device in recorded.values()}:  # FakeNOS wants each port once, any address
            port = free_port(address)
        recorded[name] = RecordedDevice(name, driver, address, port)
        answers = commands(recording[0] if recording else name, driver)
        hosts[name] = {"username": USERNAME, "password": PASSWORD, "port": port,
                       "server": {"plugin": "ParamikoSshServer",
                                  "configuration": {"address": address, "ssh_key_file": str(key_file)}},
                       "nos": {"plugin": FAKENOS_PLUGIN[driver], "configuration": {"commands": answers}}}
    fakenos = FakeNOS(inventory={"hosts": hosts})
    fakenos.start()
    for device in recorded.values():
        wait_for_port(device.address, device.port)
    return fakenos, recorded


@pytest.fixture(scope="module")
def recorded_network(tmp_path_factory):
    """The recorded devices, served for the module (stopped after it)."""
    folder = tmp_path_factory.mktemp("napalm")
    key = paramiko.RSAKey.generate(2048)
    key.write_private_key_file(str(folder / "host_key"))
    fakenos, devices = serve([("core-1", "ios", "127.0.0.11"), ("gw-disdik", "ios", "127.0.0.12"),
                              ("leaf-1", "eos", "127.0.0.13"), ("sw-old", "ios", "127.0.0.14")],
                             folder / "host_key")
    try:
        yield RecordedNetwork(devices, folder, key)
    finally:
        fakenos.stop()


@pytest.fixture(scope="module")
def silent_port():
    """(address, port) of a listener that accepts and never says a word."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.21", 0))
        listener.listen(8)
        yield listener.getsockname()


@pytest.fixture(scope="module")
def dropping_port():
    """(address, port) of a listener whose accept queue is full: the kernel drops every new SYN."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.22", 0))
        listener.listen(0)
        address = listener.getsockname()
        fillers = []
        try:
            for _ in range(3):  # a backlog of 0 still queues one; the next ones wait in SYN-SENT
                filler = socket.socket()
                filler.setblocking(False)
                filler.connect_ex(address)
                fillers.append(filler)
            time.sleep(0.2)
            yield address
        finally:
            for filler in fillers:
                filler.close()

