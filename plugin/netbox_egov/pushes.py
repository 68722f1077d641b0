"""Pushes seen from NetBox: who may ask for one, which gateways a change concerns, and running one.

The engine is egov_push (the `[playbooks]` extra): it reads what to enforce from NetBox's REST API with a
read-only token, as the playbooks do anywhere else, so a push from a worker enforces exactly what an engineer's
`egov-push apply` would. Settings (PLUGINS_CONFIG["netbox_egov"], docs/enforcement.md):

    push_netbox_url         NetBox's URL as the playbooks reach it
    push_token_file         a file only the worker's user may read, holding a read-only API token
    push_inventories        inventory files merged after NetBox's (SSH users and keys, ansible-vault)
    push_lock_wait_seconds  how long a push waits for another push to the same gateway
    auto_push               queue a push when what a gateway enforces changes, and at schedule boundaries
"""

import re
import time
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dcim.models import Device
from netbox.plugins import get_plugin_config

from .choices import PushModeChoices, PushStatusChoices, PushTriggerChoices
from .logic.schedule import in_force
from .models import BandwidthQuota, Push

# PostgreSQL advisory locks take two int4 keys: this namespace ("egov") and the gateway's id.
LOCK_NAMESPACE = 0x65676F76
# The longest a push's Ansible run may take (on top of the wait for the gateway's lock).
PUSH_RUN_SECONDS = 1800
# Gateway names a push can target: an Ansible --limit of exactly that host, never a pattern or a group.
SAFE_HOST_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
GROUP_NAMES = re.compile(r"^(all|ungrouped|egov_gateways|platforms_.*)$")
# A push queued longer than this is taken for lost (its RQ job gone with a flushed Redis): a change queues a new one.
QUEUED_IS_STALE = timedelta(hours=1)
# The worst outcome of any host is the push's status.
SEVERITY = (PushStatusChoices.OK, PushStatusChoices.CHANGED, PushStatusChoices.FAILED, PushStatusChoices.UNREACHABLE)


class PushNotPossible(Exception):
    """The push cannot run: the engine or its settings are missing, or the gateway stayed busy."""


class PushBrokeOff(Exception):
    """The push stopped on an unexpected error (its message has the token masked)."""


def masked(text, secret):
    return text.replace(secret, "********") if secret else text


def check_target(gateway, name):
    """The gateway can be pushed to alone: it exists, and its name is one Ansible host, no pattern or group
    (an --limit of `gw-*` or `all` would push every gateway)."""
    if gateway is None:
        raise PushNotPossible(_("The gateway {name} no longer exists.").format(name=name))
    if not SAFE_HOST_NAME.match(gateway.name or "") or GROUP_NAMES.match(gateway.name):
        raise PushNotPossible(_(
            "The gateway's name {name!r} is not a plain host name (letters, digits, '.', '_', '-'; not a group "
            "name): rename the device to push to it.").format(name=gateway.name))
    if Device.objects.filter(name=gateway.name).exclude(pk=gateway.pk).exists():
        raise PushNotPossible(_("Another device is named {name} too: Ansible knows hosts by name; rename one."
                                ).format(name=gateway.name))


def setting(name):
    return get_plugin_config("netbox_egov", name)


def gateways():
    """Devices enforcing at least one bandwidth quota."""
    return Device.objects.filter(pk__in=BandwidthQuota.objects.filter(
        enforcement_device__isnull=False).values("enforcement_device"))


def agencies_of(gateway):
    """The agencies whose quotas the gateway enforces."""
    from tenancy.models import Tenant

    return Tenant.objects.filter(bandwidth_quota__enforcement_device=gateway)


# Asking for a push.


