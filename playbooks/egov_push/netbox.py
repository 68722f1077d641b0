"""What a gateway enforces, read from NetBox's REST API with a read-only token, as the roles' host variables.

``gateway_vars(netbox, device_id)`` returns the data contract of the roles (docs/enforcement.md)::

    egov_interfaces: [{name, ifb, down_mbps, up_mbps}]      # enforcement interfaces; capacity = interface speed
    egov_agencies:   [{slug, interface, prefixes, prio,
                       rate_down_mbps, ceil_down_mbps, rate_up_mbps, ceil_up_mbps,      # the quota as set
                       effective_rate_down_mbps, effective_ceil_down_mbps,              # in force now
                       effective_rate_up_mbps, effective_ceil_up_mbps, limited_by}]
    egov_filter:     "<compiled site filter text>"

The compiled filter is fetched with If-None-Match: its last body and ETag are kept in a cache folder, so an
unchanged filter costs NetBox a 304 and no compiling. Requests per gateway, whatever its number of agencies: its
quotas, their schedules, the month's usage of its agencies, the speeds of its enforcement interfaces (one list
each) and the filter.

Errors: ``NetBoxError`` with NetBox's status and message (a 4xx: fix the token or the data; the request would be
refused again), or the reason NetBox could not be reached.
"""

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

import pynetbox
import requests

# The collectors' adapter (same distribution): requests has no default timeout, and a stalled NetBox must hang
# neither a poll nor a push.
from egov_collectors.netbox import TimeoutAdapter

from . import effective

PAGE_SIZE = 1000
QUOTAS = "plugins/egov/bandwidth-quotas/"
COMPILED_FILTER = "plugins/egov/compiled-filter/{syntax}/"
IFB_PREFIX = "egovifb"  # egovifb0, egovifb1... one per enforcement interface, in the order of their names


class NetBoxError(Exception):
    """NetBox refused a request (its status and message), or could not be reached."""


@dataclass(frozen=True)
class CompiledFilter:
    text: str
    etag: str
    unchanged: bool  # NetBox answered 304: the cached body was used


