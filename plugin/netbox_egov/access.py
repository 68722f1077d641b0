"""Agency-scoped access (Pasal 10-11 in practice): who sees and edits what, as NetBox ObjectPermissions.

Each agency gets a group "PD <slug>". Its ICT officer views:
- everything of their own agency (sites, devices, interfaces, cables, prefixes, IPs, contacts, and every
  plugin object carrying the agency);
- the shared infrastructure that serves the agency (Pasal 9): the whole backbone (its links and the sites
  they join), the uplinks, circuits and gateways their quota and assignments name, the data-center site,
  servers and virtual machines that host their information systems, the public space allocated to them;
- the catalogue every agency writes with (manufacturers, device types and roles, platforms, providers,
  tags, schedules, domain lists) and the Dinas users who decide on their requests.
They change only their own LAN (devices in their own offices, their interfaces and cables), their
recommendation drafts, and the review of the findings on their own devices (status and note). Nothing of
another agency's own objects is visible. Every permission that allows a change also lies inside the view
permission, so an officer never changes or deletes what they cannot see.

The group "Dinas Kominfo" manages every plugin object, may approve or reject recommendations and apply
pushes to gateways (an officer only reads the pushes to their agency's gateways), and views
the core inventory. Re-running updates the permissions in place and removes ones no longer defined.
docs/security.md states the same model for people.
"""

from django.apps import apps
from django.db.models import Q

from core.models import ObjectType
from users.models import Group, ObjectPermission

from .choices import RecommendationStatusChoices

DINAS_GROUP = "Dinas Kominfo"
PERMISSION_PREFIX = "egov"

# The backbone is one network shared by every agency (Pasal 9(2)b): its links and the sites they join.
BACKBONE_SITES = [{"backbone_links_a__isnull": False}, {"backbone_links_b__isnull": False}]


def _through(path, constraints):
    """The constraints, reached from another model over `path` (e.g. an uplink's through its circuit)."""
    return [{f"{path}__{lookup}": value for lookup, value in constraint.items()} for constraint in constraints]


def agency_view(tenant):
    """Model -> constraint (a list means "any of") of what the agency's officer may view."""
    slug, own = tenant.slug, {"tenant__slug": tenant.slug}
    # The uplinks the agency egresses through: assigned to it, or named by its quota.
    uplinks = [{"assignments__tenant__slug": slug}, {"bandwidth_quotas__tenant__slug": slug}]
    return {
        # Own agency.
        "tenancy.tenant": {"slug": slug},
        "tenancy.contactassignment": {"object_type__app_label": "tenancy", "object_type__model": "tenant",
                                      "object_id": tenant.pk},
        "tenancy.contact": {"assignments__object_type__app_label": "tenancy",
                            "assignments__object_type__model": "tenant", "assignments__object_id": tenant.pk},
        "dcim.site": [own, *BACKBONE_SITES, {"information_systems__tenant__slug": slug}],
        # Own devices, the gateway enforcing the agency's quota, the servers hosting its systems.
        "dcim.device": [own, {"bandwidth_quotas__tenant__slug": slug}, {"information_systems__tenant__slug": slug}],
        "dcim.interface": [{"device__tenant__slug": slug}, {"bandwidth_quotas__tenant__slug": slug}],
        "dcim.cable": [own, {"terminations___device__tenant__slug": slug}, {"backbone_links__isnull": False}],
        "ipam.prefix": [own, {"bandwidth_quotas__tenant__slug": slug}, {"public_ip_allocations__tenant__slug": slug},
                        *_through("uplinks", uplinks)],
        "ipam.iprange": [own, {"public_ip_allocations__tenant__slug": slug}],
        "ipam.ipaddress": own,
        "circuits.circuit": [{"backbone_links__isnull": False}, *_through("uplinks", uplinks)],
        "virtualization.virtualmachine": [own, {"information_systems__tenant__slug": slug}],
        # The people who decide on the agency's requests.
        "users.user": {"groups__name": DINAS_GROUP},
        # Plugin objects.
        "netbox_egov.backbonelink": None,
        "netbox_egov.uplink": uplinks,
        "netbox_egov.publicipallocation": own,
        "netbox_egov.informationsystem": own,
        "netbox_egov.uplinkassignment": own,
        "netbox_egov.bandwidthquota": own,
        "netbox_egov.quotausage": own,
        "netbox_egov.recommendation": own,
        "netbox_egov.recommendationitem": {"recommendation__tenant__slug": slug},
        # Site filtering: the policies covering the agency (named or for every agency) and the public lists.
        "netbox_egov.filterpolicy": [{"tenants__slug": slug}, {"tenants__isnull": True}],
        # Pushes to the gateways that enforced the agency's quota at the time.
        "netbox_egov.push": {"tenants__slug": slug},
        # Where the agency's own devices disagree with NetBox (reconciliation).
        "netbox_egov.finding": {"device__tenant__slug": slug},
        **dict.fromkeys(CATALOGUE),
    }


