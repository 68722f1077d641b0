"""Detail-page panels of the registry models (NetBox's declarative object layout)."""

from django.utils.translation import gettext_lazy as _

from netbox.ui import attrs, panels

from ..pushes import may_read_details, push_buttons
from ..recommendations import allowed_transitions
from ..reconciliation.accept import propose
from ..site_filter.storage import head
from .attrs import PushDetailAttr, VisibleObjectAttr, VisibleObjectListAttr


class BackboneLinkPanel(panels.ObjectAttributesPanel):
    name = attrs.TextAttr("name")
    site_a = VisibleObjectAttr("site_a", linkify=True, label=_("Site A"))
    site_b = VisibleObjectAttr("site_b", linkify=True, label=_("Site B"))
    medium = attrs.ChoiceAttr("medium", label=_("Medium"))
    capacity = attrs.NumericAttr("capacity_mbps", label=_("Capacity (Mbps)"))
    status = attrs.ChoiceAttr("status", label=_("Status"))
    circuit = VisibleObjectAttr("circuit", linkify=True, label=_("Circuit"))
    cable = VisibleObjectAttr("cable", linkify=True, label=_("Cable"))
    redundancy_group = attrs.TextAttr("redundancy_group", label=_("Redundancy group"))
    description = attrs.TextAttr("description")


class DRPlanPanel(panels.ObjectAttributesPanel):
    name = attrs.TextAttr("name")
    primary_site = VisibleObjectAttr("primary_site", linkify=True, label=_("Primary site"))
    dr_site = VisibleObjectAttr("dr_site", linkify=True, label=_("Disaster-recovery site"))
    status = attrs.ChoiceAttr("status", label=_("Status"))
    rpo = attrs.NumericAttr("rpo_minutes", label=_("RPO (minutes)"))
    rto = attrs.NumericAttr("rto_minutes", label=_("RTO (minutes)"))
    replication_circuits = VisibleObjectListAttr("replication_circuits", linkify=True,
                                                       label=_("Replication circuits"))
    replication_links = VisibleObjectListAttr("replication_links", linkify=True,
                                                    label=_("Replication links"))
    description = attrs.TextAttr("description")


class DRDrillPanel(panels.ObjectAttributesPanel):
    title = _("Drills")
    last_drill_date = attrs.TextAttr("last_drill_date", label=_("Last drill date"))
    last_drill_result = attrs.ChoiceAttr("last_drill_result", label=_("Last drill result"))
    next_drill_due = attrs.TextAttr("next_drill_due", label=_("Next drill due"))


class InformationSystemPanel(panels.ObjectAttributesPanel):
    name = attrs.TextAttr("name")
    tenant = VisibleObjectAttr("tenant", linkify=True, label=_("Owner agency"))
    criticality = attrs.ChoiceAttr("criticality", label=_("Criticality"))
    site = VisibleObjectAttr("site", linkify=True, label=_("Site"))
    in_data_center = attrs.BooleanAttr("hosted_in_data_center", label=_("Hosted in the data center"))
    dr_covered = attrs.BooleanAttr("covered_by_dr_plan", label=_("Covered by an active DR plan"))
    domain_names = attrs.ArrayAttr("domain_names", label=_("Domain names"))
    devices = VisibleObjectListAttr("devices", linkify=True, label=_("Hosting devices"))
    virtual_machines = VisibleObjectListAttr("virtual_machines", linkify=True,
                                                   label=_("Hosting virtual machines"))
    description = attrs.TextAttr("description")


