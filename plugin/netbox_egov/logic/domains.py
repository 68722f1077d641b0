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
        for domain in domains:
            name = zone(domain)
            if not any(name == allowed_zone or name.endswith("." + allowed_zone) for allowed_zone in allowed_zones):
                result.add(domain)
    return sorted(result)


def etag(text):
    return hashlib.sha256(text.encode()).hexdigest()
