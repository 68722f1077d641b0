"""The backoff rule for dead devices, directly (it is pure: no clock, no network)."""

import subprocess
import sys
from pathlib import Path

import pytest

import egov_collectors
from egov_collectors.snmp.backoff import Backoff, BackoffPolicy, BackoffState


def test_cycles_to_skip_double_with_each_failure_up_to_the_cap():
    policy = BackoffPolicy(cap=16)

    assert [policy.cycles_to_skip(failures) for failures in range(8)] == [0, 1, 2, 4, 8, 16, 16, 16]
    assert policy.cycles_to_skip(10_000) == 16  # no huge numbers on the way


def test_a_success_resets_the_standing():
    policy = BackoffPolicy()
    state = BackoffState()
    for _ in range(5):
        state = policy.after_poll(state, ok=False)

    assert state == BackoffState(failures=5, skip=16)
    assert policy.after_poll(state, ok=True) == BackoffState()


def _attempts(backoff: Backoff, cycles: int, ok=lambda cycle: False) -> list[int]:
    """The cycles in which device "gw" is polled, when each poll's outcome is ``ok(cycle)``."""
    polled = []
    for cycle in range(cycles):
        due, _ = backoff.plan(["gw"])
        if due:
            polled.append(cycle)
            backoff.record("gw", ok(cycle))
    return polled


def test_a_dead_device_is_polled_ever_more_rarely():
    assert _attempts(Backoff(BackoffPolicy(cap=8)), 40) == [0, 2, 5, 10, 19, 28, 37]


def test_a_device_that_comes_back_is_polled_every_cycle_again():
    attempts = _attempts(Backoff(BackoffPolicy(cap=8)), 16, ok=lambda cycle: cycle >= 5)

    assert attempts == [0, 2, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]


def test_plan_puts_devices_that_failed_before_last_and_reports_those_sitting_out():
    backoff = Backoff(BackoffPolicy(cap=4))
    backoff.states = {"b": BackoffState(failures=3, skip=0), "c": BackoffState(failures=1, skip=0)}
    backoff.states["d"] = BackoffState(failures=2, skip=2)

    due, sitting_out = backoff.plan(["b", "c", "d", "a"])

    assert due == ["a", "c", "b"]
    assert sitting_out == [("d", BackoffState(failures=2, skip=1))]
    assert backoff.states["d"] == BackoffState(failures=2, skip=1)


def test_devices_in_good_standing_are_not_stored():
    backoff = Backoff()
    backoff.record("gw-1", ok=False)
    backoff.record("gw-2", ok=True)

    assert backoff.states == {"gw-1": BackoffState(failures=1, skip=1)}
    backoff.record("gw-1", ok=True)
    assert backoff.states == {}


def test_cap_below_one_is_refused_by_name():
    with pytest.raises(ValueError, match="cap must be at least 1 cycle, not 0"):
        BackoffPolicy(cap=0)


def test_the_rule_imports_nothing_of_the_network_stack():
    code = (
        "import sys, egov_collectors.snmp.backoff\n"
        "loaded = [m for m in sys.modules if m.split('.')[0] in ('asyncio', 'socket', 'pysnmp', 'pyasn1')]\n"
        "assert not loaded, loaded\n"
    )
    collectors = Path(egov_collectors.__file__).parents[1]  # this checkout's, as pytest imports it
    result = subprocess.run([sys.executable, "-c", code], env={"PYTHONPATH": str(collectors)}, capture_output=True)
    assert result.returncode == 0, result.stderr.decode()
