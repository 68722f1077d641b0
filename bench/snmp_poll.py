"""SNMP polling: client CPU per 1,000 values and devices per minute per core, ours next to net-snmp's snmpbulkwalk
and Prometheus' snmp_exporter against the same snmpd, in one run.

The lab: two network namespaces joined by a veth pair. In the agent's, one net-snmp snmpd listens on 0.0.0.0:161
and 200 addresses (10.77.0.1-200 on lo) stand for 200 agents; it has 48 interfaces (lo, the veth, 23 veth pairs
with traffic sent through them, so the counters are not all zero). One snmpd answering on 200 addresses is honest for
the client's side: each target is its own address, its own socket and its own full poll; only the agent's CPU is
shared, and the agent's CPU is not what is measured (snmpd bounds the wall time, which is reported apart).

Every client reads the same OIDs of every agent: sysUpTime.0 and sysName.0, and the 13 interface columns of
``egov_collectors.snmp.oids.INTERFACE_COLUMNS`` (snmpbulkwalk walks one subtree per process, so it walks ifTable and
ifXTable whole, and snmpget reads the two scalars: 3 processes per agent). CPU is what the client spends: the bench
process's own CPU for ours (``time.process_time``), the children's rusage for net-snmp, the exporter process's
utime+stime from /proc for snmp_exporter (which includes serving its HTTP answers: that is its job). Values are the
variable bindings each client got back inside what it asked for. The pysnmp steps show what each design choice of
ours bought.

Run as root (network namespaces): ``python bench/snmp_poll.py``; BENCH_SNMP_AGENTS=50 for a quicker run.
"""

import asyncio
import os
import resource
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "collectors"))

from pysnmp.hlapi.v3arch import asyncio as hlapi  # noqa: E402  (path set up above)

from egov_collectors.model import Credential, Target  # noqa: E402
from egov_collectors.snmp import SnmpClient, oids, poll_many  # noqa: E402
from egov_collectors.snmp.oids import format_oid  # noqa: E402

AGENTS = int(os.environ.get("BENCH_SNMP_AGENTS", "200"))
ROUNDS = int(os.environ.get("BENCH_SNMP_ROUNDS", "3"))
SLOW_AGENTS = min(AGENTS, 40)  # the pysnmp steps before ours take seconds per agent: measured on fewer agents
INTERFACES = 48  # lo, the veth to the poller, 23 veth pairs
PAIRS = (INTERFACES - 2) // 2
CONCURRENCY = 16
AGENT_IP, POLLER_IP = "10.76.0.1", "10.76.0.2"
EXPORTER = "127.0.0.1:9116"
TOOL_ENV = {**os.environ, "MIBS": "", "MIBDIRS": "/nonexistent"}


@dataclass
class Result:
    client: str
    agents: int
    values: int
    cpu: float  # seconds
    wall: float  # seconds

    @property
    def ms_per_1000(self) -> float:
        return self.cpu / self.values * 1e6

    @property
    def devices_per_minute_per_core(self) -> float:
        return 60 / (self.cpu / self.agents)


def sh(*args: str) -> None:
    subprocess.run(args, check=True, capture_output=True)


