"""Poll one device: ``poll_device`` and the ``SnmpClient`` that polls on one event loop share.

A poll is three steps: a GET of sysUpTime.0 and sysName.0; one multi-column GETBULK walk of the interface
columns (and of the MikroTik simple queue table on RouterOS); GETs of the 32-bit fallbacks for the interfaces that
lack a 64-bit value (``tables``). SNMPv2c goes through the lean codec on a plain UDP socket (``v2c``); SNMPv3 through
pysnmp (``usm``). A device problem never raises: the poll comes back with ``ok=False`` and a message that names
the device and the reason. An agent without IF-MIB (a UPS, a sensor) polls ``ok`` with no interfaces: it answered,
it just has nothing to count.
"""

import asyncio
import time
from contextlib import AbstractAsyncContextManager

from egov_collectors.model import Credential, DevicePoll, Target
from egov_collectors.snmp import oids
from egov_collectors.snmp.errors import BadCredential, SnmpError
from egov_collectors.snmp.tables import build_interfaces, build_queues, fallback_oids
from egov_collectors.snmp.usm import EnginePool
from egov_collectors.snmp.v2c import V2cSession
from egov_collectors.snmp.values import NoValue, as_int, as_text
from egov_collectors.snmp.walk import Session, get_instances, walk_columns

# Values asked for per GETBULK: net-snmp answers at most 100 per request (maxGetbulkResponses); 60 values of the
# interface columns make answers of about 1 KB (1.2 KB with long aliases), one Ethernet frame, where 100 make 1.7 KB
# answers that a 1,500-byte path fragments (docs/benchmarks.md).
DEFAULT_MAX_VALUES = 60
GET_BATCH = 30  # instances per GET of fallback values


class SnmpClient:
    """What polls on one event loop share: the pysnmp engines (SNMPv3) and the request sizes.

    ``lean_v2c=False`` sends SNMPv2c through pysnmp as well (the benchmark compares both)."""

    def __init__(self, *, max_values: int = DEFAULT_MAX_VALUES, lean_v2c: bool = True):
        self.max_values = max_values
        self.lean_v2c = lean_v2c
        self._engines = EnginePool()

    async def __aenter__(self) -> "SnmpClient":
        return self

    async def __aexit__(self, *exc_info) -> None:
        self._engines.close()

    def session(self, target: Target, credential: Credential) -> AbstractAsyncContextManager[Session]:
        """A conversation with the target's agent, with the credential's security."""
        if target.version not in ("2c", "3"):
            raise BadCredential(f"version {target.version!r} is not '2c' or '3'")
        if target.version == "2c" and self.lean_v2c:
            if not credential.community:
                raise BadCredential(f"credential {credential.name} has no community for SNMPv2c")
            return V2cSession(
                target.host, target.port, credential.community, timeout=target.timeout, retries=target.retries
            )
        return self._engines.session(target, credential)


async def poll_device(
    target: Target, credential: Credential, *, deadline: float | None = None, client: SnmpClient | None = None
) -> DevicePoll:
    """Read the target's uptime, name, interfaces (and queues on RouterOS) within ``deadline`` seconds.

    Without a ``client`` the poll opens (and closes) one of its own; ``poll_many`` shares one."""
    if client is None:
        async with SnmpClient() as own:
            return await poll_device(target, credential, deadline=deadline, client=own)
    started = time.monotonic()
    try:
        async with asyncio.timeout(deadline):
            return await _read(client, target, credential, started)
    except TimeoutError:
        reason = f"deadline of {deadline:g} s exceeded while polling {target.host}:{target.port}"
    except SnmpError as exc:
        reason = str(exc)
    return failed_poll(target, started, reason)


def failed_poll(target: Target, started: float, reason: str) -> DevicePoll:
    """The poll of a device that could not be read; ``started`` is a ``time.monotonic()`` reading."""
    return DevicePoll(
        device=target.device,
        polled_at=time.time(),
        duration=time.monotonic() - started,
        ok=False,
        error=f"{target.device}: {reason}",
    )


async def _read(client: SnmpClient, target: Target, credential: Credential, started: float) -> DevicePoll:
    columns = oids.INTERFACE_COLUMNS
    if target.platform == "routeros":
        columns += oids.QUEUE_COLUMNS
    async with client.session(target, credential) as session:
        system = dict(await session.get([oids.SYS_UPTIME, oids.SYS_NAME]))
        tables = await walk_columns(session, columns, client.max_values)
        fallbacks = await get_instances(session, fallback_oids(tables), GET_BATCH)
    values = sum(type(value) is not NoValue for value in system.values())
    values += sum(map(len, tables.values())) + len(fallbacks)
    return DevicePoll(
        device=target.device,
        polled_at=time.time(),
        duration=time.monotonic() - started,
        ok=True,
        sys_name=as_text(system.get(oids.SYS_NAME)),
        sys_uptime_cs=as_int(system.get(oids.SYS_UPTIME)),
        values=values,
        interfaces=build_interfaces(tables, fallbacks),
        queues=build_queues(tables),
    )
