"""GraphQL types of the registry models; NetBox's resolvers restrict every queryset to the user."""

from typing import TYPE_CHECKING, Annotated

import strawberry
import strawberry_django
from strawberry.scalars import JSON
from strawberry.types import Info

from netbox.graphql.scalars import BigInt
from netbox.graphql.types import NetBoxObjectType, PrimaryObjectType, register_type

from .. import models
from ..pushes import may_read_details

if TYPE_CHECKING:  # the string annotations below name these core types
    from circuits.graphql.types import CircuitType
    from dcim.graphql.types import CableType, DeviceType, DeviceTypeType, InterfaceType, SiteType
    from ipam.graphql.types import IPRangeType, PrefixType
    from tenancy.graphql.types import TenantType
    from users.graphql.types import UserType
    from virtualization.graphql.types import VirtualMachineType
from .filters import (
    BackboneLinkFilter,
    BandwidthQuotaFilter,
    DomainListFilter,
    DRPlanFilter,
    FilterPolicyFilter,
    FindingFilter,
    InformationSystemFilter,
    LabelSchemeFilter,
    PublicIPAllocationFilter,
    PushFilter,
    QuotaUsageFilter,
    RecommendationFilter,
    RecommendationItemFilter,
    RepositoryFilter,
    ScheduleFilter,
    SecurityAssessmentFilter,
    SecuritySystemFilter,
    UplinkAssignmentFilter,
    UplinkFilter,
)

Site = Annotated["SiteType", strawberry.lazy("dcim.graphql.types")]
Device = Annotated["DeviceType", strawberry.lazy("dcim.graphql.types")]
Cable = Annotated["CableType", strawberry.lazy("dcim.graphql.types")]
Interface = Annotated["InterfaceType", strawberry.lazy("dcim.graphql.types")]
DeviceTypeRef = Annotated["DeviceTypeType", strawberry.lazy("dcim.graphql.types")]
Circuit = Annotated["CircuitType", strawberry.lazy("circuits.graphql.types")]
Tenant = Annotated["TenantType", strawberry.lazy("tenancy.graphql.types")]
Prefix = Annotated["PrefixType", strawberry.lazy("ipam.graphql.types")]
IPRange = Annotated["IPRangeType", strawberry.lazy("ipam.graphql.types")]
VirtualMachine = Annotated["VirtualMachineType", strawberry.lazy("virtualization.graphql.types")]
User = Annotated["UserType", strawberry.lazy("users.graphql.types")]

__all__ = (
    "LabelSchemeType",
    "RecommendationItemType",
    "RecommendationType",
    "BandwidthQuotaType",
    "QuotaUsageType",
    "PushType",
    "FindingType",
    "ScheduleType",
    "BackboneLinkType",
    "DRPlanType",
    "InformationSystemType",
    "PublicIPAllocationType",
    "RepositoryType",
    "SecurityAssessmentType",
    "SecuritySystemType",
    "UplinkAssignmentType",
    "UplinkType",
)


@register_type(models.BackboneLink, fields="__all__", filters=BackboneLinkFilter, pagination=True)
class BackboneLinkType(PrimaryObjectType):
    site_a: Site
    site_b: Site
    circuit: Circuit | None
    cable: Cable | None
    dr_plans: list[Annotated["DRPlanType", strawberry.lazy("netbox_egov.graphql.types")]]


@register_type(models.InformationSystem, fields="__all__", filters=InformationSystemFilter, pagination=True)
class InformationSystemType(PrimaryObjectType):
    tenant: Tenant
    site: Site
    devices: list[Device]
    virtual_machines: list[VirtualMachine]
    domain_names: list[str]
    dr_plans: list[Annotated["DRPlanType", strawberry.lazy("netbox_egov.graphql.types")]]
    security_assessments: list[Annotated["SecurityAssessmentType", strawberry.lazy("netbox_egov.graphql.types")]]
    public_ip_allocations: list[Annotated["PublicIPAllocationType", strawberry.lazy("netbox_egov.graphql.types")]]

    @strawberry_django.field
    def hosted_in_data_center(self) -> bool:
        return self.hosted_in_data_center


@register_type(models.DRPlan, fields="__all__", filters=DRPlanFilter, pagination=True)
class DRPlanType(PrimaryObjectType):
    primary_site: Site
    dr_site: Site
    replication_circuits: list[Circuit]
    replication_links: list[BackboneLinkType]
    information_systems: list[InformationSystemType]


@register_type(models.PublicIPAllocation, fields="__all__", filters=PublicIPAllocationFilter, pagination=True)
class PublicIPAllocationType(PrimaryObjectType):
    tenant: Tenant
    prefix: Prefix | None
    ip_range: IPRange | None
    information_system: InformationSystemType | None
    approver: User | None


