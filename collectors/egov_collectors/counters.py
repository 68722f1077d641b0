"""The traffic between two reads of one counter, never negative and never a spike.

A device's counters are raw, wrapping integers (SNMP Counter32/Counter64, nftables' 64-bit counters). Between two
reads of one counter, ``counter_delta`` answers how many octets passed, or that the pair cannot be trusted and
nothing is counted. Pure: standard library only, no I/O.

The rules, in the order they are applied (each is a ``Reason``):

1. Nothing to compare: no earlier read (``first``), no value now (``missing``), a counter of another width
   (``width-changed``: the device switched between ifTable and ifXTable), or time did not advance (``clock``).
   Nothing is counted; the caller takes the current read as its next baseline.
2. **Agent restart** (``restart``, ``restart-kept``, ``restart-implausible``). The agent restarted between the
   reads when its sysUpTime is clearly less than the previous one plus the time elapsed (``restarted``), which also
   catches a restart shortly after a read, and is not fooled by sysUpTime's own wrap after 497 days. The counters
   may then have started again from zero, or not (net-snmp on Linux reports the kernel's counters, which a restart
   of snmpd does not reset). We count the smaller reading that is plausible: the plain difference when the
   counter went up (``restart-kept``; it can only undercount), else the new value counted from zero, as Prometheus
   does for a reset, but only when that value fits into the time since the restart at the interface's speed
   (``restart``); else nothing (``restart-implausible``).
3. The counter went up: the difference (``ok``).
4. The counter went down without a restart: one wrap (``wrap``) when the wrapped difference is plausible (the
   rule rrdtool and so LibreNMS apply to COUNTER data sources); else a reset of that counter alone (an interface
   re-created, a queue or nftables counter reset by a reload), counted from zero as Prometheus does, when the new
   value itself is plausible (``reset``); else a discontinuity, counted as nothing (``discontinuity``).
5. **Plausibility**: whatever the case, a difference above what the interface can carry in the interval is
   dropped (``over-speed``), as LibreNMS stores rates above the port speed as unknown instead of a spike. The
   ceiling is ``speed x (interval x 1.1 + 2 s)``: 10 % and two seconds of line rate absorb the jitter between
   when the collector timed a poll and when the agent read its counter. Without a known speed (a virtual
   interface reporting 0, a queue, an nftables counter) the ceiling uses ``FALLBACK_SPEED_BPS`` and the delta is
   flagged ``speed-unknown``.

Flags describe a kept delta: ``gap`` (the interval is longer than ``max_interval``: kept, but a 32-bit counter may
have wrapped more than once unseen), ``wrap-ambiguous`` (the ceiling exceeds the counter's range, so a wrap cannot
be told from a reset or a second wrap: the figure is a lower bound), ``speed-unknown``.

A discarded delta is still a result (octets 0 with its reason): callers count discards per reason, as LibreNMS
counts the values it drops.
"""

from dataclasses import dataclass
from enum import StrEnum

COUNTER_BITS = (32, 64)
SYSUPTIME_MODULUS = 2**32  # sysUpTime is TimeTicks (hundredths of a second) and wraps after about 497 days
FALLBACK_SPEED_BPS = 100 * 10**9  # ceiling when the speed is unknown: faster than any agency's link
MAX_INTERVAL = 900.0  # seconds; a longer interval is kept but flagged as a gap
SPEED_TOLERANCE = 1.1
SPEED_SLACK_SECONDS = 2.0
# How far sysUpTime may lag the wall clock before we call it a restart: a poll's own duration and retries.
UPTIME_SLACK_SECONDS = 10.0
UPTIME_SLACK_RATIO = 0.01


class Reason(StrEnum):
    """Why a delta has the value it has."""

    OK = "ok"
    WRAP = "wrap"
    RESET = "reset"
    RESTART = "restart"
    RESTART_KEPT = "restart-kept"
    FIRST = "first"
    MISSING = "missing"
    WIDTH_CHANGED = "width-changed"
    CLOCK = "clock"
    RESTART_IMPLAUSIBLE = "restart-implausible"
    DISCONTINUITY = "discontinuity"
    OVER_SPEED = "over-speed"


# Deltas that measured traffic (possibly zero octets).
KEPT = frozenset({Reason.OK, Reason.WRAP, Reason.RESET, Reason.RESTART, Reason.RESTART_KEPT})
# Deltas that compared two reads and threw the difference away: counted per reason by the caller. The rest
# (first, missing, width-changed) had nothing to compare with: neither kept nor discarded.
DISCARDS = frozenset({Reason.CLOCK, Reason.RESTART_IMPLAUSIBLE, Reason.DISCONTINUITY, Reason.OVER_SPEED})


class Flag(StrEnum):
    GAP = "gap"
    WRAP_AMBIGUOUS = "wrap-ambiguous"
    SPEED_UNKNOWN = "speed-unknown"


