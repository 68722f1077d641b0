"""Real SSH peers for the collectors' tests: Linux gateways in network namespaces, each with its own sshd.

Four namespaces, named after this process (``egov<pid><letter>``), cleaned up after the module:

    lan 10.77.1.2 --- 10.77.1.1 gateway 10.77.2.1 --- 10.77.2.2 collector 10.77.3.2 --- 10.77.3.1 bare

- gateway: routes the agency LAN, counts its traffic in table ``inet egov`` (named counters
  ``agency_disdik_down``/``_up`` in the forward hook, ``agency_dinkes_*`` unused), sshd on 10.77.2.1:22 with root
  login by key only (a password is always refused).
- bare: a gateway the playbook never reached: no table inet egov; sshd on port 22, a second sshd on 2222 that
  sees no ``nft`` program (an overlay hides it), and port 2299 dropped (a connection that times out).
- collector: where the client runs; ``in_namespace`` runs a function in a thread that entered it.

Each sshd runs in its own mount namespace (``ip netns exec``), with a private /run for its privilege-separation
directory, so nothing on the host changes.
"""

import json
import os
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from tests.namespaces import in_namespace

SSHD = shutil.which("sshd") or "/usr/sbin/sshd"
GATEWAY_RULES = """
table inet egov {
    counter agency_disdik_down { }
    counter agency_disdik_up { }
    counter agency_dinkes_down { }
    counter agency_dinkes_up { }
    chain forward {
        type filter hook forward priority 0; policy accept;
        ip saddr 10.77.1.0/24 counter name agency_disdik_up
        ip daddr 10.77.1.0/24 counter name agency_disdik_down
    }
}
"""
# Not the contract's table: only here to drop SYNs to one port (a peer that never answers).
BARE_RULES = """
table inet egovtest {
    chain input {
        type filter hook input priority 0; policy accept;
        tcp dport 2299 drop
    }
}
"""
SSHD_CONFIG = """
ListenAddress {address}:{port}
HostKey {folder}/host_key
AuthorizedKeysFile {folder}/authorized_keys
PermitRootLogin prohibit-password
PasswordAuthentication yes
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
PidFile none
"""
# sshd needs /run/sshd; a tmpfs /run of its own mount namespace gives it one. With hide_nft, an overlay whose
# upper layer holds a whiteout for nft makes /usr/sbin/nft vanish for this sshd's sessions only.
SSHD_START = """
set -e
mount -t tmpfs egov-run /run
mkdir /run/sshd
if [ "$HIDE_NFT" = 1 ]; then
    mkdir /run/upper /run/work
    mknod /run/upper/nft c 0 0
    mount -t overlay egov-no-nft -o lowerdir=/usr/sbin,upperdir=/run/upper,workdir=/run/work /usr/sbin
fi
"$SSHD" -t -f "$CONFIG"  # a bad configuration ends here, sshd's message on stderr
exec "$SSHD" -D -e -f "$CONFIG"
"""


def run(*command, namespace=None, stdin=None):
    prefix = ["ip", "netns", "exec", namespace] if namespace else []
    done = subprocess.run([*prefix, *command], input=stdin, capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"{' '.join(command)} failed ({done.returncode}): {done.stderr.strip()}")
    return done.stdout


def udp_socket(address):
    bound = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    bound.settimeout(5)
    bound.bind(address)
    return bound


@dataclass
class SSHWorld:
    folder: Path
    namespaces: dict  # role -> namespace name
    client_key: Path  # authorized for root on every sshd
    other_key: Path  # a valid key nobody authorized
    known_hosts: Path  # the true host key of every sshd

    gateway = ("10.77.2.1", 22)
    bare = ("10.77.3.1", 22)
    bare_without_nft = ("10.77.3.1", 2222)
    dropped = ("10.77.3.1", 2299)
    refused = ("10.77.3.1", 2300)

    def echo_from_lan(self, count, payload):
        """UDP datagrams from the agency's LAN to the collector's side through the gateway, each echoed back.

        The sockets are made in their namespaces (a socket stays where it was made) and driven from here."""
        server = in_namespace(self.namespaces["collector"], udp_socket, ("10.77.2.2", 0))
        client = in_namespace(self.namespaces["lan"], udp_socket, ("10.77.1.2", 0))
        with server, client:
            for _ in range(count):
                client.sendto(b"q" * payload, server.getsockname())
                data, sender = server.recvfrom(65535)
                server.sendto(data, sender)
                client.recvfrom(65535)

    def kernel_counters(self):
        """{name: (packets, bytes)} straight from the kernel: ``nft -j list counters`` in the gateway."""
        answer = json.loads(run("nft", "-j", "list", "counters", "table", "inet", "egov",
                                namespace=self.namespaces["gateway"]))
        return {item["counter"]["name"]: (item["counter"]["packets"], item["counter"]["bytes"])
                for item in answer["nftables"] if "counter" in item}

    def call(self, function, *args, **kwargs):
        """Run the client where a collector would be: in the collector namespace."""
        return in_namespace(self.namespaces["collector"], function, *args, **kwargs)

    def known_hosts_with(self, key_line, name):
        """A known_hosts file listing ``key_line``'s key for every address."""
        path = self.folder / name
        path.write_text("".join(f"{known_host(address, port)} {key_line}\n"
                                for address, port in (self.gateway, self.bare, self.bare_without_nft)))
        return path