@register_type(models.Uplink, fields="__all__", filters=UplinkFilter, pagination=True)
class UplinkType(PrimaryObjectType):
    circuit: Circuit
    announced_prefixes: list[Prefix]
    assignments: list[Annotated["UplinkAssignmentType", strawberry.lazy("netbox_egov.graphql.types")]]


@register_type(models.UplinkAssignment, fields="__all__", filters=UplinkAssignmentFilter, pagination=True)
class UplinkAssignmentType(NetBoxObjectType):
    uplink: UplinkType
    tenant: Tenant


@register_type(models.SecuritySystem, fields="__all__", filters=SecuritySystemFilter, pagination=True)
class SecuritySystemType(PrimaryObjectType):
    device: Device | None
    virtual_machine: VirtualMachine | None
    protected_sites: list[Site]
    protected_prefixes: list[Prefix]


@register_type(models.SecurityAssessment, fields="__all__", filters=SecurityAssessmentFilter, pagination=True)
class SecurityAssessmentType(PrimaryObjectType):
    information_system: InformationSystemType


@register_type(models.Repository, fields="__all__", filters=RepositoryFilter, pagination=True)
class RepositoryType(PrimaryObjectType):
    device: Device | None
    virtual_machine: VirtualMachine | None


@register_type(models.Schedule, fields="__all__", filters=ScheduleFilter, pagination=True)
class ScheduleType(PrimaryObjectType):
    weekdays: list[int]


@register_type(models.BandwidthQuota, fields="__all__", filters=BandwidthQuotaFilter, pagination=True)
class BandwidthQuotaType(PrimaryObjectType):
    tenant: Tenant
    schedule: ScheduleType | None
    uplink: UplinkType | None
    enforcement_device: Device | None
    enforcement_interface: Interface | None
    prefixes: list[Prefix]


@register_type(models.QuotaUsage, fields="__all__", filters=QuotaUsageFilter, pagination=True)
class QuotaUsageType(NetBoxObjectType):
    tenant: Tenant
    bytes_in: BigInt
    bytes_out: BigInt

    @strawberry_django.field
    def state(self) -> str:
        return self.state


@register_type(models.Recommendation, fields="__all__", filters=RecommendationFilter, pagination=True)
class RecommendationType(PrimaryObjectType):
    tenant: Tenant
    decided_by: User | None
    items: list[Annotated["RecommendationItemType", strawberry.lazy("netbox_egov.graphql.types")]]


@register_type(models.RecommendationItem, fields="__all__", filters=RecommendationItemFilter, pagination=True)
class RecommendationItemType(NetBoxObjectType):
    recommendation: RecommendationType
    device: Device | None
    device_type: DeviceTypeRef | None
    site: Site | None


@register_type(models.LabelScheme, fields="__all__", filters=LabelSchemeFilter, pagination=True)
class LabelSchemeType(PrimaryObjectType):
    pass



@register_type(models.DomainList, exclude=("feed_etag",), filters=DomainListFilter, pagination=True)
class DomainListType(PrimaryObjectType):
    bad_lines: strawberry.scalars.JSON


@register_type(models.FilterPolicy, fields="__all__", filters=FilterPolicyFilter, pagination=True)
class FilterPolicyType(PrimaryObjectType):
    blocked_lists: list[DomainListType]
    allowed_lists: list[DomainListType]
    tenants: list[Tenant]
    exempt_tenants: list[Tenant]
    schedule: ScheduleType | None


@register_type(models.Push, exclude=("job", "reason", "hosts", "diff", "log"), filters=PushFilter, pagination=True)
class PushType(NetBoxObjectType):
    """The reason, hosts, diff and log carry every agency behind the gateway: empty for a reader who may not
    view each of them (pushes.may_read_details), as in REST and on the page."""

    gateway: Device | None
    requested_by: User | None
    tenants: list[Tenant]

    @strawberry_django.field
    def reason(self, info: Info) -> str:
        return self.reason if may_read_details(info.context.request.user, self) else ""

    @strawberry_django.field
    def hosts(self, info: Info) -> JSON:
        return self.hosts if may_read_details(info.context.request.user, self) else {}

    @strawberry_django.field
    def diff(self, info: Info) -> str:
        return self.diff if may_read_details(info.context.request.user, self) else ""

    @strawberry_django.field
    def log(self, info: Info) -> str:
        return self.log if may_read_details(info.context.request.user, self) else ""


@register_type(models.Finding, fields="__all__", filters=FindingFilter, pagination=True)
class FindingType(NetBoxObjectType):
    device: Device
    interface: Interface | None
    far_interface: Interface | None
