"""The live demo's network (`make demo` as root): simulated devices that move real traffic, in network namespaces.

What ``up`` builds for a run id R (stack/monitoring.sh passes the demo's pid, so two demos never share a name)::

    egovR-noc ---- egovR-core ---+--- egovR-gw1 --- egovR-lan1
    (collectors)   (core-sw-01)  +--- egovR-gw2 --- egovR-lan2
                                 +--- ...

- Every simulated device is a namespace holding a real net-snmp snmpd on the device's primary IP as NetBox gives
  it, answering the credential its polling profile names (the community or v3 user of the collectors' secrets
  file), its ports named as NetBox names them. A name Linux cannot carry (``GigabitEthernet0/0/1``: a slash, more
  than 15 characters) gets a short kernel name (``Gi0-0-1``) whose ifName and ifDescr snmpd overrides.
- The noc namespace is where the collectors run (stack/monitoring.sh starts them there with ``ip netns exec``). It
  sits on the core's management LAN and routes through the core to every gateway. NetBox and Redis reach it
  through relays listening on the noc's loopback at the root namespace's own ports (EGOV_HTTP_PORT,
  EGOV_REDIS_PORT), so the collectors use the same URLs as anything in the root namespace.
- Each agency moves traffic: an iperf3 server in the noc (the data center's services) and a client in the
  agency's LAN namespace, downloading at ``load`` times the ceiling in force and uploading at a quarter of that
  share of the upload ceiling, shaped by HTB on the
  gateway (downloads on the LAN port's egress, uploads on the uplink's egress) at the ceilings egov-push would set
  now (egov_push.netbox.gateway_vars). ``load`` above 1 pins the agency at its ceiling.
- A gateway with ``lan_down`` has its LAN cable pulled: its LAN port stays administratively up without carrier.

Addresses and routes exist only inside these namespaces: the root namespace gets nothing but the relays'
connections to its own 127.0.0.1. ``down`` stops every process ``up`` started (by pid) and deletes the namespaces
(their veths go with them). The record of what was made (``state.json`` in the work folder) is written as it is
made, so ``live_network.py down --workdir DIR`` cleans up after a crash.

Usage (root):
    live_network.py run --run-id ID --workdir DIR --secrets FILE --netbox-url URL --token-file FILE \\
        --spec FILE --relay-port PORT [--relay-port PORT ...]   # up; relays until SIGINT/SIGTERM; down
    live_network.py down --workdir DIR
"""

import argparse
import asyncio
import ipaddress
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path

import yaml

SNMP_PORT = 161
IPERF_BASE_PORT = 5201
UPLOAD_SHARE = 0.25  # an agency uploads a quarter of what it downloads, as a share of the ceilings
UPLINK_SUBNETS = ipaddress.ip_network("10.254.0.0/16")  # core-gateway links: a /30 each, inside the namespaces only
NOC_HOST = -2  # the noc's address on the core's management LAN: its last usable address
PORT_SPEED_MBPS = 1000  # what the simulated ports report (a veth says 10 Gbit/s; the demo's ports are 1000base-t)
KERNEL_NAME_MAX = 15
ABBREVIATIONS = (("TenGigabitEthernet", "Te"), ("GigabitEthernet", "Gi"), ("FastEthernet", "Fa"))
USM_PROTOCOLS = {"SHA256": "SHA-256", "SHA224": "SHA-224", "SHA384": "SHA-384", "SHA512": "SHA-512",
                 "AES128": "AES"}  # the collectors' spelling -> snmpd's
IF_NAME, IF_DESCR = "1.3.6.1.2.1.31.1.1.1.1", "1.3.6.1.2.1.2.2.1.2"
IF_HIGH_SPEED, IF_SPEED = "1.3.6.1.2.1.31.1.1.1.15", "1.3.6.1.2.1.2.2.1.5"
QUIET_TOOLS = {**os.environ, "MIBS": "", "MIBDIRS": "/nonexistent"}  # net-snmp without MIB loading noise


