"""The idempotent quota-usage upsert the collectors write through over REST (docs/quota-usage-api.md)."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from rest_framework.exceptions import PermissionDenied

from . import pushes
from .models import QuotaUsage

KEY = ("tenant", "period", "period_start", "source")
TOTALS = ("bytes_in", "bytes_out", "samples", "observed_at")


def upsert(item, allowed, lost_race=False):
    """Store one measurement; returns the row as it now stands.

    `allowed` maps "add" and "change" to QuotaUsage querysets restricted to
    the user. A measurement not newer than the stored one is a retry (or
    arrived late) and leaves the row as it is.
    """
    key = {field: item[field] for field in KEY}
    totals = {field: item[field] for field in TOTALS}
    row = _locked_row(key)
    if row is None:
        row = QuotaUsage(**key, **totals)
        # The unique key (its only constraint) is left to the database: it decides between two first writes.
        row.full_clean(validate_unique=False, validate_constraints=False)
        try:
            with transaction.atomic():  # a savepoint: losing the race must not abort the caller's transaction
                # bulk_create and update() below skip the change log on purpose: collectors rewrite
                # every agency's rows every few minutes, which would bury the changes people make.
                QuotaUsage.objects.bulk_create([row])
        except IntegrityError:
            if lost_race:  # the row was there after all and still could not be written: not a race
                raise
            # Another collector created the row a moment ago: treat this write as an update of it.
            return upsert(item, allowed, lost_race=True)
        _require(allowed["add"], row, _("add quota usage for {agency}"))
        pushes.push_when_throttling_changes(row, bytes_before=0)
        return row
    # Checked before anything is returned: a stale write must not read another agency's row.
    _require(allowed["change"], row, _("change quota usage of {agency}"))
    if item["observed_at"] <= row.observed_at:
        return row
    bytes_before = row.bytes_total
    for field, value in totals.items():
        setattr(row, field, value)
    row.full_clean()
    QuotaUsage.objects.filter(pk=row.pk).update(**totals)
    pushes.push_when_throttling_changes(row, bytes_before)
    return row


def _locked_row(key):
    return QuotaUsage.objects.select_for_update().filter(**key).first()


def _require(queryset, row, what):
    # Object permissions may be constrained (e.g. to one agency): check the row itself.
    if not queryset.filter(pk=row.pk).exists():
        raise PermissionDenied(_("You may not {what}.").format(what=what.format(agency=row.tenant)))