def request_push(gateway, mode, user=None, trigger=PushTriggerChoices.MANUAL, reason=""):
    """Record a push of `gateway` in `mode` and queue it on a worker (after the transaction commits).

    A person's request is refused with PermissionDenied unless they may add the push, and for an apply also
    `apply` it (the custom action, like `approve` on recommendations): the checks run on the saved record, so
    constraints on its gateway or agencies hold; a refusal leaves nothing behind."""
    from .jobs import PushJob

    if mode not in PushModeChoices.values():
        raise ValidationError({"mode": _("{mode!r} is not a push mode (preview or apply).").format(mode=mode)})
    with transaction.atomic():
        push = Push(gateway=gateway, mode=mode, trigger=trigger, reason=reason[:200],
                    requested_by=user if user and user.is_authenticated else None)
        if user is not None:
            # A person's request: the gateway must enforce something and be one they may view (post_clean).
            # An automatic push is the system's, whoever's edit caused it: its gateways enforce a quota already.
            push.full_clean()
        push.save()
        push.tenants.set(agencies_of(gateway))
        if user is not None:
            check_may_request(user, push)
        # RQ's own timeout must outlast the wait for the gateway's lock and the run, or RQ would kill the job
        # (and release the lock) while ansible-playbook still works on the gateway.
        push.job = PushJob.enqueue(instance=push, user=push.requested_by, push_id=push.pk,
                                   job_timeout=setting("push_lock_wait_seconds") + PUSH_RUN_SECONDS)
        push.save(update_fields=["job"])
    return push


def check_may_request(user, push):
    actions = ["add", "apply"] if push.mode == PushModeChoices.APPLY else ["add"]
    for action in actions:
        if not Push.objects.restrict(user, action).filter(pk=push.pk).exists():
            raise PermissionDenied(_("You may not {action} a push to {gateway}.").format(
                action=action, gateway=push.gateway_name))


def queue_automatic(gateway_ids, trigger, reason):
    """Queue an automatic push for each gateway, unless one is queued already (it will read the latest data
    when it runs: ten quota edits in a minute make one push, not ten). Returns the pushes queued."""
    if not setting("auto_push"):
        return []
    waiting = set(Push.objects.filter(
        gateway__in=gateway_ids, status=PushStatusChoices.QUEUED, mode=PushModeChoices.APPLY,
        created__gte=timezone.now() - QUEUED_IS_STALE,
    ).values_list("gateway_id", flat=True))
    return [request_push(gateway, PushModeChoices.APPLY, trigger=trigger, reason=reason)
            for gateway in Device.objects.filter(pk__in=set(gateway_ids) - waiting).order_by("name")]


def gateways_of_quotas(quotas):
    return set(quotas.exclude(enforcement_device__isnull=True).values_list("enforcement_device", flat=True))


def gateways_of_policy(policy):
    """The gateways of the agencies a filter policy covers (every agency when it names none)."""
    quotas = BandwidthQuota.objects.all()
    if policy.pk and policy.tenants.exists():
        quotas = quotas.filter(tenant__in=policy.tenants.all())
    return gateways_of_quotas(quotas)


def gateways_of_schedule(schedule):
    """The gateways whose limits or filter the schedule times: quotas and filter policies using it."""
    from .models import FilterPolicy

    ids = gateways_of_quotas(BandwidthQuota.objects.filter(schedule=schedule))
    for policy in FilterPolicy.objects.filter(schedule=schedule):
        ids |= gateways_of_policy(policy)
    return ids


# Running one (on a worker, from PushJob).


