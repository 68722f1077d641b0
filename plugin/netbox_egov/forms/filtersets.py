"""Filter forms of the list views."""

from django import forms
from django.utils.translation import gettext_lazy as _

from circuits.models import Circuit
from dcim.models import Device, Interface, Site
from netbox.forms import NetBoxModelFilterSetForm, PrimaryModelFilterSetForm
from tenancy.models import Tenant
from utilities.forms.fields import DynamicModelMultipleChoiceField, TagFilterField
from utilities.forms.rendering import FieldSet
from utilities.forms.widgets import DatePicker, DateTimePicker

from .. import choices, models

__all__ = (
    "DomainListFilterForm",
    "FilterPolicyFilterForm",
    "FindingFilterForm",
    "LabelSchemeFilterForm",
    "RecommendationFilterForm",
    "RecommendationItemFilterForm",
    "BandwidthQuotaFilterForm",
    "QuotaUsageFilterForm",
    "PushFilterForm",
    "ScheduleFilterForm",
    "BackboneLinkFilterForm",
    "DRPlanFilterForm",
    "InformationSystemFilterForm",
    "PublicIPAllocationFilterForm",
    "RepositoryFilterForm",
    "SecurityAssessmentFilterForm",
    "SecuritySystemFilterForm",
    "UplinkAssignmentFilterForm",
    "UplinkFilterForm",
)


def multiple_choice(choice_set, label):
    return forms.MultipleChoiceField(choices=choice_set, required=False, label=label)


def sites(label=None):
    return DynamicModelMultipleChoiceField(queryset=Site.objects.all(), required=False, label=label or _("Site"))


def seen_at(label):
    return forms.DateTimeField(required=False, label=label, widget=DateTimePicker())


def agencies(label=None):
    return DynamicModelMultipleChoiceField(queryset=Tenant.objects.all(), required=False,
                                           label=label or _("Agency"))


class BackboneLinkFilterForm(PrimaryModelFilterSetForm):
    model = models.BackboneLink
    fieldsets = (
        FieldSet("q", "filter_id", "tag"),
        FieldSet("site_id", "medium", "status", "circuit_id", "redundancy_group", name=_("Link")),
    )
    site_id = sites()
    medium = multiple_choice(choices.LinkMediumChoices, _("Medium"))
    status = multiple_choice(choices.LinkStatusChoices, _("Status"))
    circuit_id = DynamicModelMultipleChoiceField(queryset=Circuit.objects.all(), required=False, label=_("Circuit"))
    redundancy_group = forms.CharField(required=False, label=_("Redundancy group"))
    tag = TagFilterField(model)


class DRPlanFilterForm(PrimaryModelFilterSetForm):
    model = models.DRPlan
    fieldsets = (
        FieldSet("q", "filter_id", "tag"),
        FieldSet("primary_site_id", "dr_site_id", "status", "last_drill_result", name=_("DR plan")),
    )
    primary_site_id = sites(_("Primary site"))
    dr_site_id = sites(_("Disaster-recovery site"))
    status = multiple_choice(choices.DRPlanStatusChoices, _("Status"))
    last_drill_result = multiple_choice(choices.DrillResultChoices, _("Last drill result"))
    tag = TagFilterField(model)


class InformationSystemFilterForm(PrimaryModelFilterSetForm):
    model = models.InformationSystem
    fieldsets = (
        FieldSet("q", "filter_id", "tag"),
        FieldSet("tenant_id", "site_id", "criticality", "in_data_center", "dr_covered", name=_("Placement")),
    )
    tenant_id = agencies(_("Owner agency"))
    site_id = sites()
    criticality = multiple_choice(choices.CriticalityChoices, _("Criticality"))
    in_data_center = forms.NullBooleanField(
        required=False, label=_("Hosted in the data center"),
        widget=forms.Select(choices=choices.YES_NO_CHOICES),
    )
    dr_covered = forms.NullBooleanField(
        required=False, label=_("Covered by a DR plan"), widget=forms.Select(choices=choices.YES_NO_CHOICES)
    )
    tag = TagFilterField(model)


class PublicIPAllocationFilterForm(PrimaryModelFilterSetForm):
    model = models.PublicIPAllocation
    fieldsets = (
        FieldSet("q", "filter_id", "tag"),
        FieldSet("tenant_id", "status", name=_("Allocation")),
    )
    tenant_id = agencies()
    status = multiple_choice(choices.AllocationStatusChoices, _("Status"))
    tag = TagFilterField(model)