class PublicIPAllocationPanel(panels.ObjectAttributesPanel):
    tenant = VisibleObjectAttr("tenant", linkify=True, label=_("Agency"))
    prefix = VisibleObjectAttr("prefix", linkify=True, label=_("Prefix"))
    ip_range = VisibleObjectAttr("ip_range", linkify=True, label=_("IP range"))
    utilization = attrs.UtilizationAttr("utilization", label=_("Utilization"))
    purpose = attrs.TextAttr("purpose", label=_("Purpose"))
    information_system = VisibleObjectAttr("information_system", linkify=True,
                                                 label=_("Information system"))
    status = attrs.ChoiceAttr("status", label=_("Status"))
    approver = VisibleObjectAttr("approver", label=_("Approver"))
    requested_on = attrs.TextAttr("requested_on", label=_("Requested on"))
    decided_on = attrs.TextAttr("decided_on", label=_("Decided on"))
    description = attrs.TextAttr("description")


class UplinkPanel(panels.ObjectAttributesPanel):
    name = attrs.TextAttr("name")
    circuit = VisibleObjectAttr("circuit", linkify=True, label=_("Circuit"))
    provider = VisibleObjectAttr("circuit.provider", linkify=True, label=_("Provider"))
    capacity = attrs.NumericAttr("capacity_mbps", label=_("Capacity (Mbps)"))
    announced_prefixes = VisibleObjectListAttr("announced_prefixes", linkify=True,
                                                     label=_("Announced prefixes"))
    description = attrs.TextAttr("description")


class UplinkAssignmentPanel(panels.ObjectAttributesPanel):
    uplink = VisibleObjectAttr("uplink", linkify=True, label=_("Uplink"))
    tenant = VisibleObjectAttr("tenant", linkify=True, label=_("Agency"))
    role = attrs.ChoiceAttr("role", label=_("Role"))


class SecuritySystemPanel(panels.ObjectAttributesPanel):
    name = attrs.TextAttr("name")
    kind = attrs.ChoiceAttr("kind", label=_("Kind"))
    device = VisibleObjectAttr("device", linkify=True, label=_("Device"))
    virtual_machine = VisibleObjectAttr("virtual_machine", linkify=True, label=_("Virtual machine"))
    protected_sites = VisibleObjectListAttr("protected_sites", linkify=True, label=_("Protected sites"))
    protected_prefixes = VisibleObjectListAttr("protected_prefixes", linkify=True,
                                                     label=_("Protected prefixes"))
    description = attrs.TextAttr("description")


class SecurityAssessmentPanel(panels.ObjectAttributesPanel):
    information_system = VisibleObjectAttr("information_system", linkify=True,
                                                 label=_("Information system"))
    assessed_on = attrs.TextAttr("assessed_on", label=_("Assessed on"))
    result = attrs.ChoiceAttr("result", label=_("Result"))
    findings = attrs.NumericAttr("findings_count", label=_("Findings"))
    next_due = attrs.TextAttr("next_due", label=_("Next due"))
    assessor = attrs.TextAttr("assessor", label=_("Assessor"))
    description = attrs.TextAttr("description")


class RepositoryPanel(panels.ObjectAttributesPanel):
    name = attrs.TextAttr("name")
    mirror_url = attrs.TextAttr("mirror_url", label=_("URL"))
    content_kind = attrs.ChoiceAttr("content_kind", label=_("Content"))
    device = VisibleObjectAttr("device", linkify=True, label=_("Host device"))
    virtual_machine = VisibleObjectAttr("virtual_machine", linkify=True, label=_("Host virtual machine"))
    description = attrs.TextAttr("description")


class SchedulePanel(panels.ObjectAttributesPanel):
    name = attrs.TextAttr("name")
    time_zone = attrs.TextAttr("time_zone", label=_("Time zone"))
    weekdays = attrs.ArrayAttr("weekdays", label=_("Weekdays"))
    start_time = attrs.TextAttr("start_time", label=_("Start time"))
    end_time = attrs.TextAttr("end_time", label=_("End time"))
    description = attrs.TextAttr("description")


