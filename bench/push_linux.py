"""Pushing 50 agencies to one Linux gateway: the first apply and a no-op run through egov_push.runner (ansible over
SSH, every configuration validated in a scratch namespace), each next to plain ``tc -batch`` + ``nft -f``
applying the same rules in the same run; then enforcement accuracy (iperf3 against the configured ceiling).

The gateway is the enforcement tests' (playbooks/tests/gateway_peers.py): three network namespaces, a real sshd,
unbound and iperf3. 50 agencies share eth1 (1 Gbit/s): agency 00 is the LAN's 10.78.1.0/24, the others
10.79.<n>.0/24; each has a download and an upload class with one prefix filter, and two nftables counters.

A round of the apply: the trees and the table are removed, then egov_push applies (timed); what it installed is
removed again and plain tc/nft apply the very batch and table the role rendered (taken from its state files:
the same rules), timed the same way, run by ssh on the gateway as ansible would. The no-op: egov_push on the
gateway as the reference left it (changed=0 proves the two installed the same), next to the reference's blind
reapply. Targets (issue 11): apply <= 30 s, no-op <= 10 s.

Accuracy: agency 00's ceiling is set to 5, 10, 50 and 100 Mbit/s (one push each); iperf3 from its LAN host
measures TCP payload in each direction. HTB limits whole Ethernet frames, of which payload is mss/(mss + 66):
both the raw ratio (payload / ceiling) and the ratio to the payload a full link at the ceiling carries are shown.

The same push with one agency shows the fixed cost (ansible-playbook, SSH, the modules and their validation).

Run as root, stack services not needed: ``python bench/push_linux.py`` (BENCH_PUSH_ROUNDS=3 by default).
"""

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "collectors"), str(ROOT / "playbooks")]  # tests.*: collectors' and playbooks' helpers

from tests.gateway_peers import AGENCY_A, running_gateway  # noqa: E402

from egov_push import runner  # noqa: E402  (path set up above)

AGENCIES = 50
ROUNDS = int(os.environ.get("BENCH_PUSH_ROUNDS", "3"))
CEILINGS = (5, 10, 50, 100)
HOST = "gw-bench"
LINK = {"name": "eth1", "ifb": "egovifb0", "down_mbps": 1000, "up_mbps": 1000}


def agencies(ceiling_00=20, count=AGENCIES):
    result = []
    for n in range(count):
        prefix = "10.78.1.0/24" if n == 0 else f"10.79.{n}.0/24"
        ceiling = ceiling_00 if n == 0 else 20
        result.append({"slug": f"agency-{n:02d}", "interface": "eth1", "prefixes": [prefix], "prio": 1 + n % 8,
                       "rate_down_mbps": min(2, ceiling), "ceil_down_mbps": ceiling,
                       "rate_up_mbps": min(1, ceiling), "ceil_up_mbps": ceiling})
    return result


def push(gateway, mode, ceiling_00=20, count=AGENCIES):
    inventory = gateway.inventory(HOST, egov_interfaces=[LINK], egov_agencies=agencies(ceiling_00, count),
                                  egov_filter=None)
    started = time.perf_counter()
    result = runner.run(mode, inventory)
    elapsed = time.perf_counter() - started
    host = result.hosts[HOST]
    if host.status in ("failed", "unreachable"):
        raise RuntimeError(f"push failed: {host.messages}\n{result.log}")
    return elapsed, host


def clean(gateway):
    """Remove what either side installed: the qdiscs of eth1 and the IFB, table inet egov."""
    for command in (["tc", "qdisc", "del", "dev", "eth1", "root"], ["tc", "qdisc", "del", "dev", "eth1", "ingress"],
                    ["tc", "qdisc", "del", "dev", "egovifb0", "root"], ["nft", "delete", "table", "inet", "egov"]):
        subprocess.run(["ip", "netns", "exec", gateway.namespaces["gateway"], *command], capture_output=True)


def reference(gateway, files):
    """Seconds for plain tc -batch and nft -f of the role's rendered rules, over the same SSH path ansible uses."""
    script = (f"ip link show egovifb0 >/dev/null 2>&1 || ip link add egovifb0 type ifb; ip link set egovifb0 up; "
              f"tc -batch {files['tc']} && nft -f {files['nft']}")
    started = time.perf_counter()
    subprocess.run(gateway.ssh(script), check=True, capture_output=True)
    return time.perf_counter() - started


def rendered_files(gateway, folder):
    """The batch and the table the role installed, from its state files, as files the gateway can read."""
    state = gateway.folder / "state"
    files = {"tc": folder / "reference.tc", "nft": folder / "reference.nft"}
    files["tc"].write_text(json.loads((state / "tc.json").read_text())["batch"])
    files["nft"].write_text((state / "egov.nft").read_text())
    return files


def timings(gateway, folder):
    rows = {"apply": [], "reference": [], "no-op": [], "apply, 1 agency": [], "no-op, 1 agency": []}
    for _ in range(ROUNDS):
        # One agency: what a push costs whatever the gateway holds (ansible, SSH, the modules, validation).
        clean(gateway)
        rows["apply, 1 agency"].append(push(gateway, "apply", count=1)[0])
        rows["no-op, 1 agency"].append(push(gateway, "apply", count=1)[0])
        clean(gateway)
        elapsed, host = push(gateway, "apply")
        assert host.status == "changed", host
        rows["apply"].append(elapsed)
        files = rendered_files(gateway, folder)
        clean(gateway)
        rows["reference"].append(reference(gateway, files))
        elapsed, host = push(gateway, "apply")
        assert (host.status, host.changed) == ("ok", 0), "the reference installed something else"
        rows["no-op"].append(elapsed)
    return rows


def accuracy(gateway):
    rows = []
    for ceiling in CEILINGS:
        push(gateway, "apply", ceiling_00=ceiling)
        for download in (True, False):
            mbps, share = gateway.rate(AGENCY_A, download=download, seconds=5)
            rows.append((ceiling, "download" if download else "upload", mbps, mbps / ceiling, mbps / (ceiling * share)))
    return rows


def main():
    if os.geteuid() != 0:
        sys.exit("run as root: the gateway lives in network namespaces")
    with tempfile.TemporaryDirectory(prefix="egov-bench-push-") as scratch:
        folder = Path(scratch)
        (folder / "gateway").mkdir()
        with running_gateway(folder / "gateway") as gateway:
            rows = timings(gateway, folder)
            measured = accuracy(gateway)
    print(f"## {AGENCIES} agencies on one gateway, {ROUNDS} rounds (seconds)\n")
    print("| run | median | min | max | target |")
    print("|---|---|---|---|---|")
    targets = {"apply": "<= 30", "no-op": "<= 10"}
    for name in ("apply", "no-op", "reference", "apply, 1 agency", "no-op, 1 agency"):
        values = rows[name]
        label = {"reference": "plain tc -batch + nft -f (reference)"}.get(name, f"egov_push {name}")
        print(f"| {label} | {statistics.median(values):.2f} | {min(values):.2f} | {max(values):.2f} | "
              f"{targets.get(name, '')} |")
    print("\n## Enforcement accuracy (agency 00, iperf3 TCP payload)\n")
    print("| ceiling Mbit/s | direction | measured Mbit/s | measured / ceiling | measured / payload at ceiling |")
    print("|---|---|---|---|---|")
    for ceiling, direction, mbps, raw, corrected in measured:
        print(f"| {ceiling} | {direction} | {mbps:.2f} | {raw:.3f} | {corrected:.3f} |")


if __name__ == "__main__":
    main()
