"""From the walked columns to the records of ``egov_collectors.model``: interfaces and MikroTik queues.

Pure functions (no network). Per interface, the 64-bit ifXTable counters are used when the agent has both
ifHCInOctets and ifHCOutOctets for it (``counter_bits=64``, unicast packets from ifHCIn/OutUcastPkts); otherwise
the 32-bit ifTable ones (``counter_bits=32``, ifIn/OutOctets and ifIn/OutUcastPkts), read by ``fallback_oids``
only for the interfaces that need them. Likewise ifDescr stands in for a missing or empty ifName, and ifSpeed for a
missing or zero ifHighSpeed (a zero ifHighSpeed is what agents report for links under 1 Mbit/s).
"""

from egov_collectors.model import InterfaceCounters, QueueCounters
from egov_collectors.snmp import oids
from egov_collectors.snmp.oids import Oid
from egov_collectors.snmp.values import Value, as_int, as_text
from egov_collectors.snmp.walk import Column

_MBPS = 1_000_000
_COUNTERS_64 = (oids.IF_HC_IN_OCTETS, oids.IF_HC_OUT_OCTETS, oids.IF_HC_IN_UCAST_PKTS, oids.IF_HC_OUT_UCAST_PKTS)
_COUNTERS_32 = (oids.IF_IN_OCTETS, oids.IF_OUT_OCTETS, oids.IF_IN_UCAST_PKTS, oids.IF_OUT_UCAST_PKTS)


def interface_indexes(tables: dict[Oid, Column]) -> list[int]:
    """Every ifIndex any interface column has, in order (rows indexed by anything but one integer are ignored)."""
    found = set()
    for column in oids.INTERFACE_COLUMNS:
        found.update(suffix[0] for suffix in tables[column] if len(suffix) == 1)
    return sorted(found)


def _has_hc(tables: dict[Oid, Column], index: int) -> bool:
    key = (index,)
    return as_int(tables[oids.IF_HC_IN_OCTETS].get(key)) is not None and (
        as_int(tables[oids.IF_HC_OUT_OCTETS].get(key)) is not None
    )


def fallback_oids(tables: dict[Oid, Column]) -> list[Oid]:
    """The ifTable instances to GET because the walk found no modern value for them."""
    wanted = []
    for index in interface_indexes(tables):
        key = (index,)
        if not as_text(tables[oids.IF_NAME].get(key)):
            wanted.append((*oids.IF_DESCR, index))
        if not as_int(tables[oids.IF_HIGH_SPEED].get(key)):
            wanted.append((*oids.IF_SPEED, index))
        if not _has_hc(tables, index):
            wanted += [(*column, index) for column in _COUNTERS_32]
    return wanted


def build_interfaces(tables: dict[Oid, Column], fallbacks: dict[Oid, Value]) -> tuple[InterfaceCounters, ...]:
    """One record per ifIndex, from the walked columns and the fallback values."""
    return tuple(_interface(tables, fallbacks, index) for index in interface_indexes(tables))


def _interface(tables: dict[Oid, Column], fallbacks: dict[Oid, Value], index: int) -> InterfaceCounters:
    key = (index,)

    def walked(column: Oid) -> Value | None:
        return tables[column].get(key)

    def fallback(column: Oid) -> Value | None:
        return fallbacks.get((*column, index))

    name = as_text(walked(oids.IF_NAME)) or as_text(fallback(oids.IF_DESCR)) or str(index)
    high_speed = as_int(walked(oids.IF_HIGH_SPEED))
    speed = high_speed * _MBPS if high_speed else as_int(fallback(oids.IF_SPEED))
    if speed is None and high_speed == 0:
        speed = 0
    if _has_hc(tables, index):
        bits, columns, source = 64, _COUNTERS_64, walked
    else:
        bits, columns, source = 32, _COUNTERS_32, fallback
    in_octets, out_octets, in_packets, out_packets = (as_int(source(column)) for column in columns)
    return InterfaceCounters(
        index=index,
        name=name,
        alias=as_text(walked(oids.IF_ALIAS)),
        oper_status=as_int(walked(oids.IF_OPER_STATUS)),
        admin_status=as_int(walked(oids.IF_ADMIN_STATUS)),
        speed_bps=speed,
        counter_bits=bits,
        in_octets=in_octets,
        out_octets=out_octets,
        in_ucast_packets=in_packets,
        out_ucast_packets=out_packets,
        in_errors=as_int(walked(oids.IF_IN_ERRORS)),
        out_errors=as_int(walked(oids.IF_OUT_ERRORS)),
        in_discards=as_int(walked(oids.IF_IN_DISCARDS)),
        out_discards=as_int(walked(oids.IF_OUT_DISCARDS)),
    )


def build_queues(tables: dict[Oid, Column]) -> tuple[QueueCounters, ...]:
    """One record per simple queue that has a name and both byte counters."""
    names = tables.get(oids.MTXR_QUEUE_SIMPLE_NAME, {})
    bytes_in = tables.get(oids.MTXR_QUEUE_SIMPLE_BYTES_IN, {})
    bytes_out = tables.get(oids.MTXR_QUEUE_SIMPLE_BYTES_OUT, {})
    queues = []
    for suffix in sorted(names):
        received, sent = as_int(bytes_in.get(suffix)), as_int(bytes_out.get(suffix))
        if len(suffix) == 1 and received is not None and sent is not None:
            name = as_text(names[suffix])
            queues.append(QueueCounters(index=suffix[0], name=name, bytes_in=received, bytes_out=sent))
    return tuple(queues)
