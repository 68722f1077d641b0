"""Prometheus HTTP service discovery (https://prometheus.io/docs/prometheus/latest/http_sd/): target groups.

No Django here: the API views (api/sd.py) hand in plain rows and settings and serve what comes back.
Label values are strings, as Prometheus requires; an unknown one is "" (absent to Prometheus), as in
docs/metrics.md. Labels starting with `__meta_` are for relabeling only: Prometheus drops them after it.
"""

import ipaddress
import re

SETTING = "prometheus_exporters"
# The exporters' group says what it is, for a configuration that reads both endpoints into one job.
EXPORTER_JOB = "egov-exporter"
# A host name: dot-separated labels of letters, digits, '-' and '_' (an IPv4 address is one too).
HOST_LABEL = r"[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?"
HOST_NAME = re.compile(rf"^{HOST_LABEL}(\.{HOST_LABEL})*$")


def device_address(ip4, ip6):
    """The address to watch a device at: its primary IPv4, else its primary IPv6, each as NetBox stores it
    (compact, with a mask: "10.0.0.1/24", "2001:db8::1/64") or None. Returns the plain address and its
    Prometheus target (an IPv6 one bracketed, as a host in `__address__` must be). Read as text, not parsed
    again: parsing took 40 % of the answer at 5,000 devices."""
    address = str(ip4 if ip4 is not None else ip6).partition("/")[0]
    return address, (f"[{address}]" if ":" in address else address)


def device_group(row):
    """One device's target group. `row` maps id, name, status, tenant_slug, tenant_name, site_slug, site_name,
    role_slug, platform_slug, ip4 and ip6 (None for what is missing or hidden; an address at least). One
    group per device, so two devices of the same name at different sites stay two targets."""
    address, target = device_address(row["ip4"], row["ip6"])
    return {
        "targets": [target],
        "labels": {
            "device": row["name"] or "",
            "agency": row["tenant_slug"] or "",
            "site": row["site_slug"] or "",
            "role": row["role_slug"] or "",
            "platform": row["platform_slug"] or "",
            "__meta_egov_device_id": str(row["id"]),
            "__meta_egov_device_status": row["status"],
            # Without brackets: what a blackbox or snmp_exporter probe takes as its `target` parameter.
            "__meta_egov_primary_ip": address,
            "__meta_egov_tenant_name": row["tenant_name"] or "",
            "__meta_egov_site_name": row["site_name"] or "",
        },
    }


def exporter_targets(value):
    """The `prometheus_exporters` setting checked: a list of distinct "host:port" strings (a host name, an
    IPv4 address or a bracketed IPv6 address; a port from 1 to 65535). Returns it as a list; raises
    ValueError naming the setting and the bad value."""
    if not isinstance(value, list | tuple):
        raise ValueError(f'{SETTING} must be a list of "host:port" strings, not {value!r}')
    for item in value:
        if not _is_host_port(item):
            raise ValueError(f'{SETTING}: {item!r} is not "host:port" (a host name, an IPv4 address or an IPv6 '
                             f'address in brackets, and a port from 1 to 65535)')
        if value.count(item) > 1:
            raise ValueError(f"{SETTING}: {item!r} is given more than once")
    return list(value)


def _is_host_port(item):
    if not isinstance(item, str):
        return False
    host, colon, port = item.rpartition(":")
    if not colon or not (port.isascii() and port.isdigit()) or not 0 < int(port) < 65536:
        return False
    if host.startswith("[") and host.endswith("]"):
        try:
            ipaddress.IPv6Address(host[1:-1])
        except ValueError:
            return False
        return True
    return len(host) <= 253 and bool(HOST_NAME.match(host))


def exporters_groups(targets):
    """The exporters as target groups: one group holding them all, or none when there are none."""
    if not targets:
        return []
    return [{"targets": list(targets), "labels": {"__meta_egov_job": EXPORTER_JOB}}]
