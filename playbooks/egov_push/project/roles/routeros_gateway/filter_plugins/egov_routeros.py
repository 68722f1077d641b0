"""Filters of the routeros_gateway role: NetBox's quotas and compiled site filter as api_modify data.

Values are written the way RouterOS prints them back (rates in bits per second, `priority=3/3`, targets as
networks, booleans), so api_modify finds nothing to change on the next run: the role is idempotent only if
what it asks for compares equal to what the router reports.
"""

import ipaddress
import re

from ansible.errors import AnsibleFilterError

SLUG = re.compile(r"^[a-z0-9_-]+$")
MBPS = 1000 ** 2
BOOLEANS = {"yes": True, "true": True, "no": False, "false": False}
BOOLEAN_FIELDS = ("match-subdomain", "disabled")


def egov_routeros_queues(agencies):
    """One simple queue `egov-<slug>` per agency: target its prefixes, limit-at its guaranteed rates,
    max-limit its ceilings, those in force now (RouterOS orders both as upload/download), the same priority
    both ways."""
    return [_queue(agency) for agency in agencies]


def _queue(agency):
    slug = agency.get("slug", "")
    if not SLUG.match(slug):
        raise AnsibleFilterError(f"agency slug {slug!r} is not a NetBox slug (a-z, 0-9, - and _)")
    rates = {key: _mbps(agency, key) for key in ("rate_up_mbps", "rate_down_mbps", "ceil_up_mbps", "ceil_down_mbps")}
    for direction in ("up", "down"):
        if rates[f"rate_{direction}_mbps"] > rates[f"ceil_{direction}_mbps"]:
            raise AnsibleFilterError(f"agency {slug}: guaranteed {direction} rate is above its ceiling")
    prio = agency.get("prio")
    if not isinstance(prio, int) or not 1 <= prio <= 8:
        raise AnsibleFilterError(f"agency {slug}: prio {prio!r} is not 1..8")
    return {
        "name": f"egov-{slug}",
        "target": _targets(slug, agency.get("prefixes") or []),
        "limit-at": f"{rates['rate_up_mbps'] * MBPS}/{rates['rate_down_mbps'] * MBPS}",
        "max-limit": f"{rates['ceil_up_mbps'] * MBPS}/{rates['ceil_down_mbps'] * MBPS}",
        "priority": f"{prio}/{prio}",
    }


def _mbps(agency, key):
    # The limit in force now (office hours, off hours, throttled over the cap) when NetBox's data gives it;
    # the quota as set otherwise (an inventory written by hand).
    value = agency.get(f"effective_{key}", agency.get(key))
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise AnsibleFilterError(f"agency {agency['slug']}: {key} {value!r} is not a whole number of Mbit/s")
    return value


def _targets(slug, prefixes):
    if not prefixes:
        # A queue without a target would match every address behind the router.
        raise AnsibleFilterError(f"agency {slug} has no prefixes: nothing to shape")
    try:
        return ",".join(str(ipaddress.ip_network(prefix)) for prefix in prefixes)
    except ValueError as error:
        raise AnsibleFilterError(f"agency {slug}: {error}") from error


def egov_routeros_dns_static(compiled, comment):
    """The `/ip dns static` entries of a compiled filter as the plugin's routeros endpoint returns it.

    Comments, blank lines and the `/ip dns static` line are skipped; every `add` must carry `comment`, the
    mark of the entries this role owns. Anything else (e.g. the unbound syntax by mistake) is refused, naming
    the line, rather than read as an empty filter that would unblock every site."""
    entries = []
    for number, line in enumerate(compiled.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#") or line == "/ip dns static":
            continue
        words = line.split()
        if words[0] != "add" or not all("=" in word for word in words[1:]):
            raise AnsibleFilterError(f"compiled filter line {number} is not a RouterOS `add`: {line!r}")
        entry = dict(word.split("=", 1) for word in words[1:])
        if entry.get("comment") != comment:
            raise AnsibleFilterError(f"compiled filter line {number} does not carry comment={comment}: {line!r}")
        for key in BOOLEAN_FIELDS:
            if key in entry:
                entry[key] = BOOLEANS.get(entry[key], entry[key])
        entries.append(entry)
    return entries


class FilterModule:
    def filters(self):
        return {"egov_routeros_queues": egov_routeros_queues, "egov_routeros_dns_static": egov_routeros_dns_static}
