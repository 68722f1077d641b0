"""REST serializers of the registry models; related objects nest in brief form, as in core."""

import datetime

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from rest_framework import serializers
from rest_framework.fields import empty
from rest_framework.relations import ManyRelatedField, RelatedField

from circuits.api.serializers import CircuitSerializer
from circuits.models import Circuit
from dcim.api.serializers import (
    CableSerializer,
    DeviceSerializer,
    DeviceTypeSerializer,
    InterfaceSerializer,
    SiteSerializer,
)
from dcim.models import Device, Site
from ipam.api.serializers import IPRangeSerializer, PrefixSerializer
from ipam.models import Prefix
from netbox.api.fields import ChoiceField, SerializedPKRelatedField
from netbox.api.serializers import BaseModelSerializer, NetBoxModelSerializer, PrimaryModelSerializer
from tenancy.api.serializers import TenantSerializer
from tenancy.models import Tenant
from users.api.serializers import UserSerializer
from virtualization.api.serializers import VirtualMachineSerializer
from virtualization.models import VirtualMachine

from .. import choices, models
from ..logic import datetimes
from ..pushes import may_read_details
from ..visibility import is_visible_pk


class VisibleRelationsMixin:
    """Names only related objects the requesting user may view: a hidden one is null, or left out of a list.

    That is what GraphQL answers for the same object (netbox_egov.visibility), so REST and GraphQL agree.
    """

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        if self.nested or request is None:
            return data
        for name, field in self.fields.items():
            value = data.get(name)
            if isinstance(field, BaseModelSerializer) and isinstance(value, dict):
                if not is_visible_pk(request.user, field.Meta.model, value["id"]):
                    data[name] = None
            elif isinstance(field, ManyRelatedField) and isinstance(value, list):
                model = field.child_relation.queryset.model
                data[name] = [item for item in value if is_visible_pk(request.user, model, item["id"])]
        return data


PRIMARY_TAIL = ("description", "owner", "comments", "tags", "custom_fields", "created", "last_updated")


class CheckedReferences:
    """Mixin of the plugin's serializers: a related object named by anything but a plain id (attributes such as
    {"name": ...}, a slug, a string) is first looked up in a savepoint, so a value PostgreSQL cannot compare with
    the column (a NUL byte, a number beyond its range, a list where a number belongs) is a 400 naming the field
    and the value, not a database error (a 500). Plain ids need no such care: Django answers an id beyond the
    column's range as not found."""

    def to_internal_value(self, data):
        if not getattr(self, "nested", False) and isinstance(data, dict):
            errors = {}
            for name, field in self.fields.items():
                value = field.get_value(data)
                if is_reference(field) and value is not empty and not plain_ids(value):
                    error = lookup_error(field, value)
                    if error:
                        errors[name] = [error]
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)


def is_reference(field):
    nested = isinstance(field, BaseModelSerializer) and field.nested
    return not field.read_only and (nested or isinstance(field, (RelatedField, ManyRelatedField)))


def plain_ids(value):
    values = value if isinstance(value, list) else [value]
    return all(item is None or isinstance(item, int) for item in values)


def lookup_error(field, value):
    """What the database makes of looking the value up, when it is an error rather than an answer."""
    try:
        with transaction.atomic():  # a savepoint: the failed lookup must not abort the request's transaction
            field.run_validation(value)
    except (DatabaseError, TypeError, ValueError):
        return f"{value!r} cannot identify an object: a value does not fit the column it is compared with"
    except (serializers.ValidationError, DjangoValidationError):
        pass  # an answer (not found, wrong type): the field gives it in its own words
    return None


class EgovPrimaryModelSerializer(CheckedReferences, VisibleRelationsMixin, PrimaryModelSerializer):
    pass


class EgovModelSerializer(CheckedReferences, VisibleRelationsMixin, NetBoxModelSerializer):
    pass


def many(model, serializer):
    return SerializedPKRelatedField(queryset=model.objects.all(), serializer=serializer, nested=True,
                                    required=False, many=True)


def optional(serializer):
    return serializer(nested=True, required=False, allow_null=True, default=None)


