"""The live demo's devices without network namespaces (`make demo` as another user than root, or without
`ip netns`): an snmpsim agent per gateway on a loopback address, counters advancing at its agency's rates.

The gateways are those of the demo data's ``live_demo`` list, read from NetBox as stack/live_network.py reads them
(``read_plan``): the demo loader, told EGOV_DEMO_AGENTS=snmpsim, has made their primary IPs loopback addresses
(127.0.0.11 on) and given each a local config context with the agents' port, since a polling profile names a port
but never an address. Each agent serves one recording (written here) under the community of the gateway's
credential (the collectors' secrets file): sysUpTime, sysName, and two ports named as NetBox names them, the uplink
and the LAN port, whose octet and packet counters grow at the rates live_network.py would shape (snmpsim's
``numeric`` variation module: a value growing by ``rate`` a second); a gateway with ``lan_down`` has its LAN port
administratively up and operationally down, and no traffic. The core is not simulated here: its SNMPv3 keys would
be on snmpsim's command line, which every user of the machine can read.

Usage: simulated_agents.py run --workdir DIR --secrets FILE --netbox-url URL --token-file FILE --spec FILE
(until SIGINT or SIGTERM; stops its agents by pid).
"""

import argparse
import ipaddress
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from live_network import UPLOAD_SHARE, Device, NetworkError, read_plan, read_secrets, read_spec
from live_network import stop as stop_process

PINNED = 0.98  # an agency offering more than its ceiling moves at about its ceiling
MBIT = 125_000  # bytes per second in a Mbit/s
SYSTEM, IF_ENTRY, IFX_ENTRY = "1.3.6.1.2.1.1", "1.3.6.1.2.1.2.2.1", "1.3.6.1.2.1.31.1.1.1"
# As root, snmpsim must drop to an unprivileged user after binding its port; that user cannot read a Python under
# /root, so the modules snmpsim imports late (its index, its recordings' codecs) are imported before it drops.
LAUNCHER = (
    "import dbm.dumb, encodings.ascii, encodings.latin_1, encodings.utf_8, sys\n"
    "from snmpsim.commands.responder import main\n"
    "sys.argv[0] = 'snmpsim-command-responder'\n"
    "sys.exit(main())\n"
)


def rates(gateway: Device) -> dict[str, float]:
    """Bytes a second through each port and direction: the agency's download leaves the LAN port, its upload
    leaves the uplink."""
    share = 0.0 if gateway.lan_down else min(gateway.load, PINNED)
    upload = 0.0 if gateway.lan_down else min(gateway.load * UPLOAD_SHARE, PINNED)
    down, up = share * gateway.down_mbps * MBIT, upload * gateway.up_mbps * MBIT
    return {"lan_out": down, "lan_in": up, "uplink_in": down, "uplink_out": up}


def recording(gateway: Device) -> str:
    """The gateway's snmprec: what the collectors read, ports 1 (uplink) and 2 (LAN), in OID order."""
    flows = rates(gateway)
    records = {
        f"{SYSTEM}.1.0": f"4|egov-netops simulated agent: {gateway.name}",
        f"{SYSTEM}.3.0": f"67:numeric|rate=100,initial={random.randrange(10**6, 10**8)}",  # TimeTicks: 100 a second
        f"{SYSTEM}.5.0": f"4|{gateway.name}",
    }
    ports = ((1, gateway.uplink, flows["uplink_in"], flows["uplink_out"], True),
             (2, gateway.lan, flows["lan_in"], flows["lan_out"], not gateway.lan_down))
    for index, name, received, sent, carrier in ports:
        records.update({
            f"{IF_ENTRY}.1.{index}": f"2|{index}",
            f"{IF_ENTRY}.2.{index}": f"4|{name}",
            f"{IF_ENTRY}.3.{index}": "2|6",
            f"{IF_ENTRY}.5.{index}": "66|1000000000",
            f"{IF_ENTRY}.7.{index}": "2|1",
            f"{IF_ENTRY}.8.{index}": f"2|{1 if carrier else 2}",
            f"{IF_ENTRY}.10.{index}": counter(65, received),
            f"{IF_ENTRY}.11.{index}": counter(65, received / 1000),
            f"{IF_ENTRY}.13.{index}": "65|0",
            f"{IF_ENTRY}.14.{index}": "65|0",
            f"{IF_ENTRY}.16.{index}": counter(65, sent),
            f"{IF_ENTRY}.17.{index}": counter(65, sent / 1000),
            f"{IF_ENTRY}.19.{index}": "65|0",
            f"{IF_ENTRY}.20.{index}": "65|0",
            f"{IFX_ENTRY}.1.{index}": f"4|{name}",
            f"{IFX_ENTRY}.6.{index}": counter(70, received),
            f"{IFX_ENTRY}.7.{index}": counter(70, received / 1000),
            f"{IFX_ENTRY}.10.{index}": counter(70, sent),
            f"{IFX_ENTRY}.11.{index}": counter(70, sent / 1000),
            f"{IFX_ENTRY}.15.{index}": "66|1000",
            f"{IFX_ENTRY}.18.{index}": f"4|{'uplink' if index == 1 else 'LAN'}",
        })
    ordered = sorted(records, key=lambda oid: tuple(int(part) for part in oid.split(".")))
    return "".join(f"{oid}|{records[oid]}\n" for oid in ordered)


