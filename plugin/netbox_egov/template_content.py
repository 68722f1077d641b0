"""Registry panels on core pages: the Tenant (agency) page, the Site page, a gateway's Device page, and the
reconciliation findings on the Device and Tenant pages.

Every table is NetBox's HTMX object table, served by the plugin's list views,
so it shows only what the viewing user may see; the map is drawn from
restricted querysets too.
"""

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from netbox.plugins import PluginTemplateExtension
from netbox.ui.panels import ObjectsTablePanel

from . import backbone, compliance, pushes
from .agencies import agency_tenants
from .logic.findings import LIVE
from .reconciliation.summary import live_findings, live_findings_per_kind
from .site_filter.compiling import policies_in_force


def related_table(context, model_name, filter_name, title, **filters):
    panel = ObjectsTablePanel(
        model=f"netbox_egov.{model_name}", filters={filter_name: context["object"].pk, **filters}, title=title
    )
    return panel.render(context)


class AgencyRegistry(PluginTemplateExtension):
    models = ["tenancy.tenant"]

    def right_page(self):
        tenant = self.context["object"]
        if not agency_tenants().filter(pk=tenant.pk).exists():
            return ""
        user = self.context["request"].user
        rows = compliance.scorecard(user, agency_tenants().filter(pk=tenant.pk))
        panels = [render_to_string("netbox_egov/inc/compliance_panel.html", {"row": rows[0] if rows else None})]
        if user.has_perm("netbox_egov.view_finding"):
            panels.append(render_to_string("netbox_egov/inc/agency_findings_panel.html", {
                "object": tenant, "kinds": live_findings_per_kind(user, tenant),
            }))
        if user.has_perm("netbox_egov.view_filterpolicy"):
            panels.append(render_to_string("netbox_egov/inc/site_filter_panel.html", {
                "object": tenant, "policies": policies_in_force(user, tenant, timezone.now()),
            }))
        return mark_safe("".join(panels))  # noqa: S308 - Django templates, autoescaped

    def full_width_page(self):
        return mark_safe("".join((  # noqa: S308 - rendered by NetBox's own panel templates
            related_table(self.context, "backbonelink", "tenant_id", _("Backbone links")),
            related_table(self.context, "publicipallocation", "tenant_id", _("Public IP allocations")),
            related_table(self.context, "informationsystem", "tenant_id", _("Information systems")),
            related_table(self.context, "uplinkassignment", "tenant_id", _("Uplinks")),
            related_table(self.context, "bandwidthquota", "tenant_id", _("Bandwidth quota")),
            related_table(self.context, "quotausage", "tenant_id", _("Quota usage")),
            related_table(self.context, "filterpolicy", "tenant_id", _("Filter policies covering this agency")),
            related_table(self.context, "push", "tenant_id", _("Pushes to this agency's gateways")),
        )))


class SiteBackbone(PluginTemplateExtension):
    models = ["dcim.site"]

    def full_width_page(self):
        request = self.context["request"]
        site = self.context["object"]
        parts = [
            related_table(self.context, "backbonelink", "site_id", _("Backbone links")),
            related_table(self.context, "drplan", "site_id", _("DR plans (primary or recovery site)")),
        ]
        if request.user.has_perm("netbox_egov.view_backbonelink"):
            svg = backbone.map_svg(request.user, centre=site, hops=1)
            parts.append(render_to_string("netbox_egov/inc/site_map_panel.html", {"map_svg": mark_safe(svg)}))  # noqa: S308
        return mark_safe("".join(parts))  # noqa: S308


class GatewayPushes(PluginTemplateExtension):
    """On a gateway's page (a device enforcing a quota): Preview and Apply, and the pushes it received."""

    models = ["dcim.device"]

    def right_page(self):
        context = pushes.push_buttons(self.context["request"].user, self.context["object"])
        if context["gateway"] is None:
            return ""
        return render_to_string("netbox_egov/inc/push_request.html", {**context, "title": _("Push to the gateway")},
                                request=self.context["request"])  # the form's CSRF token

    def full_width_page(self):
        if not pushes.gateways().filter(pk=self.context["object"].pk).exists():
            return ""
        return related_table(self.context, "push", "gateway_id", _("Pushes"))


class DeviceFindings(PluginTemplateExtension):
    """On a device's page: its open and acknowledged findings (the user's visible ones), when it has any."""

    models = ["dcim.device"]

    def full_width_page(self):
        device, user = self.context["object"], self.context["request"].user
        if not live_findings(user).filter(device=device).exists():
            return ""
        return related_table(self.context, "finding", "device_id", _("Findings: the device disagrees with NetBox"),
                             status=list(LIVE))


template_extensions = [AgencyRegistry, SiteBackbone, GatewayPushes, DeviceFindings]
