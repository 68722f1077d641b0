"""Reconciliation findings: where a device and NetBox disagree (docs/reconciliation.md).

The collectors read what each device says about itself and its neighbours and report the differences; a
finding is one difference, kept from its first sighting until a complete run no longer sees it. Nothing in
NetBox's own objects changes by itself: people review findings, acknowledge the ones that are known and
accepted (with a note), or accept the device's side, which changes NetBox through its normal save.

What a finding says is the collectors' to write (the report endpoint); people change only its status and
note.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from netbox.models import NetBoxModel

from ..choices import FindingKindChoices, FindingStatusChoices


class Finding(NetBoxModel):
    """One difference between what a device says and what NetBox says, keyed by (device, kind, subject)."""

    device = models.ForeignKey(
        "dcim.Device", verbose_name=_("device"), on_delete=models.CASCADE, related_name="egov_findings",
        editable=False,
    )
    interface = models.ForeignKey(
        "dcim.Interface", verbose_name=_("interface"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="egov_findings", editable=False,
    )
    # The interface at the other end as the device sees it (links): what a cable would join, when accepted.
    far_interface = models.ForeignKey(
        "dcim.Interface", verbose_name=_("far interface"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="egov_far_findings", editable=False,
    )
    kind = models.CharField(verbose_name=_("kind"), max_length=30, choices=FindingKindChoices, editable=False)
    subject = models.CharField(
        verbose_name=_("subject"), max_length=100, blank=True, editable=False,
        help_text=_("The interface the finding is about, as NetBox names it; empty for the device itself."),
    )
    netbox_says = models.CharField(verbose_name=_("NetBox says"), max_length=255, blank=True, editable=False)
    device_says = models.CharField(verbose_name=_("device says"), max_length=255, blank=True, editable=False)
    first_seen = models.DateTimeField(verbose_name=_("first seen"), editable=False)
    last_seen = models.DateTimeField(verbose_name=_("last seen"), editable=False)
    status = models.CharField(verbose_name=_("status"), max_length=15, choices=FindingStatusChoices,
                              default=FindingStatusChoices.OPEN)
    note = models.TextField(
        verbose_name=_("note"), blank=True,
        help_text=_("Why the difference is accepted (an acknowledgement needs one), or how it was resolved."),
    )
    resolved_at = models.DateTimeField(verbose_name=_("resolved at"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ("-pk",)
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        constraints = (
            models.UniqueConstraint(
                fields=("device", "kind", "subject"), name="netbox_egov_finding_unique_device_kind_subject",
                violation_error_message=_("The device has a finding of this kind for this subject already."),
            ),
        )

    def __str__(self):
        where = f"{self.device} {self.subject}".strip()
        return f"{where}: {self.get_kind_display()}"

    def get_kind_color(self):
        return FindingKindChoices.colors.get(self.kind)

    def get_status_color(self):
        return FindingStatusChoices.colors.get(self.status)

    @property
    def is_live(self):
        return self.status != FindingStatusChoices.RESOLVED

    def clean(self):
        super().clean()
        if self.status == FindingStatusChoices.ACKNOWLEDGED and not self.note.strip():
            raise ValidationError({
                "note": _("An acknowledgement needs a note saying why the difference is accepted."),
            })

    def save(self, *args, **kwargs):
        # Resolved by a person now, or no longer resolved: resolved_at follows the status.
        if self.status == FindingStatusChoices.RESOLVED and self.resolved_at is None:
            self.resolved_at = timezone.now()
        elif self.status != FindingStatusChoices.RESOLVED:
            self.resolved_at = None
        super().save(*args, **kwargs)

    def to_objectchange(self, action):
        # Listed in the device's change log too, as core does for a device's components.
        objectchange = super().to_objectchange(action)
        objectchange.related_object = self.device
        return objectchange
