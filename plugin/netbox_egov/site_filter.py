"""Site filtering (Pasal 10(2)): store a list's domains, refresh feeds, and compile what a gateway loads.

The parsing and compiling rules are in logic.domains; this module moves
their results in and out of the database, always through querysets the
requesting user may see.
"""

import bisect
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

import requests
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from tenancy.models import Tenant

from .choices import EntriesModeChoices, FeedStatusChoices
from .logic import domains as rules
from .logic.schedule import in_force
from .models import DomainList, DomainListContent, FilterPolicy
from .models.filtering import BAD_LINES_KEPT

FEED_TIMEOUT_SECONDS = 60
# The national TrustPositif list is some tens of MB; anything far beyond is not a domain list.
MAX_FEED_BYTES = 256 * 1024 * 1024
# Bumped when the compiled output changes for the same inputs, so gateways reload.
COMPILER_VERSION = "1"
CACHE_SECONDS = 24 * 3600


def current_domains(domain_list):
    content = DomainListContent.objects.filter(domain_list=domain_list).first()
    return content.domains() if content else []


def store(domain_list, domains, errors):
    """Replace the list's domains (sorted, unique) and record the figures of this import."""
    text = "\n".join(domains)
    figures = {
        "domain_count": len(domains),
        "content_hash": rules.etag(text),
        "bad_line_count": len(errors),
        "bad_lines": [list(error) for error in errors[:BAD_LINES_KEPT]],
    }
    with transaction.atomic():
        DomainListContent.objects.update_or_create(domain_list=domain_list, defaults={"text": text})
        DomainList.objects.filter(pk=domain_list.pk).update(**figures)
    for field, value in figures.items():
        setattr(domain_list, field, value)


def apply_entries(domain_list, mode, text):
    """Add, remove or replace with the domains in `text`; bad lines are reported (by number), good ones kept.
    Returns the bad lines."""
    new, errors = rules.parse(text.splitlines())
    with transaction.atomic():
        # Two imports into one list at once would each merge into the same old copy: one waits for the other.
        DomainList.objects.select_for_update().only("pk").get(pk=domain_list.pk)
        if mode == EntriesModeChoices.REPLACE:
            result = new
        else:
            existing = set(current_domains(domain_list))
            result = sorted(existing | set(new) if mode == EntriesModeChoices.ADD else existing - set(new))
        store(domain_list, result, errors)
    return errors


def lists_blocking(domain_lists, name):
    """The pks of the lists among `domain_lists` holding `name` or a parent zone of it: the lists that block
    it wherever they are in force. `name` must be normalised (logic.domains.normalise)."""
    wanted = rules.covering_entries(rules.zone(name))
    matching = []
    for content in DomainListContent.objects.filter(domain_list__in=domain_lists):
        entries = content.domains()  # sorted: each lookup is a binary search
        if any(_holds(entries, entry) for entry in wanted):
            matching.append(content.domain_list_id)
    return matching


def _holds(sorted_entries, entry):
    position = bisect.bisect_left(sorted_entries, entry)
    return position < len(sorted_entries) and sorted_entries[position] == entry


# Feeds


class FeedUnreachable(Exception):
    pass


def due_feeds(now):
    """Feed lists never tried, or whose last attempt is older than their refresh interval."""
    return [
        domain_list for domain_list in DomainList.objects.filter(source="feed")
        if domain_list.last_attempt is None
        or (now - domain_list.last_attempt).total_seconds() >= domain_list.refresh_hours * 3600
    ]


def refresh_feed(domain_list, now):
    """Download the list's feed and store it when it is a plausible list; otherwise keep the last good copy.
    Records status, counts and times on the list; returns the status."""
    updates = {"last_attempt": now}
    try:
        downloaded = _download(domain_list)
    except FeedUnreachable as error:
        updates.update(feed_status=FeedStatusChoices.UNREACHABLE, last_error=str(error))
    else:
        updates.update(_take_feed(domain_list, downloaded, now))
    DomainList.objects.filter(pk=domain_list.pk).update(**updates)
    for field, value in updates.items():
        setattr(domain_list, field, value)
    return updates["feed_status"]


def _take_feed(domain_list, downloaded, now):
    if downloaded is None:  # 304 Not Modified
        return {"feed_status": FeedStatusChoices.UNCHANGED, "last_success": now, "last_error": ""}
    text, feed_etag = downloaded
    try:
        domains, errors = rules.check_feed(text, domain_list.domain_count, domain_list.max_shrink_percent)
    except rules.FeedRefused as refusal:
        return {"feed_status": FeedStatusChoices.REFUSED, "last_error": str(refusal)}
    previous_hash = domain_list.content_hash
    store(domain_list, domains, errors)
    changed = domain_list.content_hash != previous_hash
    return {
        "feed_status": FeedStatusChoices.OK if changed else FeedStatusChoices.UNCHANGED,
        "last_success": now, "last_error": "", "feed_etag": feed_etag,
    }


def _download(domain_list):
    """(text, ETag) of the feed, None when the server says it has not changed, or FeedUnreachable."""
    headers = {"User-Agent": "egov-netops"}
    if domain_list.feed_etag and domain_list.domain_count:
        headers["If-None-Match"] = domain_list.feed_etag
    try:
        with requests.get(domain_list.feed_url, headers=headers, timeout=FEED_TIMEOUT_SECONDS, stream=True,
                          proxies=settings.HTTP_PROXIES) as response:
            if response.status_code == 304:
                return None
            if response.status_code != 200:
                raise FeedUnreachable(f"{domain_list.feed_url} answered HTTP {response.status_code}")
            body = _read_capped(response)
            text = rules.without_nul(body.decode(_charset(response), errors="replace"))
            return text, response.headers.get("ETag", "")
    except requests.RequestException as error:
        # Includes a connection cut before Content-Length bytes arrived: a truncated download.
        raise FeedUnreachable(f"{domain_list.feed_url}: {error}") from error