class BackboneLinkSerializer(EgovPrimaryModelSerializer):
    site_a = SiteSerializer(nested=True)
    site_b = SiteSerializer(nested=True)
    medium = ChoiceField(choices=choices.LinkMediumChoices)
    status = ChoiceField(choices=choices.LinkStatusChoices, required=False)
    circuit = optional(CircuitSerializer)
    cable = optional(CableSerializer)

    class Meta:
        model = models.BackboneLink
        fields = ("id", "url", "display_url", "display", "name", "site_a", "site_b", "medium", "capacity_mbps",
                  "status", "circuit", "cable", "redundancy_group", *PRIMARY_TAIL)
        brief_fields = ("id", "url", "display", "name", "status", "description")


class InformationSystemSerializer(EgovPrimaryModelSerializer):
    tenant = TenantSerializer(nested=True)
    site = SiteSerializer(nested=True)
    devices = many(Device, DeviceSerializer)
    virtual_machines = many(VirtualMachine, VirtualMachineSerializer)
    domain_names = serializers.ListField(child=serializers.CharField(max_length=253), required=False)
    criticality = ChoiceField(choices=choices.CriticalityChoices, required=False)
    hosted_in_data_center = serializers.BooleanField(read_only=True)
    covered_by_dr_plan = serializers.BooleanField(read_only=True)

    class Meta:
        model = models.InformationSystem
        fields = ("id", "url", "display_url", "display", "name", "tenant", "site", "devices", "virtual_machines",
                  "domain_names", "criticality", "hosted_in_data_center", "covered_by_dr_plan", *PRIMARY_TAIL)
        brief_fields = ("id", "url", "display", "name", "description")


class DRPlanSerializer(EgovPrimaryModelSerializer):
    primary_site = SiteSerializer(nested=True)
    dr_site = SiteSerializer(nested=True)
    status = ChoiceField(choices=choices.DRPlanStatusChoices, required=False)
    last_drill_result = ChoiceField(choices=choices.DrillResultChoices, allow_blank=True, required=False)
    replication_circuits = many(Circuit, CircuitSerializer)
    replication_links = many(models.BackboneLink, BackboneLinkSerializer)
    information_systems = many(models.InformationSystem, InformationSystemSerializer)

    class Meta:
        model = models.DRPlan
        fields = ("id", "url", "display_url", "display", "name", "primary_site", "dr_site", "status", "rpo_minutes",
                  "rto_minutes", "replication_circuits", "replication_links", "information_systems",
                  "last_drill_date", "last_drill_result", "next_drill_due", *PRIMARY_TAIL)
        brief_fields = ("id", "url", "display", "name", "status", "description")


class PublicIPAllocationSerializer(EgovPrimaryModelSerializer):
    tenant = TenantSerializer(nested=True)
    prefix = optional(PrefixSerializer)
    ip_range = optional(IPRangeSerializer)
    information_system = optional(InformationSystemSerializer)
    status = ChoiceField(choices=choices.AllocationStatusChoices, required=False)
    approver = optional(UserSerializer)

    class Meta:
        model = models.PublicIPAllocation
        fields = ("id", "url", "display_url", "display", "tenant", "prefix", "ip_range", "purpose",
                  "information_system", "status", "approver", "requested_on", "decided_on", *PRIMARY_TAIL)
        brief_fields = ("id", "url", "display", "status", "description")


class UplinkSerializer(EgovPrimaryModelSerializer):
    circuit = CircuitSerializer(nested=True)
    announced_prefixes = many(Prefix, PrefixSerializer)

    class Meta:
        model = models.Uplink
        fields = ("id", "url", "display_url", "display", "name", "circuit", "capacity_mbps", "announced_prefixes",
                  *PRIMARY_TAIL)
        brief_fields = ("id", "url", "display", "name", "description")


class UplinkAssignmentSerializer(EgovModelSerializer):
    uplink = UplinkSerializer(nested=True)
    tenant = TenantSerializer(nested=True)
    role = ChoiceField(choices=choices.EgressRoleChoices, required=False)

    class Meta:
        model = models.UplinkAssignment
        fields = ("id", "url", "display_url", "display", "uplink", "tenant", "role", "tags", "custom_fields",
                  "created", "last_updated")
        brief_fields = ("id", "url", "display", "role")