class BandwidthQuotaPanel(panels.ObjectAttributesPanel):
    tenant = VisibleObjectAttr("tenant", linkify=True, label=_("Agency"))
    guaranteed_down = attrs.NumericAttr("guaranteed_down_mbps", label=_("Guaranteed download (Mbps)"))
    ceiling_down = attrs.NumericAttr("ceiling_down_mbps", label=_("Download ceiling (Mbps)"))
    guaranteed_up = attrs.NumericAttr("guaranteed_up_mbps", label=_("Guaranteed upload (Mbps)"))
    ceiling_up = attrs.NumericAttr("ceiling_up_mbps", label=_("Upload ceiling (Mbps)"))
    priority = attrs.NumericAttr("priority", label=_("Priority"))
    description = attrs.TextAttr("description")


class QuotaVolumePanel(panels.ObjectAttributesPanel):
    title = _("Schedule and volume")
    schedule = VisibleObjectAttr("schedule", linkify=True, label=_("Office-hours schedule"))
    off_hours_down = attrs.NumericAttr("off_hours_ceiling_down_mbps", label=_("Off-hours download ceiling (Mbps)"))
    off_hours_up = attrs.NumericAttr("off_hours_ceiling_up_mbps", label=_("Off-hours upload ceiling (Mbps)"))
    monthly_cap = attrs.NumericAttr("monthly_cap_gb", label=_("Monthly volume cap (GB)"))
    cap_action = attrs.ChoiceAttr("cap_action", label=_("When the cap is exceeded"))
    throttled = attrs.NumericAttr("throttled_ceiling_mbps", label=_("Throttled ceiling (Mbps)"))


class QuotaEnforcementPanel(panels.ObjectAttributesPanel):
    title = _("Enforcement")
    uplink = VisibleObjectAttr("uplink", linkify=True, label=_("Uplink"))
    device = VisibleObjectAttr("enforcement_device", linkify=True, label=_("Enforcement device"))
    interface = VisibleObjectAttr("enforcement_interface", linkify=True, label=_("Enforcement interface"))
    prefixes = VisibleObjectListAttr("prefixes", linkify=True, label=_("Agency prefixes"))


class QuotaUsagePanel(panels.ObjectAttributesPanel):
    tenant = VisibleObjectAttr("tenant", linkify=True, label=_("Agency"))
    period = attrs.ChoiceAttr("period", label=_("Period"))
    period_start = attrs.TextAttr("period_start", label=_("Period start"))
    source = attrs.TextAttr("source", label=_("Source"))
    bytes_in = attrs.NumericAttr("bytes_in", label=_("Bytes in"))
    bytes_out = attrs.NumericAttr("bytes_out", label=_("Bytes out"))
    samples = attrs.NumericAttr("samples", label=_("Samples"))
    state = attrs.ChoiceAttr("state", label=_("State"))
    observed_at = attrs.TextAttr("observed_at", label=_("Observed at"))


class RecommendationPanel(panels.ObjectAttributesPanel):
    title_ = attrs.TextAttr("title", label=_("Title"))
    tenant = VisibleObjectAttr("tenant", linkify=True, label=_("Agency"))
    kind = attrs.ChoiceAttr("kind", label=_("Kind"))
    status = attrs.ChoiceAttr("current_status", label=_("Status"))
    justification = attrs.TextAttr("justification", label=_("Justification"))
    description = attrs.TextAttr("description")


class RecommendationDecisionPanel(panels.ObjectAttributesPanel):
    title = _("Decision")
    submitted_on = attrs.TextAttr("submitted_on", label=_("Submitted on"))
    decided_by = VisibleObjectAttr("decided_by", label=_("Decided by"))
    decided_on = attrs.TextAttr("decided_on", label=_("Decided on"))
    valid_until = attrs.TextAttr("valid_until", label=_("Valid until"))
    rejection_reason = attrs.TextAttr("rejection_reason", label=_("Rejection reason"))


