"""The SNMP client of the collectors: v2c and v3 polls of interface counters and MikroTik queues.

``poll_device`` reads one device; ``poll_many`` many, with bounded concurrency, a deadline per device and dead
devices backed off (``backoff``, a pure rule). Both return ``egov_collectors.model.DevicePoll`` records and never
raise for a device problem.

The names are imported on first use, so that ``egov_collectors.snmp.backoff`` and the other pure modules can be
imported without pysnmp and asyncio.
"""

import importlib

_EXPORTS = {
    "SnmpClient": "egov_collectors.snmp.client",
    "poll_device": "egov_collectors.snmp.client",
    "poll_many": "egov_collectors.snmp.many",
    "Backoff": "egov_collectors.snmp.backoff",
    "BackoffPolicy": "egov_collectors.snmp.backoff",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name]), name)