class SecuritySystemSerializer(EgovPrimaryModelSerializer):
    kind = ChoiceField(choices=choices.SecuritySystemKindChoices)
    device = optional(DeviceSerializer)
    virtual_machine = optional(VirtualMachineSerializer)
    protected_sites = many(Site, SiteSerializer)
    protected_prefixes = many(Prefix, PrefixSerializer)

    class Meta:
        model = models.SecuritySystem
        fields = ("id", "url", "display_url", "display", "name", "kind", "device", "virtual_machine",
                  "protected_sites", "protected_prefixes", *PRIMARY_TAIL)
        brief_fields = ("id", "url", "display", "name", "description")


class SecurityAssessmentSerializer(EgovPrimaryModelSerializer):
    information_system = InformationSystemSerializer(nested=True)
    result = ChoiceField(choices=choices.AssessmentResultChoices)

    class Meta:
        model = models.SecurityAssessment
        fields = ("id", "url", "display_url", "display", "information_system", "assessed_on", "result",
                  "findings_count", "next_due", "assessor", *PRIMARY_TAIL)
        brief_fields = ("id", "url", "display", "result", "description")


class RepositorySerializer(EgovPrimaryModelSerializer):
    content_kind = ChoiceField(choices=choices.RepositoryContentChoices)
    device = optional(DeviceSerializer)
    virtual_machine = optional(VirtualMachineSerializer)

    class Meta:
        model = models.Repository
        fields = ("id", "url", "display_url", "display", "name", "mirror_url", "content_kind", "device",
                  "virtual_machine", *PRIMARY_TAIL)
        brief_fields = ("id", "url", "display", "name", "description")


class ScheduleSerializer(EgovPrimaryModelSerializer):
    weekdays = serializers.ListField(child=serializers.IntegerField(min_value=0, max_value=6))

    class Meta:
        model = models.Schedule
        fields = ("id", "url", "display_url", "display", "name", "time_zone", "weekdays", "start_time", "end_time",
                  *PRIMARY_TAIL)
        brief_fields = ("id", "url", "display", "name", "description")


class BandwidthQuotaSerializer(EgovPrimaryModelSerializer):
    tenant = TenantSerializer(nested=True)
    cap_action = ChoiceField(choices=choices.CapActionChoices, required=False)
    schedule = optional(ScheduleSerializer)
    uplink = optional(UplinkSerializer)
    enforcement_device = optional(DeviceSerializer)
    enforcement_interface = optional(InterfaceSerializer)
    prefixes = many(Prefix, PrefixSerializer)

    class Meta:
        model = models.BandwidthQuota
        fields = ("id", "url", "display_url", "display", "tenant", "guaranteed_down_mbps", "guaranteed_up_mbps",
                  "ceiling_down_mbps", "ceiling_up_mbps", "schedule", "off_hours_ceiling_down_mbps",
                  "off_hours_ceiling_up_mbps", "monthly_cap_gb", "cap_action", "throttled_ceiling_mbps", "priority",
                  "uplink", "enforcement_device", "enforcement_interface", "prefixes", *PRIMARY_TAIL)
        brief_fields = ("id", "url", "display", "description")


class QuotaUsageSerializer(EgovModelSerializer):
    tenant = TenantSerializer(nested=True)
    period = ChoiceField(choices=choices.UsagePeriodChoices)
    state = serializers.CharField(read_only=True)

    class Meta:
        model = models.QuotaUsage
        fields = ("id", "url", "display_url", "display", "tenant", "period", "period_start", "source", "bytes_in",
                  "bytes_out", "samples", "observed_at", "state", "tags", "custom_fields", "created",
                  "last_updated")
        brief_fields = ("id", "url", "display", "period", "period_start")


