"""Scrapes of egov-exporter at ten times Klaten's size (500 devices x 48 interfaces, 55 agencies), next to the floor
of the library itself in the same run: prometheus-client's ``generate_latest`` rendering the very same samples from
metric families already built in memory.

The exporter keeps each device's text from one poll to the next (collectors.py), so what a scrape costs depends on
how many devices the collectors polled since the last one. Timed, each over HTTP as Prometheus scrapes (its Accept
header, gzip accepted):

- the first scrape of a new exporter process, sent as it starts: every device read and written (by the scrape or
  by the warm loop's first write of everything, ``Exporter.warm``, which it waits for);
- a scrape with no device polled since the last (most scrapes: a cycle every 5 minutes, scrapes every 15 to 60 s);
- a scrape with 25 devices polled since (polls spread over the cycle, one 15-s scrape's share: 500 x 15 / 300);
- a scrape with all 500 polled since (a cycle's polls end within seconds, so this is the first scrape after
  each cycle), right after the last write and 2 s after it: the warm loop (as ``egov-exporter serve`` runs it)
  looks at the index every second and writes ahead what was polled;
- no device polled since, without gzip.

The collectors' data is written into a private redis-server (Debian's, on a free port, no persistence) with
``CollectorStore.write_device``, exactly as the collectors write it; a poll writes the device again with its
counters moved. The site and agency of each device come from a labels map as the NetBox source's cache gives them
between its refreshes (NetBox itself is not read: its share of a scrape is the cached families of 55 agencies).
Each round serves a new exporter from a child process (the client timing it never competes with it for the
interpreter) and interleaves the floor with the scrapes, so both see the same machine. The breakdown times steps
apart in this process, and what prometheus-client's own WSGI application would spend instead (OpenMetrics, which it
gives Prometheus, and gzip at level 9).

Run: ``make bench-exporter`` (no services needed); BENCH_EXPORTER_DEVICES=100 or BENCH_EXPORTER_ROUNDS=3 for a
quicker run.
"""

import gzip
import multiprocessing
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "collectors"), str(ROOT / "exporters")]

import redis  # noqa: E402  (path set up above)
from prometheus_client import generate_latest  # noqa: E402
from prometheus_client.openmetrics.exposition import generate_latest as openmetrics_latest  # noqa: E402
from prometheus_client.parser import text_string_to_metric_families  # noqa: E402

from egov_collectors.accounting import KIND_QUEUE, AgencyCounters, AgencyState  # noqa: E402
from egov_collectors.model import DevicePoll, InterfaceCounters  # noqa: E402
from egov_collectors.store import CollectorStore  # noqa: E402
from egov_exporter import server  # noqa: E402
from egov_exporter.collectors import RedisSource  # noqa: E402
from egov_exporter.exporter import Exporter  # noqa: E402
from egov_exporter.exposition import garbage_collector_paused  # noqa: E402
from egov_exporter.sources import SourceStatus  # noqa: E402

