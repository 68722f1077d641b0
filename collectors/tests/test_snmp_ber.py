"""The lean SNMPv2c codec checked against pysnmp's own (pyasn1) encoder on generated messages: requests encode to
the same bytes, responses of every SNMP value type decode to the same values, and no input, however broken,
raises anything but ``Malformed``. (The tests against snmpd and snmpsim use it on the wire.)"""

import contextlib
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pyasn1.codec.ber import encoder
from pysnmp.proto import rfc1905
from pysnmp.proto.api import v2c

from egov_collectors.snmp import ber
from egov_collectors.snmp.values import NoValue

arc = st.integers(min_value=0, max_value=2**32 - 1)
oids = st.one_of(
    st.tuples(st.integers(0, 1), st.integers(0, 39)), st.tuples(st.just(2), st.integers(0, 2**20))
).flatmap(lambda head: st.lists(arc, max_size=20).map(lambda tail: (*head, *tail)))

# Each SNMP value type with the plain value the lean codec must give for it.
values = st.one_of(
    st.integers(-(2**31), 2**31 - 1).map(lambda n: (v2c.Integer(n), n)),
    st.integers(0, 2**32 - 1).map(lambda n: (v2c.Counter32(n), n)),
    st.integers(0, 2**32 - 1).map(lambda n: (v2c.Gauge32(n), n)),
    st.integers(0, 2**32 - 1).map(lambda n: (v2c.TimeTicks(n), n)),
    st.integers(0, 2**64 - 1).map(lambda n: (v2c.Counter64(n), n)),
    st.binary(max_size=300).map(lambda b: (v2c.OctetString(b), b)),
    st.binary(min_size=4, max_size=4).map(lambda b: (v2c.IpAddress(b), b)),
    st.binary(max_size=20).map(lambda b: (v2c.Opaque(b), b)),
    oids.map(lambda oid: (v2c.ObjectIdentifier(oid), oid)),
    st.sampled_from(
        [
            (v2c.Null(""), NoValue.NULL),
            (rfc1905.noSuchObject, NoValue.NO_SUCH_OBJECT),
            (rfc1905.noSuchInstance, NoValue.NO_SUCH_INSTANCE),
            (rfc1905.endOfMibView, NoValue.END_OF_MIB_VIEW),
        ]
    ),
)


def _message(pdu, community: bytes = b"public") -> bytes:
    message = v2c.Message()
    v2c.apiMessage.set_defaults(message)
    v2c.apiMessage.set_community(message, community)
    v2c.apiMessage.set_pdu(message, pdu)
    return encoder.encode(message)


def _response(request_id: int, bindings: list, status: int = 0, index: int = 0) -> bytes:
    pdu = v2c.ResponsePDU()
    v2c.apiPDU.set_defaults(pdu)
    v2c.apiPDU.set_request_id(pdu, request_id)
    v2c.apiPDU.set_error_status(pdu, status)
    v2c.apiPDU.set_error_index(pdu, index)
    v2c.apiPDU.set_varbinds(pdu, bindings)
    return _message(pdu)


@given(oids)
def test_oids_round_trip(oid):
    assert ber.decode_oid(ber.encode_oid(oid)) == oid


@given(st.integers(0, 2**31 - 1), st.integers(0, 100), st.lists(oids, min_size=1, max_size=30))
def test_getbulk_requests_are_what_pysnmp_would_send(request_id, repetitions, names):
    pdu = v2c.GetBulkRequestPDU()
    v2c.apiBulkPDU.set_defaults(pdu)
    v2c.apiBulkPDU.set_request_id(pdu, request_id)
    v2c.apiBulkPDU.set_non_repeaters(pdu, 0)
    v2c.apiBulkPDU.set_max_repetitions(pdu, repetitions)
    v2c.apiBulkPDU.set_varbinds(pdu, [(name, v2c.Null("")) for name in names])

    assert ber.encode_request(ber.GET_BULK_REQUEST, request_id, b"public", names, 0, repetitions) == _message(pdu)


@given(st.integers(0, 2**31 - 1), st.lists(oids, min_size=1, max_size=10))
def test_get_requests_are_what_pysnmp_would_send(request_id, names):
    pdu = v2c.GetRequestPDU()
    v2c.apiPDU.set_defaults(pdu)
    v2c.apiPDU.set_request_id(pdu, request_id)
    v2c.apiPDU.set_varbinds(pdu, [(name, v2c.Null("")) for name in names])

    assert ber.encode_request(ber.GET_REQUEST, request_id, b"public", names) == _message(pdu)


@given(st.integers(0, 2**31 - 1), st.lists(st.tuples(oids, values), max_size=60), st.integers(0, 18))
def test_responses_decode_to_pysnmp_values(request_id, bindings, status):
    data = _response(request_id, [(name, value) for name, (value, _) in bindings], status, len(bindings))

    response = ber.decode_response(data)

    assert response == ber.Response(request_id, status, len(bindings), [(name, plain) for name, (_, plain) in bindings])


def _tlv(tag: int, content: bytes) -> bytes:
    return bytes((tag, len(content))) + content  # short lengths only: enough for hand-made messages


def test_counters_without_the_leading_zero_still_read_unsigned():
    """Some agents encode 2**32 - 1 as FF FF FF FF (a negative number in strict BER); what they mean is clear."""
    bindings = _tlv(0x30, _tlv(0x06, b"\x2b\x06\x01") + _tlv(0x41, b"\xff" * 4))  # Counter32
    bindings += _tlv(0x30, _tlv(0x06, b"\x2b\x06\x02") + _tlv(0x46, b"\xff" * 8))  # Counter64
    pdu = _tlv(0xA2, _tlv(0x02, b"\x01") + _tlv(0x02, b"\x00") + _tlv(0x02, b"\x00") + _tlv(0x30, bindings))
    message = _tlv(0x30, _tlv(0x02, b"\x01") + _tlv(0x04, b"public") + pdu)

    assert ber.decode_response(message).varbinds == [((1, 3, 6, 1), 2**32 - 1), ((1, 3, 6, 2), 2**64 - 1)]


@given(st.lists(st.tuples(oids, values), min_size=1, max_size=5), st.data())
def test_every_cut_short_message_is_malformed(bindings, data):
    message = _response(7, [(name, value) for name, (value, _) in bindings])
    cut = data.draw(st.integers(0, len(message) - 1))

    with pytest.raises(ber.Malformed):
        ber.decode_response(message[:cut])


@given(st.binary(max_size=200))
def test_any_bytes_decode_or_are_malformed(data):
    with contextlib.suppress(ber.Malformed):  # any other exception fails the test
        ber.decode_response(data)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"HTTP/1.1 400", "expected the message SEQUENCE (tag 0x30), got tag 0x48"),
        (_tlv(0x30, _tlv(0x02, b"\x00") + _tlv(0x04, b"x")), "msgVersion 0 is not SNMPv2c"),
        (_tlv(0x30, _tlv(0x02, b"\x01") + _tlv(0x04, b"x") + _tlv(0xA0, b"")), "expected a Response PDU, got PDU"),
        (bytes.fromhex("3084ffffffff"), "a length of 4294967295 overruns its container"),
        (bytes.fromhex("3085"), "unsupported length form 0x85"),
    ],
)
def test_malformed_messages_say_what_is_wrong(data, message):
    with pytest.raises(ber.Malformed, match=re.escape(message)):
        ber.decode_response(data)
