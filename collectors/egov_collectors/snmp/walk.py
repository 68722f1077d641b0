"""Reading tables: a GETBULK walk of many columns at once, and GETs of single instances in batches.

The walk asks for every unfinished column in one GETBULK (RFC 3416 4.2.3): the answer holds up to
max-repetitions rows of one value per requested column, in request order, so the position of a value tells its
column. A column is finished when its values leave the column's subtree or the agent reports endOfMibView; the
next request asks only for the unfinished columns, each from its last OID. The repetitions are chosen so a
request asks for about ``max_values`` values in all, which keeps answers within what agents send in one datagram.

Works with any session that has ``get`` and ``get_bulk`` (``v2c.V2cSession``, ``usm.PysnmpSession``).
"""

from typing import Protocol

from egov_collectors.snmp.errors import TOO_BIG, AgentError, MalformedAnswer
from egov_collectors.snmp.oids import Oid, format_oid
from egov_collectors.snmp.values import NoValue, Value, VarBind

Column = dict[Oid, Value]  # instance suffix (e.g. (ifIndex,)) -> value


class Session(Protocol):
    async def get(self, oids: list[Oid]) -> list[VarBind]: ...

    async def get_bulk(self, oids: list[Oid], max_repetitions: int) -> list[VarBind]: ...


async def walk_columns(session: Session, columns: tuple[Oid, ...], max_values: int) -> dict[Oid, Column]:
    """Every instance of every column, as ``{column: {suffix: value}}``."""
    tables: dict[Oid, Column] = {column: {} for column in columns}
    position = {column: column for column in columns}  # the last OID read in each unfinished column
    while position:
        pending = list(position)
        varbinds = await _bulk(session, [position[column] for column in pending], max_values)
        if not varbinds:  # the only answer that would not move the walk forward
            raise MalformedAnswer(f"the agent answered a GETBULK from {format_oid(pending[0])} with no values")
        for column in _absorb(varbinds, pending, position, tables):
            del position[column]
    return tables


async def _bulk(session: Session, oids: list[Oid], max_values: int) -> list[VarBind]:
    """One GETBULK; when the agent says tooBig (which RFC 3416 forbids for GETBULK, but some do), ask for less."""
    repetitions = max(1, max_values // len(oids))
    while True:
        try:
            return await session.get_bulk(oids, repetitions)
        except AgentError as exc:
            if exc.status != TOO_BIG or repetitions == 1:
                raise
            repetitions //= 2


def _absorb(varbinds: list[VarBind], pending: list[Oid], position: dict[Oid, Oid], tables: dict[Oid, Column]):
    """File each value under its column (by position in the answer); return the columns that are finished."""
    width = len(pending)
    finished = set()
    for i, (oid, value) in enumerate(varbinds):
        column = pending[i % width]
        if column in finished:
            continue
        size = len(column)
        if oid[:size] != column or type(value) is NoValue:
            finished.add(column)
            continue
        if oid <= position[column]:
            raise MalformedAnswer(
                f"the agent returned {format_oid(oid)} after {format_oid(position[column])} (OIDs must increase)"
            )
        tables[column][oid[size:]] = value
        position[column] = oid
    return finished


async def get_instances(session: Session, oids: list[Oid], batch: int) -> dict[Oid, Value]:
    """The values of exact instances, ``batch`` per GET; instances the agent lacks are left out."""
    found: dict[Oid, Value] = {}
    for start in range(0, len(oids), batch):
        for oid, value in await session.get(oids[start : start + batch]):
            if type(value) is not NoValue:
                found[oid] = value
    return found
