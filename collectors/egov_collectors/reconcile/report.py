"""One device's report to the plugin (``POST /api/plugins/egov/findings/report/``, docs/reconciliation.md). Pure.

A device read completely reports ``complete: true`` with every finding of the run: the plugin then resolves the
device's findings it no longer sees. A device read in part (a getter failed) reports what was compared with
``complete: false``, and one that could not be read at all only a ``device_unreachable`` finding, also with
``complete: false``: neither resolves anything, since what was not read was not seen to be fixed.
"""

from ..periods import iso_timestamp
from .records import DEVICE_UNREACHABLE, Finding, ReconcileError, ReconcileTarget

# Login failures that are the device's (or the network's) to answer for. A credential missing on the collector or
# a driver not installed is the collector's own problem: shown and logged, never reported on the device.
UNREACHABLE_KINDS = ("authentication", "host-key-changed", "host-key-unknown", "timeout", "unreachable",
                     "unsupported")


def report(target: ReconcileTarget, findings, complete: bool, observed_at: float) -> dict:
    """The report of one run of one device; ``observed_at``: epoch seconds of the read."""
    return {"device": target.device_id, "complete": complete, "observed_at": iso_timestamp(observed_at),
            "findings": [finding.item() for finding in findings]}


def unreachable_report(target: ReconcileTarget, error: ReconcileError, observed_at: float) -> dict | None:
    """The report of a device that could not be read, or None when the failure is the collector's own."""
    if error.kind not in UNREACHABLE_KINDS:
        return None
    finding = Finding(DEVICE_UNREACHABLE, netbox_says=f"active, primary IP {target.host}", device_says=error.reason)
    return report(target, [finding], False, observed_at)
