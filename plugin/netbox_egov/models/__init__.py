"""The plugin's models, one module per domain of the regulation."""

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
    "DRPlan",
    "InformationSystem",
    "PublicIPAllocation",
    "Repository",
    "SecurityAssessment",
    "SecuritySystem",
    "Uplink",
    "UplinkAssignment",
)
