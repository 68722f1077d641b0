"""A real Linux gateway for the enforcement tests: three network namespaces, sshd, unbound and iperf3.

Names follow this process (``egp<pid><letter>``); everything is removed after the module:

    lan 10.78.1.2, 10.78.2.2 -eth0--eth1- 10.78.1.1, 10.78.2.1 gateway 10.78.9.1 -eth0--eth0- 10.78.9.2 upstream

- lan: the agencies' hosts: agency A is 10.78.1.0/24, agency B 10.78.2.0/24 (one LAN, one enforcement interface:
  ``eth1`` of the gateway).
- gateway: forwards, sshd on 10.78.9.1:22 (root by key; the sshd helpers of collectors/tests/ssh_peers.py, each
  sshd in its own mount namespace with a private /run), unbound on 10.78.1.1:53 with a configuration in the test's
  folder that includes the filter file the role writes, and answers ``unbound-control`` on 127.0.0.1:8953.
- upstream: iperf3 servers on 10.78.9.2 (ports 5201 and 5202, one per concurrent measurement).

Ansible connects like production does: over SSH to the gateway's sshd, as root with a key, checking the host
key. The controller (ansible-runner, from the test process) is not in any of these namespaces: ssh's
ProxyCommand is netns_bridge.py, which opens the TCP connection inside the upstream namespace. The role's paths
(state, unbound) point into the test's folder, so nothing on the host changes.
"""

import json
import os
import shutil
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from tests.namespaces import in_namespace
from tests.ssh_peers import make_keys, run, start_sshd, stop

GATEWAY_SSH = ("10.78.9.1", 22)
UPSTREAM = "10.78.9.2"
AGENCY_A, AGENCY_B = "10.78.1.2", "10.78.2.2"  # a host of each agency
RESOLVER = "10.78.1.1"
IPERF_PORTS = (5201, 5202)
UNBOUND_CONFIG = """
server:
    interface: {resolver}
    access-control: 10.78.0.0/16 allow
    do-daemonize: no
    chroot: ""
    username: ""
    directory: "{folder}"
    pidfile: "{folder}/unbound.pid"
    use-syslog: no
    do-ip6: no
    # What an agency may reach, and one name the filter will block (it resolves until then).
    local-zone: "egov.test." transparent
    local-data: "allowed.egov.test. A {upstream}"
    local-data: "www.blocked.egov.test. A {upstream}"
    include: "{folder}/unbound.conf.d/*.conf"
remote-control:
    control-enable: yes
    control-interface: 127.0.0.1
    control-use-cert: no
"""
BRIDGE = Path(__file__).with_name("netns_bridge.py")


@dataclass
class Gateway:
    folder: Path
    namespaces: dict  # role -> namespace name
    inventory_vars: dict  # how ansible reaches the gateway and where the role keeps its files
    proxy: str  # ssh's ProxyCommand into the namespaces

    def inventory(self, name, **host_vars):
        """Path of an inventory with the gateway as ``name`` in the groups linux.yml runs on (platforms_linux,
        egov_gateways), with ``host_vars``."""
        path = self.folder / f"inventory-{name}.yml"
        host = {**self.inventory_vars, **host_vars}
        groups = {"platforms_linux": {"hosts": {name: host}}, "egov_gateways": {"hosts": {name: None}}}
        path.write_text(yaml.safe_dump({"all": {"children": groups}}))
        return path

    def in_gateway(self, *command):
        return run(*command, namespace=self.namespaces["gateway"])

    def reset(self):
        """Remove whatever a push installed: the trees, the IFBs, table inet egov, the filter, the role's state."""
        gateway = self.namespaces["gateway"]
        for command in (["tc", "qdisc", "del", "dev", "eth1", "root"], ["tc", "qdisc", "del", "dev", "eth1", "ingress"],
                        ["ip", "link", "del", "egovifb0"], ["nft", "delete", "table", "inet", "egov"]):
            subprocess.run(["ip", "netns", "exec", gateway, *command], capture_output=True)  # absent is fine
        shutil.rmtree(self.folder / "state", ignore_errors=True)
        (self.folder / "unbound.conf.d" / "egov-filter.conf").unlink(missing_ok=True)
        run("unbound-control", "-c", str(self.folder / "unbound.conf"), "reload", namespace=gateway)

    def ssh(self, script):
        """The ssh command that runs ``script`` on the gateway the way ansible reaches it."""
        return ["ssh", "-i", str(self.folder / "client_key"), "-o", f"ProxyCommand={self.proxy}",
                "-o", f"UserKnownHostsFile={self.folder / 'known_hosts'}", "-o", "StrictHostKeyChecking=yes",
                f"root@{GATEWAY_SSH[0]}", script]

    def iperf3(self, source, download, port=IPERF_PORTS[0], seconds=4):
        """Start an iperf3 client on the agency host ``source`` (download: the upstream sends, -R)."""
        command = ["ip", "netns", "exec", self.namespaces["lan"], "iperf3", "-c", UPSTREAM, "-p", str(port),
                   "-B", source, "-t", str(seconds), "-O", "1", "-J", *(["-R"] if download else [])]
        return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def measure(self, *clients):
        """[(TCP payload Mbit/s the receiver saw, payload share of a full Ethernet frame)] of started clients."""
        results = []
        for client in clients:
            out, err = client.communicate(timeout=60)
            answer = json.loads(out) if out.strip() else {"error": err}
            if "error" in answer:
                raise RuntimeError(f"iperf3 failed: {answer['error']}")
            mss = answer["start"]["tcp_mss_default"]
            # HTB counts whole frames: payload + TCP/IP headers with timestamps (52) + Ethernet header (14).
            results.append((answer["end"]["sum_received"]["bits_per_second"] / 1e6, mss / (mss + 66)))
        return results

    def rate(self, source, download, seconds=4):
        """One measurement alone: (payload Mbit/s, payload share of a frame)."""
        return self.measure(self.iperf3(source, download, seconds=seconds))[0]

    def resolve(self, name):
        """The rcode and addresses the gateway's unbound answers to an agency host for ``name`` (A)."""
        import dns.message
        import dns.query
        import dns.rcode

        query = dns.message.make_query(name, "A")
        answer = in_namespace(self.namespaces["lan"], dns.query.udp, query, RESOLVER, timeout=5, source=AGENCY_A)
        addresses = [item.address for rrset in answer.answer for item in rrset]
        return dns.rcode.to_text(answer.rcode()), addresses


