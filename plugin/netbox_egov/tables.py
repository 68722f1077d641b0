"""Tables of the plugin's list views."""

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from netbox.tables import NetBoxTable, PrimaryModelTable, columns
from tenancy.models import Tenant

from . import models
from .visibility import is_visible, only_visible

PLACEHOLDER = mark_safe("&mdash;")  # noqa: S308 - a constant


class AgencyTable(NetBoxTable):
    """Agencies (tenants) with what the Dinas checks first: offices, devices, ICT officer."""

    name = tables.Column(verbose_name=_("Agency"), linkify=True)
    group = tables.Column(verbose_name=_("Kind"), linkify=True)
    site_count = columns.LinkedCountColumn(
        viewname="dcim:site_list", url_params={"tenant_id": "pk"}, verbose_name=_("Sites")
    )
    device_count = columns.LinkedCountColumn(
        viewname="dcim:device_list", url_params={"tenant_id": "pk"}, verbose_name=_("Devices")
    )
    ict_officer_count = tables.Column(verbose_name=_("ICT officers"))
    has_ict_officer = columns.BooleanColumn(
        accessor="ict_officer_count", verbose_name=_("Has ICT officer"), orderable=False
    )

    class Meta(NetBoxTable.Meta):
        model = Tenant
        fields = (
            "pk", "id", "name", "slug", "group", "site_count", "device_count", "ict_officer_count",
            "has_ict_officer", "description",
        )
        default_columns = ("name", "group", "site_count", "device_count", "ict_officer_count", "has_ict_officer")

    def value_has_ict_officer(self, value):
        # Exports say True/False, not the officer count behind the mark.
        return str(bool(value))


def linked(label, **kwargs):
    """The row's own name, linked to its page."""
    return tables.Column(verbose_name=label, linkify=True, **kwargs)


def viewer(table):
    # django-tables2's RequestConfig, which NetBox's table.configure() runs, hands the table its request.
    return getattr(getattr(table, "request", None), "user", None)


def shown(table, objects):
    user = viewer(table)
    return only_visible(user, objects) if user is not None else []


class RelatedColumn(tables.Column):
    """A related object linked to its page; a dash (empty in exports) where the viewing user may not view it,
    as GraphQL and the REST API show it (netbox_egov.visibility)."""

    def _shown(self, value, table):
        user = viewer(table)
        return user is not None and is_visible(user, value)

    def render(self, value, table):
        if not self._shown(value, table):
            return PLACEHOLDER
        url = getattr(value, "get_absolute_url", None)
        return format_html('<a href="{}">{}</a>', url(), value) if url else str(value)

    def value(self, value, table):
        return str(value) if self._shown(value, table) else ""


class _Members(list):
    """Visible members where django-tables2 expects a related manager (it calls .all())."""

    def all(self):
        return self


class RelatedListColumn(columns.ManyToManyColumn):
    """Related objects, leaving out those the viewing user may not view."""

    def __init__(self, label, **kwargs):
        super().__init__(verbose_name=label, linkify_item=True, **kwargs)

    def render(self, value, table):
        members = _Members(shown(table, value.all()))
        return super().render(members) if members else PLACEHOLDER

    def value(self, value, table):
        return super().value(_Members(shown(table, value.all())))


def related(label, **kwargs):
    return RelatedColumn(verbose_name=label, **kwargs)


def tags(model_name):
    return columns.TagColumn(url_name=f"plugins:netbox_egov:{model_name}_list")


class BackboneLinkTable(PrimaryModelTable):
    name = linked(_("Name"))
    site_a = related(_("Site A"))
    site_b = related(_("Site B"))
    medium = columns.ChoiceFieldColumn(verbose_name=_("Medium"))
    capacity_mbps = tables.Column(verbose_name=_("Capacity (Mbps)"))
    status = columns.ChoiceFieldColumn(verbose_name=_("Status"))
    circuit = related(_("Circuit"))
    cable = related(_("Cable"))
    tags = tags("backbonelink")

    class Meta(PrimaryModelTable.Meta):
        model = models.BackboneLink
        fields = ("pk", "id", "name", "site_a", "site_b", "medium", "capacity_mbps", "status", "circuit", "cable",
                  "redundancy_group", "description", "comments", "tags", "created", "last_updated")
        default_columns = ("name", "site_a", "site_b", "medium", "capacity_mbps", "status", "circuit")


