"""A lean BER codec for the SNMPv2c messages the client exchanges: GET and GETBULK requests, Response PDUs.

pysnmp decodes every message through pyasn1's generic schema machinery, which costs well over 100 µs per variable
binding; SNMPv2c needs none of it: a message is a SEQUENCE of version, community and one PDU, each variable binding
a SEQUENCE of an OID and one primitive value (RFC 3416). This module encodes requests and decodes responses with
plain byte arithmetic. It is pure (no sockets) and used for v2c only; SNMPv3 (USM security, encryption) stays with
pysnmp.

Decoding is strict about structure (every length must fit its container, the PDU must be a Response) and lenient
about values: an unknown value type is kept as raw bytes, and counters are read as unsigned and reduced to their
type's width, so an agent that encodes 4294967295 as ``FF FF FF FF`` (without the leading zero BER requires) still
reads right.
"""

from typing import NamedTuple

from egov_collectors.snmp.oids import Oid
from egov_collectors.snmp.values import NoValue, VarBind

GET_REQUEST = 0xA0
GET_BULK_REQUEST = 0xA5
RESPONSE = 0xA2

_SEQUENCE = 0x30
_INTEGER = 0x02
_OCTET_STRING = 0x04
_NULL = 0x05
_OID = 0x06
_COUNTER32, _GAUGE32, _TIMETICKS, _UINTEGER32 = 0x41, 0x42, 0x43, 0x47
_COUNTER64 = 0x46
_IP_ADDRESS, _OPAQUE, _NSAP_ADDRESS = 0x40, 0x44, 0x45
_EXCEPTIONS = {0x80: NoValue.NO_SUCH_OBJECT, 0x81: NoValue.NO_SUCH_INSTANCE, 0x82: NoValue.END_OF_MIB_VIEW}
_UNSIGNED32 = frozenset((_COUNTER32, _GAUGE32, _TIMETICKS, _UINTEGER32))
_RAW_BYTES = frozenset((_OCTET_STRING, _IP_ADDRESS, _OPAQUE, _NSAP_ADDRESS))
_MASK32 = 0xFFFFFFFF
_MASK64 = 0xFFFFFFFFFFFFFFFF
_SNMP_V2C = 1  # msgVersion of SNMPv2c

