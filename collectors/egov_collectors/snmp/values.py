"""What a variable binding's value becomes once decoded, whichever backend decoded it.

Integers of every SNMP type (INTEGER, Counter32/64, Gauge32, TimeTicks) are ``int``; OCTET STRING, IpAddress and
Opaque are ``bytes``; an OBJECT IDENTIFIER value is a tuple of ints; NULL and the SNMPv2 exceptions are members of
``NoValue``. Nothing here knows about sockets or pysnmp.
"""

import enum

from egov_collectors.snmp.oids import Oid


class NoValue(enum.Enum):
    """A variable binding without a value: NULL or one of the SNMPv2 exceptions (RFC 3416)."""

    NULL = "NULL"
    NO_SUCH_OBJECT = "noSuchObject"
    NO_SUCH_INSTANCE = "noSuchInstance"
    END_OF_MIB_VIEW = "endOfMibView"


Value = int | bytes | Oid | NoValue
VarBind = tuple[Oid, Value]


def as_int(value: Value) -> int | None:
    """The value as an integer, or None when the agent sent something else (a string, an exception)."""
    return value if type(value) is int else None


def as_text(value: Value) -> str:
    """A DisplayString (sysName, ifName, ifAlias, queue names) as text, never failing.

    UTF-8 first; bytes that are not valid UTF-8 become U+FFFD (``errors="replace"``) rather than being guessed as
    Latin-1: the Chinese and Japanese vendors among the recordings use GBK and Shift-JIS, which a Latin-1 guess would
    turn into plausible-looking nonsense, while U+FFFD shows plainly that a byte was not text. Trailing NULs (C
    strings copied whole by some agents) are dropped.
    """
    if type(value) is not bytes:
        return ""
    return value.decode("utf-8", errors="replace").rstrip("\x00")
