"""Bulk edit forms: the fields an engineer changes across many objects at once."""

from django import forms
from django.utils.translation import gettext_lazy as _

from dcim.models import Site
from netbox.forms import NetBoxModelBulkEditForm, PrimaryModelBulkEditForm
from tenancy.models import Tenant
from utilities.forms import add_blank_choice
from utilities.forms.fields import DynamicModelChoiceField
from utilities.forms.rendering import FieldSet
from utilities.forms.widgets import DatePicker

from .. import choices, models

__all__ = (
    "DomainListBulkEditForm",
    "FilterPolicyBulkEditForm",
    "FindingBulkEditForm",
    "LabelSchemeBulkEditForm",
    "RecommendationBulkEditForm",
    "RecommendationItemBulkEditForm",
    "BandwidthQuotaBulkEditForm",
    "QuotaUsageBulkEditForm",
    "ScheduleBulkEditForm",
    "BackboneLinkBulkEditForm",
    "DRPlanBulkEditForm",
    "InformationSystemBulkEditForm",
    "PublicIPAllocationBulkEditForm",
    "RepositoryBulkEditForm",
    "SecurityAssessmentBulkEditForm",
    "SecuritySystemBulkEditForm",
    "UplinkAssignmentBulkEditForm",
    "UplinkBulkEditForm",
)


def choice_field(choice_set, label):
    return forms.ChoiceField(choices=add_blank_choice(choice_set), required=False, label=label)


class BackboneLinkBulkEditForm(PrimaryModelBulkEditForm):
    model = models.BackboneLink
    medium = choice_field(choices.LinkMediumChoices, _("Medium"))
    status = choice_field(choices.LinkStatusChoices, _("Status"))
    capacity_mbps = forms.IntegerField(min_value=1, required=False, label=_("Capacity (Mbps)"))
    redundancy_group = forms.CharField(max_length=100, required=False, label=_("Redundancy group"))

    fieldsets = (FieldSet("medium", "status", "capacity_mbps", "redundancy_group", "description"),)
    nullable_fields = ("redundancy_group", "description", "comments")


class DRPlanBulkEditForm(PrimaryModelBulkEditForm):
    model = models.DRPlan
    status = choice_field(choices.DRPlanStatusChoices, _("Status"))
    rpo_minutes = forms.IntegerField(min_value=0, required=False, label=_("RPO (minutes)"))
    rto_minutes = forms.IntegerField(min_value=0, required=False, label=_("RTO (minutes)"))
    next_drill_due = forms.DateField(required=False, widget=DatePicker(), label=_("Next drill due"))

    fieldsets = (FieldSet("status", "rpo_minutes", "rto_minutes", "next_drill_due", "description"),)
    nullable_fields = ("next_drill_due", "description", "comments")


class InformationSystemBulkEditForm(PrimaryModelBulkEditForm):
    model = models.InformationSystem
    tenant = DynamicModelChoiceField(queryset=Tenant.objects.all(), required=False, label=_("Owner agency"))
    site = DynamicModelChoiceField(queryset=Site.objects.all(), required=False, label=_("Site"))
    criticality = choice_field(choices.CriticalityChoices, _("Criticality"))

    fieldsets = (FieldSet("tenant", "site", "criticality", "description"),)
    nullable_fields = ("description", "comments")


class PublicIPAllocationBulkEditForm(PrimaryModelBulkEditForm):
    model = models.PublicIPAllocation
    status = choice_field(choices.AllocationStatusChoices, _("Status"))
    decided_on = forms.DateField(required=False, widget=DatePicker(), label=_("Decided on"))

    fieldsets = (FieldSet("status", "decided_on", "description"),)
    nullable_fields = ("decided_on", "description", "comments")


class UplinkBulkEditForm(PrimaryModelBulkEditForm):
    model = models.Uplink
    capacity_mbps = forms.IntegerField(min_value=1, required=False, label=_("Capacity (Mbps)"))

    fieldsets = (FieldSet("capacity_mbps", "description"),)
    nullable_fields = ("description", "comments")


class UplinkAssignmentBulkEditForm(NetBoxModelBulkEditForm):
    model = models.UplinkAssignment
    role = choice_field(choices.EgressRoleChoices, _("Role"))

    fieldsets = (FieldSet("role"),)


class SecuritySystemBulkEditForm(PrimaryModelBulkEditForm):
    model = models.SecuritySystem
    kind = choice_field(choices.SecuritySystemKindChoices, _("Kind"))

    fieldsets = (FieldSet("kind", "description"),)
    nullable_fields = ("description", "comments")