# The first byte of an OID packs its first two arcs (X * 40 + Y); for bytes below 0x80 the split is a table lookup.
_FIRST_ARCS = tuple((b // 40, b % 40) if b < 80 else (2, b - 80) for b in range(0x80))


class Malformed(ValueError):
    """The bytes are not a well-formed SNMPv2c Response message."""


class Response(NamedTuple):
    request_id: int
    error_status: int
    error_index: int
    varbinds: list[VarBind]


# Encoding -------------------------------------------------------------------------------------------------------


def _length(n: int) -> bytes:
    if n < 0x80:
        return bytes((n,))
    body = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes((0x80 | len(body),)) + body


def _tlv(tag: int, content: bytes) -> bytes:
    return bytes((tag,)) + _length(len(content)) + content


def _integer(n: int) -> bytes:
    return _tlv(_INTEGER, n.to_bytes(n.bit_length() // 8 + 1, "big", signed=True))


def encode_oid(oid: Oid) -> bytes:
    """The content octets of an OBJECT IDENTIFIER (without tag and length)."""
    if len(oid) < 2 or oid[0] > 2 or (oid[0] < 2 and oid[1] >= 40) or min(oid) < 0:
        raise ValueError(f"not an OID: {oid!r}")
    arcs = (oid[0] * 40 + oid[1], *oid[2:])
    if max(arcs) < 0x80:  # one octet per arc: the common case, done in C
        return bytes(arcs)
    out = bytearray()
    for arc in arcs:
        chunk = [arc & 0x7F]  # the last octet of an arc has the high bit clear
        arc >>= 7
        while arc:
            chunk.append(arc & 0x7F | 0x80)
            arc >>= 7
        out.extend(reversed(chunk))
    return bytes(out)


def _varbind(oid: Oid) -> bytes:
    """A request's variable binding: the OID and a NULL value."""
    name = encode_oid(oid)
    if len(name) < 0x7C:  # short lengths all the way: no _tlv needed
        return bytes((_SEQUENCE, len(name) + 4, _OID, len(name))) + name + b"\x05\x00"
    return _tlv(_SEQUENCE, _tlv(_OID, name) + b"\x05\x00")


def encode_request(pdu_type: int, request_id: int, community: bytes, oids: list[Oid], a: int = 0, b: int = 0) -> bytes:
    """An SNMPv2c request message. For GET, ``a`` and ``b`` are error-status and error-index (0); for GETBULK they
    are non-repeaters and max-repetitions."""
    varbinds = b"".join(map(_varbind, oids))
    pdu = _tlv(pdu_type, _integer(request_id) + _integer(a) + _integer(b) + _tlv(_SEQUENCE, varbinds))
    return _tlv(_SEQUENCE, _integer(_SNMP_V2C) + _tlv(_OCTET_STRING, community) + pdu)


# Decoding -------------------------------------------------------------------------------------------------------


def _header(data: bytes, i: int, limit: int) -> tuple[int, int, int]:
    """Tag, start and end of the TLV at ``i``, which must end by ``limit``."""
    tag = data[i]
    n = data[i + 1]
    i += 2
    if n & 0x80:
        size = n & 0x7F
        if not 0 < size <= 4:
            raise Malformed(f"unsupported length form 0x{n:02x}")
        n = int.from_bytes(data[i : i + size], "big")
        i += size
    end = i + n
    if end > limit:
        raise Malformed(f"a length of {n} overruns its container")
    return tag, i, end


def _expect(data: bytes, i: int, limit: int, tag: int, what: str) -> tuple[int, int]:
    if data[i] != tag:
        raise Malformed(f"expected {what} (tag 0x{tag:02x}), got tag 0x{data[i]:02x}")
    _, start, end = _header(data, i, limit)
    return start, end


def _read_integer(data: bytes, i: int, limit: int, what: str) -> tuple[int, int]:
    start, end = _expect(data, i, limit, _INTEGER, what)
    if start == end:
        raise Malformed(f"empty INTEGER for {what}")
    return int.from_bytes(data[start:end], "big", signed=True), end


def decode_oid(raw: bytes) -> Oid:
    """The arcs of an OBJECT IDENTIFIER from its content octets."""
    if not raw:
        raise Malformed("empty OBJECT IDENTIFIER")
    if max(raw) < 0x80:  # every arc fits in one octet: the common case, done in C
        return _FIRST_ARCS[raw[0]] + tuple(raw[1:])
    arcs = []
    arc = 0
    for octet in raw:
        arc = arc << 7 | octet & 0x7F
        if not octet & 0x80:
            arcs.append(arc)
            arc = 0
    if raw[-1] & 0x80:
        raise Malformed("OBJECT IDENTIFIER ends inside an arc")
    first = arcs[0]
    head = (first // 40, first % 40) if first < 80 else (2, first - 80)
    return head + tuple(arcs[1:])


def _decode_value(tag: int, content: bytes):
    if tag == _COUNTER64:
        return int.from_bytes(content, "big") & _MASK64
    if tag in _UNSIGNED32:
        return int.from_bytes(content, "big") & _MASK32
    if tag == _INTEGER:
        return int.from_bytes(content, "big", signed=True)
    if tag in _RAW_BYTES:
        return content
    if tag == _OID:
        return decode_oid(content)
    if tag == _NULL:
        return NoValue.NULL
    exception = _EXCEPTIONS.get(tag)
    if exception is not None:
        return exception
    return content  # a type this client does not read: kept raw, never fatal


def decode_response(data: bytes) -> Response:
    """Decode an SNMPv2c Response message; ``Malformed`` names what is wrong."""
    try:
        return _decode_response(data)
    except IndexError:
        raise Malformed("message ends inside a field") from None


def _decode_response(data: bytes) -> Response:
    size = len(data)
    start, end = _expect(data, 0, size, _SEQUENCE, "the message SEQUENCE")
    version, i = _read_integer(data, start, end, "msgVersion")
    if version != _SNMP_V2C:
        raise Malformed(f"msgVersion {version} is not SNMPv2c")
    _, i = _expect(data, i, end, _OCTET_STRING, "the community")
    pdu_type, i, pdu_end = _header(data, i, end)
    if pdu_type != RESPONSE:
        raise Malformed(f"expected a Response PDU, got PDU type 0x{pdu_type:02x}")
    request_id, i = _read_integer(data, i, pdu_end, "request-id")
    error_status, i = _read_integer(data, i, pdu_end, "error-status")
    error_index, i = _read_integer(data, i, pdu_end, "error-index")
    i, list_end = _expect(data, i, pdu_end, _SEQUENCE, "the variable-bindings SEQUENCE")
    varbinds = []
    append = varbinds.append
    while i < list_end:
        # Inline fast path for the short-form lengths of nearly every binding; _header handles the rest.
        if data[i] != _SEQUENCE:
            raise Malformed(f"expected a variable binding SEQUENCE, got tag 0x{data[i]:02x}")
        n = data[i + 1]
        if n < 0x80:
            vb_start, vb_end = i + 2, i + 2 + n
            if vb_end > list_end:
                raise Malformed(f"a length of {n} overruns its container")
        else:
            vb_start, vb_end = _expect(data, i, list_end, _SEQUENCE, "a variable binding")
        if data[vb_start] != _OID:
            raise Malformed(f"expected an OBJECT IDENTIFIER name, got tag 0x{data[vb_start]:02x}")
        n = data[vb_start + 1]
        if n < 0x80:
            oid_start, oid_end = vb_start + 2, vb_start + 2 + n
        else:
            oid_start, oid_end = _expect(data, vb_start, vb_end, _OID, "an OBJECT IDENTIFIER")
        tag = data[oid_end]
        n = data[oid_end + 1]
        if n < 0x80:
            value_start, value_end = oid_end + 2, oid_end + 2 + n
        else:
            tag, value_start, value_end = _header(data, oid_end, vb_end)
        if value_end != vb_end:
            raise Malformed("a variable binding is not exactly a name and a value")
        append((decode_oid(data[oid_start:oid_end]), _decode_value(tag, data[value_start:value_end])))
        i = vb_end
    return Response(request_id, error_status, error_index, varbinds)
