"""FilterSets of the registry models (REST API, GraphQL and list views)."""

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from circuits.models import Circuit
from dcim.filtersets import DeviceFilterSet
from dcim.models import Device, Interface, Site
from netbox.filtersets import NetBoxModelFilterSet, PrimaryModelFilterSet
from tenancy.models import Tenant
from users.models import User
from utilities.filters import MultiValueDateTimeFilter, multivalue_field_factory
from utilities.filtersets import register_filterset

from . import choices, models
from .logic import datetimes, domains
from .site_filter.storage import lists_blocking

__all__ = (
    "DomainListFilterSet",
    "FilterPolicyFilterSet",
    "FindingFilterSet",
    "LabelSchemeFilterSet",
    "RecommendationFilterSet",
    "RecommendationItemFilterSet",
    "BandwidthQuotaFilterSet",
    "QuotaUsageFilterSet",
    "PushFilterSet",
    "ScheduleFilterSet",
    "BackboneLinkFilterSet",
    "DRPlanFilterSet",
    "InformationSystemFilterSet",
    "PublicIPAllocationFilterSet",
    "RepositoryFilterSet",
    "SecurityAssessmentFilterSet",
    "SecuritySystemFilterSet",
    "UplinkAssignmentFilterSet",
    "UplinkFilterSet",
    "DeviceTargetFilterSet",
)


class PostgresDateTimeField(forms.DateTimeField):
    """A date and time, refused with a clear error when PostgreSQL could not compare it (logic.datetimes)."""

    def to_python(self, value):
        parsed = super().to_python(value)
        offset = datetimes.offset_out_of_range(parsed) if parsed is not None else None
        if offset:
            raise ValidationError(
                _("{value!r} has a UTC offset of {offset}; offsets run from {range}.").format(
                    value=value, offset=offset, range=datetimes.OFFSET_RANGE),
                code="offset",
            )
        return parsed


class EgovFilterSetMixin:
    """What every filterset of the plugin shares: date-time filters PostgreSQL can always answer.

    NetBox builds the date-time filters and their lookups (created__gte, ...) in get_filters(); each gets
    the checking field here, so a bad value is a 400 naming the parameter, not a database error.
    """

    @classmethod
    def get_filters(cls):
        filters = super().get_filters()
        for datetime_filter in filters.values():
            if isinstance(datetime_filter, MultiValueDateTimeFilter):
                datetime_filter.field_class = MultiValuePostgresDateTimeField
        return filters


MultiValuePostgresDateTimeField = multivalue_field_factory(PostgresDateTimeField)


class EgovPrimaryFilterSet(EgovFilterSetMixin, PrimaryModelFilterSet):
    pass


class EgovFilterSet(EgovFilterSetMixin, NetBoxModelFilterSet):
    pass


class DeviceTargetFilterSet(EgovFilterSetMixin, DeviceFilterSet):
    """Core's device filters for the Prometheus targets (api/sd.py), with date-time filters PostgreSQL can
    answer. Not registered: core's DeviceFilterSet stays the devices' filterset everywhere else."""


def by_id_and_key(field, model, key="slug", label=""):
    """The usual pair of filters on a related object: `<field>_id` and `<field>` by its natural key."""
    return (
        django_filters.ModelMultipleChoiceFilter(field_name=field, queryset=model.objects.all(),
                                                 label=f"{label} (ID)"),
        django_filters.ModelMultipleChoiceFilter(field_name=f"{field}__{key}", queryset=model.objects.all(),
                                                 to_field_name=key, label=f"{label} ({key})"),
    )


def choice_filter(choice_set):
    """A filter on a choice field; as in core, `null` is a value like any other (no lookup given None)."""
    return django_filters.MultipleChoiceFilter(choices=choice_set, null_value=None)


def validate_domain(value):
    try:
        domains.normalise(value)
    except ValueError as why:
        raise ValidationError(_("{value} is not a domain name: {why}").format(value=value, why=why)) from why


def search_fields(queryset, value, *fields):
    if not value.strip():
        return queryset
    query = Q()
    for field in fields:
        query |= Q(**{f"{field}__icontains": value})
    return queryset.filter(query)


