"""Choice sets of the plugin's models; labels are translated, colors follow NetBox's."""

from django.utils.translation import gettext_lazy as _

from utilities.choices import ChoiceSet

# A yes/no filter's choices: core's BOOLEAN_WITH_BLANK_CHOICES writes "Yes" and "No" without gettext.
YES_NO_CHOICES = (("", "---------"), ("True", _("Yes")), ("False", _("No")))


class LinkMediumChoices(ChoiceSet):
    FIBER = "fiber"
    WIRELESS = "wireless-ptp"
    LEASED_LINE = "leased-line"
    VPN = "vpn"

    CHOICES = [
        (FIBER, _("Fiber optic"), "blue"),
        (WIRELESS, _("Wireless point-to-point"), "purple"),
        (LEASED_LINE, _("Leased line"), "orange"),
        (VPN, _("VPN over internet"), "gray"),
    ]


class LinkStatusChoices(ChoiceSet):
    key = "BackboneLink.status"

    ACTIVE = "active"
    PLANNED = "planned"
    DOWN = "down"
    DECOMMISSIONED = "decommissioned"

    CHOICES = [
        (ACTIVE, _("Active"), "green"),
        (PLANNED, _("Planned"), "cyan"),
        (DOWN, _("Down"), "red"),
        (DECOMMISSIONED, _("Decommissioned"), "gray"),
    ]


class DRPlanStatusChoices(ChoiceSet):
    DRAFT = "draft"
    ACTIVE = "active"
    RETIRED = "retired"

    CHOICES = [
        (DRAFT, _("Draft"), "cyan"),
        (ACTIVE, _("Active"), "green"),
        (RETIRED, _("Retired"), "gray"),
    ]


class DrillResultChoices(ChoiceSet):
    PASSED = "passed"
    PARTIAL = "partial"
    FAILED = "failed"

    CHOICES = [
        (PASSED, _("Passed"), "green"),
        (PARTIAL, _("Partially passed"), "yellow"),
        (FAILED, _("Failed"), "red"),
    ]


class AllocationStatusChoices(ChoiceSet):
    REQUESTED = "requested"
    APPROVED = "approved"
    REJECTED = "rejected"
    REVOKED = "revoked"

    CHOICES = [
        (REQUESTED, _("Requested"), "cyan"),
        (APPROVED, _("Approved"), "green"),
        (REJECTED, _("Rejected"), "red"),
        (REVOKED, _("Revoked"), "gray"),
    ]

    # Space held (or asked for) by an agency: no other allocation may overlap it.
    HOLDING = (REQUESTED, APPROVED)


class EgressRoleChoices(ChoiceSet):
    PRIMARY = "primary"
    BACKUP = "backup"

    CHOICES = [
        (PRIMARY, _("Primary"), "blue"),
        (BACKUP, _("Backup"), "gray"),
    ]


class SecuritySystemKindChoices(ChoiceSet):
    FIREWALL = "firewall"
    IDS_IPS = "ids-ips"
    WAF = "waf"
    VPN_GATEWAY = "vpn-gateway"
    SIEM = "siem"
    ANTIMALWARE = "antimalware"
    OTHER = "other"

    CHOICES = [
        (FIREWALL, _("Firewall")),
        (IDS_IPS, _("IDS/IPS")),
        (WAF, _("Web application firewall")),
        (VPN_GATEWAY, _("VPN gateway")),
        (SIEM, _("SIEM / log analysis")),
        (ANTIMALWARE, _("Anti-malware gateway")),
        (OTHER, _("Other")),
    ]


class AssessmentResultChoices(ChoiceSet):
    PASSED = "passed"
    CONDITIONAL = "conditional"
    FAILED = "failed"

    CHOICES = [
        (PASSED, _("Passed"), "green"),
        (CONDITIONAL, _("Passed with conditions"), "yellow"),
        (FAILED, _("Failed"), "red"),
    ]


class CriticalityChoices(ChoiceSet):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    CHOICES = [
        (LOW, _("Low"), "gray"),
        (MEDIUM, _("Medium"), "blue"),
        (HIGH, _("High"), "orange"),
        (CRITICAL, _("Critical"), "red"),
    ]


