"""Site filtering (Pasal 10(2)): domain lists and the policies that block them for agencies.

A list of a million domains is one NetBox object plus one content row: the
domains themselves live as sorted newline-separated text in
DomainListContent, which is not change-logged. The list object records the
count, the content hash and how its last import or feed refresh went.
"""

from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import ProtectedError
from django.utils.translation import gettext_lazy as _

from netbox.models import PrimaryModel
from netbox.models.features import JobsMixin

from ..choices import DomainCategoryChoices, DomainSourceChoices, FeedStatusChoices

# How many bad lines an import keeps for display; the count is always complete.
BAD_LINES_KEPT = 100
# Written by imports and feed refreshes only, never by an edit of the list.
FIGURES = ("domain_count", "content_hash", "bad_line_count", "bad_lines", "feed_status", "last_attempt",
           "last_success", "last_error", "feed_etag")


class DomainList(JobsMixin, PrimaryModel):
    """A named list of domains of one category, typed by hand, uploaded, or pulled from a feed."""

    name = models.CharField(verbose_name=_("name"), max_length=100, unique=True)
    category = models.CharField(verbose_name=_("category"), max_length=30, choices=DomainCategoryChoices)
    source = models.CharField(
        verbose_name=_("source"), max_length=30, choices=DomainSourceChoices, default=DomainSourceChoices.MANUAL
    )
    feed_url = models.URLField(
        verbose_name=_("feed URL"), max_length=500, blank=True,
        help_text=_("TrustPositif plain-text format: one domain per line, '#' comments"),
    )
    refresh_hours = models.PositiveSmallIntegerField(
        verbose_name=_("refresh every (hours)"), default=24, validators=[MinValueValidator(1)]
    )
    max_shrink_percent = models.PositiveSmallIntegerField(
        verbose_name=_("largest accepted shrink (%)"), default=50, validators=[MaxValueValidator(100)],
        help_text=_("A refresh losing more of the list than this is taken for a truncated download and refused"),
    )
    # Written by imports and refreshes through queryset updates: figures, not edits worth a change record.
    domain_count = models.PositiveIntegerField(verbose_name=_("domains"), default=0, editable=False)
    content_hash = models.CharField(verbose_name=_("content hash"), max_length=64, blank=True, editable=False)
    bad_line_count = models.PositiveIntegerField(verbose_name=_("bad lines"), default=0, editable=False)
    bad_lines = models.JSONField(verbose_name=_("first bad lines"), default=list, blank=True, editable=False)
    feed_status = models.CharField(
        verbose_name=_("feed status"), max_length=30, choices=FeedStatusChoices, default=FeedStatusChoices.NEVER,
        editable=False,
    )
    last_attempt = models.DateTimeField(verbose_name=_("last refresh attempt"), null=True, blank=True,
                                        editable=False)
    last_success = models.DateTimeField(verbose_name=_("last successful refresh"), null=True, blank=True,
                                        editable=False)
    last_error = models.TextField(verbose_name=_("last error"), blank=True, editable=False)
    feed_etag = models.CharField(verbose_name=_("feed ETag"), max_length=200, blank=True, editable=False)

    class Meta:
        ordering = ("name",)
        verbose_name = _("domain list")
        verbose_name_plural = _("domain lists")

    def __str__(self):
        return self.name

    def get_category_color(self):
        return DomainCategoryChoices.colors.get(self.category)

    def get_feed_status_color(self):
        return FeedStatusChoices.colors.get(self.feed_status)

    def clean(self):
        super().clean()
        if self.source == DomainSourceChoices.FEED and not self.feed_url:
            raise ValidationError({"feed_url": _("A list pulled from a feed needs the feed's URL.")})
        parts = urlsplit(self.feed_url)
        if parts.username or parts.password:
            # NetBox would show credentials in clear to everyone who may view the list; the national feed is public.
            raise ValidationError({"feed_url": _(
                "{host}: put no user name or password in the URL; it would be shown to everyone who may view "
                "the list."
            ).format(host=parts.hostname)})

    def save(self, *args, **kwargs):
        if not self._state.adding and "update_fields" not in kwargs:
            # An edit (form, API, bulk edit) must not write back figures an import or refresh changed since
            # the object was read: take the stored ones (so the change log shows them too) and leave them be.
            stored = DomainList.objects.filter(pk=self.pk).values(*FIGURES).first() or {}
            for field, value in stored.items():
                setattr(self, field, value)
            kwargs["update_fields"] = [field.name for field in self._meta.concrete_fields
                                       if not field.primary_key and field.name not in FIGURES]
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        # Deleting a list a policy uses would silently unblock its sites: remove it from the policies first.
        policies = {*self.blocking_policies.all(), *self.allowing_policies.all()}
        if policies:
            raise ProtectedError(
                _("{name} is used by filter policies: {policies}").format(
                    name=self, policies=", ".join(sorted(str(policy) for policy in policies))
                ),
                policies,
            )
        return super().delete(*args, **kwargs)


