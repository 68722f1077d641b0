"""The live demo's network (stack/live_network.py) on the real kernel: namespaces, snmpd, HTB-shaped iperf3 flows,
the relays into the noc namespace, and nothing left behind.

One topology for the module (a v3 core and two v2c gateways: one moving traffic pinned at its ceiling, one with its
LAN cable pulled), built as root; skipped otherwise. The last test takes it down and compares the root namespace's
namespaces, links, addresses and routes with what they were before.
"""

import asyncio
import http.server
import importlib.util
import ipaddress
import json
import os
import secrets
import shutil
import subprocess
import threading
import time
from pathlib import Path

import pytest

STACK = Path(__file__).resolve().parents[2] / "stack"
_spec = importlib.util.spec_from_file_location("live_network", STACK / "live_network.py")
live_network = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(live_network)

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0 or not shutil.which("ip") or not shutil.which("snmpd") or not shutil.which("iperf3"),
    reason="builds network namespaces with snmpd and iperf3: needs root, iproute2, snmpd and iperf3",
)

SHAPED_MBPS = 8.0
SNMPD_CACHE_SECONDS = 3.5  # net-snmp caches the interface table for 3 s
TOOLS = live_network.QUIET_TOOLS
IF_NAME, IF_HC_OUT = "1.3.6.1.2.1.31.1.1.1.1", "1.3.6.1.2.1.31.1.1.1.10"
IF_ADMIN, IF_OPER = "1.3.6.1.2.1.2.2.1.7", "1.3.6.1.2.1.2.2.1.8"
SYS_NAME = "1.3.6.1.2.1.1.5.0"


def root_namespace():
    """What the root namespace has: namespaces, links, addresses, routes (compared before and after)."""
    def shown(*args):
        return subprocess.run(args, capture_output=True, text=True, check=True).stdout

    return {"netns": shown("ip", "netns", "list"), "links": shown("ip", "-br", "link"),
            "addresses": shown("ip", "-br", "addr"), "routes": shown("ip", "route", "show", "table", "all")}


class Lab:
    def __init__(self, tmp: Path):
        self.secrets = {"snmp": {
            "lab-v2c": {"community": secrets.token_hex(8)},
            "lab-v3": {"user": "egov-lab", "auth_protocol": "SHA256", "auth_key": secrets.token_hex(8),
                       "priv_protocol": "AES", "priv_key": secrets.token_hex(8)},
        }}
        core = live_network.Device("core-lab", "10.0.0.2/24", "GigabitEthernet1/0/1", "lab-v3", version="3")
        self.pinned = live_network.Device(
            "gw-pinned", "10.10.5.1/24", "GigabitEthernet0/0/1", "lab-v2c", uplink="GigabitEthernet0/0/0",
            core_port="GigabitEthernet1/0/6", lan="GigabitEthernet0/0/1", agency="pinned", down_mbps=SHAPED_MBPS,
            up_mbps=2, load=1.5)
        self.cut = live_network.Device(
            "gw-cut", "10.20.45.1/24", "ether2", "lab-v2c", uplink="ether1", lan="ether2", agency="cut",
            down_mbps=5, up_mbps=2, load=0.5, lan_down=True)
        self.plan = live_network.Plan(core, (self.pinned, self.cut))
        self.network = live_network.Network(f"t{os.getpid()}", tmp / "live")

    def snmp(self, tool, device, *oids):
        """net-snmp's tool from inside the noc namespace, as the collectors would poll."""
        fields = self.secrets["snmp"][device.credential]
        if device.version == "2c":
            access = ["-v2c", "-c", fields["community"]]
        else:
            access = ["-v3", "-l", "authPriv", "-u", fields["user"], "-a", "SHA-256", "-A", fields["auth_key"],
                      "-x", "AES", "-X", fields["priv_key"]]
        address = str(ipaddress.ip_interface(device.address).ip)
        result = subprocess.run(["ip", "netns", "exec", self.network.noc, tool, *access, "-On", "-Oq", "-t", "2",
                                 address, *oids], capture_output=True, text=True, env=TOOLS)
        assert result.returncode == 0, result.stderr
        return dict(line.split(" ", 1) for line in result.stdout.strip().splitlines())

    def port_index(self, device, name):
        names = self.snmp("snmpbulkwalk", device, IF_NAME)
        return next(oid.rsplit(".", 1)[1] for oid, value in names.items() if value.strip('"') == name)