class SecurityAssessmentBulkEditForm(PrimaryModelBulkEditForm):
    model = models.SecurityAssessment
    result = choice_field(choices.AssessmentResultChoices, _("Result"))
    next_due = forms.DateField(required=False, widget=DatePicker(), label=_("Next due"))
    assessor = forms.CharField(max_length=100, required=False, label=_("Assessor"))

    fieldsets = (FieldSet("result", "next_due", "assessor", "description"),)
    nullable_fields = ("next_due", "assessor", "description", "comments")


class RepositoryBulkEditForm(PrimaryModelBulkEditForm):
    model = models.Repository
    content_kind = choice_field(choices.RepositoryContentChoices, _("Content"))

    fieldsets = (FieldSet("content_kind", "description"),)
    nullable_fields = ("description", "comments")


class ScheduleBulkEditForm(PrimaryModelBulkEditForm):
    model = models.Schedule
    time_zone = forms.CharField(max_length=64, required=False, label=_("Time zone"))

    fieldsets = (FieldSet("time_zone", "description"),)
    nullable_fields = ("description", "comments")


class BandwidthQuotaBulkEditForm(PrimaryModelBulkEditForm):
    model = models.BandwidthQuota
    priority = forms.IntegerField(min_value=1, max_value=8, required=False, label=_("Priority"))
    monthly_cap_gb = forms.IntegerField(min_value=0, required=False, label=_("Monthly volume cap (GB)"))
    cap_action = choice_field(choices.CapActionChoices, _("When the cap is exceeded"))
    uplink = DynamicModelChoiceField(queryset=models.Uplink.objects.all(), required=False, label=_("Uplink"))
    schedule = DynamicModelChoiceField(queryset=models.Schedule.objects.all(), required=False,
                                       label=_("Office-hours schedule"))

    fieldsets = (FieldSet("priority", "monthly_cap_gb", "cap_action", "uplink", "schedule", "description"),)
    nullable_fields = ("monthly_cap_gb", "uplink", "schedule", "description", "comments")


class QuotaUsageBulkEditForm(NetBoxModelBulkEditForm):
    model = models.QuotaUsage
    source = forms.CharField(max_length=100, required=False, label=_("Source"))

    fieldsets = (FieldSet("source"),)


class RecommendationBulkEditForm(PrimaryModelBulkEditForm):
    model = models.Recommendation
    kind = choice_field(choices.RecommendationKindChoices, _("Kind"))

    fieldsets = (FieldSet("kind", "description"),)
    nullable_fields = ("description", "comments")


class RecommendationItemBulkEditForm(NetBoxModelBulkEditForm):
    model = models.RecommendationItem
    quantity = forms.IntegerField(min_value=1, required=False, label=_("Quantity"))

    fieldsets = (FieldSet("quantity"),)


class LabelSchemeBulkEditForm(PrimaryModelBulkEditForm):
    model = models.LabelScheme
    max_length = forms.IntegerField(min_value=5, max_value=100, required=False, label=_("Maximum length"))

    fieldsets = (FieldSet("max_length", "description"),)
    nullable_fields = ("description", "comments")


class DomainListBulkEditForm(PrimaryModelBulkEditForm):
    model = models.DomainList
    category = choice_field(choices.DomainCategoryChoices, _("Category"))
    refresh_hours = forms.IntegerField(min_value=1, required=False, label=_("Refresh every (hours)"))
    max_shrink_percent = forms.IntegerField(min_value=0, max_value=100, required=False,
                                            label=_("Largest accepted shrink (%)"))

    fieldsets = (FieldSet("category", "refresh_hours", "max_shrink_percent", "description"),)
    nullable_fields = ("description", "comments")


class FilterPolicyBulkEditForm(PrimaryModelBulkEditForm):
    model = models.FilterPolicy
    enabled = forms.NullBooleanField(required=False, label=_("Enabled"),
                                     widget=forms.Select(choices=choices.YES_NO_CHOICES))
    schedule = DynamicModelChoiceField(queryset=models.Schedule.objects.all(), required=False, label=_("Schedule"))

    fieldsets = (FieldSet("enabled", "schedule", "description"),)
    nullable_fields = ("schedule", "description", "comments")


class FindingBulkEditForm(NetBoxModelBulkEditForm):
    """Acknowledge or resolve many findings at once, with the note saying why."""

    model = models.Finding
    status = choice_field(choices.FindingStatusChoices, _("Status"))
    note = forms.CharField(required=False, label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}))

    fieldsets = (FieldSet("status", "note"),)
    nullable_fields = ("note",)
