"""The SNMP client of the collectors: v2c and v3 polls of interface counters and MikroTik queues.

``poll_device`` reads one device; ``poll_many`` many, with bounded concurrency, a deadline per device and dead
devices backed off (``backoff``). Both return ``egov_collectors.model.DevicePoll`` records and never raise for a
device problem.
"""

from egov_collectors.snmp.client import SnmpClient, poll_device

__all__ = ["SnmpClient", "poll_device"]
