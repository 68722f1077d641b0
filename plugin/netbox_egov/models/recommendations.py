"""Dinas recommendations for an agency's own LAN, devices and security (Pasal 11(2), 8(4))."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from netbox.models import NetBoxModel, PrimaryModel

from ..choices import RecommendationKindChoices, RecommendationStatusChoices
from ..logic import workflow


class Recommendation(PrimaryModel):
    """An agency's request for a Dinas recommendation, and the Dinas' decision."""

    tenant = models.ForeignKey(
        "tenancy.Tenant", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="recommendations"
    )
    title = models.CharField(verbose_name=_("title"), max_length=200)
    kind = models.CharField(verbose_name=_("kind"), max_length=30, choices=RecommendationKindChoices)
    justification = models.TextField(verbose_name=_("justification"))
    # Changed only through the workflow transitions, never by editing.
    status = models.CharField(
        verbose_name=_("status"), max_length=30, choices=RecommendationStatusChoices,
        default=RecommendationStatusChoices.DRAFT, editable=False,
    )
    submitted_on = models.DateField(verbose_name=_("submitted on"), null=True, blank=True, editable=False)
    decided_by = models.ForeignKey(
        "users.User", verbose_name=_("decided by"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", editable=False,
    )
    decided_on = models.DateField(verbose_name=_("decided on"), null=True, blank=True, editable=False)
    valid_until = models.DateField(verbose_name=_("valid until"), null=True, blank=True, editable=False)
    rejection_reason = models.TextField(verbose_name=_("rejection reason"), blank=True, editable=False)

    class Meta:
        ordering = ("-pk",)
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        permissions = (("approve_recommendation", "Can approve or reject recommendations"),)

    def __str__(self):
        return self.title

    @property
    def current_status(self):
        return workflow.effective_status(self.status, self.valid_until)

    def get_current_status_display(self):
        return {choice[0]: choice[1] for choice in RecommendationStatusChoices.CHOICES}[self.current_status]

    def get_current_status_color(self):
        return RecommendationStatusChoices.colors.get(self.current_status)

    def get_status_color(self):
        return RecommendationStatusChoices.colors.get(self.status)

    # What the Dinas decides on: frozen once the recommendation leaves the draft state (tags stay editable).
    CONTENT = ("tenant_id", "title", "kind", "justification", "description", "comments")

    def clean(self):
        super().clean()
        # What the Dinas decided on must stay what it decided on: only drafts are edited.
        stored = None
        if self.pk:
            stored = Recommendation.objects.filter(pk=self.pk).values("status", *self.CONTENT).first()
        if stored and stored["status"] != RecommendationStatusChoices.DRAFT:
            for field in self.CONTENT:
                if stored[field] != getattr(self, field):
                    raise ValidationError({
                        field.removesuffix("_id"): _(
                            "Only a draft can be edited; this recommendation is {status}."
                        ).format(status=self.get_status_display().lower())
                    })

    def transition(self, name, user, valid_until=None, reason=""):
        """Apply a workflow transition (after the caller checked the user's permission) and save."""
        try:
            target = workflow.next_status(self.status, name)
        except workflow.TransitionRefused as refusal:
            raise ValidationError({"status": str(refusal)}) from refusal
        if name == "approve" and (valid_until is None or valid_until <= date.today()):
            raise ValidationError({
                "valid_until": _("An approval needs a validity date in the future (got {date}).").format(
                    date=valid_until
                )
            })
        if name == "reject" and not reason.strip():
            raise ValidationError({"rejection_reason": _("A rejection needs a reason.")})
        self.snapshot()
        self.status = target
        if name == "submit":
            self.submitted_on = date.today()
        else:
            self.decided_by, self.decided_on = user, date.today()
            self.valid_until = valid_until if name == "approve" else None
            self.rejection_reason = reason.strip() if name == "reject" else ""
        self.full_clean()
        self.save()


class RecommendationItem(NetBoxModel):
    """What a recommendation covers: a device, a device type at a site, or a described item, with a quantity."""

    recommendation = models.ForeignKey(
        Recommendation, verbose_name=_("recommendation"), on_delete=models.CASCADE, related_name="items"
    )
    device = models.ForeignKey(
        "dcim.Device", verbose_name=_("device"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="recommendation_items",
    )
    device_type = models.ForeignKey(
        "dcim.DeviceType", verbose_name=_("device type"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="recommendation_items",
    )
    site = models.ForeignKey(
        "dcim.Site", verbose_name=_("site"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="recommendation_items",
    )
    quantity = models.PositiveIntegerField(verbose_name=_("quantity"), default=1)
    description = models.CharField(verbose_name=_("description"), max_length=200, blank=True)

    class Meta:
        ordering = ("recommendation", "pk")
        verbose_name = _("recommendation item")
        verbose_name_plural = _("recommendation items")

    def __str__(self):
        subject = self.device or self.device_type or self.description or ""
        return f"{self.quantity} × {subject}"

    def clean(self):
        super().clean()
        if not (self.device_id or self.device_type_id or self.description.strip()):
            raise ValidationError({
                "device": _("Name what is recommended: a device, a device type, or a description."),
            })
        if not self.recommendation_id:
            return
        if self.recommendation.status != RecommendationStatusChoices.DRAFT:
            raise ValidationError({
                "recommendation": _(
                    "Items can be changed only while the recommendation is a draft ({name} is {status})."
                ).format(name=self.recommendation, status=self.recommendation.get_status_display().lower())
            })
        # An agency asks only for its own LAN (Pasal 11(2)). The refusal names no other agency: the writer
        # may see a device or office of the shared infrastructure without seeing whose it is.
        agency = self.recommendation.tenant
        if self.device_id and self.device.tenant_id != agency.pk:
            raise ValidationError({
                "device": _("Device {device} is not a device of {agency}.").format(device=self.device, agency=agency)
            })
        if self.site_id and self.site.tenant_id != agency.pk:
            raise ValidationError({
                "site": _("Site {site} is not an office of {agency}.").format(site=self.site, agency=agency)
            })
