"""The collectors' families built the plain prometheus-client way, from scratch at every call: every sample through
``add_metric`` of a ``CounterMetricFamily`` or ``GaugeMetricFamily``, from what ``CollectorStore.read_all`` reads,
rendered by ``generate_latest``. The exporter's kept text must equal it byte for byte; it is written apart from the
exporter's code on purpose (only the families' names and help come from it, docs/metrics.md's contract)."""

from prometheus_client import generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from tests.exporter_peers import Families

from egov_collectors.store import CollectorStore
from egov_exporter.collectors import (
    AGENCY,
    DISCARDED,
    HEALTH_VALUES,
    INTERFACE_INFO,
    INTERFACE_SPEED,
    INTERFACE_VALUES,
    cycle_families,
    discard_counts,
)

DEVICE = ("device", "site", "agency")


def reference_text(store: CollectorStore, device_labels: dict, now: float) -> bytes:
    """``generate_latest`` of the families of every device written within the store's ttl of ``now`` and of the
    collectors' cycle, labelled with ``device_labels`` (device -> {"site", "agency"})."""
    health = [_family(name, kind, documentation, DEVICE) for name, kind, documentation, _value in HEALTH_VALUES]
    discarded = _family(*DISCARDED, (*DEVICE, "reason"))
    info = _family(*INTERFACE_INFO, (*DEVICE, "interface", "index", "alias"))
    values = [_family(name, kind, documentation, (*DEVICE, "interface"))
              for _field, name, kind, documentation in INTERFACE_VALUES]
    speed = _family(*INTERFACE_SPEED, (*DEVICE, "interface"))
    agency = _family(*AGENCY, ("agency", "device", "site", "source", "direction"))
    for device in store.read_all(now):
        where = device_labels.get(device.device, {})
        labels = [device.device, where.get("site", ""), where.get("agency", "")]
        for family, (_name, _kind, _documentation, value_of) in zip(health, HEALTH_VALUES, strict=True):
            if device.health is not None and value_of(device.health) is not None:
                family.add_metric(labels, value_of(device.health))
        for reason, count in sorted(discard_counts(device).items()):
            discarded.add_metric([*labels, reason], count)
        for interface in device.interfaces:
            name = _utf8(interface.name)
            info.add_metric([*labels, name, str(interface.index), _utf8(interface.alias)], 1)
            for family, (field, *_rest) in zip(values, INTERFACE_VALUES, strict=True):
                if getattr(interface, field) is not None:
                    family.add_metric([*labels, name], getattr(interface, field))
            if interface.speed_bps is not None:
                speed.add_metric([*labels, name], interface.speed_bps / 8)
        for state in device.agencies:
            counters = state.baseline
            if counters is not None and counters.at >= now - store.ttl:
                for direction, value in (("down", counters.down), ("up", counters.up)):
                    agency.add_metric([state.tenant, device.device, labels[1], counters.kind, direction], value)
    cycle = cycle_families(store.client.hgetall(f"{store.prefix}:cycle"))
    return generate_latest(Families([*health, discarded, info, *values, speed, agency, *cycle]))


def _family(name, kind, documentation, labels):
    return (CounterMetricFamily if kind == "counter" else GaugeMetricFamily)(name, documentation, labels=labels)


def _utf8(text: str) -> str:
    # An agent's bytes that are not UTF-8 (lone surrogates in the records) written as backslash escapes.
    return text.encode("utf-8", "backslashreplace").decode("utf-8")