@register_filterset
class BackboneLinkFilterSet(EgovPrimaryFilterSet):
    site_a_id, site_a = by_id_and_key("site_a", Site, label=_("Site A"))
    site_b_id, site_b = by_id_and_key("site_b", Site, label=_("Site B"))
    site_id = django_filters.ModelMultipleChoiceFilter(
        queryset=Site.objects.all(), method="filter_either_end", label=_("Either site (ID)")
    )
    tenant_id = django_filters.ModelMultipleChoiceFilter(
        queryset=Tenant.objects.all(), method="filter_agency", label=_("Agency at either end (ID)")
    )
    circuit_id, circuit = by_id_and_key("circuit", Circuit, key="cid", label=_("Circuit"))
    medium = choice_filter(choices.LinkMediumChoices)
    status = choice_filter(choices.LinkStatusChoices)

    class Meta:
        model = models.BackboneLink
        fields = ("id", "name", "capacity_mbps", "redundancy_group", "cable_id", "description")

    def search(self, queryset, name, value):
        return search_fields(queryset, value, "name", "site_a__name", "site_b__name", "redundancy_group",
                             "description")

    def filter_either_end(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(Q(site_a__in=value) | Q(site_b__in=value))

    def filter_agency(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(Q(site_a__tenant__in=value) | Q(site_b__tenant__in=value))


@register_filterset
class DRPlanFilterSet(EgovPrimaryFilterSet):
    primary_site_id, primary_site = by_id_and_key("primary_site", Site, label=_("Primary site"))
    dr_site_id, dr_site = by_id_and_key("dr_site", Site, label=_("Disaster-recovery site"))
    site_id = django_filters.ModelMultipleChoiceFilter(
        queryset=Site.objects.all(), method="filter_either_site", label=_("Primary or DR site (ID)")
    )
    status = choice_filter(choices.DRPlanStatusChoices)
    last_drill_result = choice_filter(choices.DrillResultChoices)
    information_system_id = django_filters.ModelMultipleChoiceFilter(
        field_name="information_systems", queryset=models.InformationSystem.objects.all(),
        label=_("Information system (ID)"),
    )

    class Meta:
        model = models.DRPlan
        fields = ("id", "name", "rpo_minutes", "rto_minutes", "last_drill_date", "next_drill_due", "description")

    def search(self, queryset, name, value):
        return search_fields(queryset, value, "name", "primary_site__name", "dr_site__name", "description")

    def filter_either_site(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(Q(primary_site__in=value) | Q(dr_site__in=value))


@register_filterset
class InformationSystemFilterSet(EgovPrimaryFilterSet):
    tenant_id, tenant = by_id_and_key("tenant", Tenant, label=_("Owner agency"))
    site_id, site = by_id_and_key("site", Site, label=_("Site"))
    device_id = django_filters.ModelMultipleChoiceFilter(
        field_name="devices", queryset=Device.objects.all(), label=_("Hosting device (ID)")
    )
    dr_plan_id = django_filters.ModelMultipleChoiceFilter(
        field_name="dr_plans", queryset=models.DRPlan.objects.all(), label=_("DR plan (ID)")
    )
    criticality = choice_filter(choices.CriticalityChoices)
    domain_name = django_filters.CharFilter(method="filter_domain_name", label=_("Domain name"))
    in_data_center = django_filters.BooleanFilter(method="filter_in_data_center",
                                                  label=_("Hosted in the data center"))
    dr_covered = django_filters.BooleanFilter(method="filter_dr_covered", label=_("Covered by an active DR plan"))

    class Meta:
        model = models.InformationSystem
        fields = ("id", "name", "description")

    def search(self, queryset, name, value):
        by_text = search_fields(queryset, value, "name", "tenant__name", "description")
        if not value.strip():
            return by_text
        return by_text | queryset.filter(domain_names__contains=[value.strip().lower()])

    def filter_domain_name(self, queryset, name, value):
        return queryset.filter(domain_names__contains=[value.lower()])

    def filter_in_data_center(self, queryset, name, value):
        if value is None:
            return queryset
        condition = models.InformationSystem.in_data_center_condition()
        return queryset.filter(condition if value else ~condition)

    def filter_dr_covered(self, queryset, name, value):
        if value is None:
            return queryset
        condition = models.InformationSystem.dr_covered_condition()
        return queryset.filter(condition if value else ~condition)


@register_filterset
class PublicIPAllocationFilterSet(EgovPrimaryFilterSet):
    tenant_id, tenant = by_id_and_key("tenant", Tenant, label=_("Agency"))
    status = choice_filter(choices.AllocationStatusChoices)
    information_system_id = django_filters.ModelMultipleChoiceFilter(
        queryset=models.InformationSystem.objects.all(), label=_("Information system (ID)")
    )

    class Meta:
        model = models.PublicIPAllocation
        fields = ("id", "purpose", "prefix_id", "ip_range_id", "requested_on", "decided_on", "description")

    def search(self, queryset, name, value):
        return search_fields(queryset, value, "purpose", "tenant__name", "description")


@register_filterset
class UplinkFilterSet(EgovPrimaryFilterSet):
    circuit_id, circuit = by_id_and_key("circuit", Circuit, key="cid", label=_("Circuit"))
    tenant_id = django_filters.ModelMultipleChoiceFilter(
        field_name="assignments__tenant", queryset=Tenant.objects.all(), label=_("Agency egressing (ID)")
    )

    class Meta:
        model = models.Uplink
        fields = ("id", "name", "capacity_mbps", "description")

    def search(self, queryset, name, value):
        return search_fields(queryset, value, "name", "circuit__cid", "description")


@register_filterset
class UplinkAssignmentFilterSet(EgovFilterSet):
    uplink_id, uplink = by_id_and_key("uplink", models.Uplink, key="name", label=_("Uplink"))
    tenant_id, tenant = by_id_and_key("tenant", Tenant, label=_("Agency"))
    role = choice_filter(choices.EgressRoleChoices)

    class Meta:
        model = models.UplinkAssignment
        fields = ("id",)

    def search(self, queryset, name, value):
        return search_fields(queryset, value, "uplink__name", "tenant__name")


@register_filterset
class SecuritySystemFilterSet(EgovPrimaryFilterSet):
    kind = choice_filter(choices.SecuritySystemKindChoices)
    device_id, device = by_id_and_key("device", Device, key="name", label=_("Device"))
    protected_site_id = django_filters.ModelMultipleChoiceFilter(
        field_name="protected_sites", queryset=Site.objects.all(), label=_("Protected site (ID)")
    )

    class Meta:
        model = models.SecuritySystem
        fields = ("id", "name", "virtual_machine_id", "description")

    def search(self, queryset, name, value):
        return search_fields(queryset, value, "name", "device__name", "description")


@register_filterset
class SecurityAssessmentFilterSet(EgovPrimaryFilterSet):
    information_system_id, information_system = by_id_and_key(
        "information_system", models.InformationSystem, key="name", label=_("Information system")
    )
    result = choice_filter(choices.AssessmentResultChoices)

    class Meta:
        model = models.SecurityAssessment
        fields = ("id", "assessed_on", "findings_count", "next_due", "assessor", "description")

    def search(self, queryset, name, value):
        return search_fields(queryset, value, "information_system__name", "assessor", "description")


@register_filterset
class RepositoryFilterSet(EgovPrimaryFilterSet):
    content_kind = choice_filter(choices.RepositoryContentChoices)
    device_id, device = by_id_and_key("device", Device, key="name", label=_("Device"))

    class Meta:
        model = models.Repository
        fields = ("id", "name", "mirror_url", "virtual_machine_id", "description")

    def search(self, queryset, name, value):
        return search_fields(queryset, value, "name", "mirror_url", "description")


@register_filterset
class ScheduleFilterSet(EgovPrimaryFilterSet):
    class Meta:
        model = models.Schedule
        fields = ("id", "name", "time_zone", "start_time", "end_time", "description")

    def search(self, queryset, name, value):
        return search_fields(queryset, value, "name", "description")


@register_filterset
class BandwidthQuotaFilterSet(EgovPrimaryFilterSet):
    tenant_id, tenant = by_id_and_key("tenant", Tenant, label=_("Agency"))
    uplink_id, uplink = by_id_and_key("uplink", models.Uplink, key="name", label=_("Uplink"))
    enforcement_device_id, enforcement_device = by_id_and_key("enforcement_device", Device, key="name",
                                                              label=_("Enforcement device"))
    cap_action = choice_filter(choices.CapActionChoices)

    class Meta:
        model = models.BandwidthQuota
        fields = ("id", "priority", "monthly_cap_gb", "guaranteed_down_mbps", "ceiling_down_mbps",
                  "enforcement_interface_id", "schedule_id", "description")

    def search(self, queryset, name, value):
        return search_fields(queryset, value, "tenant__name", "description")


@register_filterset
class QuotaUsageFilterSet(EgovFilterSet):
    tenant_id, tenant = by_id_and_key("tenant", Tenant, label=_("Agency"))
    period = choice_filter(choices.UsagePeriodChoices)

    class Meta:
        model = models.QuotaUsage
        fields = ("id", "period_start", "source", "observed_at")

    def search(self, queryset, name, value):
        return search_fields(queryset, value, "tenant__name", "source")


@register_filterset
class RecommendationFilterSet(EgovPrimaryFilterSet):
    tenant_id, tenant = by_id_and_key("tenant", Tenant, label=_("Agency"))
    kind = choice_filter(choices.RecommendationKindChoices)
    status = choice_filter(choices.RecommendationStatusChoices)

    class Meta:
        model = models.Recommendation
        fields = ("id", "title", "submitted_on", "decided_on", "valid_until", "description")

    def search(self, queryset, name, value):
        return search_fields(queryset, value, "title", "justification", "tenant__name", "description")


@register_filterset
class RecommendationItemFilterSet(EgovFilterSet):
    recommendation_id = django_filters.ModelMultipleChoiceFilter(
        queryset=models.Recommendation.objects.all(), label=_("Recommendation (ID)")
    )
    device_id, device = by_id_and_key("device", Device, key="name", label=_("Device"))

    class Meta:
        model = models.RecommendationItem
        fields = ("id", "quantity", "device_type_id", "site_id", "description")

    def search(self, queryset, name, value):
        return search_fields(queryset, value, "description", "device__name", "recommendation__title")


@register_filterset
class LabelSchemeFilterSet(EgovPrimaryFilterSet):
    class Meta:
        model = models.LabelScheme
        fields = ("id", "name", "active", "max_length", "description")

    def search(self, queryset, name, value):
        return search_fields(queryset, value, "name", "template", "description")



@register_filterset
class DomainListFilterSet(EgovPrimaryFilterSet):
    category = choice_filter(choices.DomainCategoryChoices)
    source = choice_filter(choices.DomainSourceChoices)
    feed_status = choice_filter(choices.FeedStatusChoices)
    blocks = django_filters.CharFilter(method="filter_blocks", label=_("Holds this domain or a parent zone"),
                                       validators=[validate_domain])

    class Meta:
        model = models.DomainList
        fields = ("id", "name", "feed_url", "refresh_hours", "domain_count", "last_success", "description")

    def search(self, queryset, name, value):
        return search_fields(queryset, value, "name", "feed_url", "description")

    def filter_blocks(self, queryset, name, value):
        """Answers "why is this site blocked?": the lists holding the name or one of its parent zones."""
        return queryset.filter(pk__in=lists_blocking(queryset, domains.normalise(value)))


@register_filterset
class FilterPolicyFilterSet(EgovPrimaryFilterSet):
    domain_list_id = django_filters.ModelMultipleChoiceFilter(
        queryset=models.DomainList.objects.all(), method="filter_domain_list", label=_("Blocked or allowed list (ID)")
    )
    tenant_id = django_filters.ModelMultipleChoiceFilter(
        queryset=Tenant.objects.all(), method="filter_tenant",
        label=_("Agency the policy covers (ID); policies for every agency included"),
    )
    schedule_id, schedule = by_id_and_key("schedule", models.Schedule, key="name", label=_("Schedule"))

    class Meta:
        model = models.FilterPolicy
        fields = ("id", "name", "enabled", "description")

    def search(self, queryset, name, value):
        return search_fields(queryset, value, "name", "description")

    def filter_domain_list(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(Q(blocked_lists__in=value) | Q(allowed_lists__in=value)).distinct()

    def filter_tenant(self, queryset, name, value):
        if not value:
            return queryset
        covering = Q(tenants__in=value) | Q(tenants__isnull=True)
        return queryset.filter(covering).exclude(exempt_tenants__in=value).distinct()


@register_filterset
class PushFilterSet(EgovFilterSet):
    gateway_id, gateway = by_id_and_key("gateway", Device, key="name", label=_("Gateway"))
    tenant_id, tenant = by_id_and_key("tenants", Tenant, label=_("Agency"))
    mode = choice_filter(choices.PushModeChoices)
    trigger = choice_filter(choices.PushTriggerChoices)
    status = choice_filter(choices.PushStatusChoices)
    requested_by_id = django_filters.ModelMultipleChoiceFilter(queryset=User.objects.all(),
                                                               label=_("Requested by (ID)"))

    class Meta:
        model = models.Push
        fields = ("id", "gateway_name", "started", "completed")

    def search(self, queryset, name, value):
        return search_fields(queryset, value, "gateway_name", "reason")


@register_filterset
class FindingFilterSet(EgovFilterSet):
    device_id, device = by_id_and_key("device", Device, key="name", label=_("Device"))
    # The agency and office through the device: a finding is the device's.
    tenant_id, tenant = by_id_and_key("device__tenant", Tenant, label=_("Agency"))
    site_id, site = by_id_and_key("device__site", Site, label=_("Site"))
    interface_id = django_filters.ModelMultipleChoiceFilter(field_name="interface", queryset=Interface.objects.all(),
                                                            label=_("Interface (ID)"))
    far_interface_id = django_filters.ModelMultipleChoiceFilter(
        field_name="far_interface", queryset=Interface.objects.all(), label=_("Far interface (ID)"))
    kind = choice_filter(choices.FindingKindChoices)
    status = choice_filter(choices.FindingStatusChoices)

    class Meta:
        model = models.Finding
        fields = ("id", "subject", "netbox_says", "device_says", "first_seen", "last_seen", "resolved_at")

    def search(self, queryset, name, value):
        return search_fields(queryset, value, "device__name", "subject", "netbox_says", "device_says", "note")
