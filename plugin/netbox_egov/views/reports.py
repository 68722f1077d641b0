"""Reports over the registry: the backbone map and reachability, unallocated public space, uplink
oversubscription, devices without a recommendation, and the compliance scorecard."""

import csv

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.generic import View
from django_tables2 import RequestConfig

from dcim.models import Device
from tenancy.models import TenantGroup
from utilities.views import ContentTypePermissionRequiredMixin

from .. import allocations, backbone, compliance, quotas, recommendations, tables
from ..agencies import agency_group_slug, agency_tenants


class BackboneReportView(ContentTypePermissionRequiredMixin, View):
    """Base of the backbone pages: anyone who may view backbone links; each page restricts its own rows."""

    template_name = None

    def get_required_permission(self):
        return "netbox_egov.view_backbonelink"

    def get(self, request):
        return render(request, self.template_name, self.get_context(request))


class BackboneMapView(BackboneReportView):
    """The map on a page, or with ?export=svg the same SVG as a file (for print shops and the NOC wall)."""

    template_name = "netbox_egov/backbone_map.html"

    def get(self, request):
        if request.GET.get("export") != "svg":
            return super().get(request)
        svg = backbone.map_svg(request.user)
        if not svg:
            raise Http404(_("No active DR plan names the data center, so the map has no centre."))
        response = HttpResponse(f'<?xml version="1.0" encoding="UTF-8"?>\n{svg}\n',
                                content_type="image/svg+xml; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="backbone-map.svg"'
        return response

    def get_context(self, request):
        return {"map_svg": mark_safe(backbone.map_svg(request.user))}  # noqa: S308 - every label is escaped


class BackboneReachabilityView(BackboneReportView):
    template_name = "netbox_egov/backbone_reachability.html"

    def get_context(self, request):
        return {"report": backbone.reachability_report(request.user)}


class UnallocatedPublicSpaceView(ContentTypePermissionRequiredMixin, View):
    """Public space in NetBox IPAM that no active allocation covers (Pasal 9(2)c)."""

    def get_required_permission(self):
        return "netbox_egov.view_publicipallocation"

    def get(self, request):
        return render(request, "netbox_egov/unallocated_public_space.html", {
            "unallocated": allocations.unallocated_public_space(request.user),
        })


class OversubscriptionView(ContentTypePermissionRequiredMixin, View):
    """Per uplink: guaranteed download rates (must fit) and ceilings (may oversubscribe, reported)."""

    def get_required_permission(self):
        return "netbox_egov.view_bandwidthquota"

    def get(self, request):
        return render(request, "netbox_egov/oversubscription.html", {"loads": quotas.uplink_loads(request.user)})


class UncoveredDevicesView(ContentTypePermissionRequiredMixin, View):
    """Agency devices that no valid approved recommendation covers (Pasal 11(2))."""

    def get_required_permission(self):
        return "dcim.view_device"

    def get(self, request):
        devices = recommendations.uncovered_devices(Device.objects.restrict(request.user, "view"))
        return render(request, "netbox_egov/uncovered_devices.html", {"devices": devices})


class ComplianceView(ContentTypePermissionRequiredMixin, View):
    """The regency-wide compliance scorecard: sortable, filterable by kind of agency, exportable as CSV."""

    def get_required_permission(self):
        return "tenancy.view_tenant"

    def get(self, request):
        agencies = agency_tenants()
        if request.GET.get("group"):
            agencies = agencies.filter(group__slug=request.GET["group"])
        rows = compliance.scorecard(request.user, agencies)
        if request.GET.get("failing"):
            rows = [row for row in rows if row.score is not None and row.score < 100]
        table = tables.ComplianceTable(rows, order_by=request.GET.get("sort", "agency"))
        if request.GET.get("export") == "csv":
            return compliance_csv(table)
        RequestConfig(request, paginate=False).configure(table)
        return render(request, "netbox_egov/compliance.html", {
            "table": table,
            "groups": TenantGroup.objects.restrict(request.user, "view").filter(parent__slug=agency_group_slug()),
            "group": request.GET.get("group", ""), "failing": bool(request.GET.get("failing")),
        })


def compliance_csv(table):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="egov-compliance.csv"'
    csv.writer(response).writerows(table.as_values())
    return response
