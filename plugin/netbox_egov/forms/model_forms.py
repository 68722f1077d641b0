"""Add/edit forms of the registry models."""

from django import forms
from django.utils.translation import gettext_lazy as _

from circuits.models import Circuit
from dcim.models import Cable, Device, DeviceType, Interface, Site
from ipam.models import IPRange, Prefix
from netbox.forms import NetBoxModelForm, PrimaryModelForm
from tenancy.models import Tenant
from users.models import User
from utilities.forms.fields import CommentField, DynamicModelChoiceField, DynamicModelMultipleChoiceField
from utilities.forms.rendering import FieldSet
from utilities.forms.widgets import DatePicker, DateTimePicker, TimePicker
from virtualization.models import VirtualMachine

from .. import choices, models
from ..site_filter.feeds import MAX_FEED_BYTES

__all__ = (
    "DomainEntriesForm",
    "DomainListForm",
    "FilterPolicyForm",
    "FindingForm",
    "LabelSchemeForm",
    "RecommendationForm",
    "RecommendationItemForm",
    "BandwidthQuotaForm",
    "QuotaUsageForm",
    "ScheduleForm",
    "BackboneLinkForm",
    "DRPlanForm",
    "InformationSystemForm",
    "PublicIPAllocationForm",
    "RepositoryForm",
    "SecurityAssessmentForm",
    "SecuritySystemForm",
    "UplinkAssignmentForm",
    "UplinkForm",
)


class BackboneLinkForm(PrimaryModelForm):
    site_a = DynamicModelChoiceField(queryset=Site.objects.all(), label=_("Site A"))
    site_b = DynamicModelChoiceField(queryset=Site.objects.all(), label=_("Site B"))
    circuit = DynamicModelChoiceField(queryset=Circuit.objects.all(), required=False, label=_("Circuit"))
    cable = DynamicModelChoiceField(queryset=Cable.objects.all(), required=False, label=_("Cable"))
    comments = CommentField()

    fieldsets = (
        FieldSet("name", "site_a", "site_b", "status", "description", "tags", name=_("Backbone link")),
        FieldSet("medium", "capacity_mbps", "circuit", "cable", "redundancy_group", name=_("Transport")),
    )

    class Meta:
        model = models.BackboneLink
        fields = (
            "name", "site_a", "site_b", "medium", "capacity_mbps", "status", "circuit", "cable",
            "redundancy_group", "description", "owner", "comments", "tags",
        )


class DRPlanForm(PrimaryModelForm):
    primary_site = DynamicModelChoiceField(queryset=Site.objects.all(), label=_("Primary site"))
    dr_site = DynamicModelChoiceField(queryset=Site.objects.all(), label=_("Disaster-recovery site"))
    replication_circuits = DynamicModelMultipleChoiceField(
        queryset=Circuit.objects.all(), required=False, label=_("Replication circuits")
    )
    replication_links = DynamicModelMultipleChoiceField(
        queryset=models.BackboneLink.objects.all(), required=False, label=_("Replication links")
    )
    information_systems = DynamicModelMultipleChoiceField(
        queryset=models.InformationSystem.objects.all(), required=False, label=_("Information systems")
    )
    comments = CommentField()

    fieldsets = (
        FieldSet("name", "primary_site", "dr_site", "status", "description", "tags", name=_("DR plan")),
        FieldSet("rpo_minutes", "rto_minutes", name=_("Targets")),
        FieldSet("replication_circuits", "replication_links", "information_systems", name=_("Coverage")),
        FieldSet("last_drill_date", "last_drill_result", "next_drill_due", name=_("Drills")),
    )

    class Meta:
        model = models.DRPlan
        fields = (
            "name", "primary_site", "dr_site", "status", "rpo_minutes", "rto_minutes", "replication_circuits",
            "replication_links", "information_systems", "last_drill_date", "last_drill_result", "next_drill_due",
            "description", "owner", "comments", "tags",
        )
        widgets = {"last_drill_date": DatePicker(), "next_drill_due": DatePicker()}