def run_push(push, logger, call=None):
    """Run the recorded push with egov_push, holding the gateway's lock, and record the outcome.

    `call(function, *args, **kwargs)` runs the runner (default: a plain call); the tests serve NetBox from the
    calling thread meanwhile, on the test's transaction."""
    push.status, push.started = PushStatusChoices.RUNNING, timezone.now()
    push.save(update_fields=["status", "started"])
    environment = {}
    try:
        runner, inventories, environment = push_engine()
        check_target(push.gateway, push.gateway_name)
        with gateway_lock(push.gateway, setting("push_lock_wait_seconds"), logger):
            # The job's log says where the run is (a task starts) while it runs; the record gets the whole log.
            progress = runner.HostProgress(lambda host, status: logger.info(f"{host}: {status}"),
                                           on_task=lambda task: logger.info(f"task: {task}"))
            result = (call or plain_call)(runner.run, push.mode, inventory=inventories, limit=push.gateway.name,
                                          envvars=environment, on_event=progress)
        record_result(push, result)
    except PushNotPossible as error:
        finish(push, PushStatusChoices.ERRORED, str(error))
    except Exception as error:
        # The record must not stay "running". The error goes to the record and the job with the token masked
        # (its text may quote a request); the original, which could hold it, is not chained.
        message = masked(f"{type(error).__name__}: {error}", environment.get("NETBOX_TOKEN"))
        finish(push, PushStatusChoices.ERRORED, _("The push broke off: {error}").format(error=message))
        raise PushBrokeOff(message) from None
    else:
        finish(push)
    logger.info(f"{push}: {push.status}")
    return push


def finish(push, status=None, log=None):
    if status is not None:
        push.status, push.log = status, log
    push.completed = timezone.now()
    push.save(update_fields=["status", "completed", "hosts", "diff", "log"])


def plain_call(function, *args, **kwargs):
    return function(*args, **kwargs)


def push_engine():
    """egov_push's runner, the inventories and the environment the playbooks read NetBox with."""
    try:
        from egov_collectors.secrets import SecretsError, read_token_file
        from egov_push import runner
    except ImportError as error:
        raise PushNotPossible(_(
            "The push engine is not installed ({error}): install netbox-egov[playbooks] into NetBox's venv."
        ).format(error=error)) from None
    url, token_file = setting("push_netbox_url"), setting("push_token_file")
    if not url or not token_file:
        raise PushNotPossible(_(
            "Set push_netbox_url and push_token_file in PLUGINS_CONFIG['netbox_egov'] (docs/enforcement.md)."))
    try:
        token = read_token_file(token_file)
    except SecretsError as error:
        raise PushNotPossible(f"push_token_file: {error}") from None
    inventories = [runner.NETBOX_INVENTORY, *(Path(path) for path in setting("push_inventories") or ())]
    missing = [str(path) for path in inventories if not path.is_file()]
    if missing:
        raise PushNotPossible(_("push_inventories: {paths} not found.").format(paths=", ".join(missing)))
    return runner, inventories, {"NETBOX_API": url, "NETBOX_TOKEN": token}


@contextmanager
def gateway_lock(gateway, wait_seconds, logger, poll_seconds=1.0):
    """Hold the gateway's lock (a PostgreSQL advisory lock, shared by every worker): two pushes to one gateway
    never interleave. Waits up to `wait_seconds` for a push running elsewhere, then gives up (PushNotPossible)."""
    deadline = time.monotonic() + wait_seconds
    waited = False
    while not try_advisory_lock(gateway.pk):
        if time.monotonic() >= deadline:
            raise PushNotPossible(_(
                "Another push to {gateway} was still running after {seconds} s; this one did not start."
            ).format(gateway=gateway, seconds=wait_seconds))
        if not waited:
            logger.info(f"waiting for another push to {gateway}")
            waited = True
        time.sleep(poll_seconds)
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [LOCK_NAMESPACE, gateway.pk])


def try_advisory_lock(gateway_id):
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [LOCK_NAMESPACE, gateway_id])
        return cursor.fetchone()[0]


def record_result(push, result):
    """The runner's outcome on the record: per host, the worst host's status, the diff and the log."""
    push.hosts = {host: {"status": outcome.status, "ok": outcome.ok, "changed": outcome.changed,
                         "messages": outcome.messages} for host, outcome in sorted(result.hosts.items())}
    push.diff, push.log = result.diff, result.log
    if set(result.hosts) != {push.gateway.name}:
        push.status = PushStatusChoices.ERRORED
        push.log = _("Ansible ran on {hosts} instead of {gateway} (exit code {rc}); {gateway} needs a primary IP in "
                     "NetBox and a platform the playbooks know (linux, routeros, ios).").format(
            hosts=", ".join(sorted(result.hosts)) or _("no host"), gateway=push.gateway.name, rc=result.rc,
        ) + "\n" + push.log
        return
    push.status = max((outcome.status for outcome in result.hosts.values()), key=SEVERITY.index)
    if result.rc != 0 and push.status in (PushStatusChoices.OK, PushStatusChoices.CHANGED):
        push.status = PushStatusChoices.FAILED  # ansible-playbook failed outside any host's tasks



