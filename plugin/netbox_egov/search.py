"""Global search indexes of the registry models."""

from netbox.search import SearchIndex

from . import models


class BackboneLinkIndex(SearchIndex):
    model = models.BackboneLink
    fields = (("name", 100), ("redundancy_group", 300), ("description", 500), ("comments", 5000))
    display_attrs = ("site_a", "site_b", "medium", "status", "description")


class DRPlanIndex(SearchIndex):
    model = models.DRPlan
    fields = (("name", 100), ("description", 500), ("comments", 5000))
    display_attrs = ("primary_site", "dr_site", "status", "description")


class InformationSystemIndex(SearchIndex):
    model = models.InformationSystem
    fields = (("name", 100), ("domain_names", 300), ("description", 500), ("comments", 5000))
    display_attrs = ("tenant", "site", "criticality", "description")


class PublicIPAllocationIndex(SearchIndex):
    model = models.PublicIPAllocation
    fields = (("purpose", 300), ("description", 500), ("comments", 5000))
    display_attrs = ("tenant", "prefix", "ip_range", "status", "description")


class UplinkIndex(SearchIndex):
    model = models.Uplink
    fields = (("name", 100), ("description", 500), ("comments", 5000))
    display_attrs = ("circuit", "description")


class SecuritySystemIndex(SearchIndex):
    model = models.SecuritySystem
    fields = (("name", 100), ("description", 500), ("comments", 5000))
    display_attrs = ("kind", "device", "virtual_machine", "description")


class SecurityAssessmentIndex(SearchIndex):
    model = models.SecurityAssessment
    fields = (("assessor", 300), ("description", 500), ("comments", 5000))
    display_attrs = ("information_system", "assessed_on", "result", "description")


class RepositoryIndex(SearchIndex):
    model = models.Repository
    fields = (("name", 100), ("mirror_url", 300), ("description", 500), ("comments", 5000))
    display_attrs = ("content_kind", "device", "virtual_machine", "description")


class ScheduleIndex(SearchIndex):
    model = models.Schedule
    fields = (("name", 100), ("description", 500), ("comments", 5000))
    display_attrs = ("time_zone", "start_time", "end_time", "description")


class BandwidthQuotaIndex(SearchIndex):
    model = models.BandwidthQuota
    fields = (("description", 500), ("comments", 5000))
    display_attrs = ("tenant", "ceiling_down_mbps", "monthly_cap_gb", "description")


class RecommendationIndex(SearchIndex):
    model = models.Recommendation
    fields = (("title", 100), ("justification", 1000), ("description", 500), ("comments", 5000))
    display_attrs = ("tenant", "kind", "status", "valid_until", "description")


class LabelSchemeIndex(SearchIndex):
    model = models.LabelScheme
    fields = (("name", 100), ("description", 500), ("comments", 5000))
    display_attrs = ("max_length", "active", "description")


class DomainListIndex(SearchIndex):
    model = models.DomainList
    fields = (("name", 100), ("feed_url", 300), ("description", 500), ("comments", 5000))
    display_attrs = ("category", "source", "domain_count", "feed_status", "description")


class FilterPolicyIndex(SearchIndex):
    model = models.FilterPolicy
    fields = (("name", 100), ("description", 500), ("comments", 5000))
    display_attrs = ("enabled", "schedule", "description")


class PushIndex(SearchIndex):
    model = models.Push
    fields = (("gateway_name", 100), ("reason", 500))
    display_attrs = ("mode", "status", "trigger", "reason")


class FindingIndex(SearchIndex):
    model = models.Finding
    fields = (("subject", 100), ("netbox_says", 300), ("device_says", 300), ("note", 500))
    display_attrs = ("device", "kind", "status", "netbox_says", "device_says")


# Registered by the plugin loader (PluginConfig.search_indexes).
indexes = (
    BackboneLinkIndex, DRPlanIndex, InformationSystemIndex, PublicIPAllocationIndex, UplinkIndex,
    SecuritySystemIndex, SecurityAssessmentIndex, RepositoryIndex, ScheduleIndex, BandwidthQuotaIndex,
    RecommendationIndex, LabelSchemeIndex, DomainListIndex, FilterPolicyIndex, PushIndex, FindingIndex,
)

