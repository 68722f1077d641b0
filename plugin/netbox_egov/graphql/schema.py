"""GraphQL queries of the plugin: `<model>` and `<model>_list` per registry model, as in core."""

import strawberry
import strawberry_django

from .types import (
    BackboneLinkType,
    BandwidthQuotaType,
    DomainListType,
    DRPlanType,
    FilterPolicyType,
    FindingType,
    InformationSystemType,
    LabelSchemeType,
    PublicIPAllocationType,
    PushType,
    QuotaUsageType,
    RecommendationItemType,
    RecommendationType,
    RepositoryType,
    ScheduleType,
    SecurityAssessmentType,
    SecuritySystemType,
    UplinkAssignmentType,
    UplinkType,
)


@strawberry.type(name="Query")
class EgovQuery:
    backbone_link: BackboneLinkType = strawberry_django.field()
    backbone_link_list: list[BackboneLinkType] = strawberry_django.field()
    dr_plan: DRPlanType = strawberry_django.field()
    dr_plan_list: list[DRPlanType] = strawberry_django.field()
    information_system: InformationSystemType = strawberry_django.field()
    information_system_list: list[InformationSystemType] = strawberry_django.field()
    public_ip_allocation: PublicIPAllocationType = strawberry_django.field()
    public_ip_allocation_list: list[PublicIPAllocationType] = strawberry_django.field()
    uplink: UplinkType = strawberry_django.field()
    uplink_list: list[UplinkType] = strawberry_django.field()
    uplink_assignment: UplinkAssignmentType = strawberry_django.field()
    uplink_assignment_list: list[UplinkAssignmentType] = strawberry_django.field()
    security_system: SecuritySystemType = strawberry_django.field()
    security_system_list: list[SecuritySystemType] = strawberry_django.field()
    security_assessment: SecurityAssessmentType = strawberry_django.field()
    security_assessment_list: list[SecurityAssessmentType] = strawberry_django.field()
    repository: RepositoryType = strawberry_django.field()
    repository_list: list[RepositoryType] = strawberry_django.field()
    schedule: ScheduleType = strawberry_django.field()
    schedule_list: list[ScheduleType] = strawberry_django.field()
    bandwidth_quota: BandwidthQuotaType = strawberry_django.field()
    bandwidth_quota_list: list[BandwidthQuotaType] = strawberry_django.field()
    quota_usage: QuotaUsageType = strawberry_django.field()
    quota_usage_list: list[QuotaUsageType] = strawberry_django.field()
    recommendation: RecommendationType = strawberry_django.field()
    recommendation_list: list[RecommendationType] = strawberry_django.field()
    recommendation_item: RecommendationItemType = strawberry_django.field()
    recommendation_item_list: list[RecommendationItemType] = strawberry_django.field()
    label_scheme: LabelSchemeType = strawberry_django.field()
    label_scheme_list: list[LabelSchemeType] = strawberry_django.field()
    domain_list: DomainListType = strawberry_django.field()
    domain_list_list: list[DomainListType] = strawberry_django.field()
    filter_policy: FilterPolicyType = strawberry_django.field()
    filter_policy_list: list[FilterPolicyType] = strawberry_django.field()
    push: PushType = strawberry_django.field()
    push_list: list[PushType] = strawberry_django.field()
    finding: FindingType = strawberry_django.field()
    finding_list: list[FindingType] = strawberry_django.field()


schema = [EgovQuery]
