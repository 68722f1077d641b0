"""The compiled filter: what one agency's (or one gateway's) resolver loads, with its ETag, cached.

Compiling decides which policies apply over all of them and then requires
the user to see each one used (and its lists and agencies): a narrower view
is refused, not answered with a shorter list.
"""

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils.translation import gettext as _

from tenancy.models import Tenant

from ..agencies import agency_tenants
from ..logic import domains as rules
from ..logic.schedule import in_force
from ..models import DomainList, FilterPolicy
from .storage import content_text

# Bumped when the compiled output changes for the same inputs, so gateways reload.
COMPILER_VERSION = "1"
CACHE_SECONDS = 24 * 3600
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]+")


class PolicyConflict(Exception):
    """The agencies behind one gateway are under different policies: one DNS resolver cannot serve both."""


@dataclass
class Compiled:
    """A compiled filter. The ETag is known from the inputs alone and the text is built (or read from the
    cache) only when asked for, so answering If-None-Match costs no compile. The body is cached once for
    every agency and gateway under the same policies; only the header names who it is for."""

    etag: str
    header: str
    body_key: str
    build: Callable[[], tuple[str, bool]]

    @cached_property
    def text(self):
        body = cache.get(_cache_key(self.body_key))
        if body is None:
            body, consistent = self.build()
            if consistent:  # the content read is the content the key was computed from
                cache.set(_cache_key(self.body_key), body, CACHE_SECONDS)
        return self.header + body


def applies(policy, tenant, at):
    """Whether the policy filters the agency at `at` (aware datetime)."""
    if not policy.enabled:
        return False
    covered = {t.pk for t in policy.tenants.all()}
    if covered and tenant.pk not in covered:
        return False
    if tenant.pk in {t.pk for t in policy.exempt_tenants.all()}:
        return False
    schedule = policy.schedule
    return schedule is None or in_force(
        schedule.weekdays, schedule.start_time, schedule.end_time, schedule.time_zone, at
    )


def all_policies():
    return FilterPolicy.objects.select_related("schedule").prefetch_related(
        "tenants", "exempt_tenants", "blocked_lists", "allowed_lists"
    )


def policies_in_force(user, tenant, at):
    """The policies the user may see that filter the agency at `at` (for display)."""
    return [policy for policy in all_policies().restrict(user, "view") if applies(policy, tenant, at)]


def agencies_behind(gateway):
    """The agencies a gateway enforces for: those whose bandwidth quota names it, and its own tenant when that
    is an agency. All of them, seen or not by the user: compile_for refuses when one is hidden."""
    return agency_tenants().filter(
        Q(bandwidth_quota__enforcement_device=gateway) | Q(pk=gateway.tenant_id)
    ).distinct().order_by("name")


def compile_for(user, tenants, syntax, at, label):
    """The compiled filter for these agencies at `at`.

    Which policies apply is decided over every policy, not only those the user may see, and the user must
    be able to see each of them, the agencies and their lists (PermissionDenied naming what is hidden): a
    token with too narrow a view gets a refusal, never a shorter list that would unblock sites.
    PolicyConflict when the agencies are not under the same policies."""
    _require_visible(user, Tenant, tenants, _("agencies"))
    policies = list(all_policies())
    in_force_by_tenant = {tenant: [p for p in policies if applies(p, tenant, at)] for tenant in tenants}
    distinct_sets = {frozenset(p.pk for p in chosen) for chosen in in_force_by_tenant.values()}
    if len(distinct_sets) > 1:
        raise PolicyConflict(_(
            "The agencies behind {label} are under different filter policies ({agencies}); one resolver cannot "
            "serve them both. Compile per agency or align their policies."
        ).format(label=label, agencies=", ".join(str(t) for t in tenants)))
    chosen = next(iter(in_force_by_tenant.values()), [])
    _require_visible(user, FilterPolicy, chosen, _("filter policies"))
    blocked, allowed = _lists_of(chosen, "blocked_lists"), _lists_of(chosen, "allowed_lists")
    _require_visible(user, DomainList, blocked + allowed, _("domain lists"))
    body_key = _hash([COMPILER_VERSION, syntax]
                     + [f"{dl.pk}:{dl.content_hash}" for dl in blocked + allowed]
                     + [f"{p.pk}:{_pks(p.blocked_lists)}:{_pks(p.allowed_lists)}" for p in chosen])
    header = _header(label, chosen, blocked, allowed)

    def build():
        contents, consistent = {}, True
        for domain_list in blocked + allowed:  # each list read once
            text = content_text(domain_list)
            # A list never imported has no hash; any other must hash to what the key was computed from.
            consistent &= domain_list.content_hash in ({rules.etag(text)} | ({""} if not text else set()))
            contents[domain_list.pk] = text.split("\n") if text else []
        domains = set()
        for policy in chosen:
            # A policy's exceptions free names from its own lists only, not from another policy's.
            domains.update(rules.blocked(
                [contents[dl.pk] for dl in policy.blocked_lists.all()],
                [domain for dl in policy.allowed_lists.all() for domain in contents[dl.pk]],
            ))
        return rules.COMPILERS[syntax](domains), consistent

    return Compiled(etag=_hash([body_key, header]), header=header, body_key=body_key, build=build)


def _hash(parts):
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _pks(related):
    return ",".join(str(pk) for pk in sorted(obj.pk for obj in related.all()))


def _cache_key(body_key):
    return f"netbox_egov:compiled-filter:{body_key}"


def _lists_of(policies, relation):
    wanted = {dl.pk: dl for policy in policies for dl in getattr(policy, relation).all()}
    return sorted(wanted.values(), key=lambda dl: dl.pk)


def _require_visible(user, model, objects, what):
    wanted = {obj.pk: obj for obj in objects}
    visible = set(model.objects.restrict(user, "view").filter(pk__in=wanted).values_list("pk", flat=True))
    hidden = sorted(str(obj) for pk, obj in wanted.items() if pk not in visible)
    if hidden:
        raise PermissionDenied(_("The filter depends on {what} you may not view: {names}").format(
            what=what, names=", ".join(hidden)
        ))


def _comment(text):
    # Names end up in a file the gateway loads: a line break in one must not start a directive.
    return CONTROL_CHARACTERS.sub(" ", str(text))


def _header(label, policies, blocked, allowed):
    lines = [f"egov-netops site filter for {label}",
             "policies: " + (", ".join(p.name for p in policies) or "none in force")]
    lines += [f"blocked: {dl.name}, domains: {dl.domain_count}" for dl in blocked]
    lines += [f"allowed: {dl.name}, domains: {dl.domain_count}" for dl in allowed]
    return "".join(f"# {_comment(line)}\n" for line in lines)
