"""The Pasal 10 policies: bandwidth quotas per agency and the usage the collectors measure."""

from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from netbox.models import NetBoxModel, PrimaryModel

from ..choices import CapActionChoices, QuotaStateChoices, UsagePeriodChoices, WeekdayChoices
from ..logic import quota as arithmetic


class Schedule(PrimaryModel):
    """Days and hours a rule applies, e.g. office hours in Asia/Jakarta (shared by quotas and filter policies)."""

    name = models.CharField(verbose_name=_("name"), max_length=100, unique=True)
    time_zone = models.CharField(verbose_name=_("time zone"), max_length=64, default="Asia/Jakarta")
    weekdays = ArrayField(
        models.PositiveSmallIntegerField(choices=WeekdayChoices, validators=[MaxValueValidator(6)]),
        verbose_name=_("weekdays"), default=list, help_text=_("0 = Monday ... 6 = Sunday"),
    )
    start_time = models.TimeField(verbose_name=_("start time"))
    end_time = models.TimeField(verbose_name=_("end time"))

    class Meta:
        ordering = ("name",)
        verbose_name = _("schedule")
        verbose_name_plural = _("schedules")

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if self.start_time and self.end_time and self.end_time <= self.start_time:
            raise ValidationError({
                "end_time": _("The end ({end}) must come after the start ({start}).").format(
                    end=self.end_time, start=self.start_time
                )
            })
        if not self.weekdays:
            raise ValidationError({"weekdays": _("Choose at least one weekday.")})