class RecommendationWorkflowPanel(panels.Panel):
    """The transitions the viewing user may make now, as buttons (each a POST)."""

    template_name = "netbox_egov/inc/recommendation_workflow.html"
    title = _("Workflow")

    def get_context(self, context):
        recommendation = context["object"]
        return {**super().get_context(context),
                "transitions": allowed_transitions(context["request"].user, recommendation)}


class RecommendationItemPanel(panels.ObjectAttributesPanel):
    recommendation = VisibleObjectAttr("recommendation", linkify=True, label=_("Recommendation"))
    device = VisibleObjectAttr("device", linkify=True, label=_("Device"))
    device_type = VisibleObjectAttr("device_type", linkify=True, label=_("Device type"))
    site = VisibleObjectAttr("site", linkify=True, label=_("Site"))
    quantity = attrs.NumericAttr("quantity", label=_("Quantity"))
    description = attrs.TextAttr("description")


class LabelSchemePanel(panels.ObjectAttributesPanel):
    name = attrs.TextAttr("name")
    template = attrs.TextAttr("template", label=_("Template"))
    max_length = attrs.NumericAttr("max_length", label=_("Maximum length"))
    allowed = attrs.TextAttr("allowed_characters", label=_("Allowed characters"))
    active = attrs.BooleanAttr("active", label=_("Active"))
    description = attrs.TextAttr("description")



class DomainListPanel(panels.ObjectAttributesPanel):
    name = attrs.TextAttr("name")
    category = attrs.ChoiceAttr("category", label=_("Category"))
    source = attrs.ChoiceAttr("source", label=_("Source"))
    feed_url = attrs.TextAttr("feed_url", label=_("Feed URL"))
    refresh_hours = attrs.NumericAttr("refresh_hours", label=_("Refresh every (hours)"))
    max_shrink = attrs.NumericAttr("max_shrink_percent", label=_("Largest accepted shrink (%)"))
    description = attrs.TextAttr("description")


class DomainListContentPanel(panels.ObjectAttributesPanel):
    title = _("Content and feed")
    domain_count = attrs.NumericAttr("domain_count", label=_("Domains"))
    bad_line_count = attrs.NumericAttr("bad_line_count", label=_("Bad lines in the last import"))
    content_hash = attrs.TextAttr("content_hash", label=_("Content hash"), style="font-monospace")
    feed_status = attrs.ChoiceAttr("feed_status", label=_("Feed status"))
    last_attempt = attrs.DateTimeAttr("last_attempt", label=_("Last refresh attempt"))
    last_success = attrs.DateTimeAttr("last_success", label=_("Last successful refresh"))
    last_error = attrs.TextAttr("last_error", label=_("Last error"))


class DomainListActionsPanel(panels.Panel):
    """Edit, download and refresh buttons, the first domains and the bad lines of the last import."""

    template_name = "netbox_egov/inc/domain_list_actions.html"
    title = _("Domains")
    preview_size = 25

    def get_context(self, context):
        domain_list = context["object"]
        return {**super().get_context(context), "preview": head(domain_list, self.preview_size)}


class FilterPolicyPanel(panels.ObjectAttributesPanel):
    name = attrs.TextAttr("name")
    enabled = attrs.BooleanAttr("enabled", label=_("Enabled"))
    schedule = VisibleObjectAttr("schedule", linkify=True, label=_("Schedule"))
    description = attrs.TextAttr("description")


class FilterPolicyScopePanel(panels.ObjectAttributesPanel):
    title = _("Lists and agencies")
    blocked_lists = VisibleObjectListAttr("blocked_lists", linkify=True, label=_("Blocked lists"))
    allowed_lists = VisibleObjectListAttr("allowed_lists", linkify=True, label=_("Allowed lists (exceptions)"))
    tenants = VisibleObjectListAttr("tenants", linkify=True, label=_("Agencies (empty: every agency)"))
    exempt_tenants = VisibleObjectListAttr("exempt_tenants", linkify=True, label=_("Exempt agencies"))