class QuotaUsageUpsertSerializer(CheckedReferences, serializers.ModelSerializer):
    """One measurement: absolute totals of an agency for a period, as one source saw them at `observed_at`.

    The totals take their bounds from the model's columns: a figure beyond them is refused here, by name."""

    tenant = serializers.SlugRelatedField(slug_field="slug", queryset=Tenant.objects.all(),
                                          help_text="Agency (tenant) slug")
    period = serializers.ChoiceField(choices=choices.UsagePeriodChoices.values())
    source = serializers.CharField(max_length=100, required=False, default="", allow_blank=True)

    class Meta:
        model = models.QuotaUsage
        fields = ("tenant", "period", "period_start", "source", "bytes_in", "bytes_out", "samples", "observed_at")
        # DRF formats {max_value}, then Django's validator fills in the value refused.
        extra_kwargs = {total: {"required": True,
                                "error_messages": {"max_value": "%(show_value)s is more than the column holds "
                                                                "({max_value})."}}
                        for total in ("bytes_in", "bytes_out", "samples")}
        # An existing key is the point of an upsert (it updates the row): no uniqueness check.
        validators = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # An agency the token may not view is answered as one that does not exist.
        request = self.context.get("request")
        if request is not None:
            self.fields["tenant"].queryset = Tenant.objects.restrict(request.user, "view")

    def validate(self, data):
        if data["period"] == choices.UsagePeriodChoices.MONTH and data["period_start"].day != 1:
            raise serializers.ValidationError(
                {"period_start": f"A monthly period starts on the 1st (got {data['period_start']})."}
            )
        return data


class RecommendationSerializer(EgovPrimaryModelSerializer):
    tenant = TenantSerializer(nested=True)
    kind = ChoiceField(choices=choices.RecommendationKindChoices)
    status = ChoiceField(choices=choices.RecommendationStatusChoices, read_only=True)
    current_status = serializers.CharField(read_only=True)
    decided_by = UserSerializer(nested=True, read_only=True)

    class Meta:
        model = models.Recommendation
        fields = ("id", "url", "display_url", "display", "tenant", "title", "kind", "justification", "status",
                  "current_status", "submitted_on", "decided_by", "decided_on", "valid_until", "rejection_reason",
                  *PRIMARY_TAIL)
        brief_fields = ("id", "url", "display", "title", "status", "description")


class RecommendationItemSerializer(EgovModelSerializer):
    recommendation = RecommendationSerializer(nested=True)
    device = optional(DeviceSerializer)
    device_type = optional(DeviceTypeSerializer)
    site = optional(SiteSerializer)

    class Meta:
        model = models.RecommendationItem
        fields = ("id", "url", "display_url", "display", "recommendation", "device", "device_type", "site",
                  "quantity", "description", "tags", "custom_fields", "created", "last_updated")
        brief_fields = ("id", "url", "display", "quantity", "description")


class RecommendationDecisionSerializer(serializers.Serializer):
    """Body of approve (valid_until) and reject (reason); submit takes none."""

    valid_until = serializers.DateField(required=False)
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class LabelSchemeSerializer(EgovPrimaryModelSerializer):
    class Meta:
        model = models.LabelScheme
        fields = ("id", "url", "display_url", "display", "name", "template", "max_length", "allowed_characters",
                  "active", *PRIMARY_TAIL)
        brief_fields = ("id", "url", "display", "name", "description")



class DomainListSerializer(EgovPrimaryModelSerializer):
    category = ChoiceField(choices=choices.DomainCategoryChoices)
    source = ChoiceField(choices=choices.DomainSourceChoices, required=False)
    feed_status = ChoiceField(choices=choices.FeedStatusChoices, read_only=True)

    class Meta:
        model = models.DomainList
        fields = ("id", "url", "display_url", "display", "name", "category", "source", "feed_url", "refresh_hours",
                  "max_shrink_percent", "domain_count", "content_hash", "bad_line_count", "bad_lines", "feed_status",
                  "last_attempt", "last_success", "last_error", *PRIMARY_TAIL)
        brief_fields = ("id", "url", "display", "name", "category", "domain_count", "description")


