"""REST API viewsets; NetBox restricts each queryset to the token's permissions."""

from netbox.api.viewsets import NetBoxModelViewSet

from .. import filtersets, models
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