class DRPlanTable(PrimaryModelTable):
    name = linked(_("Name"))
    primary_site = related(_("Primary site"))
    dr_site = related(_("Disaster-recovery site"))
    status = columns.ChoiceFieldColumn(verbose_name=_("Status"))
    rpo_minutes = tables.Column(verbose_name=_("RPO (minutes)"))
    rto_minutes = tables.Column(verbose_name=_("RTO (minutes)"))
    last_drill_result = columns.ChoiceFieldColumn(verbose_name=_("Last drill result"))
    information_systems = RelatedListColumn(_("Information systems"))
    tags = tags("drplan")

    class Meta(PrimaryModelTable.Meta):
        model = models.DRPlan
        fields = ("pk", "id", "name", "primary_site", "dr_site", "status", "rpo_minutes", "rto_minutes",
                  "last_drill_date", "last_drill_result", "next_drill_due", "information_systems", "description",
                  "comments", "tags", "created", "last_updated")
        default_columns = ("name", "primary_site", "dr_site", "status", "rpo_minutes", "rto_minutes",
                           "last_drill_date", "last_drill_result", "next_drill_due")


class InformationSystemTable(PrimaryModelTable):
    name = linked(_("Name"))
    tenant = related(_("Owner agency"))
    site = related(_("Site"))
    criticality = columns.ChoiceFieldColumn(verbose_name=_("Criticality"))
    in_data_center = columns.BooleanColumn(verbose_name=_("In data center"))
    dr_covered = columns.BooleanColumn(verbose_name=_("DR covered"))
    domain_names = columns.ArrayColumn(verbose_name=_("Domain names"), orderable=False)
    devices = RelatedListColumn(_("Devices"))
    virtual_machines = RelatedListColumn(_("Virtual machines"))
    tags = tags("informationsystem")

    class Meta(PrimaryModelTable.Meta):
        model = models.InformationSystem
        fields = ("pk", "id", "name", "tenant", "site", "criticality", "in_data_center", "dr_covered",
                  "domain_names", "devices", "virtual_machines", "description", "comments", "tags", "created",
                  "last_updated")
        default_columns = ("name", "tenant", "site", "criticality", "in_data_center", "dr_covered", "domain_names")


class PublicIPAllocationTable(PrimaryModelTable):
    id = tables.Column(verbose_name=_("ID"), linkify=True)
    tenant = related(_("Agency"))
    prefix = related(_("Prefix"))
    ip_range = related(_("IP range"))
    purpose = tables.Column(verbose_name=_("Purpose"))
    information_system = related(_("Information system"))
    status = columns.ChoiceFieldColumn(verbose_name=_("Status"))
    approver = related(_("Approver"))
    utilization = columns.UtilizationColumn(accessor="utilization", orderable=False,
                                            verbose_name=_("Utilization"))
    tags = tags("publicipallocation")

    class Meta(PrimaryModelTable.Meta):
        model = models.PublicIPAllocation
        fields = ("pk", "id", "tenant", "prefix", "ip_range", "purpose", "information_system", "status", "approver",
                  "requested_on", "decided_on", "utilization", "description", "comments", "tags", "created",
                  "last_updated")
        # Utilization costs queries per row: available, not shown by default.
        default_columns = ("id", "tenant", "prefix", "ip_range", "purpose", "status")


class UplinkTable(PrimaryModelTable):
    name = linked(_("Name"))
    circuit = related(_("Circuit"))
    capacity_mbps = tables.Column(verbose_name=_("Capacity (Mbps)"))
    announced_prefixes = RelatedListColumn(_("Announced prefixes"))
    tags = tags("uplink")

    class Meta(PrimaryModelTable.Meta):
        model = models.Uplink
        fields = ("pk", "id", "name", "circuit", "capacity_mbps", "announced_prefixes", "description", "comments",
                  "tags", "created", "last_updated")
        default_columns = ("name", "circuit", "capacity_mbps", "announced_prefixes")


class UplinkAssignmentTable(NetBoxTable):
    id = tables.Column(verbose_name=_("ID"), linkify=True)
    uplink = related(_("Uplink"))
    tenant = related(_("Agency"))
    role = columns.ChoiceFieldColumn(verbose_name=_("Role"))
    tags = tags("uplinkassignment")

    class Meta(NetBoxTable.Meta):
        model = models.UplinkAssignment
        fields = ("pk", "id", "uplink", "tenant", "role", "tags", "created", "last_updated")
        default_columns = ("id", "uplink", "tenant", "role")