class DomainEntriesSerializer(serializers.Serializer):
    """Body of POST domain-lists/<id>/entries/: domains in the TrustPositif text format."""

    mode = ChoiceField(choices=choices.EntriesModeChoices, default=choices.EntriesModeChoices.ADD)
    text = serializers.CharField(allow_blank=True, trim_whitespace=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A NUL byte in a pasted list makes that line a bad line (reported by number), not the request.
        text = self.fields["text"]
        text.validators = [v for v in text.validators if not isinstance(v, ProhibitNullCharactersValidator)]


class FilterPolicySerializer(EgovPrimaryModelSerializer):
    blocked_lists = SerializedPKRelatedField(queryset=models.DomainList.objects.all(), serializer=DomainListSerializer,
                                             nested=True, many=True)
    allowed_lists = many(models.DomainList, DomainListSerializer)
    tenants = many(Tenant, TenantSerializer)
    exempt_tenants = many(Tenant, TenantSerializer)
    schedule = optional(ScheduleSerializer)

    class Meta:
        model = models.FilterPolicy
        fields = ("id", "url", "display_url", "display", "name", "enabled", "blocked_lists", "allowed_lists",
                  "tenants", "exempt_tenants", "schedule", *PRIMARY_TAIL)
        brief_fields = ("id", "url", "display", "name", "enabled", "description")

    def validate(self, data):
        data = super().validate(data)

        def chosen(field):
            if field in data:
                return data[field]
            return list(getattr(self.instance, field).all()) if self.instance else []

        try:
            models.FilterPolicy.check_relations(*(chosen(field) for field in (
                "blocked_lists", "allowed_lists", "tenants", "exempt_tenants")))
        except DjangoValidationError as refusal:
            raise serializers.ValidationError(refusal.message_dict) from refusal
        return data


class PushSerializer(EgovModelSerializer):
    """A push: asked for with {"gateway": <device id>, "mode": "preview"|"apply"}; the rest is its record."""

    gateway = DeviceSerializer(nested=True)
    mode = ChoiceField(choices=choices.PushModeChoices, required=False)
    trigger = ChoiceField(choices=choices.PushTriggerChoices, read_only=True)
    status = ChoiceField(choices=choices.PushStatusChoices, read_only=True)
    requested_by = UserSerializer(nested=True, read_only=True)
    tenants = TenantSerializer(nested=True, many=True, read_only=True)
    job = serializers.PrimaryKeyRelatedField(read_only=True)  # the job's id (GET /api/core/jobs/<id>/)

    class Meta:
        model = models.Push
        fields = ("id", "url", "display_url", "display", "gateway", "gateway_name", "mode", "trigger", "reason",
                  "status", "requested_by", "tenants", "job", "started", "completed", "hosts", "diff", "log",
                  "tags", "custom_fields", "created", "last_updated")
        read_only_fields = ("gateway_name", "reason", "started", "completed", "hosts", "diff", "log")
        brief_fields = ("id", "url", "display", "gateway_name", "mode", "status")

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        if request is not None and isinstance(data.get("tenants"), list):  # the agencies the reader may view
            data["tenants"] = [item for item in data["tenants"] if is_visible_pk(request.user, Tenant, item["id"])]
        if request is not None and not may_read_details(request.user, instance):
            data.update(reason="", hosts={}, diff="", log="")  # they carry other agencies' settings
        return data


class FindingSerializer(EgovModelSerializer):
    """A finding: what it says is the collectors' (POST findings/report/); a person writes its status and note."""

    device = DeviceSerializer(nested=True, read_only=True)
    interface = InterfaceSerializer(nested=True, read_only=True)
    far_interface = InterfaceSerializer(nested=True, read_only=True)
    kind = ChoiceField(choices=choices.FindingKindChoices, read_only=True)
    status = ChoiceField(choices=choices.FindingStatusChoices, required=False)

    class Meta:
        model = models.Finding
        fields = ("id", "url", "display_url", "display", "device", "interface", "far_interface", "kind", "subject",
                  "netbox_says", "device_says", "first_seen", "last_seen", "status", "note", "resolved_at", "tags",
                  "custom_fields", "created", "last_updated")
        read_only_fields = ("subject", "netbox_says", "device_says", "first_seen", "last_seen", "resolved_at")
        brief_fields = ("id", "url", "display", "kind", "subject", "status")


# Ids PostgreSQL's bigint holds: a larger one is refused by name, not passed to the database.
LARGEST_ID = 2**63 - 1


def object_id(**kwargs):
    return serializers.IntegerField(min_value=1, max_value=LARGEST_ID, **kwargs)


class OffsetDateTimeField(serializers.DateTimeField):
    """An ISO 8601 date and time with its UTC offset: a time without one could be any of 24 hours."""

    def to_internal_value(self, value):
        try:
            parsed = parse_datetime(value) if isinstance(value, str) else None
        except ValueError:
            parsed = None
        if parsed is None:
            raise serializers.ValidationError(f"{value!r} is not an ISO 8601 date and time")
        if parsed.utcoffset() is None:
            raise serializers.ValidationError(f"{value!r} has no UTC offset (e.g. +07:00 or Z)")
        if offset := datetimes.offset_out_of_range(parsed):
            raise serializers.ValidationError(
                f"{value!r} has a UTC offset of {offset}; offsets run from {datetimes.OFFSET_RANGE}")
        return super().to_internal_value(value)


class FindingReportItemSerializer(serializers.Serializer):
    """One difference the device showed: the key (kind, subject) and what each side says."""

    kind = ChoiceField(choices=choices.FindingKindChoices)
    subject = serializers.CharField(max_length=100, allow_blank=True, default="",
                                    help_text="The interface as NetBox names it; empty for the device itself")
    interface = object_id(allow_null=True, default=None, help_text="The interface's id in NetBox, if it has one")
    far_interface = object_id(allow_null=True, default=None,
                              help_text="Links: the id of the interface at the far end, if NetBox has it")
    netbox_says = serializers.CharField(max_length=255, allow_blank=True, default="")
    device_says = serializers.CharField(max_length=255, allow_blank=True, default="")


class FindingReportSerializer(serializers.Serializer):
    """Every difference seen on one device at one time; `complete` when the run read everything it compares."""

    # When a device can have been read: a report from the future (beyond a clock's drift) or from before the
    # network was documented would pin or date its findings wrongly.
    EARLIEST = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
    DRIFT = datetime.timedelta(hours=1)

    device = object_id(help_text="The device's id")
    complete = serializers.BooleanField(help_text="True: findings of the device not listed are resolved")
    observed_at = OffsetDateTimeField(help_text="When the device was read (ISO 8601 with a UTC offset), between "
                                                "2000 and an hour from now")
    # Far more than a device has (a 48-port switch with every kind on every port has under 300), far less than
    # NetBox's request size limit (DATA_UPLOAD_MAX_MEMORY_SIZE, 2.5 MB by default) holds.
    findings = serializers.ListField(child=FindingReportItemSerializer(), allow_empty=True, max_length=2000)

    def validate_observed_at(self, value):
        if not self.EARLIEST <= value <= timezone.now() + self.DRIFT:
            raise serializers.ValidationError(f"{value.isoformat()} is not a time a device was read: give a time "
                                              "between 2000 and an hour from now")
        return value


class FindingReportResultSerializer(serializers.Serializer):
    """How many findings of the device the report created, updated, reopened, resolved or left unchanged."""

    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    reopened = serializers.IntegerField()
    resolved = serializers.IntegerField()
    unchanged = serializers.IntegerField()


class FindingAcceptResultSerializer(serializers.Serializer):
    """The finding, resolved, and the object its acceptance changed (or created, for a cable)."""

    finding = FindingSerializer()
    changed = serializers.DictField(help_text="object_type, id, url, display of the object changed, and a "
                                              "summary of the change")


class PrometheusTargetGroupSerializer(serializers.Serializer):
    """A Prometheus HTTP SD target group, for the schema: api/sd.py builds the JSON itself (logic.prometheus_sd),
    as a serializer per device would cost more than the query at thousands of devices."""

    targets = serializers.ListField(child=serializers.CharField())
    labels = serializers.DictField(child=serializers.CharField())