class DomainListContent(models.Model):
    """The domains of one list: sorted, unique, ASCII (punycode), one per line."""

    domain_list = models.OneToOneField(DomainList, verbose_name=_("domain list"), on_delete=models.CASCADE,
                                       primary_key=True, related_name="content")
    text = models.TextField(verbose_name=_("domains, one per line"), blank=True)

    class Meta:
        verbose_name = _("domain list content")
        verbose_name_plural = _("domain list contents")


class DomainUpload(models.Model):
    """Entries waiting for the import job: a large upload goes to the database, not to a worker's disk,
    so any RQ worker on any machine can import it."""

    domain_list = models.ForeignKey(DomainList, verbose_name=_("domain list"), on_delete=models.CASCADE,
                                    related_name="uploads")
    mode = models.CharField(verbose_name=_("what to do"), max_length=20)
    text = models.TextField(verbose_name=_("entries"))
    created = models.DateTimeField(verbose_name=_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("staged domain upload")
        verbose_name_plural = _("staged domain uploads")


class FilterPolicy(PrimaryModel):
    """Which domain lists are blocked for which agencies, when, and with which exceptions."""

    name = models.CharField(verbose_name=_("name"), max_length=100, unique=True)
    enabled = models.BooleanField(verbose_name=_("enabled"), default=True)
    blocked_lists = models.ManyToManyField(
        DomainList, verbose_name=_("blocked lists"), related_name="blocking_policies"
    )
    allowed_lists = models.ManyToManyField(
        DomainList, verbose_name=_("allowed lists (exceptions)"), related_name="allowing_policies", blank=True,
        help_text=_("Domains (and their subdomains) never blocked by this policy"),
    )
    tenants = models.ManyToManyField(
        "tenancy.Tenant", verbose_name=_("agencies"), related_name="filter_policies", blank=True,
        help_text=_("Empty: every agency"),
    )
    exempt_tenants = models.ManyToManyField(
        "tenancy.Tenant", verbose_name=_("exempt agencies"), related_name="filter_policy_exemptions", blank=True,
    )
    schedule = models.ForeignKey(
        "netbox_egov.Schedule", verbose_name=_("schedule"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="filter_policies", help_text=_("Empty: always in force"),
    )

    class Meta:
        ordering = ("name",)
        verbose_name = _("filter policy")
        verbose_name_plural = _("filter policies")

    def __str__(self):
        return self.name

    @staticmethod
    def check_relations(blocked_lists, allowed_lists, tenants, exempt_tenants):
        """The rules between the many-to-many choices (checked by forms and serializers, which see them
        before they are saved)."""
        errors = {}
        both_lists = set(blocked_lists) & set(allowed_lists)
        if both_lists:
            errors["allowed_lists"] = _("{lists} cannot be blocked and allowed by the same policy.").format(
                lists=", ".join(sorted(str(domain_list) for domain_list in both_lists))
            )
        both_tenants = set(tenants) & set(exempt_tenants)
        if both_tenants:
            errors["exempt_tenants"] = _("{agencies} cannot be both covered and exempt.").format(
                agencies=", ".join(sorted(str(tenant) for tenant in both_tenants))
            )
        if errors:
            raise ValidationError(errors)