class InformationSystemForm(PrimaryModelForm):
    tenant = DynamicModelChoiceField(queryset=Tenant.objects.all(), label=_("Owner agency"))
    site = DynamicModelChoiceField(queryset=Site.objects.all(), label=_("Site"))
    devices = DynamicModelMultipleChoiceField(
        queryset=Device.objects.all(), required=False, label=_("Hosting devices")
    )
    virtual_machines = DynamicModelMultipleChoiceField(
        queryset=VirtualMachine.objects.all(), required=False, label=_("Hosting virtual machines")
    )
    comments = CommentField()

    fieldsets = (
        FieldSet("name", "tenant", "criticality", "description", "tags", name=_("Information system")),
        FieldSet("site", "devices", "virtual_machines", name=_("Placement")),
        FieldSet("domain_names", name=_("Domain names")),
    )

    class Meta:
        model = models.InformationSystem
        fields = (
            "name", "tenant", "site", "devices", "virtual_machines", "domain_names", "criticality", "description",
            "owner", "comments", "tags",
        )
        help_texts = {"domain_names": _("Comma-separated, e.g. sipd.klatenkab.go.id,www.example.go.id")}


class PublicIPAllocationForm(PrimaryModelForm):
    tenant = DynamicModelChoiceField(queryset=Tenant.objects.all(), label=_("Agency"))
    prefix = DynamicModelChoiceField(queryset=Prefix.objects.all(), required=False, label=_("Prefix"))
    ip_range = DynamicModelChoiceField(queryset=IPRange.objects.all(), required=False, label=_("IP range"))
    information_system = DynamicModelChoiceField(
        queryset=models.InformationSystem.objects.all(), required=False, label=_("Information system")
    )
    approver = DynamicModelChoiceField(queryset=User.objects.all(), required=False, label=_("Approver"))
    comments = CommentField()

    fieldsets = (
        FieldSet("tenant", "prefix", "ip_range", "purpose", "information_system", "description", "tags",
                 name=_("Allocation")),
        FieldSet("status", "approver", "requested_on", "decided_on", name=_("Approval")),
    )

    class Meta:
        model = models.PublicIPAllocation
        fields = (
            "tenant", "prefix", "ip_range", "purpose", "information_system", "status", "approver", "requested_on",
            "decided_on", "description", "owner", "comments", "tags",
        )
        widgets = {"requested_on": DatePicker(), "decided_on": DatePicker()}


class UplinkForm(PrimaryModelForm):
    circuit = DynamicModelChoiceField(queryset=Circuit.objects.all(), label=_("Circuit"))
    announced_prefixes = DynamicModelMultipleChoiceField(
        queryset=Prefix.objects.all(), required=False, label=_("Announced prefixes")
    )
    comments = CommentField()

    fieldsets = (
        FieldSet("name", "circuit", "capacity_mbps", "announced_prefixes", "description", "tags", name=_("Uplink")),
    )

    class Meta:
        model = models.Uplink
        fields = ("name", "circuit", "capacity_mbps", "announced_prefixes", "description", "owner", "comments", "tags")


class UplinkAssignmentForm(NetBoxModelForm):
    uplink = DynamicModelChoiceField(queryset=models.Uplink.objects.all(), label=_("Uplink"))
    tenant = DynamicModelChoiceField(queryset=Tenant.objects.all(), label=_("Agency"))

    fieldsets = (FieldSet("uplink", "tenant", "role", "tags", name=_("Uplink assignment")),)

    class Meta:
        model = models.UplinkAssignment
        fields = ("uplink", "tenant", "role", "tags")


