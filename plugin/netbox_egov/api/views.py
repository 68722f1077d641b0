"""REST API viewsets; NetBox restricts each queryset to the token's permissions."""

from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from netbox.api.viewsets import NetBoxModelViewSet

from .. import filtersets, models, usage
from . import serializers


class BackboneLinkViewSet(NetBoxModelViewSet):
    queryset = models.BackboneLink.objects.select_related("site_a", "site_b", "circuit__provider", "cable")
    serializer_class = serializers.BackboneLinkSerializer
    filterset_class = filtersets.BackboneLinkFilterSet


class DRPlanViewSet(NetBoxModelViewSet):
    queryset = models.DRPlan.objects.select_related("primary_site", "dr_site").prefetch_related(
        "replication_circuits__provider", "replication_links", "information_systems"
    )
    serializer_class = serializers.DRPlanSerializer
    filterset_class = filtersets.DRPlanFilterSet


class InformationSystemViewSet(NetBoxModelViewSet):
    queryset = models.InformationSystem.with_placement(
        models.InformationSystem.objects.select_related("tenant", "site").prefetch_related(
            "devices", "virtual_machines"
        )
    )
    serializer_class = serializers.InformationSystemSerializer
    filterset_class = filtersets.InformationSystemFilterSet


class PublicIPAllocationViewSet(NetBoxModelViewSet):
    queryset = models.PublicIPAllocation.objects.select_related(
        "tenant", "prefix", "ip_range", "information_system", "approver"
    )
    serializer_class = serializers.PublicIPAllocationSerializer
    filterset_class = filtersets.PublicIPAllocationFilterSet


class UplinkViewSet(NetBoxModelViewSet):
    queryset = models.Uplink.objects.select_related("circuit__provider").prefetch_related("announced_prefixes")
    serializer_class = serializers.UplinkSerializer
    filterset_class = filtersets.UplinkFilterSet


class UplinkAssignmentViewSet(NetBoxModelViewSet):
    queryset = models.UplinkAssignment.objects.select_related("uplink", "tenant")
    serializer_class = serializers.UplinkAssignmentSerializer
    filterset_class = filtersets.UplinkAssignmentFilterSet


class SecuritySystemViewSet(NetBoxModelViewSet):
    queryset = models.SecuritySystem.objects.select_related("device", "virtual_machine").prefetch_related(
        "protected_sites", "protected_prefixes"
    )
    serializer_class = serializers.SecuritySystemSerializer
    filterset_class = filtersets.SecuritySystemFilterSet


class SecurityAssessmentViewSet(NetBoxModelViewSet):
    queryset = models.SecurityAssessment.objects.select_related("information_system")
    serializer_class = serializers.SecurityAssessmentSerializer
    filterset_class = filtersets.SecurityAssessmentFilterSet


class RepositoryViewSet(NetBoxModelViewSet):
    queryset = models.Repository.objects.select_related("device", "virtual_machine")
    serializer_class = serializers.RepositorySerializer
    filterset_class = filtersets.RepositoryFilterSet


class ScheduleViewSet(NetBoxModelViewSet):
    queryset = models.Schedule.objects.all()
    serializer_class = serializers.ScheduleSerializer
    filterset_class = filtersets.ScheduleFilterSet


class BandwidthQuotaViewSet(NetBoxModelViewSet):
    queryset = models.BandwidthQuota.objects.select_related(
        "tenant", "schedule", "uplink", "enforcement_device", "enforcement_interface__device"
    ).prefetch_related("prefixes")
    serializer_class = serializers.BandwidthQuotaSerializer
    filterset_class = filtersets.BandwidthQuotaFilterSet


class QuotaUsageViewSet(NetBoxModelViewSet):
    """Quota usage per agency and period.

    Collectors write through `POST upsert/`, never through plain create: each
    item carries the absolute totals of one agency for one period (`day` or
    `month`) as one `source` measured them at `observed_at`. The key is
    (tenant, period, period_start, source). A write whose `observed_at` is not
    newer than the stored one changes nothing, so a retried or reordered write
    never counts twice. The body is one object or a list; the whole list is
    applied or nothing is (one transaction). Needs add and change permission.
    """

    queryset = models.QuotaUsage.objects.select_related("tenant__bandwidth_quota")
    serializer_class = serializers.QuotaUsageSerializer
    filterset_class = filtersets.QuotaUsageFilterSet

    @extend_schema(request=serializers.QuotaUsageUpsertSerializer(many=True),
                   responses=serializers.QuotaUsageSerializer(many=True))
    @action(detail=False, methods=["post"], url_path="upsert")
    def upsert(self, request):
        many = isinstance(request.data, list)
        incoming = serializers.QuotaUsageUpsertSerializer(data=request.data, many=many,
                                                          context={"request": request})
        incoming.is_valid(raise_exception=True)
        items = incoming.validated_data if many else [incoming.validated_data]
        allowed = {
            action: models.QuotaUsage.objects.restrict(request.user, action) for action in ("add", "change")
        }
        with transaction.atomic():
            rows = [usage.upsert(item, allowed) for item in items]
        output = self.get_serializer(rows, many=True)
        return Response(output.data if many else output.data[0], status=status.HTTP_200_OK)

