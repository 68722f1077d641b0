"""Backing off dead devices, so they never hold up the live ones: a pure rule (no clock, no I/O, no network).

After a failed poll a device sits out cycles: 1 after the first failure in a row, then 2, 4, 8, ... up to ``cap``;
a successful poll resets it. The state of a device is a two-number record the caller keeps between cycles (in
memory for ``egov-collector run``, or wherever the cycle's jobs keep shared state); ``Backoff`` holds the states of
many devices under one policy.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class BackoffState:
    """One device's standing: its failed polls in a row, and the cycles it still sits out."""

    failures: int = 0
    skip: int = 0


@dataclass(frozen=True)
class BackoffPolicy:
    """How long a failing device sits out: ``2 ** (failures - 1)`` cycles, at most ``cap``."""

    cap: int = 16

    def __post_init__(self):
        if self.cap < 1:
            raise ValueError(f"cap must be at least 1 cycle, not {self.cap!r}")

    def cycles_to_skip(self, failures: int) -> int:
        if failures <= 0:
            return 0
        return min(self.cap, 1 << min(failures - 1, self.cap.bit_length()))

    def after_poll(self, state: BackoffState, ok: bool) -> BackoffState:
        if ok:
            return BackoffState()
        failures = state.failures + 1
        return BackoffState(failures=failures, skip=self.cycles_to_skip(failures))

    @staticmethod
    def due(state: BackoffState) -> bool:
        return state.skip == 0

    @staticmethod
    def sat_out(state: BackoffState) -> BackoffState:
        """The state after a cycle in which the device was not polled."""
        return replace(state, skip=state.skip - 1)


@dataclass
class Backoff:
    """The states of many devices by name, under one policy. Devices never seen are in good standing."""

    policy: BackoffPolicy = field(default_factory=BackoffPolicy)
    states: dict[str, BackoffState] = field(default_factory=dict)

    def plan(self, items: Iterable[T], name=lambda item: item) -> tuple[list[T], list[tuple[T, BackoffState]]]:
        """Split this cycle's items into those to poll (devices in good standing first, then by fewest failures)
        and those that sit it out (with their state after this cycle). Call once per cycle."""
        due, sitting_out = [], []
        for item in items:
            state = self.states.get(name(item), BackoffState())
            if self.policy.due(state):
                due.append(item)
            else:
                state = self.states[name(item)] = self.policy.sat_out(state)
                sitting_out.append((item, state))
        due.sort(key=lambda item: self.states.get(name(item), BackoffState()).failures)
        return due, sitting_out

    def record(self, device: str, ok: bool) -> None:
        state = self.policy.after_poll(self.states.get(device, BackoffState()), ok)
        if state == BackoffState():
            self.states.pop(device, None)
        else:
            self.states[device] = state