class Lab:
    """The namespaces, interfaces, addresses and snmpd; ``close`` undoes them all."""

    def __init__(self, folder: Path):
        pid = os.getpid()
        self.agent_ns, self.poller_ns = f"egovba{pid}", f"egovbp{pid}"
        self.folder = folder
        self.community = secrets.token_hex(8)
        self.v3 = Credential(
            "bench-v3",
            user="bench",
            auth_protocol="SHA",
            auth_key=secrets.token_hex(8),
            priv_protocol="AES",
            priv_key=secrets.token_hex(8),
        )
        self.processes: list[subprocess.Popen] = []
        self.targets = [f"10.77.0.{n}" for n in range(1, AGENTS + 1)]

    def open(self) -> None:
        agent_link, poller_link = f"eba{os.getpid()}", f"ebp{os.getpid()}"
        for namespace in (self.agent_ns, self.poller_ns):
            sh("ip", "netns", "add", namespace)
            sh("ip", "netns", "exec", namespace, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1")
            sh("ip", "-n", namespace, "link", "set", "lo", "up")
        sh("ip", "link", "add", agent_link, "type", "veth", "peer", "name", poller_link)
        sh("ip", "link", "set", agent_link, "netns", self.agent_ns)
        sh("ip", "link", "set", poller_link, "netns", self.poller_ns)
        sh("ip", "-n", self.agent_ns, "addr", "add", f"{AGENT_IP}/24", "dev", agent_link)
        sh("ip", "-n", self.poller_ns, "addr", "add", f"{POLLER_IP}/24", "dev", poller_link)
        sh("ip", "-n", self.agent_ns, "link", "set", agent_link, "up")
        sh("ip", "-n", self.poller_ns, "link", "set", poller_link, "up")
        sh("ip", "-n", self.poller_ns, "route", "add", "10.77.0.0/24", "via", AGENT_IP)
        batch = [f"address add {address}/32 dev lo" for address in self.targets]
        for pair in range(PAIRS):  # this kernel has no dummy interfaces: veth pairs inside the namespace instead
            batch += [
                f"link add ebx{pair}a type veth peer name ebx{pair}b",
                f"link set ebx{pair}a up",
                f"link set ebx{pair}b up",
                f"address add 10.78.{pair}.1/30 dev ebx{pair}a",
                f"neighbour add 10.78.{pair}.2 lladdr 02:00:00:00:00:02 dev ebx{pair}a",
            ]
        subprocess.run(["ip", "-n", self.agent_ns, "-batch", "-"], input="\n".join(batch), text=True, check=True)
        self._traffic()
        self._start_snmpd()

    def _traffic(self) -> None:
        """Datagrams through each pair (a static neighbour sends them on), a different amount through each."""
        script = (
            "import socket\n"
            "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
            f"for n in range({PAIRS}):\n"
            "    for _ in range(100 * (n + 1)):\n"
            "        s.sendto(b'x' * 1400, (f'10.78.{n}.2', 9))\n"
        )
        sh("ip", "netns", "exec", self.agent_ns, sys.executable, "-c", script)

    def _start_snmpd(self) -> None:
        config = self.folder / "snmpd.conf"
        config.write_text(
            "agentAddress udp:0.0.0.0:161\n"
            f"rocommunity {self.community} {POLLER_IP}/32\n"
            f'createUser {self.v3.user} SHA "{self.v3.auth_key}" AES "{self.v3.priv_key}"\n'
            f"rouser {self.v3.user} priv\n"
        )
        command = ["ip", "netns", "exec", self.agent_ns, "snmpd", "-f", "-C", "-c", str(config), "-Lf", os.devnull]
        env = {**TOOL_ENV, "SNMP_PERSISTENT_DIR": str(self.folder)}
        self.processes.append(subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))

    def enter_poller(self) -> None:
        """Move this process (its main thread, and the children it starts from now on) into the poller's namespace."""
        with open(f"/run/netns/{self.poller_ns}") as namespace:
            os.setns(namespace.fileno(), os.CLONE_NEWNET)

    def close(self) -> None:
        for process in self.processes:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=10)
        for namespace in (self.agent_ns, self.poller_ns):
            subprocess.run(["ip", "netns", "del", namespace], capture_output=True)


def wait_for_snmpd(lab: Lab) -> None:
    for _ in range(100):
        command = [
            "snmpget",
            "-v2c",
            "-c",
            lab.community,
            "-t",
            "0.3",
            "-r",
            "0",
            lab.targets[-1],
            format_oid(oids.SYS_UPTIME),
        ]
        if subprocess.run(command, capture_output=True, env=TOOL_ENV).returncode == 0:
            return
        time.sleep(0.1)
    raise RuntimeError("snmpd did not answer")


# The references ----------------------------------------------------------------------------------------------------


def run_snmpbulkwalk(lab: Lab) -> Result:
    """net-snmp: ifTable and ifXTable walked whole (one subtree per process), sysUpTime and sysName by snmpget."""

    def poll(address: str) -> int:
        values = 0
        common = ["-v2c", "-c", lab.community, "-On", "-Oq", "-t", "5", "-r", "0"]
        commands = [["snmpget", *common, address, format_oid(oids.SYS_UPTIME), format_oid(oids.SYS_NAME)]]
        commands += [
            ["snmpbulkwalk", *common, "-Cr25", address, subtree]
            for subtree in ("1.3.6.1.2.1.2.2", "1.3.6.1.2.1.31.1.1")
        ]
        for command in commands:
            output = subprocess.run(command, capture_output=True, text=True, env=TOOL_ENV, check=True).stdout
            values += output.count("\n")
        return values

    before, started = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
    with ThreadPoolExecutor(CONCURRENCY) as pool:
        values = sum(pool.map(poll, lab.targets))
    wall, after = time.perf_counter() - started, resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return Result("snmpbulkwalk + snmpget (net-snmp 5.9, -Cr25)", len(lab.targets), values, cpu, wall)