class UplinkFilterForm(PrimaryModelFilterSetForm):
    model = models.Uplink
    fieldsets = (FieldSet("q", "filter_id", "tag"), FieldSet("circuit_id", "tenant_id", name=_("Uplink")))
    circuit_id = DynamicModelMultipleChoiceField(queryset=Circuit.objects.all(), required=False, label=_("Circuit"))
    tenant_id = agencies()
    tag = TagFilterField(model)


class UplinkAssignmentFilterForm(NetBoxModelFilterSetForm):
    model = models.UplinkAssignment
    fieldsets = (FieldSet("q", "filter_id", "tag"), FieldSet("uplink_id", "tenant_id", "role", name=_("Egress")))
    uplink_id = DynamicModelMultipleChoiceField(queryset=models.Uplink.objects.all(), required=False, label=_("Uplink"))
    tenant_id = agencies()
    role = multiple_choice(choices.EgressRoleChoices, _("Role"))
    tag = TagFilterField(model)


class SecuritySystemFilterForm(PrimaryModelFilterSetForm):
    model = models.SecuritySystem
    fieldsets = (
        FieldSet("q", "filter_id", "tag"),
        FieldSet("kind", "device_id", "protected_site_id", name=_("Security system")),
    )
    kind = multiple_choice(choices.SecuritySystemKindChoices, _("Kind"))
    device_id = DynamicModelMultipleChoiceField(queryset=Device.objects.all(), required=False, label=_("Device"))
    protected_site_id = sites(_("Protected site"))
    tag = TagFilterField(model)


class SecurityAssessmentFilterForm(PrimaryModelFilterSetForm):
    model = models.SecurityAssessment
    fieldsets = (
        FieldSet("q", "filter_id", "tag"),
        FieldSet("information_system_id", "result", name=_("Assessment")),
    )
    information_system_id = DynamicModelMultipleChoiceField(
        queryset=models.InformationSystem.objects.all(), required=False, label=_("Information system")
    )
    result = multiple_choice(choices.AssessmentResultChoices, _("Result"))
    tag = TagFilterField(model)


class RepositoryFilterForm(PrimaryModelFilterSetForm):
    model = models.Repository
    fieldsets = (FieldSet("q", "filter_id", "tag"), FieldSet("content_kind", "device_id", name=_("Repository")))
    content_kind = multiple_choice(choices.RepositoryContentChoices, _("Content"))
    device_id = DynamicModelMultipleChoiceField(queryset=Device.objects.all(), required=False, label=_("Device"))
    tag = TagFilterField(model)


class ScheduleFilterForm(PrimaryModelFilterSetForm):
    model = models.Schedule
    fieldsets = (FieldSet("q", "filter_id", "tag"),)
    tag = TagFilterField(model)


class BandwidthQuotaFilterForm(PrimaryModelFilterSetForm):
    model = models.BandwidthQuota
    fieldsets = (
        FieldSet("q", "filter_id", "tag"),
        FieldSet("tenant_id", "uplink_id", "cap_action", "enforcement_device_id", name=_("Quota")),
    )
    tenant_id = agencies()
    uplink_id = DynamicModelMultipleChoiceField(queryset=models.Uplink.objects.all(), required=False,
                                                label=_("Uplink"))
    cap_action = multiple_choice(choices.CapActionChoices, _("When the cap is exceeded"))
    enforcement_device_id = DynamicModelMultipleChoiceField(queryset=Device.objects.all(), required=False,
                                                            label=_("Enforcement device"))
    tag = TagFilterField(model)


class QuotaUsageFilterForm(NetBoxModelFilterSetForm):
    model = models.QuotaUsage
    fieldsets = (
        FieldSet("q", "filter_id", "tag"),
        FieldSet("tenant_id", "period", "period_start", "source", name=_("Usage")),
    )
    tenant_id = agencies()
    period = multiple_choice(choices.UsagePeriodChoices, _("Period"))
    period_start = forms.DateField(required=False, label=_("Period start"), widget=DatePicker())
    source = forms.CharField(required=False, label=_("Source"))
    tag = TagFilterField(model)


class RecommendationFilterForm(PrimaryModelFilterSetForm):
    model = models.Recommendation
    fieldsets = (FieldSet("q", "filter_id", "tag"), FieldSet("tenant_id", "kind", "status", name=_("Recommendation")))
    tenant_id = agencies()
    kind = multiple_choice(choices.RecommendationKindChoices, _("Kind"))
    status = multiple_choice(choices.RecommendationStatusChoices, _("Status"))
    tag = TagFilterField(model)