class SecuritySystemTable(PrimaryModelTable):
    name = linked(_("Name"))
    kind = columns.ChoiceFieldColumn(verbose_name=_("Kind"))
    device = related(_("Device"))
    virtual_machine = related(_("Virtual machine"))
    protected_sites = RelatedListColumn(_("Protected sites"))
    protected_prefixes = RelatedListColumn(_("Protected prefixes"))
    tags = tags("securitysystem")

    class Meta(PrimaryModelTable.Meta):
        model = models.SecuritySystem
        fields = ("pk", "id", "name", "kind", "device", "virtual_machine", "protected_sites", "protected_prefixes",
                  "description", "comments", "tags", "created", "last_updated")
        default_columns = ("name", "kind", "device", "protected_sites", "protected_prefixes")


class SecurityAssessmentTable(PrimaryModelTable):
    id = tables.Column(verbose_name=_("ID"), linkify=True)
    information_system = related(_("Information system"))
    result = columns.ChoiceFieldColumn(verbose_name=_("Result"))
    findings_count = tables.Column(verbose_name=_("Findings"))
    tags = tags("securityassessment")

    class Meta(PrimaryModelTable.Meta):
        model = models.SecurityAssessment
        fields = ("pk", "id", "information_system", "assessed_on", "result", "findings_count", "next_due",
                  "assessor", "description", "comments", "tags", "created", "last_updated")
        default_columns = ("id", "information_system", "assessed_on", "result", "findings_count", "next_due")


class RepositoryTable(PrimaryModelTable):
    name = linked(_("Name"))
    mirror_url = tables.URLColumn(verbose_name=_("URL"))
    content_kind = columns.ChoiceFieldColumn(verbose_name=_("Content"))
    device = related(_("Host device"))
    virtual_machine = related(_("Host virtual machine"))
    tags = tags("repository")

    class Meta(PrimaryModelTable.Meta):
        model = models.Repository
        fields = ("pk", "id", "name", "mirror_url", "content_kind", "device", "virtual_machine", "description",
                  "comments", "tags", "created", "last_updated")
        default_columns = ("name", "mirror_url", "content_kind", "device", "virtual_machine")


class ScheduleTable(PrimaryModelTable):
    name = linked(_("Name"))
    weekdays = columns.ArrayColumn(verbose_name=_("Weekdays"), orderable=False)
    tags = tags("schedule")

    class Meta(PrimaryModelTable.Meta):
        model = models.Schedule
        fields = ("pk", "id", "name", "time_zone", "weekdays", "start_time", "end_time", "description", "comments",
                  "tags", "created", "last_updated")
        default_columns = ("name", "time_zone", "weekdays", "start_time", "end_time")


class BandwidthQuotaTable(PrimaryModelTable):
    tenant = related(_("Agency"))
    guaranteed_down_mbps = tables.Column(verbose_name=_("Guaranteed down"))
    ceiling_down_mbps = tables.Column(verbose_name=_("Ceiling down"))
    guaranteed_up_mbps = tables.Column(verbose_name=_("Guaranteed up"))
    ceiling_up_mbps = tables.Column(verbose_name=_("Ceiling up"))
    monthly_cap_gb = tables.Column(verbose_name=_("Monthly cap (GB)"))
    cap_action = columns.ChoiceFieldColumn(verbose_name=_("When exceeded"))
    schedule = related(_("Schedule"))
    uplink = related(_("Uplink"))
    enforcement_device = related(_("Enforcement device"))
    enforcement_interface = related(_("Enforcement interface"))
    tags = tags("bandwidthquota")

    class Meta(PrimaryModelTable.Meta):
        model = models.BandwidthQuota
        fields = ("pk", "id", "tenant", "guaranteed_down_mbps", "ceiling_down_mbps", "guaranteed_up_mbps",
                  "ceiling_up_mbps", "monthly_cap_gb", "cap_action", "throttled_ceiling_mbps", "priority",
                  "schedule", "off_hours_ceiling_down_mbps", "off_hours_ceiling_up_mbps", "uplink",
                  "enforcement_device", "enforcement_interface", "description", "comments", "tags", "created",
                  "last_updated")
        default_columns = ("tenant", "guaranteed_down_mbps", "ceiling_down_mbps", "guaranteed_up_mbps",
                           "ceiling_up_mbps", "monthly_cap_gb", "cap_action", "uplink", "enforcement_device")


