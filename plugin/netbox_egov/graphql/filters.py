"""GraphQL filters of the registry models."""

from typing import Annotated

import strawberry
import strawberry_django
from strawberry.scalars import ID
from strawberry_django import DateFilterLookup, StrFilterLookup

from netbox.graphql.filters import NetBoxModelFilter, PrimaryModelFilter, register_filter

from .. import models

IntegerLookup = Annotated["IntegerLookup", strawberry.lazy("netbox.graphql.filter_lookups")]

__all__ = (
    "DomainListFilter",
    "FilterPolicyFilter",
    "LabelSchemeFilter",
    "RecommendationFilter",
    "RecommendationItemFilter",
    "BandwidthQuotaFilter",
    "QuotaUsageFilter",
    "ScheduleFilter",
    "BackboneLinkFilter",
    "DRPlanFilter",
    "InformationSystemFilter",
    "PublicIPAllocationFilter",
    "RepositoryFilter",
    "SecurityAssessmentFilter",
    "SecuritySystemFilter",
    "UplinkAssignmentFilter",
    "UplinkFilter",
)


@register_filter(models.BackboneLink, lookups=True)
class BackboneLinkFilter(PrimaryModelFilter):
    name: StrFilterLookup | None = strawberry_django.filter_field()
    site_a_id: ID | None = strawberry_django.filter_field()
    site_b_id: ID | None = strawberry_django.filter_field()
    medium: StrFilterLookup | None = strawberry_django.filter_field()
    capacity_mbps: IntegerLookup | None = strawberry_django.filter_field()
    status: StrFilterLookup | None = strawberry_django.filter_field()
    circuit_id: ID | None = strawberry_django.filter_field()
    redundancy_group: StrFilterLookup | None = strawberry_django.filter_field()


@register_filter(models.DRPlan, lookups=True)
class DRPlanFilter(PrimaryModelFilter):
    name: StrFilterLookup | None = strawberry_django.filter_field()
    primary_site_id: ID | None = strawberry_django.filter_field()
    dr_site_id: ID | None = strawberry_django.filter_field()
    status: StrFilterLookup | None = strawberry_django.filter_field()
    rpo_minutes: IntegerLookup | None = strawberry_django.filter_field()
    rto_minutes: IntegerLookup | None = strawberry_django.filter_field()
    last_drill_date: DateFilterLookup | None = strawberry_django.filter_field()
    last_drill_result: StrFilterLookup | None = strawberry_django.filter_field()
    next_drill_due: DateFilterLookup | None = strawberry_django.filter_field()


@register_filter(models.InformationSystem, lookups=True)
class InformationSystemFilter(PrimaryModelFilter):
    name: StrFilterLookup | None = strawberry_django.filter_field()
    tenant_id: ID | None = strawberry_django.filter_field()
    site_id: ID | None = strawberry_django.filter_field()
    criticality: StrFilterLookup | None = strawberry_django.filter_field()


@register_filter(models.PublicIPAllocation, lookups=True)
class PublicIPAllocationFilter(PrimaryModelFilter):
    tenant_id: ID | None = strawberry_django.filter_field()
    prefix_id: ID | None = strawberry_django.filter_field()
    ip_range_id: ID | None = strawberry_django.filter_field()
    purpose: StrFilterLookup | None = strawberry_django.filter_field()
    status: StrFilterLookup | None = strawberry_django.filter_field()
    requested_on: DateFilterLookup | None = strawberry_django.filter_field()
    decided_on: DateFilterLookup | None = strawberry_django.filter_field()


@register_filter(models.Uplink, lookups=True)
class UplinkFilter(PrimaryModelFilter):
    name: StrFilterLookup | None = strawberry_django.filter_field()
    circuit_id: ID | None = strawberry_django.filter_field()
    capacity_mbps: IntegerLookup | None = strawberry_django.filter_field()


@register_filter(models.UplinkAssignment, lookups=True)
class UplinkAssignmentFilter(NetBoxModelFilter):
    uplink_id: ID | None = strawberry_django.filter_field()
    tenant_id: ID | None = strawberry_django.filter_field()
    role: StrFilterLookup | None = strawberry_django.filter_field()