class SecuritySystemForm(PrimaryModelForm):
    device = DynamicModelChoiceField(queryset=Device.objects.all(), required=False, label=_("Device"))
    virtual_machine = DynamicModelChoiceField(
        queryset=VirtualMachine.objects.all(), required=False, label=_("Virtual machine")
    )
    protected_sites = DynamicModelMultipleChoiceField(
        queryset=Site.objects.all(), required=False, label=_("Protected sites")
    )
    protected_prefixes = DynamicModelMultipleChoiceField(
        queryset=Prefix.objects.all(), required=False, label=_("Protected prefixes")
    )
    comments = CommentField()

    fieldsets = (
        FieldSet("name", "kind", "device", "virtual_machine", "description", "tags", name=_("Security system")),
        FieldSet("protected_sites", "protected_prefixes", name=_("Protects")),
    )

    class Meta:
        model = models.SecuritySystem
        fields = (
            "name", "kind", "device", "virtual_machine", "protected_sites", "protected_prefixes", "description",
            "owner", "comments", "tags",
        )


class SecurityAssessmentForm(PrimaryModelForm):
    information_system = DynamicModelChoiceField(
        queryset=models.InformationSystem.objects.all(), label=_("Information system")
    )
    comments = CommentField()

    fieldsets = (
        FieldSet("information_system", "assessed_on", "result", "findings_count", "next_due", "assessor",
                 "description", "tags", name=_("Security assessment")),
    )

    class Meta:
        model = models.SecurityAssessment
        fields = (
            "information_system", "assessed_on", "result", "findings_count", "next_due", "assessor", "description",
            "owner", "comments", "tags",
        )
        widgets = {"assessed_on": DatePicker(), "next_due": DatePicker()}


class RepositoryForm(PrimaryModelForm):
    device = DynamicModelChoiceField(queryset=Device.objects.all(), required=False, label=_("Host device"))
    virtual_machine = DynamicModelChoiceField(
        queryset=VirtualMachine.objects.all(), required=False, label=_("Host virtual machine")
    )
    comments = CommentField()

    fieldsets = (
        FieldSet("name", "mirror_url", "content_kind", "device", "virtual_machine", "description", "tags",
                 name=_("Repository")),
    )

    class Meta:
        model = models.Repository
        fields = ("name", "mirror_url", "content_kind", "device", "virtual_machine", "description", "owner", "comments",
                  "tags")


class ScheduleForm(PrimaryModelForm):
    weekdays = forms.TypedMultipleChoiceField(choices=choices.WeekdayChoices, coerce=int, label=_("Weekdays"))
    comments = CommentField()

    fieldsets = (
        FieldSet("name", "time_zone", "weekdays", "start_time", "end_time", "description", "tags",
                 name=_("Schedule")),
    )

    class Meta:
        model = models.Schedule
        fields = ("name", "time_zone", "weekdays", "start_time", "end_time", "description", "owner", "comments",
                  "tags")
        widgets = {"start_time": TimePicker(), "end_time": TimePicker()}


