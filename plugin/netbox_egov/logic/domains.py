"""Domain lists for site filtering (Pasal 10(2)): parse the national TrustPositif plain-text format, compile.

One domain per line; '#' starts a comment; blank lines are ignored; a
wildcard is allowed only as a leading '*.'. Names are stored in their ASCII
(IDNA 2008, punycode) lowercase form. Bad lines are reported by number while
the good ones are kept.
"""

import hashlib
import re

import idna

LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
MAX_NAME = 253


def normalise(raw):
    """The ASCII form of one domain entry, or raise ValueError saying why it is not a domain."""
    name = raw.strip().lower().rstrip(".")
    if "/" in name or ":" in name:
        # Feeds and hand-typed lists often carry whole URLs; say so rather than blame a label.
        raise ValueError("a URL or host:port, not a domain name (give the host name only)")
    wildcard = name.startswith("*.")
    if wildcard:
        name = name[2:]
    if "*" in name:
        raise ValueError("a wildcard is allowed only as a leading '*.'")
    if not name:
        raise ValueError("empty name")
    ascii_name = name if name.isascii() else _to_ascii(name)
    labels = ascii_name.split(".")
    if len(labels) < 2:
        raise ValueError("needs at least two labels (name.tld)")
    if len(ascii_name) > MAX_NAME:
        raise ValueError(f"longer than {MAX_NAME} characters")
    for label in labels:
        if not LABEL.match(label):
            raise ValueError(f"label {label!r} is not a valid hostname label")
    if labels[-1].isdigit():
        raise ValueError("the top-level label is numeric (an IP address is not a domain)")
    return ("*." if wildcard else "") + ascii_name


def _to_ascii(name):
    # Only non-ASCII names pay for IDNA: a national list is overwhelmingly ASCII already.
    try:
        return idna.encode(name, uts46=True).decode("ascii")
    except idna.IDNAError as error:
        raise ValueError(f"not a valid internationalised name ({error})") from error


def without_nul(text):
    """NUL never belongs to a domain, and PostgreSQL stores no NUL in text or JSON: make it visible instead."""
    return text.replace("\x00", "\ufffd")


def parse(lines):
    """(domains sorted and unique, [(line number, line, why)] for the bad lines)."""
    domains, errors = set(), []
    for number, line in enumerate(lines, start=1):
        entry = line.split("#", 1)[0].strip()
        if not entry:
            continue
        try:
            domains.add(normalise(entry))
        except ValueError as error:
            errors.append((number, line.rstrip("\n"), str(error)))
    return sorted(domains), errors


def looks_like_html(text):
    head = text[:2048].lstrip().lower()
    return head.startswith(("<!doctype", "<html", "<?xml")) or "<body" in head


def zone(domain):
    """The zone a blocking entry covers: '*.x' and 'x' both block x and everything below it."""
    return domain[2:] if domain.startswith("*.") else domain


def covering_entries(name):
    """The entries that would block `name` (normalised, no wildcard): itself and each parent zone, plain or
    as a leading wildcard."""
    entries, labels = [], name.split(".")
    for start in range(len(labels) - 1):
        parent = ".".join(labels[start:])
        entries += [parent, "*." + parent]
    return entries


def compile_unbound(domains):
    """unbound local-zone lines; always_nxdomain also covers every subdomain."""
    zones = sorted({zone(domain) for domain in domains})
    return "".join(f'local-zone: "{name}." always_nxdomain\n' for name in zones)


def compile_routeros(domains):
    """RouterOS DNS static entries answering NXDOMAIN for the name and its subdomains."""
    zones = sorted({zone(domain) for domain in domains})
    lines = ["/ip dns static"]
    lines += [f"add name={name} type=NXDOMAIN match-subdomain=yes comment=egov-filter" for name in zones]
    return "\n".join(lines) + "\n"


COMPILERS = {"unbound": compile_unbound, "routeros": compile_routeros}


def blocked(blocklists, allowed):
    """Domains of every blocklist, less the allowed ones (an allowed zone also frees its subdomains)."""
    allowed_zones = {zone(domain) for domain in allowed}
    result = set()
    for domains in blocklists:
        if allowed_zones:
            domains = (domain for domain in domains if not _under_any(zone(domain), allowed_zones))
        result.update(domains)
    return sorted(result)


def _under_any(name, zones):
    # Walk the name's own suffixes (a handful) instead of every allowed zone (possibly thousands).
    while True:
        if name in zones:
            return True
        dot = name.find(".")
        if dot < 0:
            return False
        name = name[dot + 1:]


class FeedRefused(ValueError):
    """A downloaded feed that must not replace the stored list; the message says why."""


def check_feed(text, previous_count, max_shrink_percent):
    """Parse a downloaded feed, or raise FeedRefused when it is an error page, empty, mostly not domains,
    or shrank by more than `max_shrink_percent` against the last good copy (a truncated download)."""
    if looks_like_html(text):
        raise FeedRefused("the feed returned an HTML page, not a domain list")
    domains, errors = parse(text.splitlines())
    if not domains:
        raise FeedRefused(f"the feed holds no valid domain ({len(errors)} bad lines)")
    if len(errors) > len(domains):
        raise FeedRefused(f"the feed is mostly not domains: {len(errors)} bad lines, {len(domains)} good")
    if previous_count and len(domains) < previous_count * (100 - max_shrink_percent) / 100:
        raise FeedRefused(
            f"the feed shrank from {previous_count} to {len(domains)} domains, more than "
            f"{max_shrink_percent}%: a truncated download?"
        )
    return domains, errors


def etag(text):
    return hashlib.sha256(text.encode()).hexdigest()
