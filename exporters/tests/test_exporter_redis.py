"""The collectors' data in a real Redis, written as the collectors write it, exposed as docs/metrics.md says."""

import time

import redis
from prometheus_client.openmetrics import exposition as openmetrics
from prometheus_client.openmetrics.parser import text_string_to_metric_families as openmetrics_families
from tests.exporter_peers import TTL, Families, agency, interface, poll, promtool_check, scrape

from egov_collectors.accounting import KIND_NFT
from egov_collectors.store import CollectorStore
from egov_exporter.exporter import Exporter

KLATEN = {"gw-disdik": {"site": "kantor-disdik", "agency": "disdik"},
          "sw-core": {"site": "dc-klaten", "agency": ""}}


def test_interface_counters_are_counters_with_their_labels(store, redis_source):
    store.write_device(poll("gw-disdik", interfaces=[interface(1), interface(2, alias="uplink", oper_status=2)]))
    result = scrape(Families(redis_source.collect(KLATEN)))

    ether2 = {"device": "gw-disdik", "site": "kantor-disdik", "agency": "disdik", "interface": "ether2"}
    for family, value in [("egov_interface_received_bytes", 2000), ("egov_interface_sent_bytes", 4000),
                          ("egov_interface_received_packets", 20), ("egov_interface_sent_packets", 40),
                          ("egov_interface_receive_errors", 2), ("egov_interface_transmit_errors", 0),
                          ("egov_interface_receive_discards", 0), ("egov_interface_transmit_discards", 2)]:
        assert result.type(family) == "counter"
        assert result.value(family, family + "_total", **ether2) == value, family
        assert len(result.values(family, family + "_total")) == 2  # one series per interface
    for family, value in [("egov_interface_oper_status", 2), ("egov_interface_admin_status", 1),
                          ("egov_interface_speed_bytes_per_second", 10**9 / 8)]:
        assert result.type(family) == "gauge"
        assert result.value(family, **ether2) == value, family
    assert result.value("egov_interface_info", **ether2, index="2", alias="uplink") == 1
    assert result.value("egov_interface_info", **ether2 | {"interface": "ether1"}, index="1", alias="ke dinas 1") == 1


def test_32_bit_counters_and_unanswered_ones(store, redis_source):
    """An ifTable-only device: its octets are the 32-bit ones, as they are; a counter it did not answer has no
    series (rather than a 0 that would read as a reset)."""
    old = interface(3, counter_bits=32, in_octets=2**32 - 1, out_octets=7, in_ucast_packets=None, speed_bps=None)
    store.write_device(poll("sw-core", interfaces=[old]))
    result = scrape(Families(redis_source.collect(KLATEN)))
    port = {"device": "sw-core", "site": "dc-klaten", "agency": "", "interface": "ether3"}
    assert result.value("egov_interface_received_bytes", "egov_interface_received_bytes_total", **port) == 2**32 - 1
    assert result.value("egov_interface_sent_bytes", "egov_interface_sent_bytes_total", **port) == 7
    assert result.values("egov_interface_received_packets", "egov_interface_received_packets_total") == {}
    assert result.values("egov_interface_speed_bytes_per_second") == {}
    assert result.value("egov_interface_sent_packets", "egov_interface_sent_packets_total", **port) == 60


def test_poll_health_of_a_device(store, redis_source):
    at = time.time()
    store.write_device(poll("gw-disdik", at=at, interfaces=[interface(1)], uptime_cs=8670050, values=626))
    result = scrape(Families(redis_source.collect(KLATEN)))
    device = {"device": "gw-disdik", "site": "kantor-disdik", "agency": "disdik"}
    assert result.value("egov_device_up", **device) == 1
    assert result.value("egov_device_poll_duration_seconds", **device) == 0.25
    assert result.value("egov_device_poll_values", **device) == 626
    assert result.value("egov_device_last_poll_timestamp_seconds", **device) == at
    assert result.value("egov_device_last_success_timestamp_seconds", **device) == at
    assert result.value("egov_device_uptime_seconds", **device) == 86700.5
    assert (result.type("egov_device_polls"), result.type("egov_device_poll_failures")) == ("counter", "counter")
    assert result.value("egov_device_polls", "egov_device_polls_total", **device) == 1
    assert result.value("egov_device_poll_failures", "egov_device_poll_failures_total", **device) == 0


