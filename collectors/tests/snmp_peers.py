"""Real SNMP peers for the SNMP client's tests: net-snmp's snmpd and snmpsim in network namespaces of their own.

Two namespaces per test session, ``egova<pid>`` (the agents) and ``egovc<pid>`` (the poller), joined by a veth
pair (10.66.0.1 on the agent side, 10.66.0.2 on the poller's); IPv6 is off in both so the veth counters move only
with what the tests send. ``SnmpLab.run`` runs a coroutine in a thread that has joined the poller's namespace, so
the client under test opens its sockets there. Everything started here is stopped by its pid and both namespaces are
deleted when the session ends.

snmpsim serves the recordings of snmpsim-data (the package in the venv) and this directory's ``recordings/``. The
snmpsim-data recordings are bz2 files of 1.5 GB in all, which snmpsim would decompress from the start for every
lookup; the fixture keeps, once per snmpsim-data version in /var/tmp, only the lines the client can ever be
answered with: the system group's sysUpTime and sysName, the IF-MIB and MIKROTIK-MIB columns it walks, and the
100 records that follow each of those lines (more than any GETBULK asks past a column's end), split into two shards
served by two snmpsim processes so both cores work; snmpsim's index of them is kept there too.
"""

import asyncio
import importlib.metadata
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from tests.namespaces import in_namespace

from egov_collectors.model import Credential

AGENT_IP = "10.66.0.1"
POLLER_IP = "10.66.0.2"
SNMPD_PORT = 161
DEAD_PORT = 9  # nothing listens there
GARBAGE_PORT = 2161  # answers every datagram with bytes that are not SNMP
BROKEN_PORT = 2162  # answers with an SNMPv2c Response whose variable binding is cut short
TOO_BIG_PORT = 2163  # answers tooBig to a GETBULK of more than TOO_BIG_LIMIT values
LOOPING_PORT = 2164  # answers a GETBULK with the OID it was asked from
SNMPSIM_PORTS = (1161, 1162, 1163)  # snmpsim-data's two shards, then this directory's recordings
RECORDINGS = Path(__file__).parent / "recordings"
SNMPD_CACHE_SECONDS = 3.5  # net-snmp caches the interface table for 3 s (nsCacheTimeout of ifTable)
_TOOL_ENV = {**os.environ, "MIBS": "", "MIBDIRS": "/nonexistent"}  # numeric OIDs only: no MIB loading noise


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: takes more than a few seconds (real agents, many recordings)")


