"""Accepting a finding: a person takes the device's side, and NetBox changes through its normal save.

Nothing changes by itself (issue 13, item 3). From a finding's page (or POST findings/<id>/accept/) a person
accepts what the device says: a serial number or a device type set on the device, a cable created between
the two interfaces of an undocumented link, an interface enabled or disabled. The change goes through the
object's full_clean() and save() with its snapshot, so it is validated, checked against the plugin's
scoping (signals.py) and change-logged under the person's name, and needs the person's `change` permission
on the object changed (`add` on cables for a new cable). The finding is then resolved with a note naming who
accepted it. Everything happens in one transaction: a refusal leaves NetBox as it was.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from dcim.choices import LinkStatusChoices
from dcim.models import Cable, Device, DeviceType, Interface

from ..cable_labels import active_scheme
from ..choices import FindingStatusChoices
from ..logic import labels
from ..logic.findings import accept_action


@dataclass
class Proposal:
    """What accepting the finding would change (`summary`), or why it cannot be accepted (`refusal`)."""

    action: str | None
    summary: str = ""
    refusal: str = ""
    # The refusal is the user's permission: answered 403 rather than 400.
    forbidden: bool = False
    # The object changed (a device or an interface), or the two interfaces a new cable joins.
    target: object = None
    value: object = None

    @property
    def possible(self):
        return not self.refusal


def propose(finding, user):
    """What accepting `finding` would do for `user`, checked against the data and the user's permissions."""
    action = accept_action(finding.kind)
    if action is None:
        return Proposal(None, refusal=_("There is nothing to accept for a finding of this kind: correct NetBox "
                                        "or the device by hand."))
    if finding.status == FindingStatusChoices.RESOLVED:
        return Proposal(action, refusal=_("This finding is resolved: there is nothing to accept."))
    proposal = PROPOSALS[action](finding, user, action)
    if proposal.possible and not _changeable(user, type(finding), finding):
        return Proposal(action, proposal.summary, _("You may not change this finding."), forbidden=True)
    return proposal


def _changeable(user, model, obj):
    return model.objects.restrict(user, "change").filter(pk=obj.pk).exists()


def _on_device(finding, user, action, summary, value):
    device = finding.device
    if not _changeable(user, Device, device):
        return Proposal(action, summary, _("You may not change device {device}.").format(device=device),
                        forbidden=True)
    return Proposal(action, summary, target=device, value=value)


def _serial(finding, user, action):
    device = finding.device
    summary = _("Set the serial number of {device} from {old} to {new}.").format(
        device=device, old=repr(device.serial), new=repr(finding.device_says))
    return _on_device(finding, user, action, summary, finding.device_says)


def _device_type(finding, user, action):
    """The device type whose model (or part number) is what the device says: of the device's manufacturer if
    one such type exists, else of any manufacturer if exactly one exists."""
    device, model = finding.device, finding.device_says.strip()
    candidates = list(DeviceType.objects.restrict(user, "view").select_related("manufacturer").filter(
        Q(model__iexact=model) | Q(part_number__iexact=model)).order_by("manufacturer__name", "model")[:10])
    same_maker = [t for t in candidates if t.manufacturer_id == device.device_type.manufacturer_id]
    matches = same_maker or candidates
    if not matches:
        return Proposal(action, refusal=_("No device type has the model or part number {model}: add it to NetBox "
                                          "first.").format(model=repr(model)))
    if len(matches) > 1:
        return Proposal(action, refusal=_("Several device types have the model or part number {model} ({types}): "
                                          "set the device's type by hand.").format(
            model=repr(model), types=", ".join(f"{t.manufacturer} {t.model}" for t in matches)))
    chosen = matches[0]
    summary = _("Set the device type of {device} from {old} to {new}.").format(
        device=device, old=device.device_type, new=f"{chosen.manufacturer} {chosen.model}")
    return _on_device(finding, user, action, summary, chosen)


def _cable(finding, user, action):
    near, far = finding.interface, finding.far_interface
    if near is None or far is None:
        return Proposal(action, refusal=_("NetBox does not have both ends of this link as interfaces: add the "
                                          "missing one, and the next run names it."))
    # The far end may be a device the user may not view (the Dinas core behind an agency's gateway): not named.
    if Interface.objects.restrict(user, "view").filter(pk__in=(near.pk, far.pk)).count() < 2:
        return Proposal(action, refusal=_("You may not view both ends of this link."), forbidden=True)
    for end in (near, far):
        if end.cable_id:
            return Proposal(action, refusal=_("{device} {interface} is cabled already: correct its cable by "
                                              "hand.").format(device=end.device, interface=end))
    summary = _("Create a cable from {device} {interface} to {far_device} {far_interface}.").format(
        device=near.device, interface=near, far_device=far.device, far_interface=far)
    if not user.has_perm("dcim.add_cable"):
        return Proposal(action, summary, _("You may not add cables."), forbidden=True)
    return Proposal(action, summary, target=(near, far))