@register_filter(models.SecuritySystem, lookups=True)
class SecuritySystemFilter(PrimaryModelFilter):
    name: StrFilterLookup | None = strawberry_django.filter_field()
    kind: StrFilterLookup | None = strawberry_django.filter_field()
    device_id: ID | None = strawberry_django.filter_field()
    virtual_machine_id: ID | None = strawberry_django.filter_field()


@register_filter(models.SecurityAssessment, lookups=True)
class SecurityAssessmentFilter(PrimaryModelFilter):
    information_system_id: ID | None = strawberry_django.filter_field()
    assessed_on: DateFilterLookup | None = strawberry_django.filter_field()
    result: StrFilterLookup | None = strawberry_django.filter_field()
    findings_count: IntegerLookup | None = strawberry_django.filter_field()
    next_due: DateFilterLookup | None = strawberry_django.filter_field()
    assessor: StrFilterLookup | None = strawberry_django.filter_field()


@register_filter(models.Repository, lookups=True)
class RepositoryFilter(PrimaryModelFilter):
    name: StrFilterLookup | None = strawberry_django.filter_field()
    mirror_url: StrFilterLookup | None = strawberry_django.filter_field()
    content_kind: StrFilterLookup | None = strawberry_django.filter_field()
    device_id: ID | None = strawberry_django.filter_field()


@register_filter(models.Schedule, lookups=True)
class ScheduleFilter(PrimaryModelFilter):
    name: StrFilterLookup | None = strawberry_django.filter_field()
    time_zone: StrFilterLookup | None = strawberry_django.filter_field()


@register_filter(models.BandwidthQuota, lookups=True)
class BandwidthQuotaFilter(PrimaryModelFilter):
    tenant_id: ID | None = strawberry_django.filter_field()
    uplink_id: ID | None = strawberry_django.filter_field()
    enforcement_device_id: ID | None = strawberry_django.filter_field()
    guaranteed_down_mbps: IntegerLookup | None = strawberry_django.filter_field()
    ceiling_down_mbps: IntegerLookup | None = strawberry_django.filter_field()
    monthly_cap_gb: IntegerLookup | None = strawberry_django.filter_field()
    cap_action: StrFilterLookup | None = strawberry_django.filter_field()


@register_filter(models.QuotaUsage, lookups=True)
class QuotaUsageFilter(NetBoxModelFilter):
    tenant_id: ID | None = strawberry_django.filter_field()
    period: StrFilterLookup | None = strawberry_django.filter_field()
    period_start: DateFilterLookup | None = strawberry_django.filter_field()
    source: StrFilterLookup | None = strawberry_django.filter_field()


@register_filter(models.Recommendation, lookups=True)
class RecommendationFilter(PrimaryModelFilter):
    tenant_id: ID | None = strawberry_django.filter_field()
    title: StrFilterLookup | None = strawberry_django.filter_field()
    kind: StrFilterLookup | None = strawberry_django.filter_field()
    status: StrFilterLookup | None = strawberry_django.filter_field()
    valid_until: DateFilterLookup | None = strawberry_django.filter_field()


@register_filter(models.RecommendationItem, lookups=True)
class RecommendationItemFilter(NetBoxModelFilter):
    recommendation_id: ID | None = strawberry_django.filter_field()
    device_id: ID | None = strawberry_django.filter_field()
    device_type_id: ID | None = strawberry_django.filter_field()
    site_id: ID | None = strawberry_django.filter_field()


@register_filter(models.LabelScheme, lookups=True)
class LabelSchemeFilter(PrimaryModelFilter):
    name: StrFilterLookup | None = strawberry_django.filter_field()



@register_filter(models.DomainList, lookups=True)
class DomainListFilter(PrimaryModelFilter):
    name: StrFilterLookup | None = strawberry_django.filter_field()
    category: StrFilterLookup | None = strawberry_django.filter_field()
    source: StrFilterLookup | None = strawberry_django.filter_field()
    feed_status: StrFilterLookup | None = strawberry_django.filter_field()
    domain_count: IntegerLookup | None = strawberry_django.filter_field()


@register_filter(models.FilterPolicy, lookups=True)
class FilterPolicyFilter(PrimaryModelFilter):
    name: StrFilterLookup | None = strawberry_django.filter_field()
    enabled: bool | None = strawberry_django.filter_field()
    schedule_id: ID | None = strawberry_django.filter_field()