def push_when_throttling_changes(usage, bytes_before):
    """The month's usage of an agency whose quota throttles over its cap crossed the cap (either way, from
    `bytes_before` to the row's total): its gateway needs a push to lower or restore the ceiling (auto_push),
    once the measurement is committed."""
    from .choices import CapActionChoices, QuotaStateChoices, UsagePeriodChoices
    from .models import QuotaUsage

    if not setting("auto_push") or usage.period != UsagePeriodChoices.MONTH:
        return
    before = QuotaUsage(tenant=usage.tenant, period=usage.period, period_start=usage.period_start,
                        bytes_in=bytes_before)
    exceeded_before, exceeded_now = (state == QuotaStateChoices.EXCEEDED for state in (before.state, usage.state))
    if exceeded_before == exceeded_now:
        return
    quota = BandwidthQuota.objects.filter(tenant_id=usage.tenant_id, cap_action=CapActionChoices.THROTTLE,
                                          enforcement_device__isnull=False).first()
    if quota is not None:
        reason = _("Monthly usage of {agency} crossed its cap").format(agency=usage.tenant)
        transaction.on_commit(lambda: queue_automatic([quota.enforcement_device_id], PushTriggerChoices.CAP,
                                                      reason))


# Automatic pushes at schedule boundaries (ScheduleBoundaryJob, every minute).

BOUNDARY_CHECKED = "netbox_egov:push:boundary-checked"


def push_at_schedule_boundaries(now):
    """Queue pushes to the gateways of every schedule whose state changed since the last check (the first
    check looks one minute back). A worker down for an hour still catches up: states are compared, not
    boundaries counted."""
    from django.core.cache import cache

    from .models import Schedule

    since = cache.get(BOUNDARY_CHECKED) or now - timedelta(minutes=1)
    crossed = [schedule for schedule in Schedule.objects.all() if schedule_crossed(schedule, since, now)]
    ids = set().union(*(gateways_of_schedule(schedule) for schedule in crossed))
    reason = _("Boundary of {schedules}").format(schedules=", ".join(str(schedule) for schedule in crossed))
    queued = queue_automatic(ids, PushTriggerChoices.BOUNDARY, reason) if ids else []
    cache.set(BOUNDARY_CHECKED, now, timeout=None)  # only once queued: a failure retries the boundary next time
    return queued


def schedule_crossed(schedule, since, now):
    def state(at):
        return in_force(schedule.weekdays, schedule.start_time, schedule.end_time, schedule.time_zone, at)

    return state(since) != state(now)


def push_buttons(user, gateway):
    """What the Preview and Apply buttons of a gateway need: the gateway (None when the user may not view it
    or it enforces nothing) and which of the two the user may ask for (constraints are checked on request)."""
    visible = gateway is not None and gateways().restrict(user, "view").filter(pk=gateway.pk).exists()
    return {
        "gateway": gateway if visible else None,
        "may_preview": visible and user.has_perm("netbox_egov.add_push"),
        "may_apply": visible and user.has_perm("netbox_egov.add_push") and user.has_perm("netbox_egov.apply_push"),
    }


def may_read_details(user, push):
    """Whether `user` may read the push's reason, hosts, diff and log: they carry the settings of every agency
    behind the gateway, so only someone who may view each of those agencies reads them."""
    from tenancy.models import Tenant

    from .visibility import is_visible_pk

    return all(is_visible_pk(user, Tenant, tenant.pk) for tenant in push.tenants.all())
