"""One scrape of egov-exporter at ten times Klaten's size (500 devices x 48 interfaces, 55 agencies), next to the
floor of the library itself in the same run: prometheus-client's ``generate_latest`` rendering the very same
samples from metric families already built in memory.

The collectors' data is written into a private redis-server (Debian's, on a free port, no persistence) with
``CollectorStore.write_device``, exactly as the collectors write it; the site and agency of each device come from
a labels map as the NetBox source's cache gives them between its refreshes (NetBox itself is not read: its share
of a scrape is the cached families of 55 agencies). The exporter serves on a free loopback port and is scraped
over HTTP as Prometheus scrapes it (its Accept header, gzip accepted) and without gzip; rounds interleave the
floor and the scrapes so both see the same machine. The breakdown times the steps of one scrape apart (the
families: the Redis read, its JSON and the families built; rendering them; gzip) and what prometheus-client's own
WSGI application would spend instead (``generate_latest``, or OpenMetrics which it gives Prometheus, and gzip at
level 9). The exporter serves from a child process, so the client timing it never competes with it for the
interpreter.

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
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "collectors"), str(ROOT / "exporters")]

import redis  # noqa: E402  (path set up above)
from prometheus_client import generate_latest  # noqa: E402
from prometheus_client.openmetrics.exposition import generate_latest as openmetrics_latest  # noqa: E402

from egov_collectors.accounting import KIND_QUEUE, AgencyCounters, AgencyState  # noqa: E402
from egov_collectors.model import DevicePoll, InterfaceCounters  # noqa: E402
from egov_collectors.store import CollectorStore  # noqa: E402
from egov_exporter import server  # noqa: E402
from egov_exporter.collectors import RedisSource  # noqa: E402
from egov_exporter.exporter import Exporter  # noqa: E402
from egov_exporter.exposition import garbage_collector_paused, generate_text  # noqa: E402
from egov_exporter.sources import SourceStatus  # noqa: E402

DEVICES = int(os.environ.get("BENCH_EXPORTER_DEVICES", "500"))
ROUNDS = int(os.environ.get("BENCH_EXPORTER_ROUNDS", "5"))
INTERFACES = 48
AGENCIES = 55
SITES = 60
PROMETHEUS_HEADERS = {  # what Prometheus 2.42 sends with every scrape
    "Accept": "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,"
              "text/plain;version=0.0.4;q=0.5,*/*;q=0.1",
    "Accept-Encoding": "gzip",
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


def fill(store: CollectorStore) -> dict:
    """Write every device as a collector's poll does; agency gateways carry their agency's counters. Returns the
    labels map (device -> site, agency)."""
    now = time.time()
    labels = {}
    for number in range(DEVICES):
        name = device_name(number)
        interfaces = tuple(
            InterfaceCounters(index=index, name=f"ether{index}", alias=f"ke ruang server {index}", oper_status=1,
                              admin_status=1, speed_bps=10**9, counter_bits=64, in_octets=81234567890 + index,
                              out_octets=9234567890 * index, in_ucast_packets=123456789, out_ucast_packets=98765432,
                              in_errors=number % 7, out_errors=0, in_discards=index % 3, out_discards=0)
            for index in range(1, INTERFACES + 1)
        )
        poll = DevicePoll(device=name, polled_at=now, duration=0.31, ok=True, sys_name=name,
                          sys_uptime_cs=86700000 + number, values=15 * INTERFACES + 2, interfaces=interfaces)
        slug = f"agency-{number % AGENCIES:02d}"
        agencies = []
        if number < AGENCIES:
            agencies.append(AgencyState(slug, name, None, AgencyCounters(
                tenant=slug, device=name, kind=KIND_QUEUE, counter=f"egov-{slug}", at=now, down=81234567890,
                up=9234567890, uptime_cs=86700000)))
        store.write_device(poll, agencies=agencies, discards={"over-speed": 1} if number % 50 == 0 else None)
        labels[name] = {"site": f"site-{number % SITES:02d}", "agency": slug}
    return labels


def timed(function):
    started = time.perf_counter()
    result = function()
    return time.perf_counter() - started, result


def scrape(url: str, headers: dict) -> bytes:
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=120) as answer:
        return answer.read()


def breakdown(exporter: Exporter) -> dict[str, float]:
    """The steps of one scrape, timed apart, and what prometheus-client's own WSGI application would add."""
    steps = {}
    with garbage_collector_paused():  # as generate_text collects
        steps["families (Exporter.collect: Redis read, JSON, build)"], families = timed(
            lambda: list(exporter.collect()))
        steps["  of which the Redis read (read_all)"], _ = timed(lambda: exporter.redis.store.read_all(now=time.time()))
    rendered = Families(families)
    steps["text rendered (exposition.generate_text)"], text = timed(lambda: generate_text(rendered))
    steps["gzip level 1"], _ = timed(lambda: gzip.compress(text, compresslevel=server.GZIP_LEVEL))
    steps["not served: generate_latest"], _ = timed(lambda: generate_latest(rendered))
    steps["not served: OpenMetrics rendered"], _ = timed(lambda: openmetrics_latest(rendered))
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
    fill_time, labels = timed(lambda: fill(store))
    exporter = Exporter(RedisSource(store), CachedLabels(labels))
    floor_families = Families(list(exporter.collect()))  # the same samples, built once, kept in memory
    samples = sum(len(family.samples) for family in floor_families.collect())
    httpd = server.start(exporter, "127.0.0.1", 0)
    # Served from a child process, as the real exporter is its own process: a client thread here would share
    # the server's interpreter lock and slow down the scrapes it times.
    serving = multiprocessing.get_context("fork").Process(target=httpd.serve_forever, daemon=True)
    serving.start()
    url = server.url(httpd)
    try:
        text = scrape(url, {})
        packed = scrape(url, PROMETHEUS_HEADERS)
        times = {"floor": [], "prometheus": [], "plain": []}
        steps = []
        for _round in range(ROUNDS):
            times["floor"].append(timed(lambda: generate_latest(floor_families))[0])
            times["prometheus"].append(timed(lambda: scrape(url, PROMETHEUS_HEADERS))[0])
            times["plain"].append(timed(lambda: scrape(url, {}))[0])
            steps.append(breakdown(exporter))
    finally:
        serving.terminate()
        serving.join(10)
        httpd.server_close()
    report(fill_time, samples, len(text), len(packed), times, steps)


def report(fill_time, samples, size, packed, times, steps):
    floor = statistics.median(times["floor"])
    print(f"{DEVICES} devices x {INTERFACES} interfaces, {AGENCIES} agencies: {samples:,} samples, "
          f"{size / 1e6:.1f} MB ({packed / 1e6:.1f} MB gzip); Redis filled in {fill_time:.1f} s; {ROUNDS} rounds")
    print(f"{'':52} {'median s':>9} {'min s':>7} {'x floor':>8}")
    rows = [("floor: generate_latest of the same families, prebuilt", times["floor"]),
            ("scrape GET /metrics as Prometheus asks (gzip)", times["prometheus"]),
            ("scrape GET /metrics without gzip", times["plain"])]
    for name, values in rows:
        median = statistics.median(values)
        print(f"{name:52} {median:9.2f} {min(values):7.2f} {median / floor:8.2f}")
    print("one scrape's steps, apart:")
    for step in steps[0]:
        values = [round_steps[step] for round_steps in steps]
        print(f"  {step:50} {statistics.median(values):9.2f} {min(values):7.2f}")


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