# snmp_exporter's metric name and type for each column we walk.
EXPORTER_METRICS = {
    oids.IF_NAME: ("ifName", "DisplayString"),
    oids.IF_ALIAS: ("ifAlias", "DisplayString"),
    oids.IF_HIGH_SPEED: ("ifHighSpeed", "gauge"),
    oids.IF_HC_IN_OCTETS: ("ifHCInOctets", "counter"),
    oids.IF_HC_OUT_OCTETS: ("ifHCOutOctets", "counter"),
    oids.IF_HC_IN_UCAST_PKTS: ("ifHCInUcastPkts", "counter"),
    oids.IF_HC_OUT_UCAST_PKTS: ("ifHCOutUcastPkts", "counter"),
    oids.IF_ADMIN_STATUS: ("ifAdminStatus", "gauge"),
    oids.IF_OPER_STATUS: ("ifOperStatus", "gauge"),
    oids.IF_IN_ERRORS: ("ifInErrors", "counter"),
    oids.IF_OUT_ERRORS: ("ifOutErrors", "counter"),
    oids.IF_IN_DISCARDS: ("ifInDiscards", "counter"),
    oids.IF_OUT_DISCARDS: ("ifOutDiscards", "counter"),
}


def exporter_config(lab: Lab) -> str:
    """snmp_exporter 0.21's snmp.yml: one module reading the same OIDs as ours (generated here: no MIBs needed)."""
    assert EXPORTER_METRICS.keys() == set(oids.INTERFACE_COLUMNS)
    metrics = "".join(
        f"  - name: {name}\n    oid: {format_oid(column)}\n    type: {kind}\n"
        "    indexes:\n    - labelname: ifIndex\n      type: gauge\n"
        for column, (name, kind) in EXPORTER_METRICS.items()
    )
    metrics += f"  - name: sysUpTime\n    oid: {format_oid(oids.SYS_UPTIME[:-1])}\n    type: gauge\n"
    metrics += f"  - name: sysName\n    oid: {format_oid(oids.SYS_NAME[:-1])}\n    type: DisplayString\n"
    walk = "".join(f"  - {format_oid(column)}\n" for column in oids.INTERFACE_COLUMNS)
    return (
        f"egov:\n  version: 2\n  auth:\n    community: {lab.community}\n"
        "  max_repetitions: 25\n  retries: 0\n  timeout: 10s\n"
        f"  get:\n  - {format_oid(oids.SYS_UPTIME)}\n  - {format_oid(oids.SYS_NAME)}\n"
        f"  walk:\n{walk}  metrics:\n{metrics}"
    )


def process_cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime


