"""Agency-scoped access (Pasal 10-11 in practice): who sees and edits what, as NetBox ObjectPermissions.

Each agency gets a group "PD <slug>": its ICT officer views everything of
their own agency, edits their own LAN (devices, interfaces, cables) and
their recommendation drafts, and sees no other agency's objects. The group
"Dinas Kominfo" manages every plugin object and may approve or reject
recommendations. Re-running updates the permissions in place (idempotent).
"""

from django.apps import apps

from core.models import ObjectType
from users.models import Group, ObjectPermission

DINAS_GROUP = "Dinas Kominfo"

# What an agency's officer may view: model -> constraint on the agency's slug (a list means "any of").
AGENCY_VIEW = {
    "tenancy.tenant": lambda slug: {"slug": slug},
    "dcim.site": lambda slug: {"tenant__slug": slug},
    "dcim.device": lambda slug: {"tenant__slug": slug},
    "dcim.interface": lambda slug: {"device__tenant__slug": slug},
    "dcim.cable": lambda slug: {"terminations___device__tenant__slug": slug},
    "ipam.prefix": lambda slug: {"tenant__slug": slug},
    "ipam.ipaddress": lambda slug: {"tenant__slug": slug},
    "netbox_egov.backbonelink": lambda slug: [{"site_a__tenant__slug": slug}, {"site_b__tenant__slug": slug}],
    "netbox_egov.publicipallocation": lambda slug: {"tenant__slug": slug},
    "netbox_egov.informationsystem": lambda slug: {"tenant__slug": slug},
    "netbox_egov.uplinkassignment": lambda slug: {"tenant__slug": slug},
    "netbox_egov.bandwidthquota": lambda slug: {"tenant__slug": slug},
    "netbox_egov.quotausage": lambda slug: {"tenant__slug": slug},
    "netbox_egov.recommendation": lambda slug: {"tenant__slug": slug},
    "netbox_egov.recommendationitem": lambda slug: {"recommendation__tenant__slug": slug},
    # Site filtering: the policies covering the agency (named or for every agency) and the public lists.
    "netbox_egov.filterpolicy": lambda slug: [{"tenants__slug": slug}, {"tenants__isnull": True}],
    "netbox_egov.domainlist": lambda slug: None,
    "netbox_egov.schedule": lambda slug: None,
}

# The agency's own LAN (Pasal 11(1)): the officer adds, changes and removes it. A cable is the agency's
# when it is its tenant: a cable merely touching one of its devices may run into the Dinas core.
AGENCY_LAN = {
    "dcim.device": lambda slug: {"tenant__slug": slug},
    "dcim.interface": lambda slug: {"device__tenant__slug": slug},
    "dcim.cable": lambda slug: {"tenant__slug": slug},
}

# Recommendation drafts: the officer writes and submits them (submit is a change of a draft).
AGENCY_DRAFTS = {
    "netbox_egov.recommendation": lambda slug: {"tenant__slug": slug, "status": "draft"},
    "netbox_egov.recommendationitem": lambda slug: {"recommendation__tenant__slug": slug,
                                                    "recommendation__status": "draft"},
}

DINAS_VIEW = ("tenancy.tenant", "tenancy.contact", "tenancy.contactassignment", "dcim.site", "dcim.device",
              "dcim.interface", "dcim.cable", "dcim.devicetype", "ipam.prefix", "ipam.iprange", "ipam.ipaddress",
              "circuits.circuit", "circuits.provider", "virtualization.virtualmachine")


def _object_types(labels):
    return [ObjectType.objects.get_by_natural_key(*label.split(".")) for label in labels]


def _permission(name, group, labels, actions, constraints=None):
    permission, _created = ObjectPermission.objects.update_or_create(
        name=name, defaults={"actions": list(actions), "constraints": constraints, "enabled": True}
    )
    permission.object_types.set(_object_types(labels))
    permission.groups.set([group])
    return permission


def agency_group_name(slug):
    return f"PD {slug}"


def ensure_agency_access(tenant):
    """The group of one agency and its permissions; returns the group."""
    group, _created = Group.objects.get_or_create(name=agency_group_name(tenant.slug))
    slug = tenant.slug
    # One ObjectPermission per model: constraints differ by model.
    for label, constraint in AGENCY_VIEW.items():
        _permission(f"egov {slug}: view {label}", group, [label], ["view"], constraint(slug))
    for label, constraint in AGENCY_LAN.items():
        _permission(f"egov {slug}: edit LAN {label}", group, [label], ["add", "change", "delete"],
                    constraint(slug))
    for label, constraint in AGENCY_DRAFTS.items():
        _permission(f"egov {slug}: drafts {label}", group, [label], ["add", "change", "delete"], constraint(slug))
    return group


def ensure_dinas_access():
    """The Dinas group: every plugin object, approval of recommendations, and a view of core inventory."""
    group, _created = Group.objects.get_or_create(name=DINAS_GROUP)
    plugin_models = [f"netbox_egov.{model._meta.model_name}"
                     for model in apps.get_app_config("netbox_egov").get_models()]
    _permission("egov dinas: manage plugin objects", group, plugin_models, ["view", "add", "change", "delete"])
    _permission("egov dinas: approve recommendations", group, ["netbox_egov.recommendation"], ["approve"])
    _permission("egov dinas: view inventory", group, DINAS_VIEW, ["view"])
    return group
