"""Feed refresh: download a list's feed over HTTP and store it only when it is a plausible list.

What makes a download plausible (not an HTML page, not garbage, not much
shorter than the last good copy) is decided by logic.domains.check_feed;
this module does the HTTP and records the outcome on the list.
"""

import codecs
import time

import requests
from django.conf import settings

from ..choices import DomainSourceChoices, FeedStatusChoices
from ..logic import domains as rules
from ..models import DomainList
from . import storage

FEED_TIMEOUT_SECONDS = 60
FEED_DEADLINE_SECONDS = 600
# The national TrustPositif list is some tens of MB; anything far beyond is not a domain list.
MAX_FEED_BYTES = 256 * 1024 * 1024


class FeedUnreachable(Exception):
    pass


def due_feeds(now):
    """Feed lists never tried, or whose last attempt is older than their refresh interval."""
    return [
        domain_list for domain_list in DomainList.objects.filter(source=DomainSourceChoices.FEED)
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
    storage.store(domain_list, domains, errors)
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
