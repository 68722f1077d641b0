"""Pushes: every run of the enforcement playbooks on a gateway, recorded (Pasal 10(2) applied to devices).

A push is requested by a person (a gateway's or quota's page, the API) or queued by a change of what the
gateway enforces, and run by PushJob on a worker (jobs.py). Its record keeps what a later reader needs to
trust or question it: who or what asked, the agencies the gateway served at the time, each host's outcome,
the diff and the log. Secrets never reach it: egov_push masks them before anything is returned.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from netbox.models import NetBoxModel
from netbox.models.features import JobsMixin

from ..choices import PushModeChoices, PushStatusChoices, PushTriggerChoices


class Push(JobsMixin, NetBoxModel):
    """One preview (check mode with diff) or apply of the enforcement playbooks on one gateway."""

    gateway = models.ForeignKey(
        "dcim.Device", verbose_name=_("gateway"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="egov_pushes",
    )
    # The record outlives the device: a push history is an audit trail.
    gateway_name = models.CharField(verbose_name=_("gateway name"), max_length=64, editable=False)
    mode = models.CharField(verbose_name=_("mode"), max_length=10, choices=PushModeChoices,
                            default=PushModeChoices.PREVIEW)
    trigger = models.CharField(verbose_name=_("trigger"), max_length=10, choices=PushTriggerChoices,
                               default=PushTriggerChoices.MANUAL, editable=False)
    reason = models.CharField(verbose_name=_("reason"), max_length=200, blank=True, editable=False)
    requested_by = models.ForeignKey(
        "users.User", verbose_name=_("requested by"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", editable=False,
    )
    # The agencies whose quotas the gateway enforced when the push was asked for: who may read the record.
    tenants = models.ManyToManyField(
        "tenancy.Tenant", verbose_name=_("agencies"), related_name="egov_pushes", blank=True, editable=False,
    )
    status = models.CharField(verbose_name=_("status"), max_length=12, choices=PushStatusChoices,
                              default=PushStatusChoices.QUEUED, editable=False)
    job = models.ForeignKey("core.Job", verbose_name=_("job"), on_delete=models.SET_NULL, null=True, blank=True,
                            related_name="+", editable=False)
    started = models.DateTimeField(verbose_name=_("started"), null=True, blank=True, editable=False)
    completed = models.DateTimeField(verbose_name=_("completed"), null=True, blank=True, editable=False)
    hosts = models.JSONField(verbose_name=_("hosts"), default=dict, blank=True, editable=False,
                             help_text=_("Per host: status, ok and changed task counts, failed tasks' messages."))
    diff = models.TextField(verbose_name=_("diff"), blank=True, editable=False)
    log = models.TextField(verbose_name=_("log"), blank=True, editable=False)

    class Meta:
        ordering = ("-pk",)
        verbose_name = _("push")
        verbose_name_plural = _("pushes")
        permissions = (("apply_push", "Can apply pushes to gateways"),)

    def __str__(self):
        return f"{self.get_mode_display()} #{self.pk} {self.gateway_name}" if self.pk else self.gateway_name

    def get_mode_color(self):
        return PushModeChoices.colors.get(self.mode)

    def get_status_color(self):
        return PushStatusChoices.colors.get(self.status)

    def get_trigger_color(self):
        return PushTriggerChoices.colors.get(self.trigger)

    @property
    def finished(self):
        return self.status in PushStatusChoices.FINISHED

    @property
    def duration(self):
        return self.completed - self.started if self.started and self.completed else None

    def clean(self):
        super().clean()
        if self.gateway_id and not self.gateway.bandwidth_quotas.exists():
            raise ValidationError({
                "gateway": _("{device} enforces no bandwidth quota: there is nothing to push to it.").format(
                    device=self.gateway)
            })

    def save(self, *args, **kwargs):
        if self.gateway_id and not self.gateway_name:
            self.gateway_name = self.gateway.name or ""
        super().save(*args, **kwargs)