class NetworkError(Exception):
    """The network could not be built as asked; the message names the device, port or command."""


@dataclass(frozen=True)
class Device:
    """A simulated device, as NetBox describes it (``read_plan``), with the traffic its agency offers."""

    name: str
    address: str  # the primary IP with its prefix length, e.g. 10.10.5.1/24
    address_port: str  # NetBox name of the port holding it (a gateway's LAN port, the core's management port)
    credential: str  # the SNMP credential its polling profile names
    version: str = "2c"  # "2c" or "3"
    port: int = SNMP_PORT  # the agent's UDP port, as the polling profile names it
    uplink: str = ""  # gateways: the port towards the core
    core_port: str = ""  # gateways: the core's port cabled to the uplink ("" when NetBox has no cable there)
    lan: str = ""  # gateways: the LAN port (the quota's enforcement interface)
    agency: str = ""
    down_mbps: float = 0.0  # gateways: the ceilings in force, shaped with HTB
    up_mbps: float = 0.0
    load: float = 0.0  # traffic offered, as a share of the ceilings
    lan_down: bool = False


@dataclass
class Flow:
    """An iperf3 client in a namespace, and its process while it runs."""

    namespace: str
    args: list[str]
    log: str
    process: subprocess.Popen | None = None


@dataclass(frozen=True)
class Plan:
    core: Device
    gateways: tuple[Device, ...]


def kernel_name(name: str) -> str:
    """A Linux interface name for a NetBox port name: itself when Linux takes it, else abbreviated."""
    short = name
    for long, abbreviation in ABBREVIATIONS:
        short = short.replace(long, abbreviation)
    short = short.replace("/", "-").replace(":", "-").replace(" ", "")
    if name == short and len(name) <= KERNEL_NAME_MAX:
        return name
    if not short or len(short) > KERNEL_NAME_MAX:
        raise NetworkError(f"port {name!r}: no Linux interface name for it ({short!r} is longer than "
                           f"{KERNEL_NAME_MAX} characters)")
    return short


def run(*args: str, **kwargs) -> str:
    result = subprocess.run(args, capture_output=True, text=True, **kwargs)
    if result.returncode:
        raise NetworkError(f"`{' '.join(args)}` failed: {result.stderr.strip() or result.stdout.strip()}")
    return result.stdout


# Reading the plan from NetBox ------------------------------------------------------------------------------------

def read_spec(path: Path) -> dict:
    """The ``live_demo`` part of the demo data (plugin/netbox_egov/demo/collector.yaml): core and gateways."""
    spec = yaml.safe_load(Path(path).read_text(encoding="utf-8")).get("live_demo") or {}
    if not spec.get("core") or not spec.get("gateways"):
        raise NetworkError(f"{path}: live_demo must name a core and a list of gateways")
    return spec


def read_plan(netbox, spec: dict) -> Plan:
    """The devices ``spec`` names, as NetBox has them, through ``netbox`` (an egov_push.netbox.NetBox with a
    read-only token): addresses, ports, cables, polling profiles, and the ceilings in force (as a push sets them)."""
    from egov_push.netbox import gateway_vars

    core = Device(**device_basics(netbox, device_row(netbox, spec["core"])))
    gateways = []
    for entry in spec["gateways"]:
        row = device_row(netbox, entry["device"])
        agencies = gateway_vars(netbox, row.id)["egov_agencies"]
        if len(agencies) != 1:
            raise NetworkError(f"{row.name} enforces {len(agencies)} quotas: a simulated gateway enforces one")
        [agency] = agencies
        interfaces = list(netbox.api.dcim.interfaces.filter(device_id=row.id))
        others = [i for i in interfaces if i.name != agency["interface"]]
        cabled = [i for i in others if i.link_peers]
        uplink = cabled[0] if cabled else others[0]  # over wireless, no cable: the first other port
        gateways.append(Device(
            **device_basics(netbox, row), uplink=uplink.name, lan=agency["interface"], agency=agency["slug"],
            core_port=dict(uplink.link_peers[0])["name"] if uplink.link_peers else "",
            down_mbps=agency["effective_ceil_down_mbps"], up_mbps=agency["effective_ceil_up_mbps"],
            load=float(entry.get("load", 0)), lan_down=bool(entry.get("lan_down")),
        ))
    return Plan(core, tuple(gateways))