def start_snmp_exporter(lab: Lab) -> subprocess.Popen:
    config = lab.folder / "snmp.yml"
    config.write_text(exporter_config(lab))
    exporter = subprocess.Popen(
        [
            "prometheus-snmp-exporter",
            f"--config.file={config}",
            f"--web.listen-address={EXPORTER}",
            "--log.level=error",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    lab.processes.append(exporter)
    for _ in range(50):  # until it listens
        try:
            scrape(lab.targets[0])
            return exporter
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("snmp_exporter did not start")


def scrape(address: str) -> int:
    """One scrape of one agent; the values the exporter says it received."""
    with urllib.request.urlopen(f"http://{EXPORTER}/snmp?module=egov&target={address}", timeout=30) as answer:
        text = answer.read().decode()
    [line] = [line for line in text.splitlines() if line.startswith("snmp_scrape_pdus_returned ")]
    return int(float(line.split()[1]))


def run_snmp_exporter(lab: Lab, exporter: subprocess.Popen) -> Result:
    before, started = process_cpu(exporter.pid), time.perf_counter()
    with ThreadPoolExecutor(CONCURRENCY) as pool:
        values = sum(pool.map(scrape, lab.targets))
    wall, cpu = time.perf_counter() - started, process_cpu(exporter.pid) - before
    return Result("snmp_exporter 0.21 (Debian), max_repetitions 25", len(lab.targets), values, cpu, wall)


# Ours, and the steps that led there --------------------------------------------------------------------------------


async def pysnmp_by_the_book(lab: Lab, addresses: list[str], *, shared_engine: bool, lookup_mib: bool) -> int:
    """pysnmp 7 as its documentation shows it: bulk_walk_cmd per column (max-repetitions 25)."""
    shared = hlapi.SnmpEngine() if shared_engine else None
    limit = asyncio.Semaphore(CONCURRENCY)

    async def poll(address: str) -> int:
        async with limit:
            engine = shared or hlapi.SnmpEngine()
            auth, context = hlapi.CommunityData(lab.community), hlapi.ContextData()
            transport = await hlapi.UdpTransportTarget.create((address, 161), timeout=10, retries=0)
            error, status, _, varbinds = await hlapi.get_cmd(
                engine,
                auth,
                transport,
                context,
                *(hlapi.ObjectType(hlapi.ObjectIdentity(o)) for o in (oids.SYS_UPTIME, oids.SYS_NAME)),
                lookupMib=lookup_mib,
            )
            assert not error and not status, error or status
            values = len(varbinds)
            for column in oids.INTERFACE_COLUMNS:
                async for error, status, _, varbinds in hlapi.bulk_walk_cmd(
                    engine,
                    auth,
                    transport,
                    context,
                    0,
                    25,
                    hlapi.ObjectType(hlapi.ObjectIdentity(column)),
                    lookupMib=lookup_mib,
                    lexicographicMode=False,
                ):
                    assert not error and not status, error or status
                    values += len(varbinds)
            if not shared:
                engine.close_dispatcher()
            return values

    values = sum(await asyncio.gather(*(poll(address) for address in addresses)))
    if shared:
        shared.close_dispatcher()
    return values


async def ours(lab: Lab, addresses: list[str], *, lean_v2c: bool, max_values: int, version: str = "2c") -> int:
    credentials = {"bench": Credential("bench", community=lab.community), "bench-v3": lab.v3}
    credential = "bench" if version == "2c" else "bench-v3"
    targets = [
        Target(device=a, host=a, credential=credential, version=version, timeout=10, retries=0) for a in addresses
    ]
    values = 0
    async with SnmpClient(lean_v2c=lean_v2c, max_values=max_values) as client:
        async for poll in poll_many(targets, credentials.__getitem__, concurrency=CONCURRENCY, client=client):
            assert poll.ok and len(poll.interfaces) == INTERFACES, poll.error or len(poll.interfaces)
            values += poll.values
    return values


def measure(name: str, addresses: list[str], coroutine) -> Result:
    cpu, started = time.process_time(), time.perf_counter()
    values = asyncio.run(coroutine)
    return Result(name, len(addresses), values, time.process_time() - cpu, time.perf_counter() - started)


def pysnmp_steps(lab: Lab) -> list[Result]:
    """pysnmp as documented, then one change at a time up to ours on pysnmp, and ours on SNMPv3 (pysnmp too):
    measured once, on the first SLOW_AGENTS agents (they take seconds of CPU per agent)."""
    few = lab.targets[:SLOW_AGENTS]
    by_the_book = [
        ("pysnmp by the book: engine per device, MIB lookups, bulk_walk_cmd per column (25)", False, True),
        ("  + one engine for all devices", True, True),
        ("  + lookupMib=False", True, False),
    ]
    results = [
        measure(name, few, pysnmp_by_the_book(lab, few, shared_engine=shared, lookup_mib=lookup))
        for name, shared, lookup in by_the_book
    ]
    name = "  + 13 columns per GETBULK, 60 values, no hlapi resolution (ours on pysnmp)"
    results.append(measure(name, few, ours(lab, few, lean_v2c=False, max_values=60)))
    name = "ours, SNMPv3 authPriv SHA/AES (pysnmp), 60 values, engine discovery included"
    results.append(measure(name, few, ours(lab, few, lean_v2c=True, max_values=60, version="3")))
    return results


def lean_variants(lab: Lab) -> dict:
    """Our client with the lean codec (SNMPv2c), by request size: each a function returning one round's Result."""
    variants = {
        "  + lean BER codec (ours), 13 values per GETBULK": 13,
        "  + lean BER codec (ours), 60 values per GETBULK: the default": 60,
        "  + lean BER codec (ours), 100 values per GETBULK": 100,
    }
    return {
        name: lambda size=size, name=name: measure(
            name, lab.targets, ours(lab, lab.targets, lean_v2c=True, max_values=size)
        )
        for name, size in variants.items()
    }


def collector_job(lab: Lab):
    """What one RQ job of a cycle costs a worker, for docs/scaling.md: ``Collector.run_batch`` over every agent
    (claims, backoff states, the poll, the devices' data written to a real Redis), no quota enforced on them (the
    accounting and NetBox's upsert are per enforcement point, a few per agency, not per device)."""
    from egov_collectors.cycle import Batch, Collector
    from egov_collectors.settings import Settings

    port = 6399
    lab.processes.append(subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                           "--dir", str(lab.folder)], stdout=subprocess.DEVNULL))
    time.sleep(0.5)
    os.environ["EGOV_SNMP_BENCH_COMMUNITY"] = lab.community  # the secrets' environment form
    settings = Settings(netbox_url="http://127.0.0.1:9/", netbox_token="unused", redis_url=f"redis://127.0.0.1:{port}/0",
                        spool_dir=lab.folder / "spool", concurrency=CONCURRENCY)
    collector = Collector(settings)
    baseline_memory = collector.redis.info("memory")["used_memory"]
    targets = tuple(Target(device=a, host=a, credential="bench", timeout=10, retries=0) for a in lab.targets)
    name = "egov-collector job: claims + poll + store in Redis (one worker process)"

    def run():
        cycle = f"bench-{time.monotonic_ns()}"
        cpu, started = time.process_time(), time.perf_counter()
        reports = collector.run_batch(cycle, Batch(targets))
        assert all(r.poll.ok for r in reports), [r.poll.error for r in reports if not r.poll.ok][:3]
        values = sum(r.poll.values for r in reports)
        memory = collector.redis.info("memory")["used_memory"] - baseline_memory
        print(f"(collector job: Redis holds {memory / len(reports) / 1024:.1f} KiB per device of "
              f"{INTERFACES} interfaces)", flush=True)
        return Result(name, len(reports), values, time.process_time() - cpu, time.perf_counter() - started)

    return {name: run}