def known_host(address, port):
    return address if port == 22 else f"[{address}]:{port}"


def make_keys(folder):
    for name in ("host_key", "client_key", "other_key"):
        run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", f"egov-test-{name}", "-f", str(folder / name))
    (folder / "authorized_keys").write_text((folder / "client_key.pub").read_text())


def build_network(names):
    for name in names.values():
        run("ip", "netns", "add", name)
        run("ip", "link", "set", "lo", "up", namespace=name)
    links = [("lan", "eth0", "10.77.1.2/24", "gateway", "eth1", "10.77.1.1/24"),
             ("gateway", "eth0", "10.77.2.1/24", "collector", "eth0", "10.77.2.2/24"),
             ("bare", "eth0", "10.77.3.1/24", "collector", "eth1", "10.77.3.2/24")]
    for a, a_name, a_address, b, b_name, b_address in links:
        # Interface names live in each namespace: eth0/eth1 clash with nothing on the host.
        run("ip", "link", "add", a_name, "type", "veth", "peer", "name", b_name, "netns", names[b], namespace=names[a])
        for role, interface, address in ((a, a_name, a_address), (b, b_name, b_address)):
            run("ip", "address", "add", address, "dev", interface, namespace=names[role])
            run("ip", "link", "set", interface, "up", namespace=names[role])
    run("sysctl", "-q", "-w", "net.ipv4.ip_forward=1", namespace=names["gateway"])
    run("ip", "route", "add", "default", "via", "10.77.1.1", namespace=names["lan"])
    run("ip", "route", "add", "10.77.1.0/24", "via", "10.77.2.1", namespace=names["collector"])
    run("nft", "-f", "-", namespace=names["gateway"], stdin=GATEWAY_RULES)
    run("nft", "-f", "-", namespace=names["bare"], stdin=BARE_RULES)


def start_sshd(folder, namespace, address, port, hide_nft=False):
    config = folder / f"sshd-{port}-{namespace}.conf"
    config.write_text(SSHD_CONFIG.format(address=address, port=port, folder=folder))
    environment = {**os.environ, "SSHD": SSHD, "CONFIG": str(config), "HIDE_NFT": "1" if hide_nft else "0"}
    process = subprocess.Popen(["ip", "netns", "exec", namespace, "sh", "-c", SSHD_START], env=environment,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wait_for_listener(process, namespace, address, port)
    return process


def wait_for_listener(process, namespace, address, port, seconds=10):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"sshd on {address}:{port} exited: {process.stderr.read()}")
        if f"{address}:{port} " in run("ss", "-Hltn", namespace=namespace):
            return
        time.sleep(0.05)
    raise RuntimeError(f"sshd did not listen on {address}:{port} within {seconds} s")


def stop(processes, names):
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    for name in names.values():
        # Sessions sshd forked outlive it; they are ours (started in our namespaces): ended by pid.
        for pid in subprocess.run(["ip", "netns", "pids", name], capture_output=True, text=True).stdout.split():
            subprocess.run(["kill", pid], check=False)
        subprocess.run(["ip", "netns", "del", name], check=False)


@pytest.fixture(scope="module")
def ssh_world(tmp_path_factory):
    if os.geteuid() != 0:
        pytest.skip("network namespaces and sshd need root")
    folder = tmp_path_factory.mktemp("ssh")
    make_keys(folder)
    names = {role: f"egov{os.getpid()}{role[0]}" for role in ("lan", "gateway", "collector", "bare")}
    processes = []
    try:
        build_network(names)
        processes.append(start_sshd(folder, names["gateway"], *SSHWorld.gateway))
        processes.append(start_sshd(folder, names["bare"], *SSHWorld.bare))
        processes.append(start_sshd(folder, names["bare"], *SSHWorld.bare_without_nft, hide_nft=True))
        host_key = " ".join((folder / "host_key.pub").read_text().split()[:2])
        world = SSHWorld(folder=folder, namespaces=names, client_key=folder / "client_key",
                         other_key=folder / "other_key", known_hosts=folder / "known_hosts")
        world.known_hosts = world.known_hosts_with(host_key, "known_hosts")
        yield world
    finally:
        stop(processes, names)