def test_a_failed_poll_says_up_0_keeps_the_last_success_and_drops_the_counters(store, redis_source):
    succeeded = time.time() - 300
    store.write_device(poll("gw-disdik", at=succeeded, interfaces=[interface(1)]))
    store.write_device(poll("gw-disdik", ok=False))
    result = scrape(Families(redis_source.collect(KLATEN)))
    device = {"device": "gw-disdik", "site": "kantor-disdik", "agency": "disdik"}
    assert result.value("egov_device_up", **device) == 0
    assert result.value("egov_device_last_success_timestamp_seconds", **device) == succeeded
    assert result.value("egov_device_polls", "egov_device_polls_total", **device) == 2
    assert result.value("egov_device_poll_failures", "egov_device_poll_failures_total", **device) == 1
    assert result.values("egov_device_uptime_seconds") == {}
    assert result.values("egov_interface_received_bytes", "egov_interface_received_bytes_total") == {}
    assert result.values("egov_interface_info") == {}


def test_a_device_never_polled_successfully_has_no_last_success(store, redis_source):
    store.write_device(poll("sw-new", ok=False))
    result = scrape(Families(redis_source.collect(KLATEN)))
    assert result.value("egov_device_up", device="sw-new", site="", agency="") == 0
    assert result.values("egov_device_last_success_timestamp_seconds") == {}


def test_a_device_not_written_within_the_ttl_is_not_exported(store, redis_source):
    store.write_device(poll("gw-disdik", interfaces=[interface(1)]))
    store.write_device(poll("sw-gone", at=time.time() - TTL - 60, interfaces=[interface(1)]))  # still indexed
    assert store.client.zscore(store.index_key, "sw-gone") is not None
    result = scrape(Families(redis_source.collect(KLATEN)))
    assert result.devices("egov_device_up") == {"gw-disdik"}
    assert result.devices("egov_interface_info") == {"gw-disdik"}


def test_a_device_netbox_does_not_know_has_empty_site_and_agency(store, redis_source):
    store.write_device(poll("sw-lab", interfaces=[interface(1)]))
    for labels in (KLATEN, None):  # known devices only, or no NetBox at all
        result = scrape(Families(redis_source.collect(labels)))
        assert result.value("egov_device_up", device="sw-lab", site="", agency="") == 1
        assert result.value("egov_interface_oper_status", device="sw-lab", site="", agency="", interface="ether1") == 1


def test_agency_counters_of_recent_reads(store, redis_source):
    """Per agency on its gateway: the raw counters, down and up; a read older than the ttl (an agency moved away,
    or polls failing since) is not the present and is left out."""
    now = time.time()
    store.write_device(poll("gw-disdik", interfaces=[interface(1)]), agencies=[
        agency("disdik", "gw-disdik", down=81234567890, up=9234567890, at=now - 60),
        agency("dinkes", "gw-disdik", down=5, up=6, at=now - TTL - 1, kind=KIND_NFT),
    ])
    result = scrape(Families(redis_source.collect(KLATEN)))
    assert result.type("egov_agency_bytes") == "counter"
    where = {"agency": "disdik", "device": "gw-disdik", "site": "kantor-disdik", "source": "queue"}
    assert result.values("egov_agency_bytes", "egov_agency_bytes_total") == {
        tuple(sorted((where | {"direction": "down"}).items())): 81234567890,
        tuple(sorted((where | {"direction": "up"}).items())): 9234567890,
    }


def test_discarded_deltas_by_reason(store, redis_source):
    store.write_device(poll("gw-disdik"), discards={"over-speed": 2})
    store.write_device(poll("gw-disdik"), discards={"over-speed": 1, "clock": 1})
    result = scrape(Families(redis_source.collect(KLATEN)))
    device = {"device": "gw-disdik", "site": "kantor-disdik", "agency": "disdik"}
    sample = "egov_device_discarded_deltas_total"
    assert result.value("egov_device_discarded_deltas", sample, **device, reason="over-speed") == 3
    assert result.value("egov_device_discarded_deltas", sample, **device, reason="clock") == 1


def test_every_reason_from_zero_on_a_device_measuring_an_agency(store, redis_source):
    """A rate or increase needs the series before the first drop; a device measuring no agency has none."""
    store.write_device(poll("gw-disdik"), agencies=[agency("disdik", "gw-disdik", down=10, up=20)],
                       discards={"clock": 2})
    store.write_device(poll("sw-lab"))
    result = scrape(Families(redis_source.collect(KLATEN)))
    counts = {dict(key)["reason"]: value for key, value in
              result.values("egov_device_discarded_deltas", "egov_device_discarded_deltas_total").items()
              if dict(key)["device"] == "gw-disdik"}
    assert counts == {"clock": 2, "over-speed": 0, "discontinuity": 0, "restart-implausible": 0}
    assert not [key for key in result.values("egov_device_discarded_deltas", "egov_device_discarded_deltas_total")
                if dict(key)["device"] == "sw-lab"]