@dataclass(frozen=True)
class Reading:
    """One read of one counter: its raw value, when it was read, and the agent's sysUpTime at that poll."""

    value: int | None
    at: float  # epoch seconds
    bits: int = 64
    uptime_cs: int | None = None  # sysUpTime in hundredths of a second; None where the source has none (nftables)

    def __post_init__(self):
        if self.bits not in COUNTER_BITS:
            raise ValueError(f"bits must be 32 or 64, got {self.bits!r}")
        if self.value is not None and not 0 <= self.value < 2**self.bits:
            raise ValueError(f"value must be a {self.bits}-bit counter (0 to 2**{self.bits}-1), got {self.value!r}")
        if self.uptime_cs is not None and not 0 <= self.uptime_cs < SYSUPTIME_MODULUS:
            raise ValueError(f"uptime_cs must be TimeTicks (0 to 2**32-1), got {self.uptime_cs!r}")


@dataclass(frozen=True)
class Delta:
    """The octets that passed between two reads (never negative), why, and what to know about the figure."""

    octets: int
    reason: Reason
    interval: float = 0.0  # seconds between the reads
    flags: frozenset[Flag] = frozenset()

    @property
    def discarded(self) -> bool:
        return self.reason in DISCARDS

    @property
    def kept(self) -> bool:
        """True when the delta measured traffic (possibly none): a sample of the accounting."""
        return self.reason in KEPT


def counter_delta(
    previous: Reading | None,
    current: Reading,
    *,
    speed_bps: int | None = None,
    max_interval: float = MAX_INTERVAL,
) -> Delta:
    """The octets between ``previous`` and ``current`` reads of one counter (see the module's rules).

    ``speed_bps`` is the interface's speed in bits per second (None or 0 when unknown). The caller always keeps
    ``current`` as the next baseline when its value is not None."""
    if previous is None or previous.value is None:
        return Delta(0, Reason.FIRST)
    if current.value is None:
        return Delta(0, Reason.MISSING)
    if previous.bits != current.bits:
        return Delta(0, Reason.WIDTH_CHANGED)
    interval = current.at - previous.at
    if interval <= 0:
        return Delta(0, Reason.CLOCK, interval)

    flags = set()
    if interval > max_interval:
        flags.add(Flag.GAP)
    if not speed_bps:
        flags.add(Flag.SPEED_UNKNOWN)
    bytes_per_second = (speed_bps or FALLBACK_SPEED_BPS) / 8
    ceiling = _ceiling(bytes_per_second, interval)
    if ceiling >= 2**current.bits:
        flags.add(Flag.WRAP_AMBIGUOUS)

    if restarted(previous, current):
        octets, reason = _after_restart(previous.value, current, bytes_per_second, interval)
    else:
        octets, reason = _without_restart(previous.value, current.value, current.bits, ceiling)
    if reason not in DISCARDS and octets > ceiling:
        octets, reason = 0, Reason.OVER_SPEED
    if reason in DISCARDS:
        return Delta(0, reason, interval, frozenset(flags))
    return Delta(octets, reason, interval, frozenset(flags))


def restarted(previous: Reading, current: Reading) -> bool:
    """True when the agent's sysUpTime shows it restarted between the two reads (False when either lacks one).

    Expected uptime now is the previous one plus the wall-clock time elapsed; a restart leaves it clearly less.
    sysUpTime's own wrap (2**32 hundredths) lands near the expected value modulo 2**32 and is no restart."""
    if previous.uptime_cs is None or current.uptime_cs is None:
        return False
    elapsed_cs = max(current.at - previous.at, 0) * 100
    slack_cs = (UPTIME_SLACK_SECONDS + UPTIME_SLACK_RATIO * elapsed_cs / 100) * 100
    expected_cs = previous.uptime_cs + elapsed_cs
    if current.uptime_cs + slack_cs >= expected_cs:
        return False
    wrapped_expected_cs = expected_cs - SYSUPTIME_MODULUS
    return not (wrapped_expected_cs > -slack_cs and abs(current.uptime_cs - wrapped_expected_cs) <= slack_cs)


def _ceiling(bytes_per_second: float, seconds: float) -> int:
    return int(bytes_per_second * (seconds * SPEED_TOLERANCE + SPEED_SLACK_SECONDS))


def _after_restart(old: int, current: Reading, bytes_per_second: float, interval: float) -> tuple[int, Reason]:
    if current.value >= old:
        return current.value - old, Reason.RESTART_KEPT
    since_restart = min(current.uptime_cs / 100, interval)
    if current.value <= _ceiling(bytes_per_second, since_restart):
        return current.value, Reason.RESTART
    return 0, Reason.RESTART_IMPLAUSIBLE


def _without_restart(old: int, new: int, bits: int, ceiling: int) -> tuple[int, Reason]:
    if new >= old:
        return new - old, Reason.OK
    wrapped = new + 2**bits - old
    if wrapped <= ceiling:
        return wrapped, Reason.WRAP
    if new <= ceiling:
        return new, Reason.RESET
    return 0, Reason.DISCONTINUITY
