"""The plugin's models, one module per domain of the regulation."""

from .enforcement import Push
from .filtering import DomainList, DomainListContent, DomainUpload, FilterPolicy
from .labels import LabelScheme
from .policy import BandwidthQuota, QuotaUsage, Schedule
from .recommendations import Recommendation, RecommendationItem
from .reconciliation import Finding
from .registry import (
    BackboneLink,
    DRPlan,
    InformationSystem,
    PublicIPAllocation,
    Repository,
    SecurityAssessment,
    SecuritySystem,
    Uplink,
    UplinkAssignment,
)

__all__ = (
    "BackboneLink",
    "BandwidthQuota",
    "QuotaUsage",
    "Recommendation",
    "RecommendationItem",
    "Schedule",
    "DRPlan",
    "DomainList",
    "DomainListContent",
    "DomainUpload",
    "FilterPolicy",
    "Finding",
    "InformationSystem",
    "LabelScheme",
    "PublicIPAllocation",
    "Push",
    "Repository",
    "SecurityAssessment",
    "SecuritySystem",
    "Uplink",
    "UplinkAssignment",
)
