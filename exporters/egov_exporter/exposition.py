"""The Prometheus text format (0.0.4) of a scrape: byte for byte what prometheus-client's ``generate_latest`` writes
for counters and gauges, about three times faster on the exporter's families.

``generate_latest`` formats every sample's labels afresh: it sorts them, checks each name against a regular
expression and escapes each value. Here each distinct label dict is formatted once (``labels_text``, with
prometheus-client's own name escaping) and its text reused for every other sample that shares it. The collectors'
device data does not go through families at all: collectors.py writes it with the same pieces (``header``,
``labels_text``, ``labels_template`` and ``number_text``, prometheus-client's ``floatToGoString`` with a shortcut for
integers) and keeps it between scrapes.
The tests compare the outputs byte for byte. The cycle collector is paused while a scrape is collected and written
(``garbage_collector_paused``).
"""

import gc
from collections.abc import Iterable
from contextlib import contextmanager
from functools import cache

from prometheus_client.core import Metric
from prometheus_client.openmetrics.exposition import escape_label_name, escape_metric_name
from prometheus_client.utils import floatToGoString

EXACT = 2**53  # every integer up to this is a float exactly, and Python's repr of it is its digits and ".0"
_EXPONENTS = tuple(f"e+{power:02d}" for power in range(16))  # Go's exponents of the integers up to EXACT
# All the exporter makes (counters without created timestamps); the other types have suffixes and sample rules of
# their own.
TYPES = ("counter", "gauge")

def generate_text(collector) -> bytes:
    """The text exposition of every family ``collector.collect()`` yields (a registry, the exporter)."""
    with garbage_collector_paused():
        return render(collector.collect())


@contextmanager
def garbage_collector_paused():
    """Python's cycle collector off while a scrape builds and writes its 300,000 samples: they make no reference
    cycles, yet their allocation alone would set it off over and over, each time walking everything alive (a
    fifth of the scrape, bench/exporter_scrape.py). It runs again afterwards."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def render(families: Iterable[Metric]) -> bytes:
    """The text of ``families``, each its HELP and TYPE lines then its samples."""
    lines = []
    # id(labels dict) -> (the dict, its text). Holding the dict keeps it alive, so no other dict made during the
    # scrape can take its id.
    formatted = {}
    for family in families:
        lines.append(header(family.name, family.type, family.documentation))
        for sample in family.samples:
            known = formatted.get(id(sample.labels))
            if known is None:
                known = formatted[id(sample.labels)] = (sample.labels, labels_text(sample.labels))
            timestamp = "" if sample.timestamp is None else f" {int(float(sample.timestamp) * 1000):d}"
            lines.append(f"{_metric_name(sample.name)}{known[1]} {number_text(sample.value)}{timestamp}\n")
    return "".join(lines).encode()


def header(name: str, kind: str, documentation: str) -> str:
    """The HELP and TYPE lines of a family named ``name`` (without ``_total``) of type ``kind``."""
    if kind not in TYPES:
        raise ValueError(f"{name}: a {kind} family; only {' and '.join(TYPES)} are written here")
    name = _metric_name(name + "_total" if kind == "counter" else name)
    documentation = documentation.replace("\\", r"\\").replace("\n", r"\n")
    return f"# HELP {name} {documentation}\n# TYPE {name} {kind}\n"


def labels_text(labels: dict[str, str]) -> str:
    """``{name="value",...}`` sorted by name, values escaped; "" for no labels."""
    if not labels:
        return ""
    pairs = ",".join(f'{_label_name(key)}="{escape(value)}"' for key, value in sorted(labels.items()))
    return f"{{{pairs}}}"


def labels_template(labels: dict[str, str | None]) -> str:
    """``labels_text`` with a ``str.format`` field in the place of each value that is None, so that the labels many
    samples share are sorted and escaped once: ``template.format(interface=escape(value))`` fills one in."""
    pairs = ",".join(f'{_label_name(key)}="{{{key}}}"' if value is None
                     else f'{_label_name(key)}="{escape(value).replace("{", "{{").replace("}", "}}")}"'
                     for key, value in sorted(labels.items()))
    return f"{{{{{pairs}}}}}"


def number_text(value: int | float) -> str:
    """A sample's value as ``floatToGoString`` writes it. Counters are integers: up to 2**53 their text is made from
    their digits, the way ``floatToGoString`` turns the float's repr into Go's (``1234567`` -> ``1.234567e+06``,
    six digits or fewer -> ``123.0``) in two thirds of its time; any other value (a float, an integer the
    float rounds, a bool) goes through ``floatToGoString`` itself."""
    if type(value) is int and -EXACT <= value <= EXACT:
        if value < 1_000_000:  # Go's and Python's notations agree below 10**6, and for every negative value
            return f"{value}.0"
        digits = str(value)
        significant, exponent = digits.rstrip("0"), _EXPONENTS[len(digits) - 1]
        return f"{significant[0]}.{significant[1:]}{exponent}" if len(significant) > 1 else significant + exponent
    return floatToGoString(value)


def escape(value: str) -> str:
    """A label value as the text format writes it."""
    return value.replace("\\", r"\\").replace("\n", r"\n").replace('"', r"\"")


# Names are few and come from the code, values many and from the devices: names are escaped once per process.
_metric_name = cache(escape_metric_name)
_label_name = cache(escape_label_name)