class QuotaUsageTable(NetBoxTable):
    id = tables.Column(verbose_name=_("ID"), linkify=True)
    tenant = related(_("Agency"))
    period = columns.ChoiceFieldColumn(verbose_name=_("Period"))
    bytes_in = columns.TemplateColumn(template_code="{{ value|filesizeformat }}", verbose_name=_("In"))
    bytes_out = columns.TemplateColumn(template_code="{{ value|filesizeformat }}", verbose_name=_("Out"))
    state = columns.ChoiceFieldColumn(verbose_name=_("State"), orderable=False)
    tags = tags("quotausage")

    class Meta(NetBoxTable.Meta):
        model = models.QuotaUsage
        fields = ("pk", "id", "tenant", "period", "period_start", "source", "bytes_in", "bytes_out", "samples",
                  "state", "observed_at", "tags", "created", "last_updated")
        default_columns = ("id", "tenant", "period", "period_start", "source", "bytes_in", "bytes_out", "samples",
                           "state")


class RecommendationTable(PrimaryModelTable):
    title = linked(_("Title"))
    tenant = related(_("Agency"))
    kind = columns.ChoiceFieldColumn(verbose_name=_("Kind"))
    current_status = columns.ChoiceFieldColumn(verbose_name=_("Status"), order_by=("status",))
    decided_by = related(_("Decided by"))
    tags = tags("recommendation")

    class Meta(PrimaryModelTable.Meta):
        model = models.Recommendation
        fields = ("pk", "id", "title", "tenant", "kind", "current_status", "submitted_on", "decided_by",
                  "decided_on", "valid_until", "description", "comments", "tags", "created", "last_updated")
        default_columns = ("title", "tenant", "kind", "current_status", "submitted_on", "decided_on", "valid_until")


class RecommendationItemTable(NetBoxTable):
    id = tables.Column(verbose_name=_("ID"), linkify=True)
    recommendation = related(_("Recommendation"))
    device = related(_("Device"))
    device_type = related(_("Device type"))
    site = related(_("Site"))
    tags = tags("recommendationitem")

    class Meta(NetBoxTable.Meta):
        model = models.RecommendationItem
        fields = ("pk", "id", "recommendation", "device", "device_type", "site", "quantity", "description", "tags",
                  "created", "last_updated")
        default_columns = ("id", "recommendation", "device", "device_type", "site", "quantity", "description")


class LabelSchemeTable(PrimaryModelTable):
    name = linked(_("Name"))
    template = tables.Column(verbose_name=_("Template"))
    active = columns.BooleanColumn(verbose_name=_("Active"))
    tags = tags("labelscheme")

    class Meta(PrimaryModelTable.Meta):
        model = models.LabelScheme
        fields = ("pk", "id", "name", "template", "max_length", "allowed_characters", "active", "description",
                  "comments", "tags", "created", "last_updated")
        default_columns = ("name", "template", "max_length", "active")


class DomainListTable(PrimaryModelTable):
    name = linked(_("Name"))
    category = columns.ChoiceFieldColumn(verbose_name=_("Category"))
    source = columns.ChoiceFieldColumn(verbose_name=_("Source"))
    domain_count = tables.Column(verbose_name=_("Domains"))
    bad_line_count = tables.Column(verbose_name=_("Bad lines"))
    feed_status = columns.ChoiceFieldColumn(verbose_name=_("Feed status"))
    last_success = columns.DateTimeColumn(verbose_name=_("Last successful refresh"))
    tags = tags("domainlist")

    class Meta(PrimaryModelTable.Meta):
        model = models.DomainList
        fields = ("pk", "id", "name", "category", "source", "feed_url", "refresh_hours", "max_shrink_percent",
                  "domain_count", "bad_line_count", "feed_status", "last_attempt", "last_success", "last_error",
                  "content_hash", "description", "comments", "tags", "created", "last_updated")
        default_columns = ("name", "category", "source", "domain_count", "bad_line_count", "feed_status",
                           "last_success")


class FilterPolicyTable(PrimaryModelTable):
    name = linked(_("Name"))
    enabled = columns.BooleanColumn(verbose_name=_("Enabled"))
    blocked_lists = RelatedListColumn(_("Blocked lists"))
    allowed_lists = RelatedListColumn(_("Allowed lists"))
    tenants = RelatedListColumn(_("Agencies"), default=_("Every agency"))
    exempt_tenants = RelatedListColumn(_("Exempt agencies"))
    schedule = related(_("Schedule"), default=_("Always"))
    tags = tags("filterpolicy")

    class Meta(PrimaryModelTable.Meta):
        model = models.FilterPolicy
        fields = ("pk", "id", "name", "enabled", "blocked_lists", "allowed_lists", "tenants", "exempt_tenants",
                  "schedule", "description", "comments", "tags", "created", "last_updated")
        default_columns = ("name", "enabled", "blocked_lists", "allowed_lists", "tenants", "exempt_tenants",
                           "schedule")