DEVICES = int(os.environ.get("BENCH_EXPORTER_DEVICES", "500"))
ROUNDS = int(os.environ.get("BENCH_EXPORTER_ROUNDS", "5"))
INTERFACES = 48
AGENCIES = 55
SITES = 60
SPREAD = max(1, DEVICES * 15 // 300)  # devices polled between two 15-s scrapes when polls spread over a 5-minute cycle
PROMETHEUS_HEADERS = {  # what Prometheus 2.42 sends with every scrape
    "Accept": "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,"
              "text/plain;version=0.0.4;q=0.5,*/*;q=0.1",
    "Accept-Encoding": "gzip",
}
SCRAPES = {  # key -> row of the report
    "first": "first scrape, as the process starts: every device read",
    "none": "no device polled since the last scrape",
    "some": f"{SPREAD} devices polled since (polls spread over the cycle)",
    "all": f"all {DEVICES} polled since, right after the last write",
    "all-later": f"all {DEVICES} polled since, 2 s after the last write",
    "plain": "no device polled since, without gzip",
}


class CachedLabels:
    """NetBox's share of a scrape between two refreshes: its device labels from cache, no refresh."""

    def __init__(self, labels):
        self.labels = labels
        self.status = SourceStatus(up=True, last_success=time.time())

    def snapshot(self):
        return [], self.labels


class Families:
    """Families built once, rendered as a registry renders its collectors' (the floor)."""

    def __init__(self, families):
        self.families = families

    def collect(self):
        return self.families


def device_name(number: int) -> str:
    return f"sw-{number:03d}.klaten" if number >= AGENCIES else f"gw-agency-{number:02d}"


def poll(store: CollectorStore, numbers, moved: int = 0) -> dict:
    """Write the devices ``numbers`` as a collector's poll does, their counters ``moved`` on; agency gateways carry
    their agency's counters. Returns their labels (device -> site, agency)."""
    now = time.time()
    labels = {}
    for number in numbers:
        name = device_name(number)
        interfaces = tuple(
            InterfaceCounters(index=index, name=f"ether{index}", alias=f"ke ruang server {index}", oper_status=1,
                              admin_status=1, speed_bps=10**9, counter_bits=64, in_octets=81234567890 + index + moved,
                              out_octets=9234567890 * index + moved, in_ucast_packets=123456789 + moved,
                              out_ucast_packets=98765432 + moved, in_errors=number % 7, out_errors=0,
                              in_discards=index % 3, out_discards=0)
            for index in range(1, INTERFACES + 1)
        )
        device = DevicePoll(device=name, polled_at=now, duration=0.31, ok=True, sys_name=name,
                            sys_uptime_cs=86700000 + number + moved, values=15 * INTERFACES + 2,
                            interfaces=interfaces)
        slug = f"agency-{number % AGENCIES:02d}"
        agencies = []
        if number < AGENCIES:
            agencies.append(AgencyState(slug, name, None, AgencyCounters(
                tenant=slug, device=name, kind=KIND_QUEUE, counter=f"egov-{slug}", at=now, down=81234567890 + moved,
                up=9234567890 + moved, uptime_cs=86700000)))
        store.write_device(device, agencies=agencies, discards={"over-speed": 1} if number % 50 == 0 else None)
        labels[name] = {"site": f"site-{number % SITES:02d}", "agency": slug}
    return labels


def timed(function):
    started = time.perf_counter()
    result = function()
    return time.perf_counter() - started, result


def scrape(url: str, headers: dict) -> bytes:
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=120) as answer:
        return answer.read()


def serving(exporter: Exporter):
    """A child process serving ``exporter`` as ``egov-exporter serve`` does, never scraped before (the kept text
    starts empty), its URL and the memory it starts with (this process's, shared): a client thread here would
    share the server's interpreter lock and slow down the scrapes it times."""
    httpd = server.start(exporter, "127.0.0.1", 0)
    forked_with = memory("self", "VmRSS")
    child = multiprocessing.get_context("fork").Process(target=serve, args=(exporter, httpd), daemon=True)
    child.start()
    httpd.server_close()  # the child has the socket
    return child, server.url(httpd), forked_with


def serve(exporter: Exporter, httpd):
    threading.Thread(target=exporter.warm, args=(threading.Event(),), daemon=True).start()
    httpd.serve_forever()


