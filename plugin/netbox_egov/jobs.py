"""Background jobs of the plugin (NetBox JobRunner on RQ)."""

import uuid

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from netbox.context_managers import event_tracking
from netbox.jobs import JobRunner, system_job
from netbox.plugins import get_plugin_config
from utilities.request import NetBoxFakeRequest

from . import cable_labels, pushes
from .choices import DomainSourceChoices
from .logic.domains import without_nul
from .models import DomainList, DomainUpload, Push
from .site_filter import feeds, storage


class FixCableLabelsJob(JobRunner):
    """Write the scheme's label on cables whose label is missing or wrong.

    Each cable is saved through the model, so the change log records every
    label written; the whole batch is one transaction (all or nothing). The
    cables are looked up among those the requesting user may change.
    """

    class Meta:
        name = "Fix cable labels"

    def run(self, cable_ids, *args, **kwargs):
        cables = cable_labels.visible_cables(self.job.user, "change").filter(pk__in=cable_ids)
        fixes = cable_labels.planned_fixes(cables)
        with event_tracking(_stand_in_request(self.job.user)), transaction.atomic():
            for fix in fixes:
                fix.cable.snapshot()
                fix.cable.label = fix.expected
                fix.cable.full_clean()
                fix.cable.save()
        self.job.data = {"fixed": [{"cable": fix.cable.pk, "label": fix.expected} for fix in fixes]}
        self.logger.info(f"{len(fixes)} cable labels written")


class ImportDomainsJob(JobRunner):
    """Import staged entries (typed or uploaded) into a domain list: add, remove or replace.

    Bad lines are reported by number in the job data while the good ones are
    imported. The list changes in one transaction: a failed import leaves it
    as it was (and drops the staged upload, which nothing could retry).
    """

    class Meta:
        name = "Import domains"

    def run(self, upload_id, *args, **kwargs):
        upload = DomainUpload.objects.select_related("domain_list").get(pk=upload_id)
        if self.job.user and not DomainList.objects.restrict(self.job.user, "change").filter(
                pk=upload.domain_list_id).exists():
            upload.delete()
            raise PermissionError(f"{self.job.user} may not change the domain list {upload.domain_list}")
        try:
            with transaction.atomic():
                errors = storage.apply_entries(upload.domain_list, upload.mode, upload.text)
                upload.delete()
        except Exception:
            # The list is as it was; the staged copy has no use left (nothing can retry it): drop it,
            # and let the job fail with the error in its log.
            DomainUpload.objects.filter(pk=upload_id).delete()
            raise
        domain_list = upload.domain_list
        self.job.data = {
            "domain_list": domain_list.pk, "mode": upload.mode, "domains": domain_list.domain_count,
            "bad_lines": len(errors),
            "first_bad_lines": [{"line": n, "text": text, "why": why} for n, text, why in errors[:20]],
        }
        self.logger.info(f"{domain_list}: {domain_list.domain_count} domains, {len(errors)} bad lines")


@system_job(interval=60)
class RefreshDomainFeedsJob(JobRunner):
    """Every hour: refresh the feed lists that are due (each list says how often), or the one list given.

    A feed that is unreachable, an HTML page, empty, mostly not domains or
    much shorter than the last good copy never replaces that copy; its status
    and error are recorded on the list.
    """

    class Meta:
        name = "Refresh domain feeds"

    def run(self, domain_list_id=None, *args, **kwargs):
        now = timezone.now()
        if domain_list_id:  # asked for by a user: only a list they may change
            lists = DomainList.objects.filter(pk=domain_list_id, source=DomainSourceChoices.FEED)
            if self.job.user:
                lists = lists.restrict(self.job.user, "change")
        else:
            lists = feeds.due_feeds(now)
        outcome = {}
        for domain_list in lists:
            try:
                status = feeds.refresh_feed(domain_list, now)
            except Exception as error:  # one broken feed must not keep the others from refreshing
                self.logger.error(f"{domain_list}: {error}")
                feeds.record_failure(domain_list, now, error)
                outcome[domain_list.name] = {"status": "error", "error": str(error)}
                continue
            outcome[domain_list.name] = {"status": status, "domains": domain_list.domain_count,
                                         "error": domain_list.last_error}
            self.logger.info(f"{domain_list}: {status} ({domain_list.domain_count} domains)")
        self.job.data = outcome


class PushJob(JobRunner):
    """Run one recorded push (preview or apply) on its gateway; pushes.run_push holds the gateway's lock."""

    class Meta:
        name = "Push to gateway"

    def run(self, push_id, *args, **kwargs):
        push = Push.objects.select_related("gateway").get(pk=push_id)
        pushes.run_push(push, self.logger)
        self.job.data = {"push": push.pk, "status": push.status, "hosts": push.hosts}


class ScheduleBoundaryJob(JobRunner):
    """Every minute: when a schedule's state (in or out of its hours) changed since the last check, queue a
    push to the gateways it times, so the off-hours ceilings and timed filters take hold on time. A system
    job only with auto_push on (registered below): otherwise it would record a job a minute for nothing."""

    class Meta:
        name = "Push at schedule boundaries"

    def run(self, *args, **kwargs):
        queued = pushes.push_at_schedule_boundaries(timezone.now())
        self.job.data = {"queued": [push.pk for push in queued]}


if get_plugin_config("netbox_egov", "auto_push"):
    system_job(interval=1)(ScheduleBoundaryJob)


# Up to this many lines an import runs inside the request; beyond it, on a worker.
IMPORT_IN_REQUEST_LINES = 20_000


def import_domains(domain_list, mode, text, user):
    """Stage entries for a list and run ImportDomainsJob: at once for typed or small input, on a worker for
    a large file. Returns the job (its data says what was imported and which lines were bad)."""
    upload = DomainUpload.objects.create(domain_list=domain_list, mode=mode, text=without_nul(text))
    immediate = text.count("\n") + text.count("\r") < IMPORT_IN_REQUEST_LINES  # \r: old Mac line ends
    return ImportDomainsJob.enqueue(instance=domain_list, user=user, upload_id=upload.pk, immediate=immediate)


def refresh_feed_now(domain_list, user):
    """Queue a refresh of this list's feed on a worker, for the list page's button and the API's refresh action
    alike. A list not pulled from a feed is refused (ValidationError naming source)."""
    if domain_list.source != DomainSourceChoices.FEED:
        raise ValidationError({"source": _("{name} is not pulled from a feed.").format(name=domain_list)})
    return RefreshDomainFeedsJob.enqueue(instance=domain_list, user=user, domain_list_id=domain_list.pk)


def _stand_in_request(user):
    """Jobs run without a request; NetBox's change log needs one to record who changed what."""
    return NetBoxFakeRequest({
        "META": {}, "COOKIES": {}, "POST": {}, "GET": {}, "FILES": {}, "user": user, "method": "POST",
        "path": "", "path_info": "", "id": uuid.uuid4(),
    })

