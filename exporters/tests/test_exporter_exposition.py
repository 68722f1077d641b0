"""The exporter's text and exposition.generate_text are byte for byte what prometheus-client's generate_latest
writes, on a real scrape with the label values devices send (quotes, backslashes, new lines, bytes that are not
UTF-8)."""

import gc
import time

import pytest
from prometheus_client import generate_latest
from prometheus_client.core import GaugeMetricFamily, HistogramMetricFamily
from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.utils import floatToGoString
from tests.exporter_peers import Families, NetBoxLabels, Scrape, agency, interface, poll, promtool_check

from egov_exporter.exporter import Exporter
from egov_exporter.exposition import generate_text, number_text

KLATEN = {"gw-disdik": {"site": "kantor-disdik", "agency": "disdik"}}


def test_the_same_bytes_as_prometheus_client(store, redis_source):
    store.write_device(poll("gw-disdik", interfaces=[
        interface(1), interface(2, alias='ke "ruang" server\\lt.2\nbaris dua', counter_bits=32, in_errors=None),
        interface(3, name="ether3\udcff", alias="garbled \udcfe\udcff"),  # an agent's bytes that are not UTF-8
    ]), agencies=[agency("disdik", "gw-disdik", down=2**64 - 1, up=0)], discards={"over-speed": 4})
    store.write_device(poll("sw-lab", ok=False))
    store.client.hset(redis_source.cycle_key, mapping={"started": time.time(), "devices": 2, "left": 1})
    # One scrape, read back into families: a second would read the sources again and time them differently.
    text = Exporter(redis_source, NetBoxLabels(KLATEN)).text()
    families = Families(list(text_string_to_metric_families(text.decode())))

    assert generate_latest(families) == text
    assert generate_text(families) == text
    assert gc.isenabled()
    assert 'alias="garbled \\\\udcfe\\\\udcff"' in text.decode()  # escaped, as the store escapes health fields
    assert Scrape(text.decode()).value("egov_interface_info", device="gw-disdik", site="kantor-disdik",
                                       agency="disdik", interface="ether2", index="2",
                                       alias='ke "ruang" server\\lt.2\nbaris dua') == 1
    assert promtool_check(text.decode()) == (0, set())


def test_timestamps_and_families_without_labels_too():
    stamped = GaugeMetricFamily("egov_test_stamped", "A sample with a timestamp", labels=("device",))
    stamped.add_metric(("gw-disdik",), 1.5, timestamp=1795755600.25)
    plain = GaugeMetricFamily("egov_test_plain", "No labels\\ and a second\nline", value=3)
    families = Families([stamped, plain])
    assert generate_text(families) == generate_latest(families)


def test_another_type_is_refused_by_name():
    histogram = HistogramMetricFamily("egov_test_seconds", "A histogram", buckets=[("1.0", 1), ("+Inf", 2)],
                                      sum_value=3)
    with pytest.raises(ValueError, match="^egov_test_seconds: a histogram family; only counter and gauge"):
        generate_text(Families([histogram]))
    assert gc.isenabled()  # paused during the scrape only, also one that failed


EDGES = [0, 1, -1, 999_999, 1_000_000, 1_000_001, 1_234_567, 10**15, 10**16 + 1, 2**53 - 1, 2**53, 2**53 + 1,
         -(2**53), -(2**53) - 1, 2**63, 2**64 - 1, True, False, 0.0, -0.0, 1e-07, 0.125, 1.5e21, 123456789.0,
         float("nan"), float("inf"), float("-inf")]


def test_numbers_are_written_as_float_to_go_string_writes_them():
    """number_text's shortcut for integers against floatToGoString: the edges, every power of ten and of two around
    where the notations or the float's precision change, both signs."""
    values = [*EDGES, *(sign * (10**digits + step) for digits in range(22) for step in (-1, 0, 1) for sign in (1, -1)),
              *(sign * (2**bits + step) for bits in range(70) for step in (-1, 0, 1) for sign in (1, -1))]
    assert [(value, number_text(value)) for value in values if number_text(value) != floatToGoString(value)] == []
