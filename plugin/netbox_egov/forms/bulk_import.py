"""CSV/JSON/YAML import forms: rows name related objects by their natural keys."""

from django import forms
from django.utils.translation import gettext_lazy as _

from circuits.models import Circuit
from dcim.models import Device, DeviceType, Site
from ipam.models import IPRange, Prefix
from netbox.forms import NetBoxModelImportForm, PrimaryModelImportForm
from tenancy.models import Tenant
from users.models import User
from utilities.forms.fields import CSVChoiceField, CSVModelChoiceField, CSVModelMultipleChoiceField
from virtualization.models import VirtualMachine

from .. import choices, models
from .model_forms import FilterPolicyRelationsMixin

__all__ = (
    "DomainListImportForm",
    "FilterPolicyImportForm",
    "LabelSchemeImportForm",
    "RecommendationImportForm",
    "RecommendationItemImportForm",
    "BandwidthQuotaImportForm",
    "QuotaUsageImportForm",
    "ScheduleImportForm",
    "BackboneLinkImportForm",
    "DRPlanImportForm",
    "InformationSystemImportForm",
    "PublicIPAllocationImportForm",
    "RepositoryImportForm",
    "SecurityAssessmentImportForm",
    "SecuritySystemImportForm",
    "UplinkAssignmentImportForm",
    "UplinkImportForm",
)


def site_field(label, required=True):
    return CSVModelChoiceField(queryset=Site.objects.all(), to_field_name="slug", required=required, label=label,
                               help_text=_("Site slug"))


def tenant_field(label):
    return CSVModelChoiceField(queryset=Tenant.objects.all(), to_field_name="slug", label=label,
                               help_text=_("Agency (tenant) slug"))


class BackboneLinkImportForm(PrimaryModelImportForm):
    site_a = site_field(_("Site A"))
    site_b = site_field(_("Site B"))
    medium = CSVChoiceField(choices=choices.LinkMediumChoices, label=_("Medium"))
    status = CSVChoiceField(choices=choices.LinkStatusChoices, required=False, label=_("Status"))
    circuit = CSVModelChoiceField(queryset=Circuit.objects.all(), to_field_name="cid", required=False,
                                  label=_("Circuit"), help_text=_("Circuit ID"))

    class Meta:
        model = models.BackboneLink
        fields = ("name", "site_a", "site_b", "medium", "capacity_mbps", "status", "circuit", "redundancy_group",
                  "description", "owner", "comments", "tags")


class DRPlanImportForm(PrimaryModelImportForm):
    primary_site = site_field(_("Primary site"))
    dr_site = site_field(_("Disaster-recovery site"))
    status = CSVChoiceField(choices=choices.DRPlanStatusChoices, required=False, label=_("Status"))
    last_drill_result = CSVChoiceField(choices=choices.DrillResultChoices, required=False, label=_("Last drill result"))
    replication_circuits = CSVModelMultipleChoiceField(
        queryset=Circuit.objects.all(), to_field_name="cid", required=False, label=_("Replication circuits")
    )
    replication_links = CSVModelMultipleChoiceField(
        queryset=models.BackboneLink.objects.all(), to_field_name="name", required=False, label=_("Replication links")
    )
    information_systems = CSVModelMultipleChoiceField(
        queryset=models.InformationSystem.objects.all(), to_field_name="name", required=False,
        label=_("Information systems"),
    )

    class Meta:
        model = models.DRPlan
        fields = ("name", "primary_site", "dr_site", "status", "rpo_minutes", "rto_minutes", "replication_circuits",
                  "replication_links", "information_systems", "last_drill_date", "last_drill_result",
                  "next_drill_due", "description", "owner", "comments", "tags")


class InformationSystemImportForm(PrimaryModelImportForm):
    tenant = tenant_field(_("Owner agency"))
    site = site_field(_("Site"))
    criticality = CSVChoiceField(choices=choices.CriticalityChoices, required=False, label=_("Criticality"))
    devices = CSVModelMultipleChoiceField(queryset=Device.objects.all(), to_field_name="name", required=False,
                                          label=_("Hosting devices"))
    virtual_machines = CSVModelMultipleChoiceField(queryset=VirtualMachine.objects.all(), to_field_name="name",
                                                   required=False, label=_("Hosting virtual machines"))

    class Meta:
        model = models.InformationSystem
        fields = ("name", "tenant", "site", "devices", "virtual_machines", "domain_names", "criticality",
                  "description", "owner", "comments", "tags")