class PushPanel(panels.ObjectAttributesPanel):
    gateway = VisibleObjectAttr("gateway", linkify=True, label=_("Gateway"))
    gateway_name = attrs.TextAttr("gateway_name", label=_("Gateway name"))
    mode = attrs.ChoiceAttr("mode", label=_("Mode"))
    status = attrs.ChoiceAttr("status", label=_("Status"))
    trigger = attrs.ChoiceAttr("trigger", label=_("Trigger"))
    reason = PushDetailAttr("reason", label=_("Reason"))
    requested_by = VisibleObjectAttr("requested_by", label=_("Requested by"))
    tenants = VisibleObjectListAttr("tenants", linkify=True, label=_("Agencies"))
    job = VisibleObjectAttr("job", linkify=True, label=_("Job"))
    started = attrs.DateTimeAttr("started", label=_("Started"))
    completed = attrs.DateTimeAttr("completed", label=_("Completed"))


class PushHostsPanel(panels.Panel):
    """Each host's outcome: status, task counts, the failed tasks' messages."""

    template_name = "netbox_egov/inc/push_hosts.html"
    title = _("Hosts")

    def get_context(self, context):
        return {**super().get_context(context), **push_details(context)}


class PushTextPanel(panels.Panel):
    """The diff or the log, as recorded (secrets were masked before they were recorded)."""

    template_name = "netbox_egov/inc/push_text.html"

    def __init__(self, field, title, **kwargs):
        super().__init__(title=title, **kwargs)
        self.field = field

    def get_context(self, context):
        details = push_details(context)
        return {**super().get_context(context), **details,
                "text": getattr(context["object"], self.field) if details["details_shown"] else ""}


class PushRequestPanel(panels.Panel):
    """Preview and Apply buttons for the gateway of the object on the page (a quota's enforcement device)."""

    template_name = "netbox_egov/inc/push_request.html"
    title = _("Push to the gateway")

    def __init__(self, gateway_of=lambda obj: obj.enforcement_device, **kwargs):
        super().__init__(**kwargs)
        self.gateway_of = gateway_of

    def get_context(self, context):
        gateway = self.gateway_of(context["object"])
        return {**super().get_context(context), **push_buttons(context["request"].user, gateway)}


def push_details(context):
    """Whether the page shows the push's hosts, diff and log to the viewing user (pushes.may_read_details)."""
    user = getattr(context.get("perms"), "user", None)
    return {"details_shown": user is not None and may_read_details(user, context["object"])}


class FindingPanel(panels.ObjectAttributesPanel):
    device = VisibleObjectAttr("device", linkify=True, label=_("Device"))
    kind = attrs.ChoiceAttr("kind", label=_("Kind"))
    subject = attrs.TextAttr("subject", label=_("Subject"))
    interface = VisibleObjectAttr("interface", linkify=True, label=_("Interface"))
    far_interface = VisibleObjectAttr("far_interface", linkify=True, label=_("Far interface"))
    netbox_says = attrs.TextAttr("netbox_says", label=_("NetBox says"))
    device_says = attrs.TextAttr("device_says", label=_("Device says"))
    first_seen = attrs.DateTimeAttr("first_seen", label=_("First seen"))
    last_seen = attrs.DateTimeAttr("last_seen", label=_("Last seen"))


class FindingReviewPanel(panels.ObjectAttributesPanel):
    title = _("Review")
    status = attrs.ChoiceAttr("status", label=_("Status"))
    note = attrs.TextAttr("note", label=_("Note"))
    resolved_at = attrs.DateTimeAttr("resolved_at", label=_("Resolved at"))


class FindingAcceptPanel(panels.Panel):
    """What accepting the finding would change in NetBox, with the button, or why it cannot be accepted."""

    template_name = "netbox_egov/inc/finding_accept_panel.html"
    title = _("Accept what the device says")

    def get_context(self, context):
        return {**super().get_context(context), "proposal": propose(context["object"], context["request"].user)}