def median(results: list[Result]) -> Result:
    return sorted(results, key=lambda result: result.cpu)[len(results) // 2]


def report(results: list[Result], reference: Result, exporter: Result) -> None:
    print(f"{AGENTS} agents x {INTERFACES} interfaces, one snmpd; concurrency {CONCURRENCY}; median of {ROUNDS} rounds")
    print(f"(the steps through pysnmp, SNMPv3 included: one round of the first {SLOW_AGENTS} agents)")
    header = f"{'client':86} {'agents':>6} {'values':>7} {'CPU s':>6} {'wall s':>6} {'ms/1000':>7} {'dev/min/core':>12}"
    print(f"{header} {'/bulkwalk':>9} {'/exporter':>9}")
    for result in results:
        print(
            f"{result.client:86} {result.agents:6d} {result.values:7d} {result.cpu:6.2f} {result.wall:6.2f} "
            f"{result.ms_per_1000:7.1f} {result.devices_per_minute_per_core:12.0f} "
            f"{result.ms_per_1000 / reference.ms_per_1000:9.2f} {result.ms_per_1000 / exporter.ms_per_1000:9.2f}"
        )


def main() -> None:
    if os.geteuid() != 0:
        sys.exit("run as root: the lab needs network namespaces")
    for tool in ("snmpd", "snmpbulkwalk", "prometheus-snmp-exporter", "ip"):
        if not shutil.which(tool):
            sys.exit(f"{tool} is not installed")
    with tempfile.TemporaryDirectory(prefix="egov-bench-snmp-") as folder:
        lab = Lab(Path(folder))
        try:
            lab.open()
            lab.enter_poller()
            wait_for_snmpd(lab)
            asyncio.run(ours(lab, lab.targets, lean_v2c=True, max_values=60))  # snmpd's caches, v3 discovery
            exporter = start_snmp_exporter(lab)
            clients = {
                "snmpbulkwalk + snmpget (net-snmp 5.9, -Cr25)": lambda: run_snmpbulkwalk(lab),
                "snmp_exporter 0.21 (Debian), max_repetitions 25": lambda: run_snmp_exporter(lab, exporter),
                **lean_variants(lab),
                **collector_job(lab),
            }
            rounds = {name: [] for name in clients}
            for _ in range(ROUNDS):  # interleaved, so every client sees the same machine
                for name, run in clients.items():
                    rounds[name].append(run())
            steps = pysnmp_steps(lab)
        finally:
            lab.close()
    medians = {name: median(results) for name, results in rounds.items()}
    reference, exporter_result, *lean = medians.values()
    report([reference, exporter_result, *steps[:-1], *lean, steps[-1]], reference, exporter_result)


if __name__ == "__main__":
    main()