class PublicIPAllocationImportForm(PrimaryModelImportForm):
    tenant = tenant_field(_("Agency"))
    prefix = CSVModelChoiceField(queryset=Prefix.objects.all(), to_field_name="prefix", required=False,
                                 label=_("Prefix"), help_text=_("Prefix, e.g. 203.0.113.0/28"))
    ip_range = CSVModelChoiceField(queryset=IPRange.objects.all(), to_field_name="pk", required=False,
                                   label=_("IP range"), help_text=_("IP range ID"))
    information_system = CSVModelChoiceField(queryset=models.InformationSystem.objects.all(), to_field_name="name",
                                             required=False, label=_("Information system"))
    status = CSVChoiceField(choices=choices.AllocationStatusChoices, required=False, label=_("Status"))
    approver = CSVModelChoiceField(queryset=User.objects.all(), to_field_name="username", required=False,
                                   label=_("Approver"), help_text=_("Username"))

    class Meta:
        model = models.PublicIPAllocation
        fields = ("tenant", "prefix", "ip_range", "purpose", "information_system", "status", "approver",
                  "requested_on", "decided_on", "description", "owner", "comments", "tags")


class UplinkImportForm(PrimaryModelImportForm):
    circuit = CSVModelChoiceField(queryset=Circuit.objects.all(), to_field_name="cid", label=_("Circuit"),
                                  help_text=_("Circuit ID"))
    announced_prefixes = CSVModelMultipleChoiceField(queryset=Prefix.objects.all(), to_field_name="prefix",
                                                     required=False, label=_("Announced prefixes"))

    class Meta:
        model = models.Uplink
        fields = ("name", "circuit", "capacity_mbps", "announced_prefixes", "description", "owner", "comments",
                  "tags")


class UplinkAssignmentImportForm(NetBoxModelImportForm):
    uplink = CSVModelChoiceField(queryset=models.Uplink.objects.all(), to_field_name="name", label=_("Uplink"))
    tenant = tenant_field(_("Agency"))
    role = CSVChoiceField(choices=choices.EgressRoleChoices, label=_("Role"))

    class Meta:
        model = models.UplinkAssignment
        fields = ("uplink", "tenant", "role", "tags")


class SecuritySystemImportForm(PrimaryModelImportForm):
    kind = CSVChoiceField(choices=choices.SecuritySystemKindChoices, label=_("Kind"))
    device = CSVModelChoiceField(queryset=Device.objects.all(), to_field_name="name", required=False,
                                 label=_("Device"))
    virtual_machine = CSVModelChoiceField(queryset=VirtualMachine.objects.all(), to_field_name="name",
                                          required=False, label=_("Virtual machine"))
    protected_sites = CSVModelMultipleChoiceField(queryset=Site.objects.all(), to_field_name="slug",
                                                  required=False, label=_("Protected sites"))
    protected_prefixes = CSVModelMultipleChoiceField(queryset=Prefix.objects.all(), to_field_name="prefix",
                                                     required=False, label=_("Protected prefixes"))

    class Meta:
        model = models.SecuritySystem
        fields = ("name", "kind", "device", "virtual_machine", "protected_sites", "protected_prefixes",
                  "description", "owner", "comments", "tags")


class SecurityAssessmentImportForm(PrimaryModelImportForm):
    information_system = CSVModelChoiceField(queryset=models.InformationSystem.objects.all(), to_field_name="name",
                                             label=_("Information system"))
    result = CSVChoiceField(choices=choices.AssessmentResultChoices, label=_("Result"))

    class Meta:
        model = models.SecurityAssessment
        fields = ("information_system", "assessed_on", "result", "findings_count", "next_due", "assessor",
                  "description", "owner", "comments", "tags")


class RepositoryImportForm(PrimaryModelImportForm):
    content_kind = CSVChoiceField(choices=choices.RepositoryContentChoices, label=_("Content"))
    device = CSVModelChoiceField(queryset=Device.objects.all(), to_field_name="name", required=False,
                                 label=_("Host device"))
    virtual_machine = CSVModelChoiceField(queryset=VirtualMachine.objects.all(), to_field_name="name",
                                          required=False, label=_("Host virtual machine"))

    class Meta:
        model = models.Repository
        fields = ("name", "mirror_url", "content_kind", "device", "virtual_machine", "description", "owner", "comments",
                  "tags")


class ScheduleImportForm(PrimaryModelImportForm):
    class Meta:
        model = models.Schedule
        fields = ("name", "time_zone", "weekdays", "start_time", "end_time", "description", "owner", "comments",
                  "tags")