class BandwidthQuota(PrimaryModel):
    """An agency's bandwidth quota, set by the Dinas (Pasal 10(2)), and where it is enforced."""

    tenant = models.OneToOneField(
        "tenancy.Tenant", verbose_name=_("agency"), on_delete=models.CASCADE, related_name="bandwidth_quota"
    )
    guaranteed_down_mbps = models.PositiveIntegerField(verbose_name=_("guaranteed download (Mbps)"))
    guaranteed_up_mbps = models.PositiveIntegerField(verbose_name=_("guaranteed upload (Mbps)"))
    ceiling_down_mbps = models.PositiveIntegerField(verbose_name=_("download ceiling (Mbps)"))
    ceiling_up_mbps = models.PositiveIntegerField(verbose_name=_("upload ceiling (Mbps)"))
    schedule = models.ForeignKey(
        Schedule, verbose_name=_("office-hours schedule"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="bandwidth_quotas",
        help_text=_("The rates above apply inside this schedule; the off-hours ceilings outside it."),
    )
    off_hours_ceiling_down_mbps = models.PositiveIntegerField(
        verbose_name=_("off-hours download ceiling (Mbps)"), null=True, blank=True
    )
    off_hours_ceiling_up_mbps = models.PositiveIntegerField(
        verbose_name=_("off-hours upload ceiling (Mbps)"), null=True, blank=True
    )
    monthly_cap_gb = models.PositiveIntegerField(verbose_name=_("monthly volume cap (GB)"), null=True, blank=True)
    cap_action = models.CharField(
        verbose_name=_("when the cap is exceeded"), max_length=30, choices=CapActionChoices,
        default=CapActionChoices.NOTIFY,
    )
    throttled_ceiling_mbps = models.PositiveIntegerField(
        verbose_name=_("throttled ceiling (Mbps)"), null=True, blank=True
    )
    priority = models.PositiveSmallIntegerField(
        verbose_name=_("priority"), default=4, validators=[MinValueValidator(1), MaxValueValidator(8)],
        help_text=_("1 (highest) to 8 (lowest), as in HTB and RouterOS queues"),
    )
    uplink = models.ForeignKey(
        "netbox_egov.Uplink", verbose_name=_("uplink"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="bandwidth_quotas",
    )
    enforcement_device = models.ForeignKey(
        "dcim.Device", verbose_name=_("enforcement device"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="bandwidth_quotas",
    )
    enforcement_interface = models.ForeignKey(
        "dcim.Interface", verbose_name=_("enforcement interface"), on_delete=models.PROTECT, null=True,
        blank=True, related_name="bandwidth_quotas",
    )
    prefixes = models.ManyToManyField(
        "ipam.Prefix", verbose_name=_("agency prefixes"), related_name="bandwidth_quotas", blank=True
    )

    class Meta:
        ordering = ("tenant",)
        verbose_name = _("bandwidth quota")
        verbose_name_plural = _("bandwidth quotas")

    def __str__(self):
        return str(self.tenant) if self.tenant_id else ""

    def get_cap_action_color(self):
        return CapActionChoices.colors.get(self.cap_action)

    def clean(self):
        super().clean()
        self._check_ceilings()
        self._check_cap_action()
        self._check_enforcement_point()
        self._check_capacity_behind_uplink()
        self._check_capacity_of_interface()

    def _check_ceilings(self):
        for direction, label in (("down", _("download")), ("up", _("upload"))):
            guaranteed = getattr(self, f"guaranteed_{direction}_mbps")
            ceiling = getattr(self, f"ceiling_{direction}_mbps")
            if guaranteed is not None and ceiling is not None and ceiling < guaranteed:
                raise ValidationError({
                    f"ceiling_{direction}_mbps": _(
                        "The {direction} ceiling ({ceiling} Mbps) is below the guaranteed rate ({guaranteed} Mbps)."
                    ).format(direction=label, ceiling=ceiling, guaranteed=guaranteed)
                })

    def _check_cap_action(self):
        if self.cap_action == CapActionChoices.THROTTLE and self.monthly_cap_gb and not self.throttled_ceiling_mbps:
            raise ValidationError({
                "throttled_ceiling_mbps": _("Throttling needs the reduced ceiling to throttle to."),
            })

    def _check_enforcement_point(self):
        if self.enforcement_interface_id and self.enforcement_interface.device_id != self.enforcement_device_id:
            raise ValidationError({
                "enforcement_interface": _("Interface {interface} is not on the enforcement device {device}.").format(
                    interface=self.enforcement_interface, device=self.enforcement_device
                )
            })

    def _check_capacity_behind_uplink(self):
        if not self.uplink_id or self.guaranteed_down_mbps is None:
            return
        others = BandwidthQuota.objects.filter(uplink_id=self.uplink_id).exclude(pk=self.pk)
        overcommit = arithmetic.guaranteed_overcommit(
            self.guaranteed_down_mbps, others.values_list("guaranteed_down_mbps", flat=True),
            self.uplink.capacity_mbps,
        )
        if overcommit:
            raise ValidationError({
                "guaranteed_down_mbps": _(
                    "Guaranteed download rates behind uplink {uplink} would total {total} Mbps "
                    "({own} Mbps here), over its capacity of {capacity} Mbps by {excess} Mbps."
                ).format(uplink=self.uplink, total=overcommit.total_mbps, own=self.guaranteed_down_mbps,
                         capacity=overcommit.capacity_mbps, excess=overcommit.excess_mbps)
            })

    def _check_capacity_of_interface(self):
        if not self.enforcement_interface_id or not self.enforcement_interface.speed:
            return
        capacity = self.enforcement_interface.speed // 1000  # NetBox keeps interface speed in kbps
        others = BandwidthQuota.objects.filter(enforcement_interface_id=self.enforcement_interface_id).exclude(
            pk=self.pk
        )
        overcommit = arithmetic.guaranteed_overcommit(
            self.guaranteed_down_mbps, others.values_list("guaranteed_down_mbps", flat=True), capacity
        )
        if overcommit:
            raise ValidationError({
                "guaranteed_down_mbps": _(
                    "Guaranteed download rates on {interface} would total {total} Mbps, over its {capacity} Mbps."
                ).format(interface=self.enforcement_interface, total=overcommit.total_mbps, capacity=capacity)
            })


class QuotaUsage(NetBoxModel):
    """Traffic of one agency in one period as one collector measured it.

    Written through the idempotent upsert (see the API): the key is agency,
    period, period start and source; the totals are absolute, so a retried
    write sets the same numbers again instead of adding them twice. Edits
    made by people (UI, plain API) are change-logged like any object; the
    collectors' upserts are not (see usage.py).
    """

    tenant = models.ForeignKey(
        "tenancy.Tenant", verbose_name=_("agency"), on_delete=models.CASCADE, related_name="quota_usage"
    )
    period = models.CharField(verbose_name=_("period"), max_length=10, choices=UsagePeriodChoices)
    period_start = models.DateField(verbose_name=_("period start"))
    source = models.CharField(
        verbose_name=_("source"), max_length=100, default="", blank=True,
        help_text=_("The collector or gateway that measured it; agencies behind two gateways get two rows."),
    )
    bytes_in = models.PositiveBigIntegerField(verbose_name=_("bytes in"), default=0)
    bytes_out = models.PositiveBigIntegerField(verbose_name=_("bytes out"), default=0)
    samples = models.PositiveIntegerField(verbose_name=_("samples"), default=0)
    observed_at = models.DateTimeField(verbose_name=_("observed at"))

    class Meta:
        ordering = ("-period_start", "tenant", "period", "source")
        verbose_name = _("quota usage")
        verbose_name_plural = _("quota usage")
        constraints = [
            models.UniqueConstraint(
                fields=("tenant", "period", "period_start", "source"), name="netbox_egov_quotausage_unique_key",
                violation_error_message=_("Usage for this agency, period and source exists already."),
            ),
        ]

    def __str__(self):
        return f"{self.tenant} {self.period} {self.period_start}" if self.tenant_id else ""

    @property
    def bytes_total(self):
        return self.bytes_in + self.bytes_out

    @property
    def state(self):
        quota = getattr(self.tenant, "bandwidth_quota", None) if self.tenant_id else None
        cap = arithmetic.period_cap_bytes(quota.monthly_cap_gb if quota else None, self.period, self.period_start)
        return arithmetic.usage_state(self.bytes_total, cap)

    def get_state_display(self):
        return {choice[0]: choice[1] for choice in QuotaStateChoices.CHOICES}[self.state]

    def get_state_color(self):
        return QuotaStateChoices.colors.get(self.state)

    def clean(self):
        super().clean()
        if self.period == UsagePeriodChoices.MONTH and self.period_start and self.period_start.day != 1:
            raise ValidationError({
                "period_start": _("A monthly period starts on the 1st (got {date}).").format(date=self.period_start)
            })
