"""Site filtering (Pasal 10(2)): store a list's domains, refresh feeds, and compile what a gateway loads.

The parsing and compiling rules are in logic.domains; this module moves
their results in and out of the database. Compiling decides which policies
apply over all of them and then requires the user to see each one used
(and its lists and agencies): a narrower view is refused, not answered with
a shorter list.
"""

import codecs
import hashlib
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

import requests
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Substr
from django.utils.translation import gettext as _

from tenancy.models import Tenant

from .agencies import agency_tenants
from .choices import EntriesModeChoices, FeedStatusChoices
from .logic import domains as rules
from .logic.schedule import in_force
from .models import DomainList, DomainListContent, FilterPolicy
from .models.filtering import BAD_LINES_KEPT

FEED_TIMEOUT_SECONDS = 60
FEED_DEADLINE_SECONDS = 600
# The national TrustPositif list is some tens of MB; anything far beyond is not a domain list.
MAX_FEED_BYTES = 256 * 1024 * 1024
# Bumped when the compiled output changes for the same inputs, so gateways reload.
COMPILER_VERSION = "1"
CACHE_SECONDS = 24 * 3600
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]+")


def content_text(domain_list):
    """The stored domains as text, one per line ("" for an empty list)."""
    return DomainListContent.objects.filter(domain_list=domain_list).values_list("text", flat=True).first() or ""


def current_domains(domain_list):
    text = content_text(domain_list)
    return text.split("\n") if text else []


def download(domain_list):
    """The list as a text file, one domain per line and a final newline."""
    text = content_text(domain_list)
    return text + "\n" if text else ""


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
        # An import and a feed refresh of one list wait for each other rather than interleave.
        DomainList.objects.select_for_update().only("pk").get(pk=domain_list.pk)
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
    contents = DomainListContent.objects.filter(domain_list__in=domain_lists).values_list("domain_list", "text")
    for domain_list_id, text in contents:
        # A substring search of the stored text: no splitting a million lines into strings per question.
        padded = f"\n{text}\n"
        if any(f"\n{entry}\n" in padded for entry in wanted):
            matching.append(domain_list_id)
    return matching


def head(domain_list, count):
    """The first `count` domains, read from the start of the stored text only."""
    start = DomainListContent.objects.filter(domain_list=domain_list).annotate(
        start=Substr("text", 1, count * (rules.MAX_NAME + 3))
    ).values_list("start", flat=True).first()
    return start.split("\n")[:count] if start else []


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
    # requests assumes ISO-8859-1 for text/* without a charset; the national list is UTF-8. A charset
    # Python does not know is read as UTF-8 too (bad bytes become bad lines).
    declared = "charset=" in response.headers.get("Content-Type", "").lower()
    if not (declared and response.encoding):
        return "utf-8"
    try:
        return codecs.lookup(response.encoding).name
    except LookupError:
        return "utf-8"


def _read_capped(response):
    # The timeout above bounds each read; a server trickling bytes is bounded by the deadline here.
    chunks, size, deadline = [], 0, time.monotonic() + FEED_DEADLINE_SECONDS
    for chunk in response.iter_content(chunk_size=1 << 20):
        size += len(chunk)
        if size > MAX_FEED_BYTES:
            raise FeedUnreachable(f"{response.url} is larger than {MAX_FEED_BYTES} bytes: not a domain list")
        if time.monotonic() > deadline:
            raise FeedUnreachable(f"{response.url} took longer than {FEED_DEADLINE_SECONDS} s to download")
        chunks.append(chunk)
    return b"".join(chunks)


def record_failure(domain_list, now, error):
    """An unexpected error while refreshing one list: recorded on it, the last good copy kept."""
    updates = {"last_attempt": now, "feed_status": FeedStatusChoices.REFUSED,
               "last_error": f"unexpected error: {error}"}
    DomainList.objects.filter(pk=domain_list.pk).update(**updates)


# Compiling


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
