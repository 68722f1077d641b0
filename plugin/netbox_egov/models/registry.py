"""The Pasal 9 infrastructure registry: what core NetBox lacks, pointing at core objects by key.

Every refused save names the field, the value and the conflicting object.
"""

from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _
from netaddr import IPNetwork, IPRange

from netbox.models import NetBoxModel, PrimaryModel
from netbox.plugins.utils import get_plugin_config

from ..choices import (
    AllocationStatusChoices,
    AssessmentResultChoices,
    CriticalityChoices,
    DrillResultChoices,
    DRPlanStatusChoices,
    EgressRoleChoices,
    LinkMediumChoices,
    LinkStatusChoices,
    RepositoryContentChoices,
    SecuritySystemKindChoices,
)
from ..logic import public_space


def data_center_sites():
    """Sites of the Dinas data centers: the primary and DR sites of active DR plans (Pasal 9(2)a, 14)."""
    from dcim.models import Site

    active = DRPlan.objects.filter(status=DRPlanStatusChoices.ACTIVE)
    return Site.objects.filter(
        models.Q(pk__in=active.values("primary_site")) | models.Q(pk__in=active.values("dr_site"))
    )


class BackboneLink(PrimaryModel):
    """A backbone link between two Sites (Pasal 9(2)b)."""

    name = models.CharField(verbose_name=_("name"), max_length=100, unique=True)
    site_a = models.ForeignKey(
        "dcim.Site", verbose_name=_("site A"), on_delete=models.PROTECT, related_name="backbone_links_a"
    )
    site_b = models.ForeignKey(
        "dcim.Site", verbose_name=_("site B"), on_delete=models.PROTECT, related_name="backbone_links_b"
    )
    medium = models.CharField(verbose_name=_("medium"), max_length=30, choices=LinkMediumChoices)
    capacity_mbps = models.PositiveIntegerField(
        verbose_name=_("capacity (Mbps)"), validators=[MinValueValidator(1)]
    )
    status = models.CharField(
        verbose_name=_("status"), max_length=30, choices=LinkStatusChoices, default=LinkStatusChoices.ACTIVE
    )
    circuit = models.ForeignKey(
        "circuits.Circuit", verbose_name=_("circuit"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="backbone_links",
    )
    cable = models.ForeignKey(
        "dcim.Cable", verbose_name=_("cable"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="backbone_links",
    )
    redundancy_group = models.CharField(verbose_name=_("redundancy group"), max_length=100, blank=True)

    clone_fields = ("site_a", "medium", "capacity_mbps", "status", "redundancy_group")

    class Meta:
        ordering = ("name",)
        verbose_name = _("backbone link")
        verbose_name_plural = _("backbone links")

    def __str__(self):
        return self.name

    def get_status_color(self):
        return LinkStatusChoices.colors.get(self.status)

    def get_medium_color(self):
        return LinkMediumChoices.colors.get(self.medium)

    def clean(self):
        super().clean()
        if self.site_a_id and self.site_a_id == self.site_b_id:
            raise ValidationError({
                "site_b": _("Site B ({site}) must differ from site A: a link joins two sites.").format(
                    site=self.site_b
                )
            })
        if self.capacity_mbps is not None and self.capacity_mbps <= 0:
            raise ValidationError({
                "capacity_mbps": _("Capacity must be greater than 0 Mbps (got {value}).").format(
                    value=self.capacity_mbps
                )
            })
        if self.circuit_id and self.status == LinkStatusChoices.ACTIVE:
            other = (
                BackboneLink.objects.filter(circuit_id=self.circuit_id, status=LinkStatusChoices.ACTIVE)
                .exclude(pk=self.pk)
                .first()
            )
            if other:
                raise ValidationError({
                    "circuit": _("Circuit {circuit} already carries the active backbone link {link}.").format(
                        circuit=self.circuit, link=other
                    )
                })


class DRPlan(PrimaryModel):
    """The primary data center Site paired with its disaster-recovery Site (Pasal 9(2)a)."""

    name = models.CharField(verbose_name=_("name"), max_length=100, unique=True)
    primary_site = models.ForeignKey(
        "dcim.Site", verbose_name=_("primary site"), on_delete=models.PROTECT, related_name="dr_plans_primary"
    )
    dr_site = models.ForeignKey(
        "dcim.Site", verbose_name=_("disaster-recovery site"), on_delete=models.PROTECT,
        related_name="dr_plans_recovery",
    )
    status = models.CharField(
        verbose_name=_("status"), max_length=30, choices=DRPlanStatusChoices, default=DRPlanStatusChoices.DRAFT
    )
    rpo_minutes = models.PositiveIntegerField(verbose_name=_("RPO (minutes)"))
    rto_minutes = models.PositiveIntegerField(verbose_name=_("RTO (minutes)"))
    replication_circuits = models.ManyToManyField(
        "circuits.Circuit", verbose_name=_("replication circuits"), related_name="dr_plans", blank=True
    )
    replication_links = models.ManyToManyField(
        BackboneLink, verbose_name=_("replication links"), related_name="dr_plans", blank=True
    )
    information_systems = models.ManyToManyField(
        "netbox_egov.InformationSystem", verbose_name=_("information systems"), related_name="dr_plans",
        blank=True,
    )
    last_drill_date = models.DateField(verbose_name=_("last drill date"), null=True, blank=True)
    last_drill_result = models.CharField(
        verbose_name=_("last drill result"), max_length=30, choices=DrillResultChoices, blank=True
    )
    next_drill_due = models.DateField(verbose_name=_("next drill due"), null=True, blank=True)

    class Meta:
        ordering = ("name",)
        verbose_name = _("DR plan")
        verbose_name_plural = _("DR plans")

    def __str__(self):
        return self.name

    def get_status_color(self):
        return DRPlanStatusChoices.colors.get(self.status)

    def get_last_drill_result_color(self):
        return DrillResultChoices.colors.get(self.last_drill_result)

    def clean(self):
        super().clean()
        if self.primary_site_id and self.primary_site_id == self.dr_site_id:
            raise ValidationError({
                "dr_site": _("The disaster-recovery site ({site}) must differ from the primary site.").format(
                    site=self.dr_site
                )
            })
        if self.status == DRPlanStatusChoices.ACTIVE and self.primary_site_id:
            other = (
                DRPlan.objects.filter(primary_site_id=self.primary_site_id, status=DRPlanStatusChoices.ACTIVE)
                .exclude(pk=self.pk)
                .first()
            )
            if other:
                raise ValidationError({
                    "status": _("Site {site} already has the active DR plan {plan}; retire it first.").format(
                        site=self.primary_site, plan=other
                    )
                })
        if self.last_drill_result and not self.last_drill_date:
            raise ValidationError({
                "last_drill_date": _("A drill result ({result}) needs the date of the drill.").format(
                    result=self.get_last_drill_result_display()
                )
            })


class InformationSystem(PrimaryModel):
    """An application of the regency and where it runs (Pasal 9(2)g, 14)."""

    name = models.CharField(verbose_name=_("name"), max_length=100, unique=True)
    tenant = models.ForeignKey(
        "tenancy.Tenant", verbose_name=_("owner agency"), on_delete=models.PROTECT,
        related_name="information_systems",
    )
    site = models.ForeignKey(
        "dcim.Site", verbose_name=_("site"), on_delete=models.PROTECT, related_name="information_systems"
    )
    devices = models.ManyToManyField(
        "dcim.Device", verbose_name=_("hosting devices"), related_name="information_systems", blank=True
    )
    virtual_machines = models.ManyToManyField(
        "virtualization.VirtualMachine", verbose_name=_("hosting virtual machines"),
        related_name="information_systems", blank=True,
    )
    domain_names = ArrayField(
        models.CharField(max_length=253), verbose_name=_("domain names"), blank=True, default=list
    )
    criticality = models.CharField(
        verbose_name=_("criticality"), max_length=30, choices=CriticalityChoices, default=CriticalityChoices.MEDIUM
    )

    class Meta:
        ordering = ("name",)
        verbose_name = _("information system")
        verbose_name_plural = _("information systems")

    def __str__(self):
        return self.name

    def get_criticality_color(self):
        return CriticalityChoices.colors.get(self.criticality)

    @property
    def hosted_in_data_center(self):
        if hasattr(self, "in_data_center"):  # annotated by with_placement()
            return self.in_data_center
        return data_center_sites().filter(pk=self.site_id).exists()

    @property
    def covered_by_dr_plan(self):
        if hasattr(self, "dr_covered"):
            return self.dr_covered
        return self.dr_plans.filter(status=DRPlanStatusChoices.ACTIVE).exists()

    @staticmethod
    def in_data_center_condition():
        """True, inside a query, for a system whose site is a Dinas data center (Pasal 14)."""
        return Exists(data_center_sites().filter(pk=OuterRef("site_id")))

    @staticmethod
    def dr_covered_condition():
        """True, inside a query, for a system covered by an active DR plan."""
        return Exists(DRPlan.objects.filter(status=DRPlanStatusChoices.ACTIVE, information_systems=OuterRef("pk")))

    @classmethod
    def with_placement(cls, queryset):
        """Annotate in_data_center and dr_covered in the same query (for lists and sorting)."""
        return queryset.annotate(
            in_data_center=cls.in_data_center_condition(), dr_covered=cls.dr_covered_condition()
        )


class PublicIPAllocation(PrimaryModel):
    """Public address space held by an agency, approved by the Dinas (Pasal 9(2)c)."""

    tenant = models.ForeignKey(
        "tenancy.Tenant", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="public_ip_allocations"
    )
    prefix = models.ForeignKey(
        "ipam.Prefix", verbose_name=_("prefix"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="public_ip_allocations",
    )
    ip_range = models.ForeignKey(
        "ipam.IPRange", verbose_name=_("IP range"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="public_ip_allocations",
    )
    purpose = models.CharField(verbose_name=_("purpose"), max_length=200)
    information_system = models.ForeignKey(
        InformationSystem, verbose_name=_("information system"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="public_ip_allocations",
    )
    status = models.CharField(
        verbose_name=_("status"), max_length=30, choices=AllocationStatusChoices,
        default=AllocationStatusChoices.REQUESTED,
    )
    approver = models.ForeignKey(
        "users.User", verbose_name=_("approver"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    requested_on = models.DateField(verbose_name=_("requested on"), null=True, blank=True)
    decided_on = models.DateField(verbose_name=_("decided on"), null=True, blank=True)

    class Meta:
        ordering = ("tenant", "pk")
        verbose_name = _("public IP allocation")
        verbose_name_plural = _("public IP allocations")

    def __str__(self):
        return f"{self.tenant} {self.space_display}" if self.tenant_id else self.space_display

    @property
    def space(self):
        """The allocated space as a netaddr IPNetwork or IPRange."""
        # str() first: a Prefix created from a string keeps the string until reloaded.
        if self.prefix_id:
            return IPNetwork(str(self.prefix.prefix))
        if self.ip_range_id:
            start, end = IPNetwork(str(self.ip_range.start_address)), IPNetwork(str(self.ip_range.end_address))
            return IPRange(start.ip, end.ip)
        return None

    @property
    def space_display(self):
        space = self.space
        if space is None:
            return ""
        return str(space.cidr) if hasattr(space, "cidr") else f"{space[0]}-{space[-1]}"

    def get_status_color(self):
        return AllocationStatusChoices.colors.get(self.status)

    @property
    def utilization(self):
        """Percent of the allocated space in use, from NetBox IPAM."""
        if self.prefix_id:
            return self.prefix.get_utilization()
        if self.ip_range_id:
            return self.ip_range.utilization
        return None

    def clean(self):
        super().clean()
        if bool(self.prefix_id) == bool(self.ip_range_id):
            raise ValidationError({
                "prefix": _("Choose exactly one of a prefix or an IP range (got {count}).").format(
                    count=int(bool(self.prefix_id)) + int(bool(self.ip_range_id))
                )
            })
        field = "prefix" if self.prefix_id else "ip_range"
        allow_documentation = get_plugin_config("netbox_egov", "allow_documentation_space")
        reason = public_space.refusal_reason(self.space, allow_documentation)
        if reason:
            raise ValidationError({
                field: _("{space} is {reason}; only public space can be allocated.").format(
                    space=self.space_display, reason=reason
                )
            })
        if self.status in AllocationStatusChoices.HOLDING:
            others = (
                PublicIPAllocation.objects.filter(status__in=AllocationStatusChoices.HOLDING)
                .exclude(pk=self.pk)
                .select_related("prefix", "ip_range", "tenant")
            )
            overlap = public_space.first_overlap(self.space, ((other, other.space) for other in others))
            if overlap:
                other = overlap[0]
                raise ValidationError({
                    field: _("{space} overlaps the {status} allocation {other} of {agency}.").format(
                        space=self.space_display, status=other.get_status_display().lower(),
                        other=other.space_display, agency=other.tenant,
                    )
                })


class Uplink(PrimaryModel):
    """An ISP uplink: the provider Circuit and the prefixes announced over it (Pasal 9(2)d)."""

    name = models.CharField(verbose_name=_("name"), max_length=100, unique=True)
    circuit = models.ForeignKey(
        "circuits.Circuit", verbose_name=_("circuit"), on_delete=models.PROTECT, related_name="uplinks"
    )
    capacity_mbps = models.PositiveIntegerField(
        verbose_name=_("capacity (Mbps)"), validators=[MinValueValidator(1)]
    )
    announced_prefixes = models.ManyToManyField(
        "ipam.Prefix", verbose_name=_("announced prefixes"), related_name="uplinks", blank=True
    )

    class Meta:
        ordering = ("name",)
        verbose_name = _("uplink")
        verbose_name_plural = _("uplinks")

    def __str__(self):
        return self.name


class UplinkAssignment(NetBoxModel):
    """An agency egressing through an uplink, as primary or backup."""

    uplink = models.ForeignKey(Uplink, verbose_name=_("uplink"), on_delete=models.CASCADE, related_name="assignments")
    tenant = models.ForeignKey(
        "tenancy.Tenant", verbose_name=_("agency"), on_delete=models.CASCADE, related_name="uplink_assignments"
    )
    role = models.CharField(
        verbose_name=_("role"), max_length=30, choices=EgressRoleChoices, default=EgressRoleChoices.PRIMARY
    )

    class Meta:
        ordering = ("uplink", "role", "tenant")
        verbose_name = _("uplink assignment")
        verbose_name_plural = _("uplink assignments")
        constraints = [
            models.UniqueConstraint(
                fields=("uplink", "tenant"), name="netbox_egov_uplinkassignment_unique_uplink_tenant",
                violation_error_message=_("This agency is already assigned to this uplink."),
            ),
        ]

    def __str__(self):
        return f"{self.tenant} → {self.uplink} ({self.get_role_display()})" if self.tenant_id else ""

    def get_role_color(self):
        return EgressRoleChoices.colors.get(self.role)

    def clean(self):
        super().clean()
        if self.role == EgressRoleChoices.PRIMARY and self.tenant_id:
            other = (
                UplinkAssignment.objects.filter(tenant_id=self.tenant_id, role=EgressRoleChoices.PRIMARY)
                .exclude(pk=self.pk)
                .select_related("uplink")
                .first()
            )
            if other:
                raise ValidationError({
                    "role": _("{agency} already egresses primarily through uplink {uplink}.").format(
                        agency=self.tenant, uplink=other.uplink
                    )
                })


class SecuritySystem(PrimaryModel):
    """A firewall, IDS/IPS, WAF... and what it protects (Pasal 9(2)e)."""

    name = models.CharField(verbose_name=_("name"), max_length=100, unique=True)
    kind = models.CharField(verbose_name=_("kind"), max_length=30, choices=SecuritySystemKindChoices)
    device = models.ForeignKey(
        "dcim.Device", verbose_name=_("device"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="security_systems",
    )
    virtual_machine = models.ForeignKey(
        "virtualization.VirtualMachine", verbose_name=_("virtual machine"), on_delete=models.SET_NULL, null=True,
        blank=True, related_name="security_systems",
    )
    protected_sites = models.ManyToManyField(
        "dcim.Site", verbose_name=_("protected sites"), related_name="security_systems", blank=True
    )
    protected_prefixes = models.ManyToManyField(
        "ipam.Prefix", verbose_name=_("protected prefixes"), related_name="security_systems", blank=True
    )

    class Meta:
        ordering = ("name",)
        verbose_name = _("security system")
        verbose_name_plural = _("security systems")

    def __str__(self):
        return self.name


class SecurityAssessment(PrimaryModel):
    """The Dinas' security assessment of an information system (Pasal 21(3))."""

    information_system = models.ForeignKey(
        InformationSystem, verbose_name=_("information system"), on_delete=models.CASCADE,
        related_name="security_assessments",
    )
    assessed_on = models.DateField(verbose_name=_("assessed on"))
    result = models.CharField(verbose_name=_("result"), max_length=30, choices=AssessmentResultChoices)
    findings_count = models.PositiveIntegerField(verbose_name=_("findings"), default=0)
    next_due = models.DateField(verbose_name=_("next due"), null=True, blank=True)
    assessor = models.CharField(verbose_name=_("assessor"), max_length=100, blank=True)

    class Meta:
        ordering = ("-assessed_on", "pk")
        verbose_name = _("security assessment")
        verbose_name_plural = _("security assessments")

    def __str__(self):
        return f"{self.information_system} {self.assessed_on}" if self.information_system_id else ""

    def get_result_color(self):
        return AssessmentResultChoices.colors.get(self.result)

    def clean(self):
        super().clean()
        if self.next_due and self.assessed_on and self.next_due <= self.assessed_on:
            raise ValidationError({
                "next_due": _("The next assessment ({due}) must come after this one ({done}).").format(
                    due=self.next_due, done=self.assessed_on
                )
            })


class Repository(PrimaryModel):
    """A package or data mirror hosted in the data center (Pasal 9(2)h)."""

    name = models.CharField(verbose_name=_("name"), max_length=100, unique=True)
    mirror_url = models.URLField(verbose_name=_("URL"))
    content_kind = models.CharField(verbose_name=_("content"), max_length=30, choices=RepositoryContentChoices)
    device = models.ForeignKey(
        "dcim.Device", verbose_name=_("host device"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="repositories",
    )
    virtual_machine = models.ForeignKey(
        "virtualization.VirtualMachine", verbose_name=_("host virtual machine"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="repositories",
    )

    class Meta:
        ordering = ("name",)
        verbose_name = _("repository")
        verbose_name_plural = _("repositories")

    def __str__(self):
        return self.name
