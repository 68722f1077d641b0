"""SNMP through pysnmp 7 (asyncio): SNMPv3 with USM security, and SNMPv2c when the lean codec is not wanted.

pysnmp is used without MIBs (OIDs in and out are tuples, never names) and through one ``SnmpEngine`` per
credential profile, kept for the whole run: the engine caches each agent's engine ID and time after the first
discovery, and a profile of its own means two profiles may share a user name with different keys (pysnmp keys
its user table by name). pysnmp's error indications become this package's errors; the messages name the user
and the address, never a key or a community.
"""

import asyncio
import socket

from pyasn1.type import univ
from pysnmp import error as pysnmp_error
from pysnmp.entity.rfc3413 import cmdgen
from pysnmp.hlapi.v3arch import asyncio as hlapi
from pysnmp.hlapi.v3arch.asyncio.cmdgen import LCD
from pysnmp.proto import errind, rfc1902, rfc1905

from egov_collectors.model import Credential, Target
from egov_collectors.snmp.errors import (
    AuthenticationFailed,
    BadCredential,
    MalformedAnswer,
    NoAnswer,
    SnmpError,
    agent_error,
)
from egov_collectors.snmp.oids import Oid
from egov_collectors.snmp.values import NoValue, Value, VarBind

# Credential protocol names (upper case, without "-" or "_") to pysnmp's protocol OIDs. AES192/AES256 are the
# draft-blumenthal key extension that net-snmp uses; AES192C/AES256C the Reeder one of Cisco (net-snmp's names).
AUTH_PROTOCOLS = {
    "MD5": hlapi.usmHMACMD5AuthProtocol,
    "SHA": hlapi.usmHMACSHAAuthProtocol,
    "SHA1": hlapi.usmHMACSHAAuthProtocol,
    "SHA224": hlapi.usmHMAC128SHA224AuthProtocol,
    "SHA256": hlapi.usmHMAC192SHA256AuthProtocol,
    "SHA384": hlapi.usmHMAC256SHA384AuthProtocol,
    "SHA512": hlapi.usmHMAC384SHA512AuthProtocol,
}
PRIV_PROTOCOLS = {
    "DES": hlapi.usmDESPrivProtocol,
    "AES": hlapi.usmAesCfb128Protocol,
    "AES128": hlapi.usmAesCfb128Protocol,
    "AES192": hlapi.usmAesBlumenthalCfb192Protocol,
    "AES256": hlapi.usmAesBlumenthalCfb256Protocol,
    "AES192C": hlapi.usmAesCfb192Protocol,
    "AES256C": hlapi.usmAesCfb256Protocol,
}
_MIN_KEY_LENGTH = 8  # RFC 3414 11.2: pass phrases shorter than 8 octets are refused by agents

# What an SNMPv3 Report from the agent means for the user, by pysnmp's error indication.
_AUTH_FAILURES = {
    errind.WrongDigest: "the agent reports a wrong digest (check the auth key and auth protocol)",
    errind.UnknownUserName: "the agent does not know this user",
    errind.UnsupportedSecurityLevel: "the agent does not allow authPriv for this user (check the privacy settings)",
    errind.DecryptionError: "the agent could not decrypt the request (check the privacy key and protocol)",
    errind.AuthenticationFailure: "the answer's digest does not match (check the auth key and auth protocol)",
    errind.AuthenticationError: "the answer could not be authenticated (check the auth key and auth protocol)",
    errind.UnknownSecurityName: "the agent does not know this user",
    errind.NotInTimeWindow: "the agent's clock window refused the request",
}
_GET = cmdgen.GetCommandGenerator()
_BULK = cmdgen.BulkCommandGenerator()
_NULL = rfc1902.Null("")
_GARBAGE = (errind.ParseError, errind.DeserializationError, errind.DataMismatch, errind.EngineIDMismatch)