def _run(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(args, check=True, capture_output=True, text=True, **kwargs)


@dataclass
class SnmpLab:
    """The two namespaces and the processes started in them."""

    agent_ns: str
    poller_ns: str
    agent_link: str  # the veth end in the agent namespace, as snmpd sees it
    processes: list[subprocess.Popen] = field(default_factory=list)

    def in_agent(self, *args: str) -> list[str]:
        return ["ip", "netns", "exec", self.agent_ns, *args]

    def in_poller(self, *args: str) -> list[str]:
        return ["ip", "netns", "exec", self.poller_ns, *args]

    def start(self, args: list[str], log: Path, **kwargs) -> subprocess.Popen:
        """Start a long-running process; it is stopped by its pid when the session ends."""
        with open(log, "ab") as output:
            process = subprocess.Popen(args, stdout=output, stderr=subprocess.STDOUT, **kwargs)
        self.processes.append(process)
        return process

    def stop(self, process: subprocess.Popen) -> None:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if process in self.processes:
            self.processes.remove(process)

    def run(self, coroutine_factory):
        """Run ``coroutine_factory()`` to completion on a fresh event loop inside the poller's namespace."""
        return in_namespace(self.poller_ns, lambda: asyncio.run(coroutine_factory()))

    def link_stats(self) -> dict:
        """The kernel's 64-bit counters of the agent's veth end (``ip -s -j link``)."""
        [link] = json.loads(_run("ip", "-n", self.agent_ns, "-s", "-j", "link", "show", self.agent_link).stdout)
        return link

    def iperf3(self, megabytes: int, *, reverse: bool = False) -> None:
        """Send ``megabytes`` through the veth with iperf3 (poller to agent; agent to poller with ``reverse``)."""
        port = 5201
        server = subprocess.Popen(
            self.in_agent("iperf3", "-s", "-1", "-B", AGENT_IP, "-p", str(port)),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            command = self.in_poller("iperf3", "-c", AGENT_IP, "-p", str(port), "-n", f"{megabytes}M")
            if reverse:
                command.append("-R")
            for _ in range(50):  # the server needs a moment to listen
                if subprocess.run(command, capture_output=True).returncode == 0:
                    return
                time.sleep(0.1)
            raise RuntimeError(f"iperf3 to {AGENT_IP}:{port} did not run")
        finally:
            self.stop(server)


@pytest.fixture(scope="session")
def snmp_lab():
    pid = os.getpid()
    lab = SnmpLab(agent_ns=f"egova{pid}", poller_ns=f"egovc{pid}", agent_link=f"ega{pid}")
    poller_link = f"egc{pid}"
    try:
        for namespace in (lab.agent_ns, lab.poller_ns):
            _run("ip", "netns", "add", namespace)
            _run(
                "ip",
                "netns",
                "exec",
                namespace,
                "sysctl",
                "-qw",
                "net.ipv6.conf.all.disable_ipv6=1",
                "net.ipv6.conf.default.disable_ipv6=1",
            )
            _run("ip", "-n", namespace, "link", "set", "lo", "up")
        _run("ip", "link", "add", lab.agent_link, "type", "veth", "peer", "name", poller_link)
        _run("ip", "link", "set", lab.agent_link, "netns", lab.agent_ns)
        _run("ip", "link", "set", poller_link, "netns", lab.poller_ns)
        _run("ip", "-n", lab.agent_ns, "addr", "add", f"{AGENT_IP}/24", "dev", lab.agent_link)
        _run("ip", "-n", lab.poller_ns, "addr", "add", f"{POLLER_IP}/24", "dev", poller_link)
        _run("ip", "-n", lab.agent_ns, "link", "set", lab.agent_link, "up")
        _run("ip", "-n", lab.poller_ns, "link", "set", poller_link, "up")
        yield lab
    finally:
        for process in list(lab.processes):
            lab.stop(process)
        for namespace in (lab.agent_ns, lab.poller_ns):
            subprocess.run(["ip", "netns", "del", namespace], capture_output=True)


def _wait_for_agent(lab: SnmpLab, port: int, community: str, seconds: float) -> None:
    """Until the agent answers a GET of sysUpTime.0, whatever the answer (net-snmp's snmpget, not the client under
    test; some recordings have no sysUpTime)."""
    deadline = time.monotonic() + seconds
    command = lab.in_poller(
        "snmpget", "-v2c", "-c", community, "-t", "0.3", "-r", "0", f"{AGENT_IP}:{port}", "1.3.6.1.2.1.1.3.0"
    )
    while time.monotonic() < deadline:
        if "Timeout" not in subprocess.run(command, capture_output=True, text=True, env=_TOOL_ENV).stderr:
            return
        time.sleep(0.2)
    raise RuntimeError(f"no SNMP agent answered on {AGENT_IP}:{port} within {seconds} s")


@dataclass(frozen=True)
class Snmpd:
    """The net-snmp agent: a v2c community and two v3 users."""

    port: int
    community: Credential
    sha: Credential  # SHA / AES-128
    sha256: Credential  # SHA-256 / AES-128
    sys_name: str = "egov-lab-agent"


@pytest.fixture(scope="session")
def snmpd(snmp_lab, tmp_path_factory) -> Snmpd:
    directory = tmp_path_factory.mktemp("snmpd")
    agent = Snmpd(
        port=SNMPD_PORT,
        community=Credential("lab-v2c", community=secrets.token_hex(8)),
        sha=Credential(
            "lab-sha",
            user="egov-sha",
            auth_protocol="SHA",
            auth_key=secrets.token_hex(8),
            priv_protocol="AES",
            priv_key=secrets.token_hex(8),
        ),
        sha256=Credential(
            "lab-sha256",
            user="egov-sha256",
            auth_protocol="SHA-256",
            auth_key=secrets.token_hex(8),
            priv_protocol="AES",
            priv_key=secrets.token_hex(8),
        ),
    )
    config = directory / "snmpd.conf"
    config.write_text(
        f"agentAddress udp:{AGENT_IP}:{SNMPD_PORT}\n"
        f"rocommunity {agent.community.community} {POLLER_IP}/32\n"
        f'createUser {agent.sha.user} SHA "{agent.sha.auth_key}" AES "{agent.sha.priv_key}"\n'
        f'createUser {agent.sha256.user} SHA-256 "{agent.sha256.auth_key}" AES "{agent.sha256.priv_key}"\n'
        f"rouser {agent.sha.user} priv\n"
        f"rouser {agent.sha256.user} priv\n"
        f"sysName {agent.sys_name}\n"
    )
    snmp_lab.start(
        snmp_lab.in_agent("snmpd", "-f", "-C", "-c", str(config), "-Lf", str(directory / "snmpd.log")),
        directory / "snmpd.out",
        env={**_TOOL_ENV, "SNMP_PERSISTENT_DIR": str(directory)},  # not /var/lib/snmp
    )
    _wait_for_agent(snmp_lab, SNMPD_PORT, agent.community.community, 10)
    return agent


# snmpsim ----------------------------------------------------------------------------------------------------------

_KEPT = (
    r"^1\.3\.6\.1\.2\.1\.1\.[35]\.0\|",  # sysUpTime.0, sysName.0
    r"^1\.3\.6\.1\.2\.1\.2\.2\.1\.",  # ifTable
    r"^1\.3\.6\.1\.2\.1\.31\.1\.1\.1\.",  # ifXTable
    r"^1\.3\.6\.1\.4\.1\.14988\.1\.1\.2\.1\.1\.",  # MIKROTIK-MIB mtxrQueueSimpleTable
)
_FOLLOWING = 100


def snmpsim_data_recordings() -> list[tuple[str, Path]]:
    """(community, file) of every recording snmpsim-data ships: snmpsim names a recording by its path."""
    import snmpsim_data

    root = Path(snmpsim_data.__file__).parent / "data"
    found = []
    for path in sorted(root.rglob("*.snmprec*")):
        relative = str(path.relative_to(root))
        found.append((relative.removesuffix(".bz2").removesuffix(".snmprec"), path))
    return found


def _extract(source: Path, target: Path) -> int:
    """Copy the kept lines of one recording (``grep -A`` does the following-records part); return its size."""
    reader = subprocess.Popen(["bzcat" if source.suffix == ".bz2" else "cat", str(source)], stdout=subprocess.PIPE)
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "wb") as output:
        subprocess.run(
            ["grep", "-a", "-E", "-A", str(_FOLLOWING), "--no-group-separator", "|".join(_KEPT)],
            stdin=reader.stdout,
            stdout=output,
        )
    reader.stdout.close()
    reader.wait()
    return target.stat().st_size


def snmpsim_data_extract() -> Path:
    """The kept lines of every snmpsim-data recording in two shards, built once per snmpsim-data version."""
    root = Path("/var/tmp") / f"egov-snmpsim-data-{importlib.metadata.version('snmpsim-data')}"
    if (root / "complete").exists():
        return root
    building = Path(tempfile.mkdtemp(prefix=root.name + ".", dir=root.parent))
    sizes = {}
    for community, path in snmpsim_data_recordings():
        sizes[community] = _extract(path, building / "all" / f"{community}.snmprec")
    # Largest first onto the lighter shard: the snmpsim processes then finish at about the same time.
    load = [0, 0]
    for community in sorted(sizes, key=sizes.get, reverse=True):
        shard = load.index(min(load))
        load[shard] += sizes[community]
        destination = building / f"shard-{shard}" / f"{community}.snmprec"
        destination.parent.mkdir(parents=True, exist_ok=True)
        (building / "all" / f"{community}.snmprec").rename(destination)
    shutil.rmtree(building / "all")
    for shard in (0, 1):
        (building / f"shard-{shard}").mkdir(exist_ok=True)
    (building / "index").mkdir()
    shutil.chown(building / "index", "nobody", "nogroup")  # snmpsim writes its index there, as nobody
    os.chmod(building, 0o755)
    (building / "complete").touch()
    try:
        building.rename(root)
    except OSError:  # another run finished first
        shutil.rmtree(building)
    return root


# snmpsim switches to nobody after binding its port; nobody cannot read this Python's standard library (under
# /root), so the modules snmpsim imports late (dbm for its index, the codecs of its recordings) are imported first.
_SNMPSIM_LAUNCHER = (
    "import dbm.dumb, encodings.ascii, encodings.latin_1, encodings.utf_8, sys\n"
    "from snmpsim.commands.responder import main\n"
    "sys.argv[0] = 'snmpsim-command-responder'\n"
    "sys.exit(main())\n"
)


@dataclass(frozen=True)
class Snmpsim:
    """The snmpsim agents: a recording is polled with its name as the community, on its agent's port."""

    ports: dict[str, int]  # community -> port
    extract: Path  # the kept lines of snmpsim-data's recordings (shard-0/, shard-1/)


def _start_snmpsim(lab: SnmpLab, data_dir: Path, cache_dir: Path, port: int, log: Path) -> subprocess.Popen:
    return lab.start(
        lab.in_agent(
            sys.executable,
            "-c",
            _SNMPSIM_LAUNCHER,
            f"--data-dir={data_dir}",
            f"--cache-dir={cache_dir}",
            f"--agent-udpv4-endpoint={AGENT_IP}:{port}",
            "--process-user=nobody",
            "--process-group=nogroup",
            "--log-level=error",
        ),
        log,
    )


@pytest.fixture(scope="session")
def snmpsim(snmp_lab) -> Snmpsim:
    """Three snmpsim processes: the two shards of snmpsim-data (index kept in /var/tmp) and ``recordings/``."""
    extract = snmpsim_data_extract()
    own = Path(tempfile.mkdtemp(prefix="egov-snmpsim-"))  # readable by nobody, unlike pytest's tmp dirs
    os.chmod(own, 0o755)
    (own / "data").mkdir(mode=0o755)
    for recording in RECORDINGS.glob("*.snmprec"):
        shutil.copy(recording, own / "data" / recording.name)
        os.chmod(own / "data" / recording.name, 0o644)
    (own / "index").mkdir()
    shutil.chown(own / "index", "nobody", "nogroup")
    agents = [
        (extract / "shard-0", extract / "index", SNMPSIM_PORTS[0]),
        (extract / "shard-1", extract / "index", SNMPSIM_PORTS[1]),
        (own / "data", own / "index", SNMPSIM_PORTS[2]),
    ]
    processes = []
    try:
        ports = {}
        for data_dir, cache_dir, port in agents:
            for path in data_dir.rglob("*.snmprec"):
                ports[str(path.relative_to(data_dir)).removesuffix(".snmprec")] = port
            processes.append(_start_snmpsim(snmp_lab, data_dir, cache_dir, port, own / f"snmpsim-{port}.log"))
        # The first run indexes the extract (about 20 s); later runs find the index in place.
        for _, _, port in agents:
            _wait_for_agent(snmp_lab, port, next(c for c, p in ports.items() if p == port), 120)
        yield Snmpsim(ports=ports, extract=extract)
    finally:
        for process in processes:
            snmp_lab.stop(process)
        shutil.rmtree(own)


# Agents that answer wrong -----------------------------------------------------------------------------------------

# A Response with request-id 1 whose only variable binding claims 16 octets of OID and holds 2.
_BROKEN_RESPONSE = bytes.fromhex("301b020101040670 75626c6963a20e020101020100020100300330 1006")

# Two small SNMPv2c agents built on pysnmp's message codec (not the client's): one says tooBig to any GETBULK that
# asks for more than TOO_BIG_LIMIT values (as some old agents do, though RFC 3416 says to send fewer), the other
# answers every GETNEXT or GETBULK with the OID it was asked from (an agent that loops). Both serve sysUpTime,
# sysName and three interfaces with every column the client walks.
TOO_BIG_LIMIT = 20
_AGENTS = f"""
import bisect, select, socket
from pyasn1.codec.ber import decoder, encoder
from pysnmp.proto import rfc1905
from pysnmp.proto.api import v2c

MIB = {{(1, 3, 6, 1, 2, 1, 1, 3, 0): v2c.TimeTicks(4242), (1, 3, 6, 1, 2, 1, 1, 5, 0): v2c.OctetString(b"scripted")}}
for index in (1, 2, 3):
    for column in (7, 8, 13, 14, 19, 20):
        MIB[(1, 3, 6, 1, 2, 1, 2, 2, 1, column, index)] = v2c.Integer(1) if column < 9 else v2c.Counter32(index)
    for column in (1, 18):
        MIB[(1, 3, 6, 1, 2, 1, 31, 1, 1, 1, column, index)] = v2c.OctetString(f"if{{index}}".encode())
    for column in (6, 7, 10, 11):
        MIB[(1, 3, 6, 1, 2, 1, 31, 1, 1, 1, column, index)] = v2c.Counter64(2**40 * index + column)
    MIB[(1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 15, index)] = v2c.Gauge32(1000)
NAMES = sorted(MIB)


def following(oid):
    at = bisect.bisect_right(NAMES, oid)
    return (NAMES[at], MIB[NAMES[at]]) if at < len(NAMES) else (oid, rfc1905.endOfMibView)


def answer(request, loops):
    pdu = v2c.apiMessage.get_pdu(request)
    names = [tuple(name) for name, _ in v2c.apiPDU.get_varbinds(pdu)]
    response = v2c.apiPDU.get_response(pdu)
    if pdu.tagSet == v2c.GetRequestPDU.tagSet:
        bindings = [(name, MIB.get(name, rfc1905.noSuchInstance)) for name in names]
    else:
        repetitions = v2c.apiBulkPDU.get_max_repetitions(pdu)
        if not loops and repetitions * len(names) > {TOO_BIG_LIMIT}:
            v2c.apiPDU.set_error_status(response, 1)  # tooBig
            bindings = []
        else:
            bindings, row = [], names
            for _ in range(repetitions):
                row = [(name, MIB.get(name, v2c.Integer(0))) if loops else following(name) for name in row]
                bindings += row
                row = [name for name, _ in row]
    v2c.apiPDU.set_varbinds(response, bindings)
    message = v2c.apiMessage.get_response(request)
    v2c.apiMessage.set_pdu(message, response)
    return encoder.encode(message)


behaviours = {{}}
for port, behaviour in (({GARBAGE_PORT}, "garbage"), ({BROKEN_PORT}, "broken"), ({TOO_BIG_PORT}, "too big"),
                        ({LOOPING_PORT}, "loops")):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(({AGENT_IP!r}, port))
    behaviours[sock] = behaviour
while True:
    for sock in select.select(list(behaviours), [], [])[0]:
        data, peer = sock.recvfrom(65535)
        behaviour = behaviours[sock]
        if behaviour == "garbage":
            sock.sendto(b"HTTP/1.1 400 Bad Request\\r\\n\\r\\n", peer)
        elif behaviour == "broken":
            sock.sendto({_BROKEN_RESPONSE!r}, peer)
        else:
            request, _ = decoder.decode(data, asn1Spec=v2c.Message())
            sock.sendto(answer(request, behaviour == "loops"), peer)
"""


@pytest.fixture(scope="session")
def bad_agents(snmp_lab, tmp_path_factory) -> None:
    """UDP peers that answer wrongly: text (GARBAGE_PORT), a cut-short SNMP message (BROKEN_PORT), tooBig to large
    GETBULKs (TOO_BIG_PORT), the same OID again and again (LOOPING_PORT)."""
    log = tmp_path_factory.mktemp("bad-agents") / "out.log"
    process = snmp_lab.start(snmp_lab.in_agent(sys.executable, "-c", _AGENTS), log)
    _wait_for_agent(snmp_lab, TOO_BIG_PORT, "any", 10)
    if process.poll() is not None:
        raise RuntimeError(f"the bad agents did not start: {log.read_text()}")
