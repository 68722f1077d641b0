"""Each device's text kept between scrapes (collectors.RedisSource): after every kind of change the collectors' data
goes through, a scrape equals byte for byte the plain rendering made from scratch (tests/exporter_reference.py) and
a new source's first scrape; only the devices polled since are read; only the current devices are kept; the warm
loop writes ahead what the collectors polled."""

import threading
import time

import pytest
import redis
from tests.exporter_peers import TTL, NetBoxLabels, Scrape, agency, interface, poll, promtool_check
from tests.exporter_reference import reference_text

from egov_collectors.accounting import KIND_NFT
from egov_collectors.model import DevicePoll
from egov_collectors.store import CollectorStore
from egov_exporter.collectors import RedisSource
from egov_exporter.exporter import Exporter

UTAMA = 'gw {lt.2} "utama"'  # braces and quotes: NetBox allows them in names, the text format escapes quotes
LABELS = {"gw-disdik": {"site": "kantor-disdik", "agency": "disdik"},
          UTAMA: {"site": "dc {klaten}", "agency": "kominfo"},
          "sw-core": {"site": "dc-klaten", "agency": ""}}  # sw-lab: not in NetBox
KINDS = ("health", "interfaces", "queues", "agencies", "discards")


class RecordingStore(CollectorStore):
    """The collectors' store on the test's Redis, noting the devices each read returned."""

    def __init__(self, *args, **options):
        super().__init__(*args, **options)
        self.read = []

    def read_devices(self, names):
        devices = super().read_devices(names)
        self.read += list(devices)
        return devices


def write_regency(store):
    """Klaten in small: interfaces with every odd value a device sends, agencies fresh and stale, discards, a
    device down, one NetBox does not know, the collectors' cycle."""
    now = time.time()
    store.write_device(poll("gw-disdik", interfaces=[
        interface(1), interface(2, alias='ke "ruang" server\\lt.2\nbaris dua', counter_bits=32, in_errors=None,
                                 speed_bps=None),
        interface(3, name="ether3\udcff", alias="garbled \udcfe\udcff"),  # an agent's bytes that are not UTF-8
    ], uptime_cs=8670050), agencies=[agency("disdik", "gw-disdik", down=2**64 - 1, up=0, at=now - 60),
                                     agency("dinkes", "gw-disdik", down=5, up=6, at=now - TTL - 60, kind=KIND_NFT)],
        discards={"over-speed": 4})
    store.write_device(poll(UTAMA, interfaces=[interface(index) for index in range(1, 49)]),
                       agencies=[agency("kominfo", UTAMA, down=81234567890, up=9234567890, at=now - 5)])
    store.write_device(poll("sw-core", interfaces=[interface(1, oper_status=2)]))
    store.write_device(poll("sw-lab", ok=False))
    store.client.hset(f"{store.prefix}:cycle", mapping={"started": now - 30, "devices": 4, "left": 1})


def uncached(source: RedisSource, labels=LABELS) -> Scrape:
    """A scrape of ``source``, checked against the plain rendering and a new source's first scrape."""
    text = source.text(labels)
    assert source.status.up
    assert text == reference_text(source.store, labels, time.time())
    assert text == RedisSource(source.store).text(labels)
    return Scrape(text.decode())