def _protocol(table: dict, field: str, name: str | None, credential: Credential):
    if not name:
        raise BadCredential(f"credential {credential.name} has a key but no {field}")
    key = name.upper().replace("-", "").replace("_", "")
    if key not in table:
        raise BadCredential(f"credential {credential.name}: {field} {name!r} is not one of {', '.join(sorted(table))}")
    return table[key]


def auth_data(target: Target, credential: Credential) -> "hlapi.CommunityData | hlapi.UsmUserData":
    """pysnmp's security parameters for the target's SNMP version ("2c" or "3", checked by the client);
    ``BadCredential`` names a missing or unknown field."""
    if target.version == "2c":
        if not credential.community:
            raise BadCredential(f"credential {credential.name} has no community for SNMPv2c")
        return hlapi.CommunityData("egov", credential.community, mpModel=1)  # one engine per profile: one index
    if not credential.user:
        raise BadCredential(f"credential {credential.name} has no user for SNMPv3")
    for protocol, key in (("auth_protocol", "auth_key"), ("priv_protocol", "priv_key")):
        if getattr(credential, protocol) and not getattr(credential, key):  # e.g. a secret that did not resolve
            raise BadCredential(f"credential {credential.name} has a {protocol} but no {key}")
    options = {}
    if credential.auth_key:
        if len(credential.auth_key) < _MIN_KEY_LENGTH:
            raise BadCredential(f"credential {credential.name}: auth_key is shorter than {_MIN_KEY_LENGTH} characters")
        options["authKey"] = credential.auth_key
        options["authProtocol"] = _protocol(AUTH_PROTOCOLS, "auth_protocol", credential.auth_protocol, credential)
    if credential.priv_key:
        if not credential.auth_key:
            raise BadCredential(f"credential {credential.name}: priv_key needs an auth_key (authPriv)")
        if len(credential.priv_key) < _MIN_KEY_LENGTH:
            raise BadCredential(f"credential {credential.name}: priv_key is shorter than {_MIN_KEY_LENGTH} characters")
        options["privKey"] = credential.priv_key
        options["privProtocol"] = _protocol(PRIV_PROTOCOLS, "priv_protocol", credential.priv_protocol, credential)
    return hlapi.UsmUserData(credential.user, **options)


def _value(value) -> Value:
    """A pyasn1 value as this package's plain value (``values``)."""
    # NULL and the exceptions first: pyasn1's Null derives from OctetString.
    if isinstance(value, rfc1905.EndOfMibView):
        return NoValue.END_OF_MIB_VIEW
    if isinstance(value, rfc1905.NoSuchInstance):
        return NoValue.NO_SUCH_INSTANCE
    if isinstance(value, rfc1905.NoSuchObject):
        return NoValue.NO_SUCH_OBJECT
    if isinstance(value, univ.Null):
        return NoValue.NULL
    if isinstance(value, univ.Integer):  # Integer32, Counter32/64, Gauge32, TimeTicks, Unsigned32
        return int(value)
    if isinstance(value, univ.OctetString):  # also IpAddress, Opaque
        return bytes(value)
    return tuple(value)  # OBJECT IDENTIFIER, the only type left in SNMP's ObjectSyntax