def device_row(netbox, name):
    row = netbox.api.dcim.devices.get(name=name)
    if row is None:
        raise NetworkError(f"live_demo names device {name!r}: NetBox has no such device")
    return row


def device_basics(netbox, row) -> dict:
    if not row.primary_ip4:
        raise NetworkError(f"{row.name} has no primary IPv4 address in NetBox")
    address = netbox.api.ipam.ip_addresses.get(row.primary_ip4.id)
    snmp = ((row.config_context or {}).get("egov_polling") or {}).get("snmp") or {}
    if not snmp.get("credential"):
        raise NetworkError(f"{row.name} has no egov_polling.snmp.credential in its config context")
    return {"name": row.name, "address": address.address, "address_port": address.assigned_object.name,
            "credential": snmp["credential"], "version": str(snmp.get("version", "2c")),
            "port": int(snmp.get("port", SNMP_PORT))}


# The network -----------------------------------------------------------------------------------------------------

class Network:
    """Namespaces and processes of one run; ``state.json`` in ``workdir`` records them as they are made."""

    def __init__(self, run_id: str, workdir: Path):
        self.prefix = f"egov{run_id}"
        self.workdir = Path(workdir)
        self.namespaces: list[str] = []
        self.processes: list[subprocess.Popen] = []
        self.flows: list[Flow] = []  # iperf3 clients, restarted when they end
        self.relays: list[RelaySocket] = []
        self.secrets: dict = {}
        self.noc = f"{self.prefix}-noc"

    # Records.

    def save(self) -> None:
        state = {"namespaces": self.namespaces, "noc": self.noc,
                 "processes": [[p.pid, list(map(str, p.args))] for p in self.processes]}
        temporary = self.workdir / "state.json.tmp"
        temporary.write_text(json.dumps(state))
        temporary.replace(self.workdir / "state.json")

    def namespace(self, suffix: str) -> str:
        name = f"{self.prefix}-{suffix}"
        run("ip", "netns", "add", name)
        self.namespaces.append(name)
        self.save()
        # No IPv6: its router solicitations would move the counters the demo reads; forwarding for the routers.
        run("ip", "netns", "exec", name, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1",
            "net.ipv6.conf.default.disable_ipv6=1", "net.ipv4.ip_forward=1")
        run("ip", "-n", name, "link", "set", "lo", "up")
        return name

    def start(self, namespace: str, args: list[str], log: str, **kwargs) -> subprocess.Popen:
        with open(self.workdir / log, "ab") as output:
            process = subprocess.Popen(["ip", "netns", "exec", namespace, *args], stdout=output,
                                       stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, **kwargs)
        self.processes.append(process)
        self.save()
        return process

    # Building.

    def link(self, a_ns: str, a_name: str, b_ns: str, b_name: str) -> None:
        """A veth pair made straight into its two namespaces: neither end ever exists in the root namespace."""
        run("ip", "-n", a_ns, "link", "add", a_name, "type", "veth", "peer", "name", b_name, "netns", b_ns)
        for namespace, name in ((a_ns, a_name), (b_ns, b_name)):
            run("ip", "-n", namespace, "link", "set", name, "up")

    def up(self, plan: Plan, secrets: dict, relay_ports=()) -> None:
        """Build it all (see the module's docstring); ``secrets`` is the collectors' secrets file, parsed."""
        self.workdir.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.secrets = secrets
        core_ns = self.namespace("core")
        self.namespace("noc")
        management = ipaddress.ip_interface(plan.core.address)
        noc_address = ipaddress.ip_interface(f"{management.network[NOC_HOST]}/{management.network.prefixlen}")
        core_mgmt = kernel_name(plan.core.address_port)
        self.link(self.noc, "mgmt0", core_ns, core_mgmt)
        run("ip", "-n", self.noc, "addr", "add", str(noc_address), "dev", "mgmt0")
        run("ip", "-n", core_ns, "addr", "add", plan.core.address, "dev", core_mgmt)
        run("ip", "-n", self.noc, "route", "add", "default", "via", str(management.ip))
        core_ports = {plan.core.address_port: core_mgmt}
        links = UPLINK_SUBNETS.subnets(new_prefix=30)
        for number, gateway in enumerate(plan.gateways, start=1):
            core_ports.update(self.gateway(number, gateway, core_ns, next(links), noc_address))
        self.snmpd(core_ns, plan.core, core_ports, noc_address)
        self.relays = [RelaySocket(self.noc, port) for port in relay_ports]

    def gateway(self, number: int, gateway: Device, core_ns: str, link, noc_address) -> dict:
        """The gateway's namespace, its LAN with one host, its link to the core, its agent and its traffic;
        returns the core's port towards it {NetBox name: kernel name}."""
        gw_ns, lan_ns = self.namespace(f"gw{number}"), self.namespace(f"lan{number}")
        core_side, gw_side = list(link.hosts())
        core_port = gateway.core_port or f"to-gw{number}"
        core_kernel, uplink, lan = kernel_name(core_port), kernel_name(gateway.uplink), kernel_name(gateway.lan)
        self.link(core_ns, core_kernel, gw_ns, uplink)
        run("ip", "-n", core_ns, "addr", "add", f"{core_side}/30", "dev", core_kernel)
        run("ip", "-n", gw_ns, "addr", "add", f"{gw_side}/30", "dev", uplink)
        run("ip", "-n", gw_ns, "route", "add", "default", "via", str(core_side))
        self.link(gw_ns, lan, lan_ns, "lan0")
        address = ipaddress.ip_interface(gateway.address)
        if gateway.address_port not in (gateway.lan, gateway.uplink):
            raise NetworkError(f"{gateway.name}: its primary IP is on {gateway.address_port}, neither its LAN "
                               f"port {gateway.lan} nor its uplink {gateway.uplink}")
        run("ip", "-n", gw_ns, "addr", "add", gateway.address, "dev", kernel_name(gateway.address_port))
        run("ip", "-n", core_ns, "route", "add", str(address.network), "via", str(gw_side))
        host = next(h for h in address.network.hosts() if h != address.ip)
        run("ip", "-n", lan_ns, "addr", "add", f"{host}/{address.network.prefixlen}", "dev", "lan0")
        run("ip", "-n", lan_ns, "route", "add", "default", "via", str(address.ip))
        ports = {gateway.uplink: uplink, gateway.lan: lan}
        self.snmpd(gw_ns, gateway, ports, noc_address)
        if gateway.lan_down:
            run("ip", "-n", lan_ns, "link", "set", "lan0", "down")  # the cable pulled: no carrier on the LAN port
        elif gateway.load > 0:
            self.shape(gw_ns, lan, gateway.down_mbps, "dst", address.network)
            self.shape(gw_ns, uplink, gateway.up_mbps, "src", address.network)
            self.traffic(number, lan_ns, gateway, noc_address.ip)
        return {core_port: core_kernel}

    def shape(self, namespace: str, port: str, mbps: float, match: str, network) -> None:
        """HTB on the port's egress: the agency's traffic (``match`` src or dst ``network``, as the enforcement
        classifies it by the agency's prefixes) at the ceiling in force; the rest (the agent's answers to the
        collectors) unshaped, so a full queue never delays a poll."""
        def tc(*args):
            run("ip", "netns", "exec", namespace, "tc", *args)

        tc("qdisc", "replace", "dev", port, "root", "handle", "1:", "htb", "default", "2")
        tc("class", "replace", "dev", port, "parent", "1:", "classid", "1:1", "htb", "rate", f"{mbps}mbit",
           "ceil", f"{mbps}mbit")
        tc("class", "replace", "dev", port, "parent", "1:", "classid", "1:2", "htb", "rate",
           f"{PORT_SPEED_MBPS}mbit")
        # Bare TCP ACKs (IPv4 header of 20 bytes, under 64 bytes in all, only ACK set) skip the queue: behind a full
        # upload queue the agency's download would otherwise crawl, its ACKs seconds late.
        tc("filter", "replace", "dev", port, "parent", "1:", "protocol", "ip", "prio", "1", "u32",
           "match", "ip", "protocol", "6", "0xff", "match", "u8", "0x05", "0x0f", "at", "0",
           "match", "u16", "0x0000", "0xffc0", "at", "2", "match", "u8", "0x10", "0xff", "at", "33", "flowid", "1:2")
        tc("filter", "replace", "dev", port, "parent", "1:", "protocol", "ip", "prio", "2", "u32", "match", "ip",
           match, str(network), "flowid", "1:1")

    def traffic(self, number: int, lan_ns: str, gateway: Device, server) -> None:
        """Two iperf3 flows of the agency: its download (the noc's server sends: -R) and its upload."""
        for direction, rate, reverse in (("down", gateway.load * gateway.down_mbps, ["-R"]),
                                         ("up", gateway.load * UPLOAD_SHARE * gateway.up_mbps, [])):
            port = IPERF_BASE_PORT + 2 * number + (direction == "up")
            self.start(self.noc, ["iperf3", "-s", "-B", str(server), "-p", str(port)], f"iperf3-server-{port}.log")
            wait_until(lambda p=port: f"{server}:{p} " in run("ip", "netns", "exec", self.noc, "ss", "-Hltn"),
                       f"iperf3 server on {server}:{port}")
            client = ["iperf3", "-c", str(server), "-p", str(port), "-t", "0", "-i", "0",
                      "-b", f"{rate:.3f}M", *reverse]
            self.flows.append(Flow(lan_ns, client, f"iperf3-{gateway.agency}-{direction}.log"))
        self.keep_flowing()

    def keep_flowing(self) -> None:
        """Start each flow that is not running: a client ends when its server restarts or a link flaps."""
        for flow in self.flows:
            if flow.process is None or flow.process.poll() is not None:
                if flow.process is not None:
                    self.processes.remove(flow.process)
                flow.process = self.start(flow.namespace, flow.args, flow.log)

    def snmpd(self, namespace: str, device: Device, ports: dict, noc_address) -> None:
        """net-snmp's agent on the device's address, ports named and sized as NetBox has them."""
        folder = self.workdir / device.name
        folder.mkdir(mode=0o700, exist_ok=True)
        config = folder / "snmpd.conf"
        lines = [f"agentAddress udp:{ipaddress.ip_interface(device.address).ip}:{device.port}",
                 f"sysName {device.name}", f"sysDescr egov-netops live demo: {device.name}",
                 *credential_lines(device, self.secrets, noc_address)]
        for name, kernel in sorted(ports.items()):
            index = json.loads(run("ip", "-n", namespace, "-j", "link", "show", "dev", kernel))[0]["ifindex"]
            if name != kernel:
                lines += [f'override {IF_NAME}.{index} octet_str "{name}"',
                          f'override {IF_DESCR}.{index} octet_str "{name}"']
            lines += [f"override {IF_HIGH_SPEED}.{index} unsigned {PORT_SPEED_MBPS}",
                      f"override {IF_SPEED}.{index} unsigned {PORT_SPEED_MBPS * 10**6}"]
        with open(os.open(config, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as handle:  # secrets inside
            handle.write("\n".join(lines) + "\n")
        self.start(namespace, ["snmpd", "-f", "-C", "-c", str(config), "-Lf", str(folder / "snmpd.log")],
                   f"{device.name}/snmpd.out", env={**QUIET_TOOLS, "SNMP_PERSISTENT_DIR": str(folder)})
        listening = f"{ipaddress.ip_interface(device.address).ip}:{device.port} "
        wait_until(lambda: listening in run("ip", "netns", "exec", namespace, "ss", "-Hlun"),
                   f"snmpd of {device.name} on {listening.strip()}")

    # Stopping.

    def down(self) -> list[str]:
        """Stop what ``up`` started, delete its namespaces; returns what was left in them by others (pids)."""
        for process in self.processes:
            stop(process)
        for relay in self.relays:
            relay.socket.close()
        left = delete_namespaces(self.namespaces)
        (self.workdir / "state.json").unlink(missing_ok=True)
        return left


def credential_lines(device: Device, secrets: dict, noc_address) -> list[str]:
    """snmpd's access lines for the device's credential (read-only, from the noc only for v2c)."""
    fields = (secrets.get("snmp") or {}).get(device.credential)
    if not fields:
        raise NetworkError(f"{device.name}: its polling profile names credential {device.credential!r}, but the "
                           f"secrets file has no [snmp.{device.credential}] table")
    if device.version == "2c":
        return [f"rocommunity {fields['community']} {noc_address.ip}/32"]
    auth = USM_PROTOCOLS.get(fields["auth_protocol"].upper(), fields["auth_protocol"].upper())
    priv = USM_PROTOCOLS.get(fields["priv_protocol"].upper(), fields["priv_protocol"].upper())
    return [f'createUser {fields["user"]} {auth} "{fields["auth_key"]}" {priv} "{fields["priv_key"]}"',
            f"rouser {fields['user']} priv"]


def wait_until(condition, what: str, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise NetworkError(f"{what}: not ready within {seconds:g} s")
        time.sleep(0.1)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def delete_namespaces(namespaces) -> list[str]:
    """Delete the namespaces that exist; returns 'namespace: pids' for those where processes were still running
    (not started here: they keep the namespace alive, unnamed, until they exit)."""
    existing = set(run("ip", "netns", "list").split())
    left = []
    for name in namespaces:
        if name not in existing:
            continue
        pids = run("ip", "netns", "pids", name).split()
        if pids:
            left.append(f"{name}: {' '.join(pids)}")
        run("ip", "netns", "del", name)
    return left


def down_from_record(workdir: Path) -> list[str]:
    """Clean up after a run that could not (killed): its recorded processes (only while each pid still runs the
    recorded command) and namespaces."""
    record = Path(workdir) / "state.json"
    if not record.exists():
        return []
    state = json.loads(record.read_text())
    for pid, args in state["processes"]:
        try:
            running = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")[:-1]
        except FileNotFoundError:
            continue
        # `ip netns exec` replaced itself with the command: compare what follows the namespace.
        if [a.decode(errors="replace") for a in running] in (args, args[4:]):
            os.kill(pid, signal.SIGTERM)
    time.sleep(0.5)
    left = delete_namespaces(state["namespaces"])
    record.unlink()
    return left


# Relays ----------------------------------------------------------------------------------------------------------

class RelaySocket:
    """A listening socket on 127.0.0.1:``port`` inside ``namespace``. A socket keeps the namespace it was made in,
    and setns() moves only the calling thread: a short-lived thread enters the namespace and makes it, while the
    connections onwards are made by the main thread, in the root namespace."""

    def __init__(self, namespace: str, port: int):
        self.port = port
        made = {}

        def make():
            try:
                with open(f"/run/netns/{namespace}") as handle:
                    os.setns(handle.fileno(), os.CLONE_NEWNET)
                made["socket"] = socket.create_server(("127.0.0.1", port))
            except OSError as error:
                made["error"] = error

        thread = threading.Thread(target=make)
        thread.start()
        thread.join()
        if "error" in made:
            raise NetworkError(f"relay on 127.0.0.1:{port} in {namespace}: {made['error']}")
        self.socket = made["socket"]
        self.socket.setblocking(False)


async def serve_relays(relays, stop_event: asyncio.Event) -> None:
    """Carry each connection to a relay's port on to the same port of the root namespace's 127.0.0.1."""

    async def pipe(reader, writer):
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
            if writer.can_write_eof():
                writer.write_eof()  # a half-close travels on (an HTTP client may close its side first)
        except (ConnectionError, OSError):
            pass
        finally:
            writer.close()

    def handler(port):
        async def connected(reader, writer):
            try:
                onward_reader, onward_writer = await asyncio.open_connection("127.0.0.1", port)
            except OSError:
                writer.close()
                return
            await asyncio.gather(pipe(reader, onward_writer), pipe(onward_reader, writer))
        return connected

    servers = [await asyncio.start_server(handler(relay.port), sock=relay.socket) for relay in relays]
    await stop_event.wait()
    for server in servers:
        server.close()


# The command -----------------------------------------------------------------------------------------------------

def serve(network: Network) -> None:
    """Relays until SIGINT or SIGTERM, flows kept running meanwhile."""

    async def main():
        stop_event = asyncio.Event()
        loop = asyncio.get_running_loop()
        for number in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(number, stop_event.set)
        relays = asyncio.create_task(serve_relays(network.relays, stop_event))
        (network.workdir / "ready").write_text(network.noc + "\n")
        while not stop_event.is_set():
            try:
                await asyncio.wait_for(stop_event.wait(), timeout=5)
            except TimeoutError:
                network.keep_flowing()
        await relays

    asyncio.run(main())


def read_secrets(path) -> dict:
    """The collectors' secrets file (TOML) as tables, refused like the collectors refuse it (naming the file and
    its mode) when group or others may read it: the agents get the communities and keys the collectors use."""
    from egov_collectors.secrets import SecretsError, read_private_file

    try:
        return tomllib.loads(read_private_file(path, True).decode("utf-8"))
    except (SecretsError, tomllib.TOMLDecodeError) as error:
        raise NetworkError(str(error)) from None


def command_run(options) -> int:
    from egov_collectors.secrets import read_token_file
    from egov_push.netbox import NetBox, NetBoxError

    netbox = NetBox(options.netbox_url, read_token_file(options.token_file),
                    cache_dir=Path(options.workdir) / "push-cache")
    network = Network(options.run_id, options.workdir)
    try:
        secrets = read_secrets(options.secrets)
        plan = read_plan(netbox, read_spec(options.spec))
        network.up(plan, secrets, options.relay_port)
        print(describe(network, plan), flush=True)
        serve(network)
    except (NetworkError, NetBoxError) as error:
        print(f"live network: {error}", file=sys.stderr)
        return 1
    finally:
        for line in network.down():
            print(f"live network: processes not started here were still running in {line}", file=sys.stderr)
        (Path(options.workdir) / "ready").unlink(missing_ok=True)
    return 0


def describe(network: Network, plan: Plan) -> str:
    lines = [f"live network: noc namespace {network.noc}; {plan.core.name} at {plan.core.address}"]
    for gateway in plan.gateways:
        what = "LAN cable pulled" if gateway.lan_down else (
            f"{gateway.load * gateway.down_mbps:g}/{gateway.load * UPLOAD_SHARE * gateway.up_mbps:g} Mbit/s "
            f"offered down/up, ceilings {gateway.down_mbps:g}/{gateway.up_mbps:g}")
        lines.append(f"  {gateway.name} ({gateway.agency}) at {gateway.address}: {what}")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    up = commands.add_parser("run", help="build the network, relay until SIGINT/SIGTERM, then remove it")
    up.add_argument("--run-id", required=True)
    up.add_argument("--workdir", required=True, type=Path)
    up.add_argument("--secrets", required=True, help="the collectors' secrets file (TOML)")
    up.add_argument("--netbox-url", required=True)
    up.add_argument("--token-file", required=True, help="a read-only NetBox token (the demo's push token)")
    up.add_argument("--spec", required=True, help="the demo data's collector.yaml (its live_demo list)")
    up.add_argument("--relay-port", type=int, action="append", default=[])
    down = commands.add_parser("down", help="remove what a killed run left")
    down.add_argument("--workdir", required=True, type=Path)
    options = parser.parse_args(argv)
    if options.command == "run":
        return command_run(options)
    for line in down_from_record(options.workdir):
        print(f"live network: processes not started here were still running in {line}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
