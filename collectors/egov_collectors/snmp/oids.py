"""The OIDs the client reads, as tuples of integers (no MIB is ever loaded).

Columns are grouped by when they are read: the walk reads what every modern agent has (IF-MIB ifXTable's 64-bit
counters, names and speed, ifTable's status, errors and discards); the follow-up GETs read the 32-bit fallbacks
(ifDescr, ifSpeed, ifInOctets, ...) only for the interfaces that lack the modern value, so a device with a full
ifXTable costs no extra column.
"""

Oid = tuple[int, ...]

SYS_UPTIME: Oid = (1, 3, 6, 1, 2, 1, 1, 3, 0)  # SNMPv2-MIB::sysUpTime.0, TimeTicks (hundredths of a second)
SYS_NAME: Oid = (1, 3, 6, 1, 2, 1, 1, 5, 0)  # SNMPv2-MIB::sysName.0

_IF_ENTRY: Oid = (1, 3, 6, 1, 2, 1, 2, 2, 1)  # IF-MIB::ifEntry
_IFX_ENTRY: Oid = (1, 3, 6, 1, 2, 1, 31, 1, 1, 1)  # IF-MIB::ifXEntry

IF_DESCR: Oid = (*_IF_ENTRY, 2)
IF_SPEED: Oid = (*_IF_ENTRY, 5)  # Gauge32, bits per second (saturates at 4,294,967,295)
IF_ADMIN_STATUS: Oid = (*_IF_ENTRY, 7)
IF_OPER_STATUS: Oid = (*_IF_ENTRY, 8)
IF_IN_OCTETS: Oid = (*_IF_ENTRY, 10)  # Counter32
IF_IN_UCAST_PKTS: Oid = (*_IF_ENTRY, 11)
IF_IN_DISCARDS: Oid = (*_IF_ENTRY, 13)
IF_IN_ERRORS: Oid = (*_IF_ENTRY, 14)
IF_OUT_OCTETS: Oid = (*_IF_ENTRY, 16)
IF_OUT_UCAST_PKTS: Oid = (*_IF_ENTRY, 17)
IF_OUT_DISCARDS: Oid = (*_IF_ENTRY, 19)
IF_OUT_ERRORS: Oid = (*_IF_ENTRY, 20)

IF_NAME: Oid = (*_IFX_ENTRY, 1)
IF_HC_IN_OCTETS: Oid = (*_IFX_ENTRY, 6)  # Counter64
IF_HC_IN_UCAST_PKTS: Oid = (*_IFX_ENTRY, 7)
IF_HC_OUT_OCTETS: Oid = (*_IFX_ENTRY, 10)
IF_HC_OUT_UCAST_PKTS: Oid = (*_IFX_ENTRY, 11)
IF_HIGH_SPEED: Oid = (*_IFX_ENTRY, 15)  # Gauge32, millions of bits per second
IF_ALIAS: Oid = (*_IFX_ENTRY, 18)

# MIKROTIK-MIB::mtxrQueueSimpleEntry (1.3.6.1.4.1.14988.1.1.2.1.1): one row per RouterOS simple queue.
_MTXR_QUEUE_SIMPLE_ENTRY: Oid = (1, 3, 6, 1, 4, 1, 14988, 1, 1, 2, 1, 1)
MTXR_QUEUE_SIMPLE_NAME: Oid = (*_MTXR_QUEUE_SIMPLE_ENTRY, 2)
MTXR_QUEUE_SIMPLE_BYTES_IN: Oid = (*_MTXR_QUEUE_SIMPLE_ENTRY, 8)  # Counter64, upload (source to destination)
MTXR_QUEUE_SIMPLE_BYTES_OUT: Oid = (*_MTXR_QUEUE_SIMPLE_ENTRY, 9)  # Counter64, download

# Walked for every device, in this order (one multi-column GETBULK walk).
INTERFACE_COLUMNS: tuple[Oid, ...] = (
    IF_NAME,
    IF_ALIAS,
    IF_HIGH_SPEED,
    IF_HC_IN_OCTETS,
    IF_HC_OUT_OCTETS,
    IF_HC_IN_UCAST_PKTS,
    IF_HC_OUT_UCAST_PKTS,
    IF_ADMIN_STATUS,
    IF_OPER_STATUS,
    IF_IN_ERRORS,
    IF_OUT_ERRORS,
    IF_IN_DISCARDS,
    IF_OUT_DISCARDS,
)

# Walked as well when the target is a RouterOS device.
QUEUE_COLUMNS: tuple[Oid, ...] = (MTXR_QUEUE_SIMPLE_NAME, MTXR_QUEUE_SIMPLE_BYTES_IN, MTXR_QUEUE_SIMPLE_BYTES_OUT)


def format_oid(oid: Oid) -> str:
    """Dotted notation, for messages."""
    return ".".join(map(str, oid))