class RepositoryContentChoices(ChoiceSet):
    OS_PACKAGES = "os-packages"
    LANGUAGE_PACKAGES = "language-packages"
    CONTAINER_IMAGES = "container-images"
    DATASETS = "datasets"
    DOCUMENTS = "documents"
    OTHER = "other"

    CHOICES = [
        (OS_PACKAGES, _("Operating system packages")),
        (LANGUAGE_PACKAGES, _("Language packages")),
        (CONTAINER_IMAGES, _("Container images")),
        (DATASETS, _("Data sets")),
        (DOCUMENTS, _("Documents")),
        (OTHER, _("Other")),
    ]


class CapActionChoices(ChoiceSet):
    THROTTLE = "throttle"
    NOTIFY = "notify"

    CHOICES = [
        (THROTTLE, _("Throttle to a reduced ceiling"), "orange"),
        (NOTIFY, _("Notify only"), "blue"),
    ]


class UsagePeriodChoices(ChoiceSet):
    DAY = "day"
    MONTH = "month"

    CHOICES = [
        (DAY, _("Day")),
        (MONTH, _("Month")),
    ]


class QuotaStateChoices(ChoiceSet):
    WITHIN = "within"
    WARNING = "warning"
    EXCEEDED = "exceeded"
    NO_CAP = "no-cap"

    CHOICES = [
        (WITHIN, _("Within quota"), "green"),
        (WARNING, _("Warning (90%)"), "yellow"),
        (EXCEEDED, _("Exceeded"), "red"),
        (NO_CAP, _("No volume cap"), "gray"),
    ]


class WeekdayChoices(ChoiceSet):
    CHOICES = [
        (0, _("Monday")),
        (1, _("Tuesday")),
        (2, _("Wednesday")),
        (3, _("Thursday")),
        (4, _("Friday")),
        (5, _("Saturday")),
        (6, _("Sunday")),
    ]


class RecommendationKindChoices(ChoiceSet):
    LAN = "lan"
    END_USER_DEVICES = "end-user-devices"
    INTERNAL_SECURITY = "internal-security"
    PROCUREMENT = "procurement"

    CHOICES = [
        (LAN, _("Local area network (cables, hubs, wifi)")),
        (END_USER_DEVICES, _("End-user devices")),
        (INTERNAL_SECURITY, _("Internal information security")),
        (PROCUREMENT, _("ICT procurement (Pasal 8(4))")),
    ]


class RecommendationStatusChoices(ChoiceSet):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    REJECTED = "rejected"
    EXPIRED = "expired"

    CHOICES = [
        (DRAFT, _("Draft"), "cyan"),
        (SUBMITTED, _("Submitted"), "blue"),
        (APPROVED, _("Approved"), "green"),
        (REJECTED, _("Rejected"), "red"),
        (EXPIRED, _("Expired"), "gray"),
    ]


class DomainCategoryChoices(ChoiceSet):
    key = "DomainList.category"

    GAMBLING = "gambling"
    ADULT = "adult"
    MALWARE = "malware"
    PHISHING = "phishing"
    SOCIAL_MEDIA = "social-media"
    STREAMING = "streaming"
    GAMES = "games"
    ALLOWED = "allowed"
    OTHER = "other"

    CHOICES = [
        (GAMBLING, _("Gambling"), "red"),
        (ADULT, _("Adult content"), "pink"),
        (MALWARE, _("Malware"), "black"),
        (PHISHING, _("Phishing"), "orange"),
        (SOCIAL_MEDIA, _("Social media"), "blue"),
        (STREAMING, _("Video streaming"), "purple"),
        (GAMES, _("Online games"), "indigo"),
        (ALLOWED, _("Allowed (exceptions)"), "green"),
        (OTHER, _("Other"), "gray"),
    ]


class DomainSourceChoices(ChoiceSet):
    MANUAL = "manual"
    UPLOAD = "upload"
    FEED = "feed"

    CHOICES = [
        (MANUAL, _("Typed by hand"), "gray"),
        (UPLOAD, _("Uploaded file"), "blue"),
        (FEED, _("URL feed"), "purple"),
    ]


class FeedStatusChoices(ChoiceSet):
    NEVER = "never"
    OK = "ok"
    UNCHANGED = "unchanged"
    UNREACHABLE = "unreachable"
    REFUSED = "refused"

    CHOICES = [
        (NEVER, _("Not refreshed yet"), "gray"),
        (OK, _("Refreshed"), "green"),
        (UNCHANGED, _("Unchanged"), "cyan"),
        (UNREACHABLE, _("Unreachable, last good copy kept"), "red"),
        (REFUSED, _("Refused, last good copy kept"), "orange"),
    ]