class PysnmpSession:
    """A conversation with one agent through a shared pysnmp engine. Use as ``async with``.

    Requests go straight to pysnmp's RFC 3413 command generators with plain (OID, NULL) bindings: the high-level
    ``get_cmd``/``bulk_cmd`` would run every OID of every request through the MIB view to "resolve" it, which costs
    more than decoding the answer."""

    def __init__(self, engine: hlapi.SnmpEngine, security, target: Target, user: str | None):
        self.host = target.host
        self.port = target.port
        self._engine = engine
        self._security = security
        self._timeout = target.timeout
        self._retries = target.retries
        self._user = user
        self._target_name = None  # pysnmp's name of this agent and security, set up once per session

    async def __aenter__(self) -> "PysnmpSession":
        try:  # resolved here, so a bad name reads as it does on the v2c path
            [(family, _, _, _, address), *_] = await asyncio.get_running_loop().getaddrinfo(
                self.host, self.port, type=socket.SOCK_DGRAM
            )
        except OSError as exc:
            raise SnmpError(f"cannot send to {self.host}:{self.port}: {exc.strerror or exc}") from None
        transport_class = hlapi.Udp6TransportTarget if family == socket.AF_INET6 else hlapi.UdpTransportTarget
        transport = await transport_class.create(address[:2], timeout=self._timeout, retries=self._retries)
        try:
            self._target_name, _ = LCD.configure(self._engine, self._security, transport, b"")
        except pysnmp_error.PySnmpError as exc:
            raise SnmpError(f"pysnmp refused the settings for {self.host}:{self.port}: {exc}") from None
        return self

    async def __aexit__(self, *exc_info) -> None:
        """Nothing to close: the engine (and its socket) belongs to the client."""

    async def get(self, oids: list[Oid]) -> list[VarBind]:
        return await self._request(_GET.send_varbinds, (), oids, "GET")

    async def get_bulk(self, oids: list[Oid], max_repetitions: int) -> list[VarBind]:
        return await self._request(_BULK.send_varbinds, (0, max_repetitions), oids, "GETBULK")

    async def _request(self, send, counts: tuple, oids: list[Oid], what: str) -> list[VarBind]:
        future = asyncio.get_running_loop().create_future()
        bindings = [(rfc1902.ObjectName(oid), _NULL) for oid in oids]
        try:
            send(self._engine, self._target_name, None, b"", *counts, bindings, _answered, future)
        except pysnmp_error.PySnmpError as exc:
            raise SnmpError(f"{what} to {self.host}:{self.port} failed in pysnmp: {exc}") from None
        error_indication, error_status, error_index, varbinds = await future
        if error_indication:
            raise self._error(error_indication)
        if error_status:
            raise agent_error(int(error_status), int(error_index), what)
        return [(tuple(name), _value(value)) for name, value in varbinds]

    def _error(self, indication) -> SnmpError:
        address = f"{self.host}:{self.port}"
        if isinstance(indication, errind.RequestTimedOut):
            seconds = self._timeout * (self._retries + 1)
            hint = " (for SNMPv3 a wrong privacy key looks the same: the agent drops what it cannot decrypt)"
            return NoAnswer(f"no answer from {address} within {seconds:g} s" + (hint if self._user else ""))
        for kind, reason in _AUTH_FAILURES.items():
            if isinstance(indication, kind):
                return AuthenticationFailed(f"authentication failed for user {self._user} at {address}: {reason}")
        if isinstance(indication, _GARBAGE):
            return MalformedAnswer(f"{address} answered with a malformed message: {indication}")
        return SnmpError(f"{address}: {indication}")


def _answered(engine, handle, error_indication, error_status, error_index, varbinds, future) -> None:
    """pysnmp's callback for an answer (or a timeout): hand it to the waiting request, unless it gave up."""
    if not future.done():
        future.set_result((error_indication, error_status, error_index, varbinds))


class EnginePool:
    """One pysnmp engine per credential profile, opened on first use and closed together."""

    def __init__(self):
        self._engines: dict[str, hlapi.SnmpEngine] = {}

    def engine(self, credential: Credential) -> hlapi.SnmpEngine:
        engine = self._engines.get(credential.name)
        if engine is None:
            engine = self._engines[credential.name] = hlapi.SnmpEngine()
        return engine

    def session(self, target: Target, credential: Credential) -> PysnmpSession:
        security = auth_data(target, credential)
        user = credential.user if target.version == "3" else None
        return PysnmpSession(self.engine(credential), security, target, user)

    def close(self) -> None:
        for engine in self._engines.values():
            engine.close_dispatcher()
        self._engines.clear()