def eventually(condition, seconds=30.0) -> bool:
    """Whether ``condition()`` holds within ``seconds`` (what a thread of the exporter does, it does in its time)."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def forget(store, device, pruned=True):
    """What the collectors' data of ``device`` becomes when it is not polled any more: its keys expire and the
    next write of another device prunes it from the index (``pruned``; before that, the index still lists it)."""
    store.client.delete(*(store.key(device, kind) for kind in KINDS))
    if pruned:
        store.client.zrem(store.index_key, device)


def test_the_text_is_the_plain_rendering_byte_for_byte(store, redis_source):
    write_regency(store)
    first = redis_source.text(LABELS)
    assert first == reference_text(store, LABELS, time.time())
    assert redis_source.text(LABELS) == first  # the next scrape, from the kept text
    assert redis_source.kept_devices == {"gw-disdik", UTAMA, "sw-core", "sw-lab"}
    result = Scrape(first.decode())
    assert result.value("egov_interface_info", device=UTAMA, site="dc {klaten}", agency="kominfo",
                        interface="ether7", index="7", alias="ke dinas 7") == 1
    assert result.devices("egov_agency_bytes", "egov_agency_bytes_total") == {"gw-disdik", UTAMA}
    assert promtool_check(first.decode()) == (0, set())


def test_edge_values_are_written_as_prometheus_client_writes_them(store, redis_source):
    """Where number_text's shortcut for integers ends and floatToGoString takes over: 0, 10**6 (Go's notation
    starts), 2**53 and beyond (the float rounds), negative, floats small and huge, NaN and the infinities. The
    collectors write integers; the floats stand for a record some other writer made."""
    edges = [interface(1, in_octets=0, out_octets=999_999, in_ucast_packets=1_000_000, out_ucast_packets=1_234_567,
                       in_errors=2**53, out_errors=2**53 + 1, in_discards=2**64 - 1, out_discards=-1, oper_status=7,
                       speed_bps=12 * 10**21),  # 1.5e+21 bytes per second
             interface(2, in_octets=1e-07, out_octets=1.5e21, in_ucast_packets=float("nan"),
                       out_ucast_packets=float("inf"), in_errors=float("-inf"), out_errors=-0.0, in_discards=0.5,
                       out_discards=123456789.0, speed_bps=-0.0),
             interface(3, in_octets=10**15, out_octets=10**16 + 1, speed_bps=1),  # 0.125 bytes per second
             interface(4, speed_bps=0.0), interface(5, speed_bps=0)]  # after -0.0: texts kept by speed must not mix
    at = time.time()
    store.write_device(poll("gw-disdik", interfaces=edges, uptime_cs=2**53 + 1),
                       agencies=[agency("disdik", "gw-disdik", down=2**53 - 1, up=10**6, at=at)])
    store.write_device(DevicePoll(device="sw-core", polled_at=at, duration=1e-07, ok=True, values=0,
                                  sys_uptime_cs=0, interfaces=(interface(1),)))
    store.write_device(DevicePoll(device="sw-lab", polled_at=at, duration=float("nan"), ok=False, error="x"))
    store.write_device(DevicePoll(device="sw-slow", polled_at=at, duration=float("inf"), ok=True, values=2**63))
    result = uncached(redis_source)
    disdik = {"device": "gw-disdik", "site": "kantor-disdik", "agency": "disdik"}
    assert result.value("egov_interface_transmit_errors", "egov_interface_transmit_errors_total", **disdik,
                        interface="ether1") == 2**53  # 2**53 + 1 as a float, as prometheus-client writes it
    speed = 'egov_interface_speed_bytes_per_second{agency="disdik",device="gw-disdik",interface="ether{}",'
    assert speed.replace("{}", "1") + 'site="kantor-disdik"} 1.5e+21\n' in result.text
    assert speed.replace("{}", "2") + 'site="kantor-disdik"} -0.0\n' in result.text


def test_every_change_of_the_data_shows_at_the_next_scrape(store, redis_source):
    write_regency(store)
    redis_source.text(LABELS)
    disdik = {"device": "gw-disdik", "site": "kantor-disdik", "agency": "disdik"}
    received = ("egov_interface_received_bytes", "egov_interface_received_bytes_total")

    store.write_device(poll("gw-disdik", interfaces=[interface(1, in_octets=123456789012)]))  # polled again
    result = uncached(redis_source)
    assert result.value(*received, **disdik, interface="ether1") == 123456789012
    assert result.value(*received, **disdik, interface="ether2") is None  # not in this poll
    assert result.value("egov_device_polls", "egov_device_polls_total", **disdik) == 2

    again = poll("gw-disdik", interfaces=[interface(1)])
    store.write_device(again)
    redis_source.text(LABELS)
    store.write_device(again, discards={"clock": 1})  # the same poll written twice: only polls_total moves
    result = uncached(redis_source)
    assert result.value("egov_device_discarded_deltas", "egov_device_discarded_deltas_total", **disdik,
                        reason="clock") == 1

    moved = LABELS | {"sw-core": {"site": "kantor-dinkes", "agency": "dinkes"}}  # moved in NetBox, not polled
    result = uncached(redis_source, moved)
    assert result.value("egov_device_up", device="sw-core", site="kantor-dinkes", agency="dinkes") == 1
    assert result.value("egov_device_up", device="sw-core", site="dc-klaten", agency="") is None

    forget(store, "sw-core")
    result = uncached(redis_source, moved)
    assert "sw-core" not in result.devices("egov_device_up") | result.devices("egov_interface_info")
    assert "sw-core" not in redis_source.kept_devices

    store.write_device(poll("gw-disdik", ok=False))  # down: up 0, its counters gone
    result = uncached(redis_source, moved)
    assert result.value("egov_device_up", **disdik) == 0
    assert "gw-disdik" not in result.devices("egov_interface_info")


def test_a_scrape_reads_only_the_devices_polled_since(redis_client):
    store = RecordingStore(redis_client, ttl=TTL)
    names = [f"sw-{number:02d}" for number in range(10)]
    for name in names:
        store.write_device(poll(name, interfaces=[interface(1)]))
    source = RedisSource(store)
    source.text()
    assert sorted(store.read) == names

    store.read.clear()
    source.text()
    assert store.read == []

    for name in ("sw-03", "sw-07"):
        store.write_device(poll(name, interfaces=[interface(1)]))
    source.text({"sw-05": {"site": "dc-klaten", "agency": ""}})  # two polled, one labelled by NetBox
    assert sorted(store.read) == ["sw-03", "sw-05", "sw-07"]


def test_a_record_of_another_shape_is_the_source_down_without_stale_text(store, redis_source, caplog):
    write_regency(store)
    exporter = Exporter(redis_source, NetBoxLabels(LABELS), version="1.2.3")
    assert b"egov_interface_info{" in exporter.text()

    # A collector of another version polls gw-disdik and writes an interface record this one cannot read.
    store.write_device(poll("gw-disdik", interfaces=[interface(1)]))
    store.client.hset(store.key("gw-disdik", "interfaces"), "1", '{"index": 1, "name": "ether1", "octets_in": 5}')
    result = Scrape(exporter.text().decode())
    assert result.value("egov_exporter_source_up", source="redis") == 0
    assert not [name for name in result.families if name.startswith(("egov_device_", "egov_interface_"))]
    assert "unreadable collector data in Redis" in caplog.text

    store.write_device(poll("gw-disdik", interfaces=[interface(1, in_octets=77)]))  # this version's poll again
    result = Scrape(exporter.text().decode())
    assert result.value("egov_exporter_source_up", source="redis") == 1
    assert result.value("egov_interface_received_bytes", "egov_interface_received_bytes_total", device="gw-disdik",
                        site="kantor-disdik", agency="disdik", interface="ether1") == 77
    uncached(redis_source)


def test_agency_counters_leave_as_they_age_though_the_device_is_not_polled_again(redis_client):
    store = CollectorStore(redis_client, ttl=4)
    source = RedisSource(store)
    now = time.time()
    store.write_device(poll("gw-disdik", at=now), agencies=[agency("disdik", "gw-disdik", down=10, up=20,
                                                                   at=now - 3)])
    assert uncached(source).devices("egov_agency_bytes", "egov_agency_bytes_total") == {"gw-disdik"}

    time.sleep(max(0.0, now + 1.2 - time.time()))  # its read now older than the ttl, the poll not
    result = uncached(source)
    assert result.values("egov_agency_bytes", "egov_agency_bytes_total") == {}
    assert result.devices("egov_device_up") == {"gw-disdik"}


@pytest.mark.parametrize(("left", "pruned"), [(5, True), (0, True), (5, False)])
def test_only_the_current_devices_are_kept(store, redis_source, left, pruned):
    names = {f"sw-{number:02d}" for number in range(30)}
    for name in names:
        store.write_device(poll(name, interfaces=[interface(1)]))
    redis_source.text()
    assert redis_source.kept_devices == names

    gone = sorted(names)[left:]
    for name in gone:
        forget(store, name, pruned)
    assert uncached(redis_source, {}).devices("egov_device_up") == names - set(gone)
    assert redis_source.kept_devices == names - set(gone)


def test_warm_writes_ahead_every_device_then_what_the_collectors_poll_and_the_scrape_reads_nothing(redis_client):
    store = RecordingStore(redis_client, ttl=TTL)
    write_regency(store)
    exporter = Exporter(RedisSource(store), NetBoxLabels(LABELS))
    stopped = threading.Event()
    warming = threading.Thread(target=exporter.warm, args=(stopped, 0.02))
    warming.start()
    try:
        assert eventually(lambda: sorted(store.read) == sorted(["gw-disdik", UTAMA, "sw-core", "sw-lab"]))
        store.read.clear()
        store.write_device(poll("gw-disdik", interfaces=[interface(1, in_octets=424242)]))
        store.write_device(poll("sw-new", interfaces=[interface(1)]))
        assert eventually(lambda: sorted(store.read) == ["gw-disdik", "sw-new"])  # read ahead, no scrape asked

        store.read.clear()
        served = Scrape(exporter.text().decode())
        assert store.read == []
    finally:
        stopped.set()
        warming.join(10)
    assert served.value("egov_interface_received_bytes", "egov_interface_received_bytes_total", device="gw-disdik",
                        site="kantor-disdik", agency="disdik", interface="ether1") == 424242
    assert "sw-new" in served.devices("egov_device_up")
    uncached(exporter.redis)


def test_warm_waits_for_the_first_scrape_and_for_writes(redis_client):
    """Before the first scrape it has no NetBox labels to write with; after it, only a write moves it."""
    store = RecordingStore(redis_client, ttl=TTL)
    store.write_device(poll("sw-01", interfaces=[interface(1)]))
    source = RedisSource(store)
    assert source.written()
    source.refresh()
    assert store.read == []

    source.text()
    store.read.clear()
    assert not source.written()
    store.write_device(poll("sw-01", interfaces=[interface(1)]))
    assert source.written()
    source.refresh()
    assert store.read == ["sw-01"]


def test_warm_leaves_an_outage_to_the_scrape(store, redis_source, closed_port):
    store.write_device(poll("gw-disdik", interfaces=[interface(1)]))
    redis_source.text()
    redis_source.store = CollectorStore(redis.Redis(port=closed_port), ttl=TTL)  # Redis gone
    assert not redis_source.written()
    redis_source.refresh()  # says nothing, raises nothing: the scrape reports it
    assert redis_source.text() == b"" and not redis_source.status.up
