"""One device's report applied to its findings (POST /api/plugins/egov/findings/report/).

The rules (what is created, updated, reopened, resolved) are logic.findings'; this reads what they need and
writes what they decide, in one transaction, with a number of queries that does not grow with the findings:
the device (locked, so two reports of one device never interleave), the interfaces named, the device's
findings with their tags, one insert, at most two updates, the permission checks and the change log.

Who may report: a token that may add and change findings (checked by the view), for a device it may view,
naming interfaces it may view; each finding created must lie inside its add permission and each finding
touched inside its change permission. A device outside them gets the answer a missing device gets.
Seeing a finding again writes only its last sighting: no change-log entry, since nobody decided anything.
"""

from django.db import transaction
from django.utils import timezone

from dcim.models import Device, Interface

from ..choices import FindingStatusChoices
from ..logic import findings as rules
from ..models import Finding
from . import changes

# Changes that name an interface by id in the plan, by attribute on the model.
ATTNAMES = {"interface": "interface_id", "far_interface": "far_interface_id"}


class ReportRefused(Exception):
    """A report that changed nothing; `errors` ({field: [message]}) says why (answered 400)."""

    def __init__(self, errors):
        super().__init__(errors)
        self.errors = errors


def device_not_found(device_id):
    # One answer for a device that does not exist and one the token may not report on: it names nothing.
    return {"device": [f"{device_id}: no device with this id that you may report findings for"]}


def shown(value, limit=100):
    """The value as an error message quotes it: its repr, cut short."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[:limit - 1]}…"


def item_error(index, field, value, message):
    return {f"findings[{index}].{field}": [f"{shown(value)}: {message}"]}


def apply_report(user, report):
    """Apply a validated report ({device, complete, observed_at, findings}); returns the counts per outcome."""
    items = [rules.Seen(**item) for item in report["findings"]]
    errors = {}
    for problem in rules.item_problems(items):
        errors.update(item_error(*problem))
    if errors:
        raise ReportRefused(errors)
    observed_at = report["observed_at"]
    with transaction.atomic():
        device = (Device.objects.restrict(user, "view").select_for_update(of=("self",))
                  .filter(pk=report["device"]).first())
        if device is None:
            raise ReportRefused(device_not_found(report["device"]))
        check_interfaces(user, device, items)
        stored = {finding.pk: finding for finding in Finding.objects.filter(device=device).prefetch_related("tags")}
        for finding in stored.values():
            finding.device = device  # named in each change-log entry: no query per finding
        plan = rules.plan([as_stored(finding) for finding in stored.values()], items, observed_at,
                          report["complete"])
        touched = [change for change in plan.changes if change.fields]
        if not permitted(user, "change", [change.pk for change in touched]):
            raise ReportRefused(device_not_found(report["device"]))
        created = create(device, plan.create, observed_at)
        updated = update(stored, touched)
        if not (permitted(user, "add", [finding.pk for finding in created])
                and permitted(user, "change", [change.pk for change in touched])):
            raise ReportRefused(device_not_found(report["device"]))
        changes.record(created, changes.CREATE)
        changes.record(updated, changes.UPDATE)
    return plan.counts()


def check_interfaces(user, device, items):
    """Every interface an item names is one the user may view; an item's own interface is the device's and the
    subject names it as NetBox does. One query for all of them."""
    ids = {pk for item in items for pk in (item.interface, item.far_interface) if pk is not None}
    known = {pk: (device_id, name) for pk, device_id, name in
             Interface.objects.restrict(user, "view").filter(pk__in=ids).values_list("pk", "device_id", "name")}
    errors = {}
    for index, item in enumerate(items):
        for field in ("interface", "far_interface"):
            pk = getattr(item, field)
            if pk is not None and pk not in known:
                errors.update(item_error(index, field, pk, "no interface with this id is visible to you"))
        if item.interface in known:
            device_id, name = known[item.interface]
            if device_id != device.pk:
                errors.update(item_error(index, "interface", item.interface,
                                         f"interface {name} is not an interface of {device}"))
            elif item.subject != name:
                errors.update(item_error(index, "subject", item.subject,
                                         f"the subject of an interface finding is the interface's name: {name!r}"))
    if errors:
        raise ReportRefused(errors)


def as_stored(finding):
    return rules.Stored(
        pk=finding.pk, kind=finding.kind, subject=finding.subject, status=finding.status,
        last_seen=finding.last_seen, interface=finding.interface_id, far_interface=finding.far_interface_id,
        netbox_says=finding.netbox_says, device_says=finding.device_says, resolved_at=finding.resolved_at,
    )


def permitted(user, action, pks):
    """Whether every one of the findings `pks` lies inside the user's `action` permission (one query)."""
    return not pks or Finding.objects.restrict(user, action).filter(pk__in=pks).count() == len(set(pks))


def create(device, items, observed_at):
    findings = [
        Finding(device=device, kind=item.kind, subject=item.subject, interface_id=item.interface,
                far_interface_id=item.far_interface, netbox_says=item.netbox_says, device_says=item.device_says,
                first_seen=observed_at, last_seen=observed_at, status=FindingStatusChoices.OPEN)
        for item in items
    ]
    Finding.objects.bulk_create(findings)
    changes.without_tags(findings)
    return findings


def update(stored, touched):
    """Write the plan's changes: one update for those anyone would call a change (change-logged, returned),
    one for the findings only seen again (their last sighting, nothing else)."""
    logged, seen = [], []
    fields = {"last_updated"}
    for change in touched:
        finding = stored[change.pk]
        if change.logged:
            finding.snapshot()
            finding.last_updated = timezone.now()
            fields.update(ATTNAMES.get(name, name) for name in change.fields)
            logged.append(finding)
        else:
            seen.append(finding)
        for name, value in change.fields.items():
            setattr(finding, ATTNAMES.get(name, name), value)
    if logged:
        Finding.objects.bulk_update(logged, sorted(fields))
    if seen:
        Finding.objects.bulk_update(seen, ["last_seen"])
    return logged
