"""SNMPv2c over a plain asyncio UDP socket, with the lean codec of ``ber``.

One socket per conversation, connected to the agent, so the kernel drops datagrams from anyone else. A request is
sent again after each timeout (same request-id, so a late answer to an earlier try still counts) until the retries
are spent. ICMP errors (port unreachable) are treated like silence, as net-snmp and pysnmp do: the answer is "no
answer within N s". Datagrams that do not decode are not answers either, but are remembered: when nothing valid
came back, the error says the agent answered garbage rather than nothing.
"""

import asyncio
import random

from egov_collectors.snmp import ber
from egov_collectors.snmp.errors import MalformedAnswer, NoAnswer, SnmpError, agent_error
from egov_collectors.snmp.oids import Oid, format_oid
from egov_collectors.snmp.values import VarBind


class _Protocol(asyncio.DatagramProtocol):
    def __init__(self):
        self.waiting: dict[int, asyncio.Future] = {}
        self.garbage = ""  # why the last undecodable datagram was refused

    def datagram_received(self, data: bytes, addr) -> None:
        try:
            response = ber.decode_response(data)
        except ber.Malformed as exc:
            self.garbage = f"{exc} ({len(data)} bytes)"
            return
        future = self.waiting.pop(response.request_id, None)
        if future is not None and not future.done():
            future.set_result(response)

    def error_received(self, exc: Exception) -> None:
        """ICMP errors: the request simply gets no answer (see the module docstring)."""


class V2cSession:
    """An SNMPv2c conversation with one agent. Use as ``async with``."""

    def __init__(self, host: str, port: int, community: str, *, timeout: float, retries: int):
        self.host = host
        self.port = port
        self._community = community.encode()
        self._timeout = timeout
        self._tries = retries + 1
        self._request_id = random.randrange(1, 0x7FFFFFFF)
        self._transport: asyncio.DatagramTransport | None = None
        self._protocol = _Protocol()

    async def __aenter__(self) -> "V2cSession":
        loop = asyncio.get_running_loop()
        try:
            self._transport, _ = await loop.create_datagram_endpoint(
                lambda: self._protocol, remote_addr=(self.host, self.port)
            )
        except OSError as exc:  # no route, a name that does not resolve
            raise SnmpError(f"cannot send to {self.host}:{self.port}: {exc.strerror or exc}") from None
        return self

    async def __aexit__(self, *exc_info) -> None:
        self._transport.close()

    async def get(self, oids: list[Oid]) -> list[VarBind]:
        varbinds = await self._exchange(ber.GET_REQUEST, oids, 0, 0, "GET")
        if [oid for oid, _ in varbinds] != list(oids):
            raise MalformedAnswer(f"the answer to a GET of {len(oids)} OIDs from {self.host}:{self.port} names others")
        return varbinds

    async def get_bulk(self, oids: list[Oid], max_repetitions: int) -> list[VarBind]:
        varbinds = await self._exchange(ber.GET_BULK_REQUEST, oids, 0, max_repetitions, "GETBULK")
        if len(varbinds) > len(oids) * max_repetitions:
            raise MalformedAnswer(
                f"{len(varbinds)} values from {self.host}:{self.port} for a GETBULK of "
                f"{len(oids)} x {max_repetitions} (first {format_oid(oids[0])})"
            )
        return varbinds

    async def _exchange(self, pdu_type: int, oids: list[Oid], a: int, b: int, what: str) -> list[VarBind]:
        self._request_id = self._request_id % 0x7FFFFFFF + 1
        request_id = self._request_id
        message = ber.encode_request(pdu_type, request_id, self._community, oids, a, b)
        loop = asyncio.get_running_loop()
        for _ in range(self._tries):
            future = loop.create_future()
            self._protocol.waiting[request_id] = future
            self._transport.sendto(message)
            try:
                async with asyncio.timeout(self._timeout):
                    response = await future
            except TimeoutError:
                continue
            finally:
                self._protocol.waiting.pop(request_id, None)
            if response.error_status:
                raise agent_error(response.error_status, response.error_index, what)
            return response.varbinds
        if self._protocol.garbage:
            raise MalformedAnswer(
                f"{self.host}:{self.port} answered, but not with an SNMPv2c response: {self._protocol.garbage}"
            )
        raise NoAnswer(f"no answer from {self.host}:{self.port} within {self._timeout * self._tries:g} s")