class Served(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = b"served in the root namespace"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    before = root_namespace()
    web = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Served)
    threading.Thread(target=web.serve_forever, daemon=True).start()
    lab = Lab(tmp_path_factory.mktemp("lab"))
    lab.before, lab.web_port = before, web.server_address[1]
    loop, stop = asyncio.new_event_loop(), asyncio.Event()
    relays = threading.Thread(
        target=lambda: loop.run_until_complete(live_network.serve_relays(lab.network.relays, stop)))

    def stop_relays():  # before down(): the relays' server owns their sockets while it serves them
        if relays.is_alive():
            loop.call_soon_threadsafe(stop.set)
            relays.join()

    lab.stop_relays = stop_relays
    try:
        lab.network.up(lab.plan, lab.secrets, [lab.web_port])
        relays.start()
        yield lab
    finally:
        stop_relays()
        lab.network.down()
        web.shutdown()


def test_root_namespace_gets_no_address_route_or_link(lab):
    during = root_namespace()
    assert {key: during[key] for key in ("links", "addresses", "routes")} == \
           {key: lab.before[key] for key in ("links", "addresses", "routes")}
    assert set(during["netns"].split()) - set(lab.before["netns"].split()) >= set(lab.network.namespaces)


def test_each_agent_answers_the_noc_at_its_netbox_address_with_netbox_port_names(lab):
    assert lab.snmp("snmpget", lab.pinned, SYS_NAME) == {f".{SYS_NAME}": '"gw-pinned"'}
    assert lab.snmp("snmpget", lab.plan.core, SYS_NAME) == {f".{SYS_NAME}": '"core-lab"'}  # SNMPv3 authPriv
    for device, port in ((lab.pinned, "GigabitEthernet0/0/1"), (lab.pinned, "GigabitEthernet0/0/0"),
                         (lab.plan.core, "GigabitEthernet1/0/6"), (lab.cut, "ether2")):
        assert lab.port_index(device, port)


def test_shaped_flow_moves_the_lan_ports_counter_at_the_ceiling(lab):
    index = lab.port_index(lab.pinned, "GigabitEthernet0/0/1")
    oid = f"{IF_HC_OUT}.{index}"
    time.sleep(SNMPD_CACHE_SECONDS)  # the flow has started and snmpd's cached table has moved on
    first, started = int(lab.snmp("snmpget", lab.pinned, oid)[f".{oid}"]), time.monotonic()
    time.sleep(10)
    second, elapsed = int(lab.snmp("snmpget", lab.pinned, oid)[f".{oid}"]), time.monotonic() - started
    mbps = (second - first) * 8 / elapsed / 1e6
    # Offered 1.5 times the ceiling: HTB holds it at the ceiling. snmpd's 3 s cache blurs each read by up to 3 s of
    # traffic, 10 s apart: within 30 %; a flow not shaped would run at 12 Mbit/s, a stopped one at 0.
    assert 0.7 * SHAPED_MBPS < mbps < 1.3 * SHAPED_MBPS, mbps


def test_pulled_lan_cable_reads_admin_up_and_oper_down(lab):
    index = lab.port_index(lab.cut, "ether2")
    answer = lab.snmp("snmpget", lab.cut, f"{IF_ADMIN}.{index}", f"{IF_OPER}.{index}")
    assert answer == {f".{IF_ADMIN}.{index}": "1", f".{IF_OPER}.{index}": "2"}


def test_relay_carries_http_from_the_noc_to_the_root_namespace(lab):
    fetch = ("import sys, urllib.request; "
             "sys.stdout.write(urllib.request.urlopen(sys.argv[1], timeout=5).read().decode())")
    result = subprocess.run(["ip", "netns", "exec", lab.network.noc, "python3", "-c", fetch,
                             f"http://127.0.0.1:{lab.web_port}/"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "served in the root namespace"


def test_down_leaves_no_namespace_link_or_process(lab):
    pids = [process.pid for process in lab.network.processes]
    assert pids and all(Path(f"/proc/{pid}").exists() for pid in pids)
    lab.stop_relays()
    assert lab.network.down() == []
    assert root_namespace() == lab.before
    assert not any(Path(f"/proc/{pid}").exists() for pid in pids)
    assert not (lab.network.workdir / "state.json").exists()


def test_a_killed_run_is_cleaned_up_from_its_record(tmp_path):
    before = root_namespace()
    lab = Lab(tmp_path)
    lab.network.up(live_network.Plan(lab.plan.core, (lab.cut,)), lab.secrets)
    pids = [process.pid for process in lab.network.processes]
    record = json.loads((lab.network.workdir / "state.json").read_text())
    assert sorted(record["namespaces"]) == sorted(lab.network.namespaces)
    # As if the run had been killed: only its record is left to go by.
    assert live_network.down_from_record(lab.network.workdir) == []
    for process in lab.network.processes:
        process.wait(timeout=5)  # reaped here, as the killed run's parent would
    assert root_namespace() == before
    assert not any(Path(f"/proc/{pid}").exists() for pid in pids)