class CheckColumn(tables.Column):
    """A compliance check: a tick, a cross, or a dash where it does not apply."""

    def render(self, value):
        return columns.BooleanColumn().render(value)

    def value(self, value):
        return "" if value is None else str(value)


class PercentColumn(tables.Column):
    def render(self, value):
        return f"{value}%"


class ComplianceTable(tables.Table):
    agency = tables.Column(verbose_name=_("Agency"), linkify=True, order_by=("agency__name",))
    has_ict_officer = CheckColumn(verbose_name=_("ICT officer"))
    cables_labelled_percent = PercentColumn(verbose_name=_("Cables labelled"), default="—")
    devices_covered_percent = PercentColumn(verbose_name=_("Devices recommended"), default="—")
    quota_assigned = CheckColumn(verbose_name=_("Quota"))
    systems_in_data_center = CheckColumn(verbose_name=_("Systems in data center"), default=None)
    assessments_current = CheckColumn(verbose_name=_("Assessments current"), default=None)
    open_findings = tables.Column(verbose_name=_("Open findings"), default="—")
    documentation_matches = CheckColumn(verbose_name=_("Documentation matches the network"), default=None,
                                        accessor="checks__documentation_matches", orderable=False)
    score = PercentColumn(verbose_name=_("Score"), default="—")

    class Meta:
        attrs = {"class": "table table-hover object-list", "id": "compliance"}



class PushDetailColumn(tables.Column):
    """A push's reason: it may name another agency behind a shared gateway, so it is shown (and exported) only to
    a reader who may view every agency the push carried (pushes.may_read_details), as REST and GraphQL do."""

    def _shown(self, record, table):
        from .pushes import may_read_details

        user = viewer(table)
        return user is not None and may_read_details(user, record)

    def render(self, value, record, table):
        return value if self._shown(record, table) else PLACEHOLDER

    def value(self, value, record, table):
        return value if self._shown(record, table) else ""


class PushTable(NetBoxTable):
    id = tables.Column(verbose_name=_("ID"), linkify=True)
    gateway = related(_("Gateway"))
    mode = columns.ChoiceFieldColumn(verbose_name=_("Mode"))
    trigger = columns.ChoiceFieldColumn(verbose_name=_("Trigger"))
    status = columns.ChoiceFieldColumn(verbose_name=_("Status"))
    reason = PushDetailColumn(verbose_name=_("Reason"))
    requested_by = related(_("Requested by"))
    tenants = RelatedListColumn(_("Agencies"))
    tags = tags("push")
    actions = columns.ActionsColumn(actions=("delete",))  # a record: never edited

    class Meta(NetBoxTable.Meta):
        model = models.Push
        fields = ("pk", "id", "gateway", "gateway_name", "mode", "trigger", "reason", "status", "requested_by",
                  "tenants", "started", "completed", "tags", "created", "last_updated")
        default_columns = ("id", "gateway", "mode", "trigger", "reason", "status", "requested_by", "created",
                           "completed")


class FindingTable(NetBoxTable):
    id = tables.Column(verbose_name=_("ID"), linkify=True)
    device = related(_("Device"))
    subject = tables.Column(verbose_name=_("Subject"))
    interface = related(_("Interface"))
    far_interface = related(_("Far interface"))
    kind = columns.ChoiceFieldColumn(verbose_name=_("Kind"))
    status = columns.ChoiceFieldColumn(verbose_name=_("Status"))
    netbox_says = tables.Column(verbose_name=_("NetBox says"))
    device_says = tables.Column(verbose_name=_("Device says"))
    first_seen = columns.DateTimeColumn(verbose_name=_("First seen"))
    last_seen = columns.DateTimeColumn(verbose_name=_("Last seen"))
    resolved_at = columns.DateTimeColumn(verbose_name=_("Resolved at"))
    note = tables.Column(verbose_name=_("Note"))
    tags = tags("finding")

    class Meta(NetBoxTable.Meta):
        model = models.Finding
        fields = ("pk", "id", "device", "subject", "interface", "far_interface", "kind", "status", "netbox_says",
                  "device_says", "first_seen", "last_seen", "resolved_at", "note", "tags", "created", "last_updated")
        default_columns = ("id", "device", "subject", "kind", "status", "netbox_says", "device_says", "last_seen")
