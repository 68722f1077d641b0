"""What every source of the exporter (the collectors' Redis, NetBox) reports about its last read.

The exporter's own metrics (``egov_exporter_source_*``, docs/metrics.md) are made from it, so an outage of one
source shows as ``egov_exporter_source_up{source="..."} 0`` while the other's metrics are still served.
"""

from dataclasses import dataclass


@dataclass
class SourceStatus:
    """The last read of a source: whether it succeeded, when one last did (epoch seconds), how long it took."""

    up: bool = False
    last_success: float | None = None
    duration_seconds: float = 0.0