# What every agency writes with and reads in its own objects: no agency's data.
CATALOGUE = ("dcim.manufacturer", "dcim.devicetype", "dcim.devicerole", "dcim.platform", "circuits.provider",
             "circuits.circuittype", "extras.tag", "tenancy.contactrole", "netbox_egov.domainlist",
             "netbox_egov.schedule")


def agency_lan(tenant):
    """The agency's own LAN (Pasal 11(1)): the officer adds, changes and removes it.

    A device belongs in the agency's own offices; an interface on its own devices. A cable is the agency's
    when it is its tenant and ends on its devices: a cable merely touching one of its devices may run into
    the Dinas core. (Where a cable may end is checked on every write: see related_access.)
    """
    slug = tenant.slug
    return {
        "dcim.device": {"tenant__slug": slug, "site__tenant__slug": slug},
        "dcim.interface": {"device__tenant__slug": slug},
        "dcim.cable": {"tenant__slug": slug, "terminations___device__tenant__slug": slug},
    }


def agency_findings(tenant):
    """Findings on the agency's own devices: the officer reviews them (acknowledges with a note, resolves) and
    accepts them where they may change what accepting changes. Only the collectors' reports add findings."""
    return {"netbox_egov.finding": {"device__tenant__slug": tenant.slug}}


def agency_drafts(tenant):
    """Recommendation drafts: the officer writes and submits them (submit is a change of a draft)."""
    slug, draft = tenant.slug, RecommendationStatusChoices.DRAFT
    return {
        "netbox_egov.recommendation": {"tenant__slug": slug, "status": draft},
        "netbox_egov.recommendationitem": {"recommendation__tenant__slug": slug, "recommendation__status": draft},
    }


DINAS_VIEW = ("tenancy.tenant", "tenancy.tenantgroup", "tenancy.contact", "tenancy.contactassignment",
              "tenancy.contactrole", "dcim.site", "dcim.device", "dcim.interface", "dcim.cable", "dcim.devicetype",
              "dcim.manufacturer", "dcim.devicerole", "dcim.platform", "ipam.prefix", "ipam.iprange",
              "ipam.ipaddress", "circuits.circuit", "circuits.provider", "circuits.circuittype",
              "virtualization.virtualmachine", "extras.tag")


def _object_types(labels):
    """{"app_label.model": ObjectType} in one query."""
    pairs = Q()
    for label in labels:
        app_label, model = label.split(".")
        pairs |= Q(app_label=app_label, model=model)
    found = {f"{object_type.app_label}.{object_type.model}": object_type
             for object_type in ObjectType.objects.filter(pairs)}
    if missing := set(labels) - set(found):
        raise LookupError(f"no object type {sorted(missing)}")
    return found