class RecommendationItemFilterForm(NetBoxModelFilterSetForm):
    model = models.RecommendationItem
    fieldsets = (FieldSet("q", "filter_id", "tag"), FieldSet("recommendation_id", "device_id", name=_("Item")))
    recommendation_id = DynamicModelMultipleChoiceField(queryset=models.Recommendation.objects.all(),
                                                        required=False, label=_("Recommendation"))
    device_id = DynamicModelMultipleChoiceField(queryset=Device.objects.all(), required=False, label=_("Device"))
    tag = TagFilterField(model)


class LabelSchemeFilterForm(PrimaryModelFilterSetForm):
    model = models.LabelScheme
    fieldsets = (FieldSet("q", "filter_id", "tag"), FieldSet("active", name=_("Scheme")))
    active = forms.NullBooleanField(required=False, label=_("Active"),
                                    widget=forms.Select(choices=choices.YES_NO_CHOICES))
    tag = TagFilterField(model)


class DomainListFilterForm(PrimaryModelFilterSetForm):
    model = models.DomainList
    fieldsets = (
        FieldSet("q", "filter_id", "tag"),
        FieldSet("blocks", "category", "source", "feed_status", name=_("List")),
    )
    blocks = forms.CharField(required=False, label=_("Holds this domain or a parent zone"),
                             help_text=_("Why is a site blocked? e.g. www.example.com"))
    category = multiple_choice(choices.DomainCategoryChoices, _("Category"))
    source = multiple_choice(choices.DomainSourceChoices, _("Source"))
    feed_status = multiple_choice(choices.FeedStatusChoices, _("Feed status"))
    tag = TagFilterField(model)


class FilterPolicyFilterForm(PrimaryModelFilterSetForm):
    model = models.FilterPolicy
    fieldsets = (
        FieldSet("q", "filter_id", "tag"),
        FieldSet("enabled", "domain_list_id", "tenant_id", "schedule_id", name=_("Policy")),
    )
    enabled = forms.NullBooleanField(required=False, label=_("Enabled"),
                                     widget=forms.Select(choices=choices.YES_NO_CHOICES))
    domain_list_id = DynamicModelMultipleChoiceField(queryset=models.DomainList.objects.all(), required=False,
                                                     label=_("Domain list"))
    tenant_id = agencies()
    schedule_id = DynamicModelMultipleChoiceField(queryset=models.Schedule.objects.all(), required=False,
                                                  label=_("Schedule"))
    tag = TagFilterField(model)


class PushFilterForm(NetBoxModelFilterSetForm):
    model = models.Push
    fieldsets = (
        FieldSet("q", "filter_id", "tag"),
        FieldSet("gateway_id", "tenant_id", "mode", "trigger", "status", name=_("Push")),
    )
    gateway_id = DynamicModelMultipleChoiceField(queryset=Device.objects.all(), required=False, label=_("Gateway"))
    tenant_id = agencies()
    mode = multiple_choice(choices.PushModeChoices, _("Mode"))
    trigger = multiple_choice(choices.PushTriggerChoices, _("Trigger"))
    status = multiple_choice(choices.PushStatusChoices, _("Status"))
    tag = TagFilterField(model)


class FindingFilterForm(NetBoxModelFilterSetForm):
    model = models.Finding
    fieldsets = (
        FieldSet("q", "filter_id", "tag"),
        FieldSet("kind", "status", name=_("Finding")),
        FieldSet("tenant_id", "site_id", "device_id", "interface_id", name=_("Where")),
        FieldSet("first_seen__gte", "first_seen__lte", "last_seen__gte", "last_seen__lte", name=_("Seen")),
    )
    kind = multiple_choice(choices.FindingKindChoices, _("Kind"))
    status = multiple_choice(choices.FindingStatusChoices, _("Status"))
    tenant_id = agencies()
    site_id = sites()
    device_id = DynamicModelMultipleChoiceField(queryset=Device.objects.all(), required=False, label=_("Device"),
                                                query_params={"tenant_id": "$tenant_id", "site_id": "$site_id"})
    interface_id = DynamicModelMultipleChoiceField(queryset=Interface.objects.all(), required=False,
                                                   label=_("Interface"), query_params={"device_id": "$device_id"})
    first_seen__gte = seen_at(_("First seen from"))
    first_seen__lte = seen_at(_("First seen until"))
    last_seen__gte = seen_at(_("Last seen from"))
    last_seen__lte = seen_at(_("Last seen until"))
    tag = TagFilterField(model)