def _interface(finding, user, action):
    interface = finding.interface
    if interface is None:
        return Proposal(action, refusal=_("The interface is not in NetBox: there is nothing to change."))
    enabled = action == "enable_interface"
    summary = (_("Enable interface {interface} of {device}.") if enabled
               else _("Disable interface {interface} of {device}.")).format(interface=interface,
                                                                            device=interface.device)
    if not _changeable(user, Interface, interface):
        return Proposal(action, summary, _("You may not change interface {interface} of {device}.").format(
            interface=interface, device=interface.device), forbidden=True)
    return Proposal(action, summary, target=interface, value=enabled)


PROPOSALS = {
    "set_serial": _serial,
    "set_device_type": _device_type,
    "create_cable": _cable,
    "enable_interface": _interface,
    "disable_interface": _interface,
}


class AcceptRefused(Exception):
    """Accepting was refused; nothing changed. `forbidden` when it is the user's permission."""

    def __init__(self, message, forbidden=False):
        super().__init__(message)
        self.forbidden = forbidden


def accept(finding, user):
    """Make the change the finding proposes, as `user`, and resolve the finding; returns the object changed.

    Raises AcceptRefused (nothing changed) when it cannot be accepted, the user may not make the change, or
    NetBox's validation refuses the change.
    """
    try:
        with transaction.atomic():
            proposal = propose(finding, user)
            if not proposal.possible:
                raise AcceptRefused(proposal.refusal, proposal.forbidden)
            changed = APPLY[proposal.action](proposal, user)
            finding.snapshot()
            finding.status = FindingStatusChoices.RESOLVED
            finding.resolved_at = timezone.now()
            accepted = _("Accepted by {user}: {change}").format(user=user.get_username(), change=proposal.summary)
            finding.note = f"{finding.note.rstrip()}\n{accepted}".strip()
            finding.full_clean()
            finding.save()
    except ValidationError as refusal:
        raise AcceptRefused(" ".join(refusal.messages)) from refusal
    except PermissionDenied as refusal:
        raise AcceptRefused(str(refusal), forbidden=True) from refusal
    return proposal, changed


def _save_checked(obj, user, action):
    """full_clean() and save() (change-logged through the request), then the permission checked on the object
    as saved, as NetBox's own views check it: outside it, the transaction is undone."""
    obj.full_clean()
    obj.save()
    if not type(obj).objects.restrict(user, action).filter(pk=obj.pk).exists():
        refusal = _("You may not add {object}.") if action == "add" else _("You may not change {object}.")
        raise PermissionDenied(refusal.format(object=obj))
    return obj


def _apply_serial(proposal, user):
    device = proposal.target
    device.snapshot()
    device.serial = proposal.value
    return _save_checked(device, user, "change")


def _apply_device_type(proposal, user):
    device = proposal.target
    device.snapshot()
    device.device_type = proposal.value
    return _save_checked(device, user, "change")


def _apply_cable(proposal, user):
    near, far = proposal.target
    # The agency's cable when both ends are the agency's devices; the Dinas' otherwise.
    tenant = near.device.tenant if near.device.tenant_id and near.device.tenant_id == far.device.tenant_id else None
    cable = Cable(a_terminations=[near], b_terminations=[far], status=LinkStatusChoices.STATUS_CONNECTED,
                  tenant=tenant, label=_scheme_label(near, far))
    return _save_checked(cable, user, "add")


def _scheme_label(near, far):
    """The inter-node label the active scheme gives the new cable (Pasal 11(3)), or none when the scheme's
    rules refuse what it renders (the cable-label check then lists the cable as unlabelled)."""
    scheme = active_scheme()
    ends = {side: {"site": end.device.site.slug, "device": end.device.name or "", "port": end.name}
            for side, end in (("a", near), ("b", far))}
    try:
        label = labels.render_label(scheme.template, ends)
    except labels.LabelTemplateError:
        return ""
    problems = labels.label_problems(label, min(scheme.max_length, Cable._meta.get_field("label").max_length),
                                     scheme.allowed_characters)
    return "" if problems else label


def _apply_interface(proposal, user):
    interface = proposal.target
    interface.snapshot()
    interface.enabled = proposal.value
    return _save_checked(interface, user, "change")


APPLY = {
    "set_serial": _apply_serial,
    "set_device_type": _apply_device_type,
    "create_cable": _apply_cable,
    "enable_interface": _apply_interface,
    "disable_interface": _apply_interface,
}
