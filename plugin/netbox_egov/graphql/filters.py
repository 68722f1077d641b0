"""GraphQL filters of the registry models."""

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

import strawberry
import strawberry_django
from django.db.models import Q, QuerySet
from graphql import GraphQLError
from strawberry.directive import DirectiveValue
from strawberry.scalars import ID
from strawberry.types import Info
from strawberry.types.base import has_object_definition
from strawberry_django import DateFilterLookup, DatetimeFilterLookup, StrFilterLookup
from strawberry_django.filters import process_filters

from netbox.graphql.filters import NetBoxModelFilter, PrimaryModelFilter, register_filter

from .. import models
from ..logic import datetimes

IntegerLookup = Annotated["IntegerLookup", strawberry.lazy("netbox.graphql.filter_lookups")]

__all__ = (
    "DomainListFilter",
    "FilterPolicyFilter",
    "FindingFilter",
    "LabelSchemeFilter",
    "RecommendationFilter",
    "RecommendationItemFilter",
    "BandwidthQuotaFilter",
    "QuotaUsageFilter",
    "PushFilter",
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


@dataclass
class CheckedDatetimes:
    """Every date-time anywhere in a plugin list's filters is one PostgreSQL can compare.

    Checked once, on the whole input, before any query: the plugin's own created and last_updated, and core's
    filters nested in them (tags, journal entries, their authors...), inside AND, OR and NOT, in lists and
    ranges. A UTC offset PostgreSQL refuses is an error naming the filter and the value, not a database error
    (whose message carries a piece of SQL).
    """

    @strawberry_django.filter_field
    def filter(self, info: Info, queryset: QuerySet, prefix: DirectiveValue[str] = "") -> tuple[QuerySet, Q]:
        if refused := unanswerable_datetime(self):
            path, value, offset = refused
            raise GraphQLError(f"{prefix}{'__'.join(path)}: {value.isoformat()!r} has a UTC offset of {offset}; "
                               f"offsets run from {datetimes.OFFSET_RANGE}.")
        return process_filters(self, queryset, info, prefix, skip_object_filter_method=True)


# Combinators: the filters inside them apply to the same object, so they add nothing to the path.
COMBINATORS = {"AND", "OR", "NOT"}


def unanswerable_datetime(value, path=()):
    """(path, date-time, offset) of the first date-time in a filter input whose UTC offset PostgreSQL refuses."""
    if isinstance(value, datetime):
        offset = datetimes.offset_out_of_range(value)
        return (path, value, offset) if offset else None
    if isinstance(value, list):
        parts = ((path, item) for item in value)
    elif has_object_definition(value):
        parts = ((path if field.name in COMBINATORS else (*path, field.name), getattr(value, field.name))
                 for field in value.__strawberry_definition__.fields)
    else:
        return None
    for part_path, part in parts:
        if refused := unanswerable_datetime(part, part_path):
            return refused
    return None


class EgovPrimaryModelFilter(CheckedDatetimes, PrimaryModelFilter):
    pass


class EgovModelFilter(CheckedDatetimes, NetBoxModelFilter):
    pass


@register_filter(models.BackboneLink, lookups=True)
class BackboneLinkFilter(EgovPrimaryModelFilter):
    name: StrFilterLookup | None = strawberry_django.filter_field()
    site_a_id: ID | None = strawberry_django.filter_field()
    site_b_id: ID | None = strawberry_django.filter_field()
    medium: StrFilterLookup | None = strawberry_django.filter_field()
    capacity_mbps: IntegerLookup | None = strawberry_django.filter_field()
    status: StrFilterLookup | None = strawberry_django.filter_field()
    circuit_id: ID | None = strawberry_django.filter_field()
    redundancy_group: StrFilterLookup | None = strawberry_django.filter_field()


@register_filter(models.DRPlan, lookups=True)
class DRPlanFilter(EgovPrimaryModelFilter):
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
class InformationSystemFilter(EgovPrimaryModelFilter):
    name: StrFilterLookup | None = strawberry_django.filter_field()
    tenant_id: ID | None = strawberry_django.filter_field()
    site_id: ID | None = strawberry_django.filter_field()
    criticality: StrFilterLookup | None = strawberry_django.filter_field()


@register_filter(models.PublicIPAllocation, lookups=True)
class PublicIPAllocationFilter(EgovPrimaryModelFilter):
    tenant_id: ID | None = strawberry_django.filter_field()
    prefix_id: ID | None = strawberry_django.filter_field()
    ip_range_id: ID | None = strawberry_django.filter_field()
    purpose: StrFilterLookup | None = strawberry_django.filter_field()
    status: StrFilterLookup | None = strawberry_django.filter_field()
    requested_on: DateFilterLookup | None = strawberry_django.filter_field()
    decided_on: DateFilterLookup | None = strawberry_django.filter_field()


@register_filter(models.Uplink, lookups=True)
class UplinkFilter(EgovPrimaryModelFilter):
    name: StrFilterLookup | None = strawberry_django.filter_field()
    circuit_id: ID | None = strawberry_django.filter_field()
    capacity_mbps: IntegerLookup | None = strawberry_django.filter_field()


@register_filter(models.UplinkAssignment, lookups=True)
class UplinkAssignmentFilter(EgovModelFilter):
    uplink_id: ID | None = strawberry_django.filter_field()
    tenant_id: ID | None = strawberry_django.filter_field()
    role: StrFilterLookup | None = strawberry_django.filter_field()


@register_filter(models.SecuritySystem, lookups=True)
class SecuritySystemFilter(EgovPrimaryModelFilter):
    name: StrFilterLookup | None = strawberry_django.filter_field()
    kind: StrFilterLookup | None = strawberry_django.filter_field()
    device_id: ID | None = strawberry_django.filter_field()
    virtual_machine_id: ID | None = strawberry_django.filter_field()


@register_filter(models.SecurityAssessment, lookups=True)
class SecurityAssessmentFilter(EgovPrimaryModelFilter):
    information_system_id: ID | None = strawberry_django.filter_field()
    assessed_on: DateFilterLookup | None = strawberry_django.filter_field()
    result: StrFilterLookup | None = strawberry_django.filter_field()
    findings_count: IntegerLookup | None = strawberry_django.filter_field()
    next_due: DateFilterLookup | None = strawberry_django.filter_field()
    assessor: StrFilterLookup | None = strawberry_django.filter_field()


@register_filter(models.Repository, lookups=True)
class RepositoryFilter(EgovPrimaryModelFilter):
    name: StrFilterLookup | None = strawberry_django.filter_field()
    mirror_url: StrFilterLookup | None = strawberry_django.filter_field()
    content_kind: StrFilterLookup | None = strawberry_django.filter_field()
    device_id: ID | None = strawberry_django.filter_field()


@register_filter(models.Schedule, lookups=True)
class ScheduleFilter(EgovPrimaryModelFilter):
    name: StrFilterLookup | None = strawberry_django.filter_field()
    time_zone: StrFilterLookup | None = strawberry_django.filter_field()


@register_filter(models.BandwidthQuota, lookups=True)
class BandwidthQuotaFilter(EgovPrimaryModelFilter):
    tenant_id: ID | None = strawberry_django.filter_field()
    uplink_id: ID | None = strawberry_django.filter_field()
    enforcement_device_id: ID | None = strawberry_django.filter_field()
    guaranteed_down_mbps: IntegerLookup | None = strawberry_django.filter_field()
    ceiling_down_mbps: IntegerLookup | None = strawberry_django.filter_field()
    monthly_cap_gb: IntegerLookup | None = strawberry_django.filter_field()
    cap_action: StrFilterLookup | None = strawberry_django.filter_field()


@register_filter(models.QuotaUsage, lookups=True)
class QuotaUsageFilter(EgovModelFilter):
    tenant_id: ID | None = strawberry_django.filter_field()
    period: StrFilterLookup | None = strawberry_django.filter_field()
    period_start: DateFilterLookup | None = strawberry_django.filter_field()
    source: StrFilterLookup | None = strawberry_django.filter_field()


@register_filter(models.Recommendation, lookups=True)
class RecommendationFilter(EgovPrimaryModelFilter):
    tenant_id: ID | None = strawberry_django.filter_field()
    title: StrFilterLookup | None = strawberry_django.filter_field()
    kind: StrFilterLookup | None = strawberry_django.filter_field()
    status: StrFilterLookup | None = strawberry_django.filter_field()
    valid_until: DateFilterLookup | None = strawberry_django.filter_field()


@register_filter(models.RecommendationItem, lookups=True)
class RecommendationItemFilter(EgovModelFilter):
    recommendation_id: ID | None = strawberry_django.filter_field()
    device_id: ID | None = strawberry_django.filter_field()
    device_type_id: ID | None = strawberry_django.filter_field()
    site_id: ID | None = strawberry_django.filter_field()


@register_filter(models.LabelScheme, lookups=True)
class LabelSchemeFilter(EgovPrimaryModelFilter):
    name: StrFilterLookup | None = strawberry_django.filter_field()



@register_filter(models.DomainList, lookups=True)
class DomainListFilter(EgovPrimaryModelFilter):
    name: StrFilterLookup | None = strawberry_django.filter_field()
    category: StrFilterLookup | None = strawberry_django.filter_field()
    source: StrFilterLookup | None = strawberry_django.filter_field()
    feed_status: StrFilterLookup | None = strawberry_django.filter_field()
    domain_count: IntegerLookup | None = strawberry_django.filter_field()


@register_filter(models.FilterPolicy, lookups=True)
class FilterPolicyFilter(EgovPrimaryModelFilter):
    name: StrFilterLookup | None = strawberry_django.filter_field()
    enabled: bool | None = strawberry_django.filter_field()
    schedule_id: ID | None = strawberry_django.filter_field()


@register_filter(models.Push, lookups=True)
class PushFilter(EgovModelFilter):
    gateway_id: ID | None = strawberry_django.filter_field()
    gateway_name: StrFilterLookup | None = strawberry_django.filter_field()
    mode: StrFilterLookup | None = strawberry_django.filter_field()
    trigger: StrFilterLookup | None = strawberry_django.filter_field()
    status: StrFilterLookup | None = strawberry_django.filter_field()


@register_filter(models.Finding, lookups=True)
class FindingFilter(EgovModelFilter):
    device_id: ID | None = strawberry_django.filter_field()
    interface_id: ID | None = strawberry_django.filter_field()
    far_interface_id: ID | None = strawberry_django.filter_field()
    kind: StrFilterLookup | None = strawberry_django.filter_field()
    subject: StrFilterLookup | None = strawberry_django.filter_field()
    netbox_says: StrFilterLookup | None = strawberry_django.filter_field()
    device_says: StrFilterLookup | None = strawberry_django.filter_field()
    status: StrFilterLookup | None = strawberry_django.filter_field()
    first_seen: DatetimeFilterLookup | None = strawberry_django.filter_field()
    last_seen: DatetimeFilterLookup | None = strawberry_django.filter_field()
    resolved_at: DatetimeFilterLookup | None = strawberry_django.filter_field()