class BandwidthQuotaForm(PrimaryModelForm):
    tenant = DynamicModelChoiceField(queryset=Tenant.objects.all(), label=_("Agency"))
    schedule = DynamicModelChoiceField(queryset=models.Schedule.objects.all(), required=False,
                                       label=_("Office-hours schedule"))
    uplink = DynamicModelChoiceField(queryset=models.Uplink.objects.all(), required=False, label=_("Uplink"))
    enforcement_device = DynamicModelChoiceField(queryset=Device.objects.all(), required=False,
                                                 label=_("Enforcement device"))
    enforcement_interface = DynamicModelChoiceField(
        queryset=Interface.objects.all(), required=False, label=_("Enforcement interface"),
        query_params={"device_id": "$enforcement_device"},
    )
    prefixes = DynamicModelMultipleChoiceField(queryset=Prefix.objects.all(), required=False,
                                               label=_("Agency prefixes"), query_params={"tenant_id": "$tenant"})
    comments = CommentField()

    fieldsets = (
        FieldSet("tenant", "priority", "description", "tags", name=_("Bandwidth quota")),
        FieldSet("guaranteed_down_mbps", "ceiling_down_mbps", "guaranteed_up_mbps", "ceiling_up_mbps",
                 name=_("Rates (Mbps)")),
        FieldSet("schedule", "off_hours_ceiling_down_mbps", "off_hours_ceiling_up_mbps", name=_("Schedule")),
        FieldSet("monthly_cap_gb", "cap_action", "throttled_ceiling_mbps", name=_("Monthly volume")),
        FieldSet("uplink", "enforcement_device", "enforcement_interface", "prefixes", name=_("Enforcement")),
    )

    class Meta:
        model = models.BandwidthQuota
        fields = (
            "tenant", "guaranteed_down_mbps", "guaranteed_up_mbps", "ceiling_down_mbps", "ceiling_up_mbps",
            "schedule", "off_hours_ceiling_down_mbps", "off_hours_ceiling_up_mbps", "monthly_cap_gb", "cap_action",
            "throttled_ceiling_mbps", "priority", "uplink", "enforcement_device", "enforcement_interface",
            "prefixes", "description", "owner", "comments", "tags",
        )


class QuotaUsageForm(NetBoxModelForm):
    tenant = DynamicModelChoiceField(queryset=Tenant.objects.all(), label=_("Agency"))

    fieldsets = (
        FieldSet("tenant", "period", "period_start", "source", name=_("Quota usage")),
        FieldSet("bytes_in", "bytes_out", "samples", "observed_at", name=_("Measured")),
    )

    class Meta:
        model = models.QuotaUsage
        fields = ("tenant", "period", "period_start", "source", "bytes_in", "bytes_out", "samples", "observed_at",
                  "tags")
        widgets = {"period_start": DatePicker(), "observed_at": DateTimePicker()}


class RecommendationForm(PrimaryModelForm):
    tenant = DynamicModelChoiceField(queryset=Tenant.objects.all(), label=_("Agency"))
    comments = CommentField()

    fieldsets = (
        FieldSet("tenant", "title", "kind", "justification", "description", "tags", name=_("Recommendation")),
    )

    class Meta:
        model = models.Recommendation
        fields = ("tenant", "title", "kind", "justification", "description", "owner", "comments", "tags")


class RecommendationItemForm(NetBoxModelForm):
    recommendation = DynamicModelChoiceField(queryset=models.Recommendation.objects.all(),
                                             label=_("Recommendation"))
    device = DynamicModelChoiceField(queryset=Device.objects.all(), required=False, label=_("Device"))
    device_type = DynamicModelChoiceField(queryset=DeviceType.objects.all(), required=False, label=_("Device type"))
    site = DynamicModelChoiceField(queryset=Site.objects.all(), required=False, label=_("Site"))

    fieldsets = (
        FieldSet("recommendation", "device", "device_type", "site", "quantity", "description", "tags",
                 name=_("Recommendation item")),
    )

    class Meta:
        model = models.RecommendationItem
        fields = ("recommendation", "device", "device_type", "site", "quantity", "description", "tags")


class LabelSchemeForm(PrimaryModelForm):
    comments = CommentField()

    fieldsets = (
        FieldSet("name", "template", "max_length", "allowed_characters", "active", "description", "tags",
                 name=_("Label scheme")),
    )

    class Meta:
        model = models.LabelScheme
        fields = ("name", "template", "max_length", "allowed_characters", "active", "description", "owner",
                  "comments", "tags")


class DomainListForm(PrimaryModelForm):
    comments = CommentField()

    fieldsets = (
        FieldSet("name", "category", "source", "description", "tags", name=_("Domain list")),
        FieldSet("feed_url", "refresh_hours", "max_shrink_percent", name=_("Feed")),
    )

    class Meta:
        model = models.DomainList
        fields = ("name", "category", "source", "feed_url", "refresh_hours", "max_shrink_percent", "description",
                  "owner", "comments", "tags")


