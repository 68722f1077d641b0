"""One scrape: the collectors' data (Redis), NetBox's view and the exporter's own metrics, in one collector.

``Exporter.text()`` is what ``GET /metrics`` writes out; ``collect()`` reads the same text back into families for
prometheus-client's own tools (``registry()``), so the two never differ. At each scrape it asks NetBox first (its
source refreshes at most every interval and otherwise answers from its cache), because the site and agency of every
device series come from NetBox's device labels, then reads Redis with them. A source that fails gives no families
of its own and ``egov_exporter_source_up{source=...} 0``; the other source's families are served all the same.
"""

import importlib.metadata
import threading
from collections.abc import Iterator

from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.registry import CollectorRegistry

from .collectors import RedisSource
from .exposition import garbage_collector_paused, render
from .settings import Settings
from .sources import SourceStatus

DISTRIBUTION = "egov-netops"  # the distribution egov_exporter ships in (pyproject.toml)
WARM_INTERVAL = 1.0  # seconds between two looks at the collectors' index (one round trip) by warm()


class Exporter:
    """A prometheus-client collector: ``collect`` yields every family of docs/metrics.md. ``netbox`` is None when
    no NetBox URL is configured; then devices have empty site and agency labels."""

    def __init__(self, redis: RedisSource, netbox=None, version: str | None = None):
        self.redis = redis
        self.netbox = netbox
        self.version = version or _version()
        # One scrape at a time: two Prometheus servers scraping together would otherwise read Redis twice at once
        # and could both find NetBox's cache stale; the second waits and reads the same sources afresh.
        self._scrape = threading.Lock()

    @property
    def sources(self) -> dict[str, SourceStatus]:
        statuses = {"redis": self.redis.status}
        if self.netbox is not None:
            statuses["netbox"] = self.netbox.status
        return statuses

    def text(self) -> bytes:
        """One scrape in the Prometheus text format (0.0.4)."""
        with self._scrape, garbage_collector_paused():
            netbox, labels = self.netbox.snapshot() if self.netbox is not None else ([], {})
            collected = self.redis.text(labels)  # before the exporter's own families, which report on it
            return collected + render([*netbox, *own_families(self.sources, self.version)])

    def collect(self) -> Iterator[Metric]:
        """The families of one scrape: ``text()`` read back with prometheus-client's parser."""
        yield from text_string_to_metric_families(self.text().decode())

    def warm(self, stopped: threading.Event, interval: float = WARM_INTERVAL) -> None:
        """Write ahead of the scrapes what they would otherwise write themselves: first one whole scrape, so that
        Prometheus' first finds every device written; then until ``stopped`` is set, every ``interval`` seconds,
        when the collectors wrote since the last look, the devices polled since (``RedisSource.refresh``): a cycle
        polls every device within seconds, and the scrape after it would write them all. Run it in a thread of its
        own; it looks outside the scrape's lock, so a Redis that hangs never holds up a scrape."""
        self.text()
        while not stopped.wait(interval):
            if self.redis.written():
                with self._scrape, garbage_collector_paused():
                    self.redis.refresh()

    def registry(self) -> CollectorRegistry:
        """A registry holding only this exporter (no process or platform collectors: every name is ours)."""
        registry = CollectorRegistry(auto_describe=False)  # no describe(): registering never scrapes
        registry.register(self)
        return registry


def own_families(sources: dict[str, SourceStatus], version: str) -> list[Metric]:
    """``egov_exporter_source_*`` per source and ``egov_exporter_build_info``."""
    up = GaugeMetricFamily("egov_exporter_source_up", "1 when the last read of the source succeeded",
                           labels=("source",))
    success = GaugeMetricFamily("egov_exporter_source_last_success_timestamp_seconds",
                                "When the last successful read of the source ended", labels=("source",))
    duration = GaugeMetricFamily("egov_exporter_source_duration_seconds", "How long the last read of the source "
                                 "took", labels=("source",))
    for name, status in sources.items():
        up.add_metric((name,), 1 if status.up else 0)
        if status.last_success is not None:
            success.add_metric((name,), status.last_success)
        duration.add_metric((name,), status.duration_seconds)
    build = GaugeMetricFamily("egov_exporter_build_info", "Always 1: the exporter's version", labels=("version",))
    build.add_metric((version,), 1)
    return [up, success, duration, build]


def build_exporter(settings: Settings) -> Exporter:
    """The exporter the settings describe: Redis always, NetBox when a URL is set."""
    netbox = None
    if settings.netbox_url:
        from .netbox import NetBoxSource  # only when configured: without NetBox, its module is never loaded

        netbox = NetBoxSource(settings.netbox_url, settings.netbox_token, interval=settings.netbox_interval,
                              timeout=settings.netbox_timeout)
    return Exporter(RedisSource.from_url(settings.redis_url, settings.redis_prefix), netbox)


def _version() -> str:
    try:
        return importlib.metadata.version(DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown"
