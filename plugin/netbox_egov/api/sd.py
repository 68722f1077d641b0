"""Prometheus HTTP service discovery: what to watch, for one Prometheus configuration to find everything.

GET prometheus-sd/devices/ and prometheus-sd/exporters/ answer Prometheus' HTTP SD format (a JSON list of
{"targets": [...], "labels": {...}}); docs/monitoring.md has the labels and the Prometheus side. Prometheus
calls them with a read-only token; a failed call (403, 400) leaves it scraping the targets it had.
"""

from django.core.exceptions import ImproperlyConfigured
from django.db.models import F, Q
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import PermissionDenied
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from dcim.choices import DeviceStatusChoices
from dcim.models import Device, DeviceRole, Platform, Site
from ipam.models import IPAddress
from netbox.plugins import get_plugin_config
from tenancy.models import Tenant

from ..filtersets import DeviceTargetFilterSet
from ..logic import prometheus_sd
from ..visibility import is_visible_pk
from .serializers import PrometheusTargetGroupSerializer

# One row per device, read in the one query (no per-device query whatever the number of devices).
RELATED_IDS = ("site_id", "tenant_id", "role_id", "platform_id", "primary_ip4_id", "primary_ip6_id")
DEVICE_ROW = {
    "tenant_slug": F("tenant__slug"),
    "tenant_name": F("tenant__name"),
    "site_slug": F("site__slug"),
    "site_name": F("site__name"),
    "role_slug": F("role__slug"),
    "platform_slug": F("platform__slug"),
    "ip4": F("primary_ip4__address"),
    "ip6": F("primary_ip6__address"),
}
# What a related object fills in a row: one the user may not view is named nowhere (visibility.py), its keys
# are None; a device whose addresses are all hidden is no target.
RELATED = (
    (Site, "site_id", ("site_slug", "site_name")),
    (Tenant, "tenant_id", ("tenant_slug", "tenant_name")),
    (DeviceRole, "role_id", ("role_slug",)),
    (Platform, "platform_id", ("platform_slug",)),
    (IPAddress, "primary_ip4_id", ("ip4",)),
    (IPAddress, "primary_ip6_id", ("ip6",)),
)


def visible_row(user, row):
    """The row with what `user` may not view blanked: one query per model the user's view of is constrained,
    none when they view all of it."""
    for model, key, fields in RELATED:
        if row[key] is not None and not is_visible_pk(user, model, row[key]):
            row.update(dict.fromkeys(fields))
    return row


class DeviceTargetsView(GenericAPIView):
    """GET: a target group per device the token may view that has a primary IP it may view (the IPv4 one, else
    the IPv6 one), labelled device, agency, site, role and platform ("" for one it may not view). Only active
    devices unless the query filters on status; core's device filters select a subset (?role=gateway,
    ?site=..., ?tenant=..., ?status=planned), so separate Prometheus jobs can watch separate kinds. Needs view
    permission on devices and IP addresses."""

    queryset = Device.objects.all()
    filterset_class = DeviceTargetFilterSet
    filter_backends = [DjangoFilterBackend]  # a bad value is a 400 naming the parameter, as in core's API
    pagination_class = None  # HTTP SD takes the whole list in one answer

    def get_queryset(self):
        return super().get_queryset().restrict(self.request.user, "view")

    @extend_schema(responses=PrometheusTargetGroupSerializer(many=True))
    def get(self, request):
        # Without addresses every device would be left out: an empty list would make Prometheus drop every
        # target, where a refusal keeps the ones it has.
        if not request.user.has_perm("ipam.view_ipaddress"):
            raise PermissionDenied(_("Listing targets needs permission to view IP addresses (a device's address)."))
        devices = self.filter_queryset(self.get_queryset())
        if not any(key == "status" or key.startswith("status__") for key in request.query_params):
            devices = devices.filter(status=DeviceStatusChoices.STATUS_ACTIVE)
        rows = (devices.filter(Q(primary_ip4__isnull=False) | Q(primary_ip6__isnull=False))
                .order_by("name", "pk").values("id", "name", "status", *RELATED_IDS, **DEVICE_ROW))
        visible = (visible_row(request.user, row) for row in rows)
        return Response([prometheus_sd.device_group(row) for row in visible
                         if row["ip4"] is not None or row["ip6"] is not None])


class ExporterTargetsView(APIView):
    """GET: the egov-exporter instances to scrape (the plugin setting `prometheus_exporters`), as one target
    group labelled `__meta_egov_job`="egov-exporter"; an empty list when none are set. Any signed-in user or
    token: the list is configuration, not an object with permissions of its own."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=PrometheusTargetGroupSerializer(many=True))
    def get(self, request):
        try:
            targets = prometheus_sd.exporter_targets(get_plugin_config("netbox_egov", prometheus_sd.SETTING))
        except ValueError as error:  # checked at startup (EgovConfig.validate): the settings changed since
            raise ImproperlyConfigured(f"PLUGINS_CONFIG['netbox_egov']: {error}") from None
        return Response(prometheus_sd.exporters_groups(targets))