def test_the_collectors_cycle(store, redis_source):
    families = [f"egov_collector_cycle_{name}" for name in
                ("started_timestamp_seconds", "finished_timestamp_seconds", "devices", "jobs_left", "overruns")]
    before = scrape(Families(redis_source.collect()))
    assert all(before.values(name, name + "_total" if name.endswith("overruns") else name) == {} for name in families)

    # As egov_collectors.cycle writes it: a cycle started, the first one, still running, after one overrun.
    store.client.hset(redis_source.cycle_key, mapping={"id": "20261127T120000", "left": 3, "started": 1795755600.5,
                                                        "devices": 120})
    store.client.hincrby(redis_source.cycle_key, "overruns", 1)
    result = scrape(Families(redis_source.collect()))
    assert result.value("egov_collector_cycle_started_timestamp_seconds") == 1795755600.5
    assert result.value("egov_collector_cycle_devices") == 120
    assert result.value("egov_collector_cycle_jobs_left") == 3
    assert result.values("egov_collector_cycle_finished_timestamp_seconds") == {}
    assert result.type("egov_collector_cycle_overruns") == "counter"
    assert result.value("egov_collector_cycle_overruns", "egov_collector_cycle_overruns_total") == 1


def test_the_source_reports_its_reads(store, redis_source):
    store.write_device(poll("gw-disdik"))
    before = time.time()
    redis_source.collect()
    status = redis_source.status
    assert status.up and before <= status.last_success <= time.time() and 0 < status.duration_seconds < 5


def test_redis_down_leaves_out_its_metrics_and_the_scrape_still_answers(store, redis_source, closed_port):
    store.write_device(poll("gw-disdik", interfaces=[interface(1)]))
    redis_source.collect()
    last_success = redis_source.status.last_success

    # The same source, its Redis gone: nothing listens on the port any more.
    redis_source.store = CollectorStore(redis.Redis(port=closed_port), ttl=TTL)
    result = scrape(Exporter(redis_source, version="1.2.3").registry())
    assert result.value("egov_exporter_source_up", source="redis") == 0
    assert result.value("egov_exporter_source_last_success_timestamp_seconds", source="redis") == last_success
    assert result.value("egov_exporter_build_info", version="1.2.3") == 1
    assert result.values("egov_device_up") == {} and result.values("egov_interface_info") == {}

    redis_source.store = store  # back: the next scrape has it all again
    result = scrape(Exporter(redis_source).registry())
    assert result.value("egov_exporter_source_up", source="redis") == 1
    assert result.devices("egov_device_up") == {"gw-disdik"}


def test_unreadable_data_is_a_source_down_not_a_failed_scrape(store, redis_source, caplog):
    store.write_device(poll("gw-disdik", interfaces=[interface(1)]))
    store.client.hset(store.key("gw-disdik", "interfaces"), "9", "{not json")
    result = scrape(Exporter(redis_source).registry())
    assert result.value("egov_exporter_source_up", source="redis") == 0
    assert "unreadable collector data in Redis" in caplog.text


def test_promtool_finds_nothing_to_lint_and_the_openmetrics_answer_parses(store, redis_source):
    now = time.time()
    store.write_device(poll("gw-disdik", interfaces=[interface(1), interface(2, counter_bits=32)]),
                       agencies=[agency("disdik", "gw-disdik", down=10, up=20, at=now)], discards={"clock": 1})
    store.write_device(poll("sw-lab", ok=False))
    store.client.hset(redis_source.cycle_key, mapping={"id": "20261127T120000", "left": 0, "started": now - 60,
                                                        "finished": now - 5, "devices": 2})
    registry = Exporter(redis_source).registry()
    text = scrape(registry).text
    assert "egov_interface_received_bytes_total{" in text and "egov_agency_bytes_total{" in text
    assert promtool_check(text) == (0, set())  # parsed, and not one lint line

    # What Prometheus asks for first: OpenMetrics, read with the strict OpenMetrics parser.
    families = {f.name: f for f in openmetrics_families(openmetrics.generate_latest(registry).decode())}
    assert families["egov_interface_received_bytes"].type == "counter"
    assert families.keys() == scrape(registry).families.keys()
