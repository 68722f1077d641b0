"""Peers of the exporter's tests: the collectors' store in the test session's Redis (tests.store_peers), devices
written into it as the collectors write them (``CollectorStore.write_device``), a scrape read back with
prometheus-client's own parser, and Debian's promtool."""

import subprocess
import time
from dataclasses import dataclass

import pytest
from prometheus_client import generate_latest
from prometheus_client.parser import text_string_to_metric_families

from egov_collectors.accounting import KIND_QUEUE, AgencyCounters, AgencyState
from egov_collectors.model import DevicePoll, InterfaceCounters
from egov_collectors.store import CollectorStore
from egov_exporter.collectors import RedisSource
from egov_exporter.sources import SourceStatus

PROMTOOL = "/usr/bin/promtool"
TTL = 900  # the store's default: what the collectors write with


@pytest.fixture
def store(redis_client):
    """The collectors' store on an empty database of the session's Redis."""
    return CollectorStore(redis_client, ttl=TTL)


@pytest.fixture
def redis_source(store):
    return RedisSource(store)


def interface(index, **values) -> InterfaceCounters:
    """An up 1 Gbit/s interface with 64-bit counters; ``values`` override any field."""
    fields = {"name": f"ether{index}", "alias": f"ke dinas {index}", "oper_status": 1, "admin_status": 1,
              "speed_bps": 10**9, "counter_bits": 64, "in_octets": 1000 * index, "out_octets": 2000 * index,
              "in_ucast_packets": 10 * index, "out_ucast_packets": 20 * index, "in_errors": index, "out_errors": 0,
              "in_discards": 0, "out_discards": index}
    return InterfaceCounters(index=index, **(fields | values))


def poll(device, *, ok=True, at=None, interfaces=(), uptime_cs=123456, values=40) -> DevicePoll:
    """A poll of ``device`` ending ``at`` (default: now), as the SNMP client reports it."""
    at = time.time() if at is None else at
    if not ok:
        return DevicePoll(device=device, polled_at=at, duration=2.0, ok=False,
                          error=f"{device} (192.0.2.1): no answer within 2.0 s")
    return DevicePoll(device=device, polled_at=at, duration=0.25, ok=True, sys_name=f"{device}.klaten.go.id",
                      sys_uptime_cs=uptime_cs, values=values, interfaces=tuple(interfaces))


def agency(tenant, device, *, down, up, at=None, kind=KIND_QUEUE) -> AgencyState:
    """An agency measured on ``device``: its last read (``at``, default now) as the accounting keeps it."""
    at = time.time() if at is None else at
    counters = AgencyCounters(tenant=tenant, device=device, kind=kind, counter=f"egov-{tenant}", at=at, down=down,
                              up=up, uptime_cs=123456)
    return AgencyState(tenant=tenant, source=device, known_since=None, baseline=counters)


@dataclass
class Scrape:
    """One scrape's text and its families as Prometheus' text parser reads them."""

    text: str

    def __post_init__(self):
        self.families = {family.name: family for family in text_string_to_metric_families(self.text)}

    def type(self, name) -> str:
        return self.families[name].type

    def values(self, family, sample=None) -> dict[tuple, float]:
        """{sorted label items: value} of the samples named ``sample`` (default: the family's name) in
        ``family``."""
        found = self.families.get(family)
        name = sample or family
        return {tuple(sorted(s.labels.items())): s.value for s in (found.samples if found else ()) if s.name == name}

    def value(self, family, sample=None, **labels) -> float | None:
        """The value of the one sample of ``family`` with exactly ``labels``, None when there is none."""
        return self.values(family, sample).get(tuple(sorted(labels.items())))

    def devices(self, family, sample=None) -> set[str]:
        return {dict(labels)["device"] for labels in self.values(family, sample)}


def scrape(collector) -> Scrape:
    """One scrape of ``collector`` (anything with ``collect()``: a registry, the exporter) in the text format."""
    return Scrape(generate_latest(collector).decode())


class NetBoxLabels:
    """NetBox's share of a scrape as its cache gives it between refreshes: device labels, no families, up."""

    def __init__(self, labels):
        self.labels, self.status = labels, SourceStatus(up=True, last_success=time.time())

    def snapshot(self):
        return [], self.labels


class Families:
    """The families a source returned, as a collector a registry renders."""

    def __init__(self, families):
        self.families = families

    def collect(self):
        return self.families


def promtool_check(text: str) -> tuple[int, set[str]]:
    """``promtool check metrics`` of ``text``: its exit status and the lines it wrote (its lint)."""
    checked = subprocess.run([PROMTOOL, "check", "metrics"], input=text, capture_output=True, text=True, timeout=60,
                             check=False)
    return checked.returncode, set((checked.stdout + checked.stderr).splitlines())