def counter(tag: int, per_second: float) -> str:
    """A Counter32 (65) or Counter64 (70) growing by ``per_second`` a second, wrapping as a device's does."""
    if per_second <= 0:
        return f"{tag}|0"
    top = 2**32 - 1 if tag == 65 else 2**64 - 1
    return f"{tag}:numeric|rate={per_second:.0f},min=0,max={top},wrap=1"


class Agents:
    """An snmpsim process per gateway, each with its recording in a folder of its own."""

    def __init__(self, workdir: Path):
        self.processes: list[subprocess.Popen] = []
        self.logs = Path(workdir)
        self.root = os.geteuid() == 0
        # As root the agents run as nobody, who must reach their folders: a fresh one that anybody may pass
        # through (not list), each agent's folder inside it owned by nobody and closed to everyone else.
        self.folder = Path(tempfile.mkdtemp(prefix="egov-agents-")) if self.root else Path(workdir)
        if self.root:
            self.folder.chmod(0o711)

    def start(self, gateway: Device, secrets: dict) -> None:
        fields = (secrets.get("snmp") or {}).get(gateway.credential) or {}
        if gateway.version != "2c" or not fields.get("community"):
            raise NetworkError(f"{gateway.name}: an snmpsim agent answers a v2c community; its profile names "
                               f"{gateway.credential!r} (SNMP {gateway.version}), and the secrets file gives none")
        folder = self.folder / gateway.name
        shutil.rmtree(folder, ignore_errors=True)
        (folder / "data").mkdir(parents=True, mode=0o700)
        (folder / "index").mkdir(mode=0o700)
        # snmpsim picks the recording by the community it is asked with: the file carries the community's name.
        (folder / "data" / f"{fields['community']}.snmprec").write_text(recording(gateway))
        address = ipaddress.ip_interface(gateway.address).ip
        command = [sys.executable, "-c", LAUNCHER, f"--data-dir={folder / 'data'}",
                   f"--cache-dir={folder / 'index'}", f"--agent-udpv4-endpoint={address}:{gateway.port}",
                   "--log-level=error"]
        if self.root:
            command += ["--process-user=nobody", "--process-group=nogroup"]
            for path in (folder, folder / "data", folder / "index", *(folder / "data").iterdir()):
                shutil.chown(path, "nobody", "nogroup")
        with open(self.logs / f"{gateway.name}.log", "ab") as log:
            self.processes.append(subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT,
                                                   stdin=subprocess.DEVNULL))

    def stop(self) -> None:
        for process in self.processes:
            stop_process(process)
        if self.root:
            shutil.rmtree(self.folder, ignore_errors=True)


def main(argv=None) -> int:
    from egov_collectors.secrets import read_token_file
    from egov_push.netbox import NetBox, NetBoxError

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=["run"])
    for option in ("--workdir", "--secrets", "--netbox-url", "--token-file", "--spec"):
        parser.add_argument(option, required=True)
    options = parser.parse_args(argv)
    workdir = Path(options.workdir)
    workdir.mkdir(parents=True, exist_ok=True, mode=0o700)
    agents = Agents(workdir)
    stopping = []
    for number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(number, lambda *_: stopping.append(True))
    try:
        secrets = read_secrets(options.secrets)
        netbox = NetBox(options.netbox_url, read_token_file(options.token_file), cache_dir=workdir / "push-cache")
        plan = read_plan(netbox, read_spec(options.spec))
        for gateway in plan.gateways:
            agents.start(gateway, secrets)
            print(f"simulated agent: {gateway.name} at {ipaddress.ip_interface(gateway.address).ip}:"
                  f"{gateway.port}", flush=True)
        (workdir / "ready").write_text("snmpsim\n")
        while not stopping:
            if any(process.poll() is not None for process in agents.processes):
                print(f"simulated agents: an snmpsim agent stopped; see its log in {workdir}", file=sys.stderr)
                return 1
            time.sleep(1)
    except (NetworkError, NetBoxError) as error:
        print(f"simulated agents: {error}", file=sys.stderr)
        return 1
    finally:
        agents.stop()
        (workdir / "ready").unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