class BandwidthQuotaImportForm(PrimaryModelImportForm):
    tenant = tenant_field(_("Agency"))
    cap_action = CSVChoiceField(choices=choices.CapActionChoices, required=False, label=_("When the cap is exceeded"))
    schedule = CSVModelChoiceField(queryset=models.Schedule.objects.all(), to_field_name="name", required=False,
                                   label=_("Office-hours schedule"))
    uplink = CSVModelChoiceField(queryset=models.Uplink.objects.all(), to_field_name="name", required=False,
                                 label=_("Uplink"))
    enforcement_device = CSVModelChoiceField(queryset=Device.objects.all(), to_field_name="name", required=False,
                                             label=_("Enforcement device"))
    # Omitted from a row, the model's default (4) applies.
    priority = forms.IntegerField(min_value=1, max_value=8, required=False, label=_("Priority"))

    class Meta:
        model = models.BandwidthQuota
        fields = (
            "tenant", "guaranteed_down_mbps", "guaranteed_up_mbps", "ceiling_down_mbps", "ceiling_up_mbps",
            "schedule", "off_hours_ceiling_down_mbps", "off_hours_ceiling_up_mbps", "monthly_cap_gb", "cap_action",
            "throttled_ceiling_mbps", "priority", "uplink", "enforcement_device", "description", "owner",
            "comments", "tags",
        )


class QuotaUsageImportForm(NetBoxModelImportForm):
    tenant = tenant_field(_("Agency"))
    period = CSVChoiceField(choices=choices.UsagePeriodChoices, label=_("Period"))

    class Meta:
        model = models.QuotaUsage
        fields = ("tenant", "period", "period_start", "source", "bytes_in", "bytes_out", "samples", "observed_at",
                  "tags")


class RecommendationImportForm(PrimaryModelImportForm):
    tenant = tenant_field(_("Agency"))
    kind = CSVChoiceField(choices=choices.RecommendationKindChoices, label=_("Kind"))

    class Meta:
        model = models.Recommendation
        fields = ("tenant", "title", "kind", "justification", "description", "owner", "comments", "tags")


class RecommendationItemImportForm(NetBoxModelImportForm):
    recommendation = CSVModelChoiceField(queryset=models.Recommendation.objects.all(), to_field_name="pk",
                                         label=_("Recommendation"), help_text=_("Recommendation ID"))
    device = CSVModelChoiceField(queryset=Device.objects.all(), to_field_name="name", required=False,
                                 label=_("Device"))
    device_type = CSVModelChoiceField(queryset=DeviceType.objects.all(), to_field_name="slug", required=False,
                                      label=_("Device type"), help_text=_("Device type slug"))
    site = site_field(_("Site"), required=False)

    class Meta:
        model = models.RecommendationItem
        fields = ("recommendation", "device", "device_type", "site", "quantity", "description", "tags")


class LabelSchemeImportForm(PrimaryModelImportForm):
    class Meta:
        model = models.LabelScheme
        fields = ("name", "template", "max_length", "allowed_characters", "active", "description", "owner",
                  "comments", "tags")


class DomainListImportForm(PrimaryModelImportForm):
    category = CSVChoiceField(choices=choices.DomainCategoryChoices, label=_("Category"))
    source = CSVChoiceField(choices=choices.DomainSourceChoices, required=False, label=_("Source"))
    # Omitted from a row, the model's defaults apply.
    refresh_hours = forms.IntegerField(min_value=1, required=False, label=_("Refresh every (hours)"))
    max_shrink_percent = forms.IntegerField(min_value=0, max_value=100, required=False,
                                            label=_("Largest accepted shrink (%)"))

    class Meta:
        model = models.DomainList
        fields = ("name", "category", "source", "feed_url", "refresh_hours", "max_shrink_percent", "description",
                  "owner", "comments", "tags")


class FilterPolicyImportForm(FilterPolicyRelationsMixin, PrimaryModelImportForm):
    blocked_lists = CSVModelMultipleChoiceField(queryset=models.DomainList.objects.all(), to_field_name="name",
                                                label=_("Blocked lists"), help_text=_("Names, comma-separated"))
    allowed_lists = CSVModelMultipleChoiceField(queryset=models.DomainList.objects.all(), to_field_name="name",
                                                required=False, label=_("Allowed lists (exceptions)"))
    tenants = CSVModelMultipleChoiceField(queryset=Tenant.objects.all(), to_field_name="slug", required=False,
                                          label=_("Agencies"),
                                          help_text=_("Slugs, comma-separated; empty: every agency"))
    exempt_tenants = CSVModelMultipleChoiceField(queryset=Tenant.objects.all(), to_field_name="slug", required=False,
                                                 label=_("Exempt agencies"))
    schedule = CSVModelChoiceField(queryset=models.Schedule.objects.all(), to_field_name="name", required=False,
                                   label=_("Schedule"))

    class Meta:
        model = models.FilterPolicy
        fields = ("name", "enabled", "blocked_lists", "allowed_lists", "tenants", "exempt_tenants", "schedule",
                  "description", "owner", "comments", "tags")