def _ensure_permissions(group, prefix, specs):
    """Make the group's permissions under `prefix` exactly `specs` ((name, labels, actions, constraints)): new ones
    made, changed ones updated, stale ones dropped. A fixed number of queries, however many permissions: the demo
    makes about 40 for each of 55 agencies, and a few queries for each was the slowest part of loading it."""
    labels = {label for _name, spec_labels, _actions, _constraints in specs for label in spec_labels}
    object_types = _object_types(labels)
    existing = {permission.name: permission for permission in ObjectPermission.objects.filter(
        name__in=[spec[0] for spec in specs]).prefetch_related("object_types", "groups")}
    new = [ObjectPermission(name=name, actions=list(actions), constraints=constraints, enabled=True)
           for name, _labels, actions, constraints in specs if name not in existing]
    ObjectPermission.objects.bulk_create(new)
    made = {permission.name: permission for permission in new}
    for name, spec_labels, actions, constraints in specs:
        if name in made:
            continue
        permission, wanted_types = existing[name], {object_types[label].pk for label in spec_labels}
        if (permission.actions, permission.constraints, permission.enabled) != (list(actions), constraints, True):
            permission.actions, permission.constraints, permission.enabled = list(actions), constraints, True
            permission.save()
        if {object_type.pk for object_type in permission.object_types.all()} != wanted_types:
            permission.object_types.set(wanted_types)
        if [member.pk for member in permission.groups.all()] != [group.pk]:
            permission.groups.set([group])
    ObjectPermission.object_types.through.objects.bulk_create([
        ObjectPermission.object_types.through(objectpermission_id=made[name].pk,
                                              contenttype_id=object_types[label].pk)
        for name, spec_labels, _actions, _constraints in specs if name in made for label in spec_labels])
    ObjectPermission.groups.through.objects.bulk_create([
        ObjectPermission.groups.through(objectpermission_id=permission.pk, group_id=group.pk)
        for permission in new])
    kept = [made.get(name) or existing[name] for name, *_rest in specs]
    # Permissions this module made for the group earlier and no longer defines (e.g. a model dropped).
    group.object_permissions.filter(name__startswith=prefix).exclude(pk__in=[p.pk for p in kept]).delete()
    return kept


def agency_group_name(slug):
    return f"PD {slug}"


def ensure_agency_access(tenant):
    """The group of one agency and its permissions; returns the group."""
    group, _created = Group.objects.get_or_create(name=agency_group_name(tenant.slug))
    prefix = f"{PERMISSION_PREFIX} {tenant.slug}:"
    # One ObjectPermission per model and purpose: constraints differ by model.
    purposes = ((agency_view, "view", ["view"]), (agency_lan, "edit LAN", ["add", "change", "delete"]),
                (agency_drafts, "drafts", ["add", "change", "delete"]), (agency_findings, "review", ["change"]))
    _ensure_permissions(group, prefix, [
        (f"{prefix} {purpose} {label}", [label], actions, constraint)
        for rules, purpose, actions in purposes for label, constraint in rules(tenant).items()])
    return group


def ensure_dinas_access():
    """The Dinas group: every plugin object, approval of recommendations, and a view of core inventory."""
    group, _created = Group.objects.get_or_create(name=DINAS_GROUP)
    plugin_models = [f"netbox_egov.{model._meta.model_name}"
                     for model in apps.get_app_config("netbox_egov").get_models()
                     if hasattr(model.objects, "restrict")]  # storage rows without views of their own are not objects
    # A decided recommendation is a record of the Dinas' decision: it changes only through the workflow.
    requests = {"netbox_egov.recommendation": {"status": RecommendationStatusChoices.DRAFT},
                "netbox_egov.recommendationitem": {"recommendation__status": RecommendationStatusChoices.DRAFT}}
    # A label scheme is a template, i.e. code: only administrators write one (views/cable_labels.py), so the
    # Dinas only reads them and is offered no add, import or edit button it would be refused.
    read_only = ["netbox_egov.labelscheme"]
    prefix = f"{PERMISSION_PREFIX} dinas:"
    _ensure_permissions(group, prefix, [
        (f"{prefix} manage plugin objects", [m for m in plugin_models if m not in requests and m not in read_only],
         ["view", "add", "change", "delete"], None),
        (f"{prefix} read label schemes", read_only, ["view"], None),
        (f"{prefix} read and add requests", list(requests), ["view", "add"], None),
        *((f"{prefix} edit draft {label}", [label], ["change", "delete"], constraint)
          for label, constraint in requests.items()),
        (f"{prefix} approve recommendations", ["netbox_egov.recommendation"], ["approve"], None),
        (f"{prefix} apply pushes", ["netbox_egov.push"], ["apply"], None),
        (f"{prefix} view inventory", DINAS_VIEW, ["view"], None),
        (f"{prefix} view the Dinas' people", ["users.user"], ["view"], {"groups__name": DINAS_GROUP}),
    ])
    return group