def build_network(names):
    for name in names.values():
        run("ip", "netns", "add", name)
        run("ip", "link", "set", "lo", "up", namespace=name)
    run("ip", "link", "add", "eth0", "type", "veth", "peer", "name", "eth1", "netns", names["gateway"],
        namespace=names["lan"])
    run("ip", "link", "add", "eth0", "type", "veth", "peer", "name", "eth0", "netns", names["upstream"],
        namespace=names["gateway"])
    for role, interface, addresses in (("lan", "eth0", ["10.78.1.2/24", "10.78.2.2/24"]),
                                       ("gateway", "eth1", ["10.78.1.1/24", "10.78.2.1/24"]),
                                       ("gateway", "eth0", ["10.78.9.1/24"]),
                                       ("upstream", "eth0", ["10.78.9.2/24"])):
        for address in addresses:
            run("ip", "address", "add", address, "dev", interface, namespace=names[role])
        run("ip", "link", "set", interface, "up", namespace=names[role])
    run("sysctl", "-q", "-w", "net.ipv4.ip_forward=1", namespace=names["gateway"])
    run("ip", "route", "add", "default", "via", "10.78.1.1", namespace=names["lan"])
    run("ip", "route", "add", "10.78.0.0/16", "via", "10.78.9.1", namespace=names["upstream"])


def start(namespace, *command, log):
    with open(log, "w") as stream:  # the child keeps its own copy of the descriptor
        return subprocess.Popen(["ip", "netns", "exec", namespace, *command], stdout=subprocess.DEVNULL,
                                stderr=stream)


def start_unbound(folder, namespace):
    (folder / "unbound.conf.d").mkdir()
    config = folder / "unbound.conf"
    config.write_text(UNBOUND_CONFIG.format(folder=folder, resolver=RESOLVER, upstream=UPSTREAM))
    run("unbound-checkconf", str(config))
    process = start(namespace, "unbound", "-d", "-c", str(config), log=folder / "unbound.log")
    wait_until(lambda: subprocess.run(["ip", "netns", "exec", namespace, "unbound-control", "-c", str(config),
                                       "status"], capture_output=True).returncode == 0, process, "unbound")
    return process, config


def wait_until(ready, process, what, seconds=15):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode}")
        if ready():
            return
        time.sleep(0.1)
    raise RuntimeError(f"{what} was not ready within {seconds} s")


@contextmanager
def running_gateway(folder):
    """The topology with everything started, as a Gateway; removed on exit. Needs root."""
    folder.chmod(0o755)
    make_keys(folder)
    names = {role: f"egp{os.getpid()}{role[0]}" for role in ("lan", "gateway", "upstream")}
    processes = []
    try:
        build_network(names)
        processes.append(start_sshd(folder, names["gateway"], *GATEWAY_SSH))
        unbound, config = start_unbound(folder, names["gateway"])
        processes.append(unbound)
        for port in IPERF_PORTS:
            processes.append(start(names["upstream"], "iperf3", "-s", "-B", UPSTREAM, "-p", str(port),
                                   log=folder / f"iperf3-{port}.log"))
        host_key = " ".join((folder / "host_key.pub").read_text().split()[:2])
        (folder / "known_hosts").write_text(f"{GATEWAY_SSH[0]} {host_key}\n")
        proxy = f"{sys.executable} {BRIDGE} {names['upstream']} %h %p"
        inventory_vars = {
            "ansible_host": GATEWAY_SSH[0],
            "ansible_user": "root",
            "ansible_become": False,  # logged in as root already
            "ansible_ssh_private_key_file": str(folder / "client_key"),
            "ansible_ssh_common_args": f"-o ProxyCommand='{proxy}' -o UserKnownHostsFile={folder / 'known_hosts'} "
                                       "-o StrictHostKeyChecking=yes",
            # ssh's shared connections live in the test's folder: another run's gateway has the same address.
            "ansible_control_path_dir": str(folder / "cp"),
            "ansible_python_interpreter": "/usr/bin/python3",
            "linux_gateway_state_dir": str(folder / "state"),
            "linux_gateway_unbound_config": str(config),
            "linux_gateway_unbound_filter_path": str(folder / "unbound.conf.d" / "egov-filter.conf"),
        }
        wait_for_iperf(names["upstream"])
        yield Gateway(folder=folder, namespaces=names, inventory_vars=inventory_vars, proxy=proxy)
    finally:
        stop(processes, names)


@pytest.fixture(scope="module")
def gateway(tmp_path_factory):
    if os.geteuid() != 0:
        pytest.skip("network namespaces, tc and sshd need root")
    with running_gateway(tmp_path_factory.mktemp("gateway")) as world:
        yield world


def wait_for_iperf(namespace, seconds=10):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        listening = run("ss", "-Hltn", namespace=namespace)
        if all(f"{UPSTREAM}:{port} " in listening for port in IPERF_PORTS):
            return
        time.sleep(0.05)
    raise RuntimeError("iperf3 servers did not listen")
