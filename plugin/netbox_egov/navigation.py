"""The plugin's top-level menu: agencies, then the Pasal 9 registry."""

from django.utils.translation import gettext_lazy as _

from netbox.plugins import PluginMenu, PluginMenuButton, PluginMenuItem


def model_item(model_name, label, extra_buttons=()):
    """A menu item for a registry model's list, with NetBox's usual add and import buttons."""
    link = f"plugins:netbox_egov:{model_name}"
    return PluginMenuItem(
        link=f"{link}_list",
        link_text=label,
        permissions=[f"netbox_egov.view_{model_name}"],
        buttons=(
            *extra_buttons,
            PluginMenuButton(f"{link}_add", _("Add"), "mdi mdi-plus-thick",
                             permissions=[f"netbox_egov.add_{model_name}"]),
            PluginMenuButton(f"{link}_bulk_import", _("Import"), "mdi mdi-upload",
                             permissions=[f"netbox_egov.add_{model_name}"]),
        ),
    )


def report_item(link, label, permission):
    return PluginMenuItem(link=f"plugins:netbox_egov:{link}", link_text=label, permissions=[permission])


agency_items = (
    PluginMenuItem(
        link="plugins:netbox_egov:agency_list",
        link_text=_("Agencies"),
        permissions=["tenancy.view_tenant"],
    ),
    report_item("compliance", _("Compliance scorecard"), "tenancy.view_tenant"),
)

infrastructure_items = (
    model_item("drplan", _("DR plans")),
    model_item("backbonelink", _("Backbone links")),
    report_item("backbone_map", _("Backbone map"), "netbox_egov.view_backbonelink"),
    report_item("backbone_reachability", _("Backbone reachability"), "netbox_egov.view_backbonelink"),
    model_item("uplink", _("Uplinks")),
    model_item("uplinkassignment", _("Uplink assignments")),
)

addressing_items = (
    model_item("publicipallocation", _("Public IP allocations")),
    report_item("unallocated_public_space", _("Unallocated public space"), "netbox_egov.view_publicipallocation"),
)

systems_items = (
    model_item("informationsystem", _("Information systems")),
    model_item("securitysystem", _("Security systems")),
    model_item("securityassessment", _("Security assessments")),
    model_item("repository", _("Repositories")),
)

policy_items = (
    model_item("bandwidthquota", _("Bandwidth quotas")),
    model_item("quotausage", _("Quota usage")),
    report_item("oversubscription", _("Uplink oversubscription"), "netbox_egov.view_bandwidthquota"),
    model_item("schedule", _("Schedules")),
    PluginMenuItem(link="plugins:netbox_egov:push_list", link_text=_("Pushes to gateways"),
                   permissions=["netbox_egov.view_push"]),
)

filtering_items = (
    model_item("filterpolicy", _("Filter policies")),
    model_item("domainlist", _("Domain lists")),
)

recommendation_items = (
    model_item("recommendation", _("Recommendations")),
    model_item("recommendationitem", _("Recommendation items")),
    report_item("uncovered_devices", _("Devices without a recommendation"), "dcim.view_device"),
)

label_items = (
    report_item("cable_labels", _("Cable labels"), "dcim.view_cable"),
    model_item("labelscheme", _("Label schemes")),
)

reconciliation_items = (
    # Findings come from the collectors' reports: listed and reviewed, never added by hand.
    PluginMenuItem(link="plugins:netbox_egov:finding_list", link_text=_("Findings"),
                   permissions=["netbox_egov.view_finding"]),
)

menu = PluginMenu(
    label=_("e-Gov"),
    groups=(
        (_("Agencies"), agency_items),
        (_("Infrastructure (Pasal 9)"), infrastructure_items),
        (_("Public addressing"), addressing_items),
        (_("Systems and security"), systems_items),
        (_("Bandwidth (Pasal 10)"), policy_items),
        (_("Site filtering (Pasal 10)"), filtering_items),
        (_("Recommendations (Pasal 11)"), recommendation_items),
        (_("Cable labels (Pasal 11(3))"), label_items),
        (_("Documentation and the network"), reconciliation_items),
    ),
    icon_class="mdi mdi-bank-outline",
)