class DomainEntriesForm(forms.Form):
    """Domains typed by hand or uploaded as a file, added to, removed from or replacing a list."""

    mode = forms.ChoiceField(choices=choices.EntriesModeChoices, initial=choices.EntriesModeChoices.ADD,
                             label=_("What to do"))
    entries = forms.CharField(
        required=False, label=_("Domains"), widget=forms.Textarea(attrs={"rows": 10, "class": "font-monospace"}),
        help_text=_("One domain per line; '#' starts a comment; a wildcard only as a leading '*.'"),
    )
    upload = forms.FileField(required=False, label=_("Or a file"),
                             help_text=_("Plain text in the TrustPositif format (UTF-8)"))

    def clean(self):
        super().clean()
        upload, entries = self.cleaned_data.get("upload"), self.cleaned_data.get("entries")
        if upload and entries:
            raise forms.ValidationError(_("Type the domains or upload a file, not both."))
        if upload:
            if upload.size > MAX_FEED_BYTES:
                raise forms.ValidationError({"upload": _("{name} has {size} bytes; the largest list taken is {limit}.")
                                             .format(name=upload.name, size=upload.size,
                                                     limit=MAX_FEED_BYTES)})
            try:
                self.cleaned_data["text"] = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError as error:
                raise forms.ValidationError(
                    {"upload": _("{name} is not UTF-8 text (byte {position}).").format(
                        name=upload.name, position=error.start)}
                ) from error
        else:
            self.cleaned_data["text"] = entries or ""
        replacing = self.cleaned_data.get("mode") == choices.EntriesModeChoices.REPLACE
        if not self.cleaned_data["text"].strip() and not replacing:
            raise forms.ValidationError(_("Give at least one domain to add or remove."))
        return self.cleaned_data


class FilterPolicyRelationsMixin:
    """Checks the many-to-many choices of a filter policy, which the model sees only after saving."""

    def clean(self):
        super().clean()
        data = self.cleaned_data
        models.FilterPolicy.check_relations(data.get("blocked_lists") or [], data.get("allowed_lists") or [],
                                            data.get("tenants") or [], data.get("exempt_tenants") or [])
        return data


class FilterPolicyForm(FilterPolicyRelationsMixin, PrimaryModelForm):
    blocked_lists = DynamicModelMultipleChoiceField(queryset=models.DomainList.objects.all(),
                                                    label=_("Blocked lists"))
    allowed_lists = DynamicModelMultipleChoiceField(queryset=models.DomainList.objects.all(), required=False,
                                                    label=_("Allowed lists (exceptions)"))
    tenants = DynamicModelMultipleChoiceField(queryset=Tenant.objects.all(), required=False, label=_("Agencies"),
                                              help_text=_("Empty: every agency"))
    exempt_tenants = DynamicModelMultipleChoiceField(queryset=Tenant.objects.all(), required=False,
                                                     label=_("Exempt agencies"))
    schedule = DynamicModelChoiceField(queryset=models.Schedule.objects.all(), required=False, label=_("Schedule"),
                                       help_text=_("Empty: always in force"))
    comments = CommentField()

    fieldsets = (
        FieldSet("name", "enabled", "schedule", "description", "tags", name=_("Filter policy")),
        FieldSet("blocked_lists", "allowed_lists", name=_("Domain lists")),
        FieldSet("tenants", "exempt_tenants", name=_("Agencies")),
    )

    class Meta:
        model = models.FilterPolicy
        fields = ("name", "enabled", "blocked_lists", "allowed_lists", "tenants", "exempt_tenants", "schedule",
                  "description", "owner", "comments", "tags")


class FindingForm(NetBoxModelForm):
    """A person's part of a finding: its status and the note saying why (what it says is the collectors')."""

    fieldsets = (FieldSet("status", "note", "tags", name=_("Review")),)

    class Meta:
        model = models.Finding
        fields = ("status", "note", "tags")