class NetBox:
    """The enforcement's view of NetBox: quotas, usage states, interfaces, compiled filters (read only)."""

    def __init__(self, url, token, cache_dir=None, timeout=30.0):
        self.url = url
        self.api = pynetbox.api(url, token=token)
        adapter = TimeoutAdapter(timeout)
        self.api.http_session.mount("http://", adapter)
        self.api.http_session.mount("https://", adapter)
        self.cache_dir = Path(cache_dir or default_cache_dir())

    @classmethod
    def from_environment(cls, token=None):
        """The NetBox at $NETBOX_API with ``token``, else the token $NETBOX_TOKEN (the variables nb_inventory reads
        too)."""
        missing = [name for name in ("NETBOX_API", *(() if token else ("NETBOX_TOKEN",))) if not os.environ.get(name)]
        if missing:
            raise NetBoxError(f"set {' and '.join(missing)}: what to enforce comes from NetBox's API")
        return cls(os.environ["NETBOX_API"], token or os.environ["NETBOX_TOKEN"])

    def __repr__(self):
        return f"NetBox({self.api.base_url!r})"  # never the token

    def environment(self):
        """The variables by which ansible-playbook reaches this NetBox (nb_inventory, the lookups): runner.run's
        ``envvars``. The token is masked in what the run returns."""
        return {"NETBOX_API": self.url, "NETBOX_TOKEN": self.api.token}

    def gateway_ids(self):
        """Ids of the devices that are the enforcement device of at least one quota."""
        return sorted({quota["enforcement_device"]["id"] for quota in self._enforced_quotas()})

    def gateway_names(self, agencies=()):
        """Names of the devices that enforce a quota, sorted; with ``agencies`` (tenant slugs), of those that
        enforce one of theirs. A slug no tenant has, or an agency without a quota on a device, is a NetBoxError
        naming it."""
        agencies = sorted(set(agencies))
        if agencies:
            known = {row["slug"] for row in self._list(self.api.tenancy.tenants, slug=agencies, fields="id,slug")}
            unknown = [slug for slug in agencies if slug not in known]
            if unknown:
                raise NetBoxError(f"no agency (tenant) with the slug {', '.join(map(repr, unknown))} in NetBox")
        quotas = self._enforced_quotas(agencies)
        without = sorted(set(agencies) - {quota["tenant"]["slug"] for quota in quotas})
        if without:
            raise NetBoxError(f"agency {', '.join(map(repr, without))}: no bandwidth quota names an enforcement "
                              "device")
        return sorted({quota["enforcement_device"]["name"] for quota in quotas})

    def _enforced_quotas(self, agencies=()):
        """The quotas (of ``agencies``, tenant slugs, or all) that name an enforcement device: id, tenant, device."""
        quotas = self._list(self.api.plugins.egov.bandwidth_quotas, fields="id,tenant,enforcement_device",
                            **({"tenant": list(agencies)} if agencies else {}))
        return [quota for quota in quotas if quota.get("enforcement_device")]

    def quotas(self, device_id):
        """The quotas enforced on the device (API rows)."""
        return self._list(self.api.plugins.egov.bandwidth_quotas, enforcement_device_id=device_id)

    def usage_states(self, slugs, month):
        """{agency slug: the month's usage state}; with several sources, the worst one counts."""
        if not slugs:
            return {}
        rows = self._list(self.api.plugins.egov.quota_usage, tenant=sorted(slugs), period="month",
                          period_start=month.isoformat())
        by_agency = {}
        for row in rows:
            by_agency.setdefault(row["tenant"]["slug"], []).append(row["state"])
        return {slug: effective.worst_state(states) for slug, states in by_agency.items()}

    def schedules(self, schedule_ids):
        """{schedule id: API row} (a quota carries only the schedule's name)."""
        if not schedule_ids:
            return {}
        return {row["id"]: row for row in self._list(self.api.plugins.egov.schedules, id=sorted(schedule_ids))}

    def interface_speeds(self, interface_ids):
        """{interface id: speed in Mbit/s, or None when NetBox does not know it}."""
        if not interface_ids:
            return {}
        rows = self._list(self.api.dcim.interfaces, id=sorted(interface_ids), fields="id,speed")
        return {row["id"]: row["speed"] // 1000 if row.get("speed") else None for row in rows}

    def compiled_filter(self, device_id, syntax="unbound"):
        """The site filter compiled for the gateway, as a CompiledFilter; a 304 reuses the cached body."""
        url = self.api.base_url.rstrip("/") + "/" + COMPILED_FILTER.format(syntax=syntax)
        cache = self.cache_dir / f"{hashlib.sha256(f'{url}?gateway={device_id}'.encode()).hexdigest()[:32]}.json"
        cached = json.loads(cache.read_text()) if cache.exists() else None
        headers = self._headers()
        if cached:
            headers["If-None-Match"] = cached["etag"]
        response = self._get(url, params={"gateway": device_id}, headers=headers)
        if response.status_code == 304 and cached:
            return CompiledFilter(cached["text"], cached["etag"], unchanged=True)
        compiled = CompiledFilter(response.text, response.headers.get("ETag", ""), unchanged=False)
        self.cache_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        temporary = cache.with_suffix(".tmp")
        temporary.write_text(json.dumps({"etag": compiled.etag, "text": compiled.text}))
        temporary.replace(cache)
        return compiled

    def _headers(self):
        token = self.api.token
        scheme = "Bearer" if token.startswith("nbt_") else "Token"  # v2 tokens (NetBox 4.5+) or legacy v1
        return {"Authorization": f"{scheme} {token}"}

    def _get(self, url, **options):
        try:
            response = self.api.http_session.get(url, **options)
        except requests.RequestException as error:
            raise NetBoxError(f"NetBox is unavailable: {type(error).__name__} on GET {url}") from error
        if response.status_code >= 400:
            raise NetBoxError(f"NetBox refused GET {url} ({response.status_code}): {response.text[:2000]}")
        return response

    def _list(self, endpoint, **filters):
        try:
            return [dict(record) for record in endpoint.filter(limit=PAGE_SIZE, **filters)]
        except pynetbox.RequestError as error:
            raise NetBoxError(f"NetBox refused {endpoint.url} ({error.req.status_code}): {error.error}") from error
        except requests.RequestException as error:
            raise NetBoxError(f"NetBox is unavailable: {type(error).__name__} on {endpoint.url}") from error


def default_cache_dir():
    """$EGOV_PUSH_CACHE, else $XDG_CACHE_HOME/egov-push, else ~/.cache/egov-push."""
    if os.environ.get("EGOV_PUSH_CACHE"):
        return Path(os.environ["EGOV_PUSH_CACHE"])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "egov-push"


def gateway_vars(netbox, device_id, at=None, syntax="unbound"):
    """The host variables of the gateway ``device_id`` (see the module's docstring) at ``at`` (default now)."""
    at = at or effective.now()
    quotas = netbox.quotas(device_id)
    for quota in quotas:
        if not quota.get("enforcement_interface"):
            raise NetBoxError(f"the quota of agency {quota['tenant']['slug']} on device {device_id} names no "
                              "enforcement interface")
    states = netbox.usage_states({quota["tenant"]["slug"] for quota in quotas}, effective.month_start(at))
    schedules = netbox.schedules({quota["schedule"]["id"] for quota in quotas if quota.get("schedule")})
    agencies = sorted((agency_vars(quota, schedules.get((quota.get("schedule") or {}).get("id")),
                                   states.get(quota["tenant"]["slug"]), at) for quota in quotas),
                      key=lambda agency: agency["slug"])
    interfaces = interface_vars(quotas, agencies, netbox.interface_speeds(
        {quota["enforcement_interface"]["id"] for quota in quotas}))
    return {
        "egov_interfaces": interfaces,
        "egov_agencies": agencies,
        "egov_filter": netbox.compiled_filter(device_id, syntax).text if quotas else None,
    }


def agency_vars(quota, schedule, usage_state, at):
    """One agency's entry of egov_agencies from its quota and schedule (API rows) and the month's usage state."""
    limits = effective.limits(effective.quota_of(quota, schedule), at, usage_state)
    return {
        "slug": quota["tenant"]["slug"],
        "interface": quota["enforcement_interface"]["name"],
        "prefixes": sorted(prefix["prefix"] for prefix in quota["prefixes"]),
        "prio": quota["priority"],
        "rate_down_mbps": quota["guaranteed_down_mbps"],
        "ceil_down_mbps": quota["ceiling_down_mbps"],
        "rate_up_mbps": quota["guaranteed_up_mbps"],
        "ceil_up_mbps": quota["ceiling_up_mbps"],
        "effective_rate_down_mbps": limits.rate_down_mbps,
        "effective_ceil_down_mbps": limits.ceil_down_mbps,
        "effective_rate_up_mbps": limits.rate_up_mbps,
        "effective_ceil_up_mbps": limits.ceil_up_mbps,
        "limited_by": limits.reason,
    }


def interface_vars(quotas, agencies, speeds):
    """egov_interfaces: each enforcement interface with its IFB and capacity. Without a known speed, the
    capacity is the sum of its agencies' ceilings in force: then no agency is held under its own ceiling."""
    interfaces = {quota["enforcement_interface"]["name"]: quota["enforcement_interface"]["id"] for quota in quotas}
    result = []
    for index, name in enumerate(sorted(interfaces)):
        mine = [agency for agency in agencies if agency["interface"] == name]
        speed = speeds.get(interfaces[name])
        result.append({
            "name": name,
            "ifb": f"{IFB_PREFIX}{index}",
            "down_mbps": speed or sum(agency["effective_ceil_down_mbps"] for agency in mine),
            "up_mbps": speed or sum(agency["effective_ceil_up_mbps"] for agency in mine),
        })
    return result