def _charset(response):
    # requests assumes ISO-8859-1 for text/* without a charset; the national list is UTF-8.
    declared = "charset=" in response.headers.get("Content-Type", "").lower()
    return response.encoding if declared and response.encoding else "utf-8"


def _read_capped(response):
    chunks, size = [], 0
    for chunk in response.iter_content(chunk_size=1 << 20):
        size += len(chunk)
        if size > MAX_FEED_BYTES:
            raise FeedUnreachable(f"{response.url} is larger than {MAX_FEED_BYTES} bytes: not a domain list")
        chunks.append(chunk)
    return b"".join(chunks)


# Compiling


class PolicyConflict(Exception):
    """The agencies behind one gateway are under different policies: one DNS resolver cannot serve both."""


@dataclass
class Compiled:
    """A compiled filter: the ETag is known from the inputs alone, the text is built (or read from the cache)
    only when asked for, so answering If-None-Match costs no compile."""

    etag: str
    policies: list
    build: Callable[[], str]

    @cached_property
    def text(self):
        text = cache.get(_cache_key(self.etag))
        if text is None:
            text = self.build()
            cache.set(_cache_key(self.etag), text, CACHE_SECONDS)
        return text


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


def visible_policies(user):
    return FilterPolicy.objects.restrict(user, "view").select_related("schedule").prefetch_related(
        "tenants", "exempt_tenants", "blocked_lists", "allowed_lists"
    )


def policies_in_force(user, tenant, at):
    return [policy for policy in visible_policies(user) if applies(policy, tenant, at)]


def agencies_behind(user, gateway):
    """The agencies a gateway enforces for: those whose bandwidth quota names it, and its own tenant."""
    return Tenant.objects.restrict(user, "view").filter(
        Q(bandwidth_quota__enforcement_device=gateway) | Q(pk=gateway.tenant_id)
    ).distinct().order_by("name")


def compile_for(user, tenants, syntax, at, label):
    """The compiled filter for these agencies at `at`; PolicyConflict when they are not under the same
    policies, PermissionDenied when a list of an applicable policy is hidden from the user."""
    policies = list(visible_policies(user))
    in_force_by_tenant = {tenant: [p for p in policies if applies(p, tenant, at)] for tenant in tenants}
    distinct_sets = {frozenset(p.pk for p in chosen) for chosen in in_force_by_tenant.values()}
    if len(distinct_sets) > 1:
        raise PolicyConflict(_(
            "The agencies behind {label} are under different filter policies ({agencies}); one resolver cannot "
            "serve them both. Compile per agency or align their policies."
        ).format(label=label, agencies=", ".join(str(t) for t in tenants)))
    chosen = next(iter(in_force_by_tenant.values()), [])
    blocked = _lists_of(user, chosen, "blocked_lists")
    allowed = _lists_of(user, chosen, "allowed_lists")
    header = _header(label, chosen, blocked, allowed)
    etag = hashlib.sha256("\n".join(
        [COMPILER_VERSION, syntax, header]
        + [f"{dl.pk}:{dl.content_hash}" for dl in blocked + allowed]
        + [f"{p.pk}:{_pks(p.blocked_lists)}:{_pks(p.allowed_lists)}" for p in chosen]
    ).encode()).hexdigest()

    def build():
        contents = {dl.pk: current_domains(dl) for dl in blocked + allowed}  # each list read once
        domains = set()
        for policy in chosen:
            # A policy's exceptions free names from its own lists only, not from another policy's.
            domains.update(rules.blocked(
                [contents[dl.pk] for dl in policy.blocked_lists.all()],
                [domain for dl in policy.allowed_lists.all() for domain in contents[dl.pk]],
            ))
        return header + rules.COMPILERS[syntax](domains)

    return Compiled(etag=etag, policies=chosen, build=build)


def _pks(related):
    return ",".join(str(pk) for pk in sorted(obj.pk for obj in related.all()))


def _cache_key(etag):
    return f"netbox_egov:compiled-filter:{etag}"


def _lists_of(user, policies, relation):
    wanted = {dl.pk: dl for policy in policies for dl in getattr(policy, relation).all()}
    visible = set(DomainList.objects.restrict(user, "view").filter(pk__in=wanted).values_list("pk", flat=True))
    hidden = [str(dl) for pk, dl in wanted.items() if pk not in visible]
    if hidden:
        raise PermissionDenied(_("Filter policies in force use domain lists you may not view: {lists}").format(
            lists=", ".join(sorted(hidden))
        ))
    return sorted(wanted.values(), key=lambda dl: dl.pk)


def _header(label, policies, blocked, allowed):
    lines = [f"# egov-netops site filter for {label}",
             "# policies: " + (", ".join(p.name for p in policies) or "none in force")]
    lines += [f"# blocked: {dl.name}, domains: {dl.domain_count}" for dl in blocked]
    lines += [f"# allowed: {dl.name}, domains: {dl.domain_count}" for dl in allowed]
    return "\n".join(lines) + "\n"
