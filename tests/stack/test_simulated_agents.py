"""The demo's devices without network namespaces (stack/simulated_agents.py): a real snmpsim agent per gateway on a
loopback address, answering the gateway's community with its NetBox port names and counters that advance at its
agency's rates; stopped by pid."""

import importlib.util
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

STACK = Path(__file__).resolve().parents[2] / "stack"
sys.path.insert(0, str(STACK))  # simulated_agents imports live_network as its neighbour, as when run as a script
_spec = importlib.util.spec_from_file_location("simulated_agents", STACK / "simulated_agents.py")
simulated_agents = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(simulated_agents)
Device = simulated_agents.Device

pytestmark = pytest.mark.skipif(importlib.util.find_spec("snmpsim") is None, reason="snmpsim is not installed")

TOOLS = {"MIBS": "", "MIBDIRS": "/nonexistent", "PATH": "/usr/bin:/bin"}
IF_OPER, IF_NAME, IF_HC_OUT = "1.3.6.1.2.1.2.2.1.8", "1.3.6.1.2.1.31.1.1.1.1", "1.3.6.1.2.1.31.1.1.1.10"
SYS_UPTIME = "1.3.6.1.2.1.1.3.0"


def free_udp_port():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def agents(tmp_path_factory):
    community = secrets.token_hex(8)
    port = free_udp_port()
    pressing = Device("gw-pressing", "127.0.0.21/32", "GigabitEthernet0/0/1", "lab-v2c", port=port,
                      uplink="GigabitEthernet0/0/0", lan="GigabitEthernet0/0/1", agency="pressing", down_mbps=10,
                      up_mbps=4, load=1.5)
    cut = Device("gw-cut", "127.0.0.22/32", "ether2", "lab-v2c", port=port, uplink="ether1", lan="ether2",
                 agency="cut", down_mbps=10, up_mbps=4, load=0.5, lan_down=True)
    running = simulated_agents.Agents(tmp_path_factory.mktemp("agents"))
    try:
        for gateway in (pressing, cut):
            running.start(gateway, {"snmp": {"lab-v2c": {"community": community}}})
        yield running, community, pressing, cut
    finally:
        running.stop()


def snmpget(gateway, community, *oids):
    """net-snmp's snmpget (not snmpsim's own code), retried while the agent indexes its recording."""
    command = ["snmpget", "-v2c", "-c", community, "-On", "-Oq", "-Ot", "-t", "1", "-r", "0",
               f"{gateway.address.split('/')[0]}:{gateway.port}", *oids]
    for _ in range(60):
        result = subprocess.run(command, capture_output=True, text=True, env=TOOLS)
        if result.returncode == 0:
            pairs = (line.split(" ", 1) for line in result.stdout.splitlines())
            return {oid.lstrip("."): value for oid, value in pairs}
        time.sleep(0.5)
    raise AssertionError(f"no answer from {gateway.name}: {result.stderr}")


def test_agent_names_its_ports_as_netbox_does(agents):
    _, community, pressing, cut = agents
    assert snmpget(pressing, community, f"{IF_NAME}.2") == {f"{IF_NAME}.2": '"GigabitEthernet0/0/1"'}
    assert snmpget(cut, community, f"{IF_NAME}.2") == {f"{IF_NAME}.2": '"ether2"'}


def test_counters_advance_at_the_agencys_rate_and_uptime_with_time(agents):
    _, community, pressing, _ = agents
    oids = (f"{IF_HC_OUT}.2", SYS_UPTIME)
    first, started = snmpget(pressing, community, *oids), time.monotonic()
    time.sleep(2)
    second, elapsed = snmpget(pressing, community, *oids), time.monotonic() - started
    rate = (int(second[oids[0]]) - int(first[oids[0]])) / elapsed
    expected = simulated_agents.PINNED * 10 * simulated_agents.MBIT  # offered 1.5 times the ceiling: pinned
    assert 0.8 * expected < rate < 1.2 * expected, rate
    ticks = (int(second[SYS_UPTIME]) - int(first[SYS_UPTIME])) / elapsed
    assert 80 < ticks < 120, ticks  # hundredths of a second: a restart would read as the uptime going back


def test_pulled_cable_reads_oper_down_and_no_traffic(agents):
    _, community, _, cut = agents
    assert snmpget(cut, community, f"{IF_OPER}.2") == {f"{IF_OPER}.2": "2"}
    assert snmpget(cut, community, f"{IF_HC_OUT}.2") == {f"{IF_HC_OUT}.2": "0"}


def test_wrong_community_gets_no_answer(agents):
    _, _, pressing, _ = agents
    result = subprocess.run(["snmpget", "-v2c", "-c", "public", "-t", "1", "-r", "0",
                             f"127.0.0.21:{pressing.port}", SYS_UPTIME], capture_output=True, text=True, env=TOOLS)
    assert result.returncode != 0 and "Timeout" in result.stderr


def test_stop_ends_every_agent(agents):
    running = agents[0]
    pids = [process.pid for process in running.processes]
    running.stop()
    assert not any(Path(f"/proc/{pid}").exists() for pid in pids)