class EntriesModeChoices(ChoiceSet):
    ADD = "add"
    REMOVE = "remove"
    REPLACE = "replace"

    CHOICES = [
        (ADD, _("Add to the list")),
        (REMOVE, _("Remove from the list")),
        (REPLACE, _("Replace the whole list")),
    ]


class PushModeChoices(ChoiceSet):
    PREVIEW = "preview"  # check mode with diff: nothing changes on the gateway
    APPLY = "apply"

    CHOICES = [
        (PREVIEW, _("Preview"), "cyan"),
        (APPLY, _("Apply"), "blue"),
    ]


class PushTriggerChoices(ChoiceSet):
    MANUAL = "manual"
    QUOTA = "quota"
    SCHEDULE = "schedule"
    POLICY = "policy"
    BOUNDARY = "boundary"
    CAP = "cap"

    CHOICES = [
        (MANUAL, _("Requested by a person"), "blue"),
        (QUOTA, _("Quota changed"), "purple"),
        (SCHEDULE, _("Schedule changed"), "purple"),
        (POLICY, _("Filter policy changed"), "purple"),
        (BOUNDARY, _("Schedule boundary"), "gray"),
        (CAP, _("Monthly cap crossed"), "orange"),
    ]


class PushStatusChoices(ChoiceSet):
    QUEUED = "queued"
    RUNNING = "running"
    OK = "ok"  # nothing to change
    CHANGED = "changed"
    FAILED = "failed"  # a task failed: the gateway keeps its previous policy
    UNREACHABLE = "unreachable"
    ERRORED = "errored"  # the push could not run (configuration, lock, NetBox)

    CHOICES = [
        (QUEUED, _("Queued"), "gray"),
        (RUNNING, _("Running"), "cyan"),
        (OK, _("No change"), "green"),
        (CHANGED, _("Changed"), "blue"),
        (FAILED, _("Failed"), "red"),
        (UNREACHABLE, _("Unreachable"), "orange"),
        (ERRORED, _("Errored"), "red"),
    ]

    FINISHED = (OK, CHANGED, FAILED, UNREACHABLE, ERRORED)


class FindingKindChoices(ChoiceSet):
    """Where a device and NetBox disagree (reconciliation, docs/reconciliation.md); values as in logic/findings.py."""

    UNDOCUMENTED_LINK = "undocumented_link"
    WRONG_FAR_END = "wrong_far_end"
    DOCUMENTED_LINK_NOT_SEEN = "documented_link_not_seen"
    UNKNOWN_NEIGHBOUR = "unknown_neighbour"
    SERIAL_DIFFERS = "serial_differs"
    OS_DIFFERS = "os_differs"
    MODEL_DIFFERS = "model_differs"
    INTERFACE_DOWN_BUT_ENABLED = "interface_down_but_enabled"
    INTERFACE_UP_BUT_DISABLED = "interface_up_but_disabled"
    DEVICE_UNREACHABLE = "device_unreachable"

    CHOICES = [
        (UNDOCUMENTED_LINK, _("Undocumented link"), "orange"),
        (WRONG_FAR_END, _("Wrong far end"), "red"),
        (DOCUMENTED_LINK_NOT_SEEN, _("Documented link not seen"), "orange"),
        (UNKNOWN_NEIGHBOUR, _("Unknown neighbour"), "purple"),
        (SERIAL_DIFFERS, _("Serial number differs"), "yellow"),
        (OS_DIFFERS, _("OS version differs"), "yellow"),
        (MODEL_DIFFERS, _("Model differs"), "yellow"),
        (INTERFACE_DOWN_BUT_ENABLED, _("Interface down but enabled in NetBox"), "orange"),
        (INTERFACE_UP_BUT_DISABLED, _("Interface up but disabled in NetBox"), "orange"),
        (DEVICE_UNREACHABLE, _("Device unreachable"), "red"),
    ]


class FindingStatusChoices(ChoiceSet):
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"  # the difference is known and accepted, with a note saying why
    RESOLVED = "resolved"

    CHOICES = [
        (OPEN, _("Open"), "red"),
        (ACKNOWLEDGED, _("Acknowledged"), "yellow"),
        (RESOLVED, _("Resolved"), "green"),
    ]
