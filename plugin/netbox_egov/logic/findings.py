"""Reconciliation findings: what one device's report does to the findings stored for that device.

The collectors compare what a device says about itself and its neighbours with what NetBox says, and report
every difference they see on one device at one time (docs/reconciliation.md). A finding is keyed by
(device, kind, subject); this module decides, from the stored findings of the device and the report, which
findings are created, which change, which are resolved, and which are only seen again. It also checks the
items of a report for what no field-by-field check can see (a subject that does not fit the kind, one key
twice), and names what a person may accept of a finding.

Values are the choices' own (choices.FindingKindChoices, FindingStatusChoices), as plain strings.
"""

from dataclasses import dataclass, field
from datetime import datetime

# Kinds about one interface of the device: the subject names the interface.
INTERFACE_KINDS = ("undocumented_link", "wrong_far_end", "documented_link_not_seen", "unknown_neighbour",
                   "interface_down_but_enabled", "interface_up_but_disabled")
# Kinds about the device as a whole: the subject is empty.
DEVICE_KINDS = ("serial_differs", "os_differs", "model_differs", "device_unreachable")
KINDS = INTERFACE_KINDS + DEVICE_KINDS
# Kinds whose other end is an interface NetBox knows (the far end the device sees).
LINK_KINDS = ("undocumented_link", "wrong_far_end")

OPEN, ACKNOWLEDGED, RESOLVED = "open", "acknowledged", "resolved"
LIVE = (OPEN, ACKNOWLEDGED)

# Outcomes of a report for one finding, as the report endpoint counts them.
CREATED, UPDATED, REOPENED, RESOLVED_NOW, UNCHANGED = "created", "updated", "reopened", "resolved", "unchanged"
OUTCOMES = (CREATED, UPDATED, REOPENED, RESOLVED_NOW, UNCHANGED)

# What the device says or points at: a change of any of these is a change of the finding (change-logged).
SAID = ("interface", "far_interface", "netbox_says", "device_says")

# What accepting a finding changes in NetBox (reconciliation/accept.py): the kinds with a single obvious fix.
ACCEPTS = {
    "serial_differs": "set_serial",
    "model_differs": "set_device_type",
    "undocumented_link": "create_cable",
    "interface_up_but_disabled": "enable_interface",
    "interface_down_but_enabled": "disable_interface",
}


@dataclass(frozen=True)
class Seen:
    """One item of a report: a difference the device showed at the report's time."""

    kind: str
    subject: str = ""
    interface: int | None = None
    far_interface: int | None = None
    netbox_says: str = ""
    device_says: str = ""

    @property
    def key(self):
        return self.kind, self.subject


@dataclass(frozen=True)
class Stored:
    """A finding as stored for the device."""

    pk: int
    kind: str
    subject: str
    status: str
    last_seen: datetime
    interface: int | None = None
    far_interface: int | None = None
    netbox_says: str = ""
    device_says: str = ""
    resolved_at: datetime | None = None

    @property
    def key(self):
        return self.kind, self.subject


@dataclass(frozen=True)
class Change:
    """What becomes of one stored finding: its outcome and the fields to write (none for a replay)."""

    pk: int
    outcome: str
    fields: dict = field(default_factory=dict)

    @property
    def logged(self):
        """A change of what the finding says or of its status: change-logged. Seeing it again is not."""
        return self.outcome in (UPDATED, REOPENED, RESOLVED_NOW)


@dataclass
class Plan:
    """What a report does: the findings to create, and the change of each stored finding it touches."""

    create: list = field(default_factory=list)
    changes: list = field(default_factory=list)

    def counts(self):
        counts = dict.fromkeys(OUTCOMES, 0)
        counts[CREATED] = len(self.create)
        for change in self.changes:
            counts[change.outcome] += 1
        return counts


def plan(stored, seen, observed_at, complete):
    """The plan for a report of `seen` items observed at `observed_at` on a device with `stored` findings.

    A new key is created open. A key seen again takes the report's time as its last sighting and what the
    report says; an acknowledged finding stays acknowledged unless what the device says changed, a resolved
    one is reopened. When the report is complete, every open or acknowledged finding it does not list is
    resolved at its time. A report older than what a finding last recorded (its last sighting, or when it
    was resolved) changes nothing of that finding: a replayed or late report never moves a finding back.
    """
    by_key = {finding.key: finding for finding in stored}
    create, changes = [], []
    for item in seen:
        finding = by_key.get(item.key)
        if finding is None:
            create.append(item)
        else:
            changes.append(_seen_again(finding, item, observed_at))
    if complete:
        reported = {item.key for item in seen}
        changes += [
            Change(finding.pk, RESOLVED_NOW, {"status": RESOLVED, "resolved_at": observed_at})
            for finding in stored
            if finding.status in LIVE and finding.key not in reported and not _older(observed_at, finding)
        ]
    return Plan(create, changes)


def _older(observed_at, finding):
    """Whether the report is older than what the finding last recorded."""
    return observed_at < finding.last_seen or (finding.resolved_at is not None and observed_at < finding.resolved_at)


def _seen_again(finding, item, observed_at):
    if _older(observed_at, finding):
        return Change(finding.pk, UNCHANGED)
    fields = {name: getattr(item, name) for name in SAID if getattr(item, name) != getattr(finding, name)}
    if finding.status == RESOLVED or (finding.status == ACKNOWLEDGED and "device_says" in fields):
        outcome = REOPENED
        fields.update(status=OPEN, resolved_at=None)
    else:
        outcome = UPDATED if fields else UNCHANGED
    if observed_at != finding.last_seen:
        fields["last_seen"] = observed_at
    return Change(finding.pk, outcome, fields)


def item_problems(items):
    """(index, field, value, message) for each item whose subject does not fit its kind, or whose key an
    earlier item of the report already used. Items are Seen; their fields are checked one by one elsewhere."""
    problems, first = [], {}
    for index, item in enumerate(items):
        if item.kind in DEVICE_KINDS and item.subject:
            problems.append((index, "subject", item.subject, f"a {item.kind} finding is about the device: its "
                                                              "subject is empty"))
        elif item.kind in DEVICE_KINDS and item.interface is not None:
            problems.append((index, "interface", item.interface, f"a {item.kind} finding is about the device: "
                                                                  "it names no interface"))
        elif item.kind in INTERFACE_KINDS and not item.subject.strip():
            problems.append((index, "subject", item.subject, f"a {item.kind} finding names the interface in "
                                                              "its subject"))
        elif item.far_interface is not None and item.kind not in LINK_KINDS:
            problems.append((index, "far_interface", item.far_interface,
                             f"only {' and '.join(LINK_KINDS)} findings name a far interface"))
        elif item.key in first:
            problems.append((index, "subject", item.subject,
                             f"item {first[item.key]} already reports {item.kind} for this subject"))
        first.setdefault(item.key, index)
    return problems


def accept_action(kind):
    """The change accepting a finding of this kind makes (a key of ACCEPTS' values), or None."""
    return ACCEPTS.get(kind)