def scrapes(store: CollectorStore, labels: dict, moved: int) -> dict[str, float]:
    """One round of the scrapes of ``SCRAPES`` from a new exporter process."""
    child, url, forked_with = serving(Exporter(RedisSource(store), CachedLabels(labels)))
    times = {}
    try:
        times["first"], _ = timed(lambda: scrape(url, PROMETHEUS_HEADERS))
        times["none"], _ = timed(lambda: scrape(url, PROMETHEUS_HEADERS))
        times["plain"], _ = timed(lambda: scrape(url, {}))
        poll(store, range(0, DEVICES, DEVICES // SPREAD), moved)
        times["some"], _ = timed(lambda: scrape(url, PROMETHEUS_HEADERS))
        poll(store, range(DEVICES), moved + 1)
        times["all"], _ = timed(lambda: scrape(url, PROMETHEUS_HEADERS))
        poll(store, range(DEVICES), moved + 2)
        time.sleep(2)
        times["all-later"], _ = timed(lambda: scrape(url, PROMETHEUS_HEADERS))
        times["memory"] = memory(child.pid, "VmHWM") - forked_with
    finally:
        child.terminate()
        child.join(10)
    return times


def memory(pid: int | str, field: str) -> float:
    """A memory field of process ``pid``'s /proc status (VmRSS, VmHWM: resident now, at its peak), in MB."""
    status = Path(f"/proc/{pid}/status").read_text()
    return next(int(line.split()[1]) for line in status.splitlines() if line.startswith(f"{field}:")) / 1024


def breakdown(store: CollectorStore, labels: dict, floor: Families) -> dict[str, float]:
    """Steps timed apart in this process, and what prometheus-client's own WSGI application would spend instead."""
    steps = {}
    source = RedisSource(store)
    with garbage_collector_paused():  # as a scrape writes its text
        steps["RedisSource.text, every device read and written"], text = timed(lambda: source.text(labels))
        names = sorted(name.decode() for name in store.client.zrange(store.index_key, 0, -1))
        steps["  of which the store's read of them all (read_devices)"], _ = timed(lambda: store.read_devices(names))
        steps["not used: read_all, the same into dataclasses"], _ = timed(lambda: store.read_all(time.time()))
        steps["RedisSource.text, no device polled since"], _ = timed(lambda: source.text(labels))
    steps["gzip level 1 of the text"], _ = timed(lambda: gzip.compress(text, compresslevel=server.GZIP_LEVEL))
    steps["not served: OpenMetrics rendered"], _ = timed(lambda: openmetrics_latest(floor))
    steps["not served: gzip level 9"], _ = timed(lambda: gzip.compress(text))
    return steps


def main():
    with tempfile.TemporaryDirectory() as folder:
        port = free_port()
        redis_server = subprocess.Popen(
            ["/usr/bin/redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", folder], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            run(redis.Redis(port=port))
        finally:
            redis_server.terminate()
            redis_server.wait(10)


def run(client: redis.Redis):
    wait_for(client)
    store = CollectorStore(client)
    fill_time, labels = timed(lambda: poll(store, range(DEVICES)))
    text = Exporter(RedisSource(store), CachedLabels(labels)).text()
    # The floor: the same samples as plain metric families built once and kept in memory.
    floor = Families(list(text_string_to_metric_families(text.decode())))
    samples = sum(len(family.samples) for family in floor.collect())
    packed = len(gzip.compress(text, compresslevel=server.GZIP_LEVEL))
    times = {"floor": [], "memory": [], **{key: [] for key in SCRAPES}}
    steps = []
    for moved in range(0, 3 * ROUNDS, 3):
        times["floor"].append(timed(lambda: generate_latest(floor))[0])
        for key, seconds in scrapes(store, labels, moved).items():
            times[key].append(seconds)
        steps.append(breakdown(store, labels, floor))
    report(fill_time, samples, len(text), packed, times, steps)


def report(fill_time, samples, size, packed, times, steps):
    floor = statistics.median(times["floor"])
    print(f"{DEVICES} devices x {INTERFACES} interfaces, {AGENCIES} agencies: {samples:,} samples, "
          f"{size / 1e6:.1f} MB ({packed / 1e6:.1f} MB gzip); Redis filled in {fill_time:.1f} s; {ROUNDS} rounds; "
          f"load average {os.getloadavg()[0]:.1f}")
    print(f"{'':62} {'median s':>9} {'min s':>7} {'max s':>7} {'x floor':>8}")
    rows = [("floor: generate_latest of the same families, prebuilt", times["floor"]),
            *((f"scrape, {name}", times[key]) for key, name in SCRAPES.items())]
    for name, values in rows:
        median = statistics.median(values)
        print(f"{name:62} {median:9.2f} {min(values):7.2f} {max(values):7.2f} {median / floor:8.2f}")
    print(f"the exporter process's peak resident memory, beyond what it was forked with: "
          f"{statistics.median(times['memory']):.0f} MB")
    print("steps, apart:")
    for step in steps[0]:
        values = [round_steps[step] for round_steps in steps]
        print(f"  {step:60} {statistics.median(values):9.3f} {min(values):7.3f}")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(client: redis.Redis, seconds=15):
    deadline = time.monotonic() + seconds
    while True:
        try:
            client.ping()
            return
        except redis.ConnectionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


if __name__ == "__main__":
    main()
