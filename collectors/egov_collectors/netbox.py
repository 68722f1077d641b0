"""What to poll and the quotas, read from NetBox; quota usage written back through the plugin's upsert.

A thin wrapper over pynetbox: every list is one paginated request (``fields`` keeps the answers small), never a
request per device, so a cycle costs NetBox the same few calls for 30 devices or 20,000.

The polling profile of a device is the key ``egov_polling`` of its rendered config context (docs/collectors.md)::

    {"snmp": {"version": "2c", "port": 161, "timeout": 2, "retries": 1, "credential": "gateways-v2c"},
     "ssh": {"credential": "gw-linux", "port": 22},
     "napalm": {"optional_args": {...}}}

A device with ``ssh`` (and ``napalm``) but no ``snmp`` is not polled: it is only read over SSH by the
reconciliation (docs/reconciliation.md).

Config contexts are assigned by role, platform, site, tenant (and more) with weights, merged key by key, and a
device's local context overrides them: one context per role covers a fleet, an exception is one local edit, and
NetBox needs no new field. Only credential *names* are stored there; ``secrets`` resolves them.

Errors: ``NetBoxRefused`` when NetBox answers 4xx (its message included: fix the request or the token, a retry
gives the same answer), ``NetBoxUnavailable`` for 5xx, timeouts and connection errors (retry later; the upsert
is idempotent, so a replay is safe).
"""

import logging
from dataclasses import dataclass

import pynetbox
import requests
from requests.adapters import HTTPAdapter

from .model import Target
from .secrets import SecretsError, check_name

log = logging.getLogger(__name__)

POLLING_KEY = "egov_polling"
DEVICE_FIELDS = "id,name,status,primary_ip,platform,tenant,site,role,config_context"
QUOTA_FIELDS = "id,tenant,monthly_cap_gb,enforcement_device,enforcement_interface"
UPSERT_PATH = "plugins/egov/quota-usage/upsert/"
FINDINGS_REPORT_PATH = "plugins/egov/findings/report/"
# NetBox's MAX_PAGE_SIZE (1000 by default) caps a page; ids and names go in chunks that keep a URL short
# (gunicorn refuses request lines over 4094 bytes).
PAGE_SIZE = 1000
FILTER_CHUNK = 100
SNMP_DEFAULTS = {"version": "2c", "port": 161, "timeout": 2.0, "retries": 1}
SSH_DEFAULTS = {"port": 22}
# The parts of a profile: SNMP polling, the SSH login (nft counters, reconciliation), NAPALM's options
# (reconcile.documentation checks that part).
PROFILE_PARTS = ("snmp", "ssh", "napalm")
MAX_TIMEOUT = 60
MAX_RETRIES = 10
# A NetBox message is shown whole unless it is huge (a list of a thousand item errors).
MESSAGE_LIMIT = 2000


class NetBoxError(Exception):
    """NetBox could not do what was asked."""


class NetBoxRefused(NetBoxError):
    """NetBox answered 4xx: the request or the token is wrong; the same request would be refused again."""

    def __init__(self, status, message):
        super().__init__(f"NetBox refused the request ({status}): {message}")
        self.status = status
        self.message = message


class NetBoxUnavailable(NetBoxError):
    """5xx, a timeout or no connection: retry later (``status`` is None without an HTTP answer)."""

    def __init__(self, reason, status=None):
        super().__init__(f"NetBox is unavailable: {reason}")
        self.status = status


class ProfileError(ValueError):
    """A device's ``egov_polling`` profile is wrong; the message names the device, the field and the value."""


@dataclass(frozen=True)
class Skipped:
    """A device that is not polled, and why (a bad profile; with ``names``, also not found or not active)."""

    device: str
    reason: str


class Targets(list):
    """The targets (a plain list of ``Target``) with the devices skipped on the way in ``skipped``."""

    def __init__(self, targets=(), skipped=()):
        super().__init__(targets)
        self.skipped = list(skipped)


@dataclass(frozen=True)
class Quota:
    """A bandwidth quota as the accounting needs it: whose, and where it is enforced."""

    id: int
    tenant: str  # agency slug
    monthly_cap_gb: int | None
    enforcement_device: str | None  # device name
    enforcement_device_id: int | None
    enforcement_interface: str | None  # interface name
    interface_device: str | None  # the device the enforcement interface is on
    interface_is_agency: bool  # that device belongs to the quota's agency (its counters are the agency's)


class TimeoutAdapter(HTTPAdapter):
    """requests has no default timeout: without one a stalled NetBox would hang the collector for ever."""

    def __init__(self, timeout):
        super().__init__()
        self.timeout = timeout

    def send(self, request, **kwargs):
        kwargs["timeout"] = kwargs.get("timeout") or self.timeout
        return super().send(request, **kwargs)


class NetBox:
    """The collectors' view of NetBox, over its REST API with one token (view on devices, interfaces, tenants
    and quotas; view, add and change on quota usage: docs/collectors.md)."""

    def __init__(self, url, token, timeout=30.0, page_size=PAGE_SIZE):
        self.api = pynetbox.api(url, token=token)
        adapter = TimeoutAdapter(timeout)
        self.api.http_session.mount("http://", adapter)
        self.api.http_session.mount("https://", adapter)
        self.page_size = page_size

    def __repr__(self):
        return f"NetBox({self.api.base_url!r})"  # never the token

    # Reading.

    def targets(self, names=None):
        """Devices to poll: status active, a primary IP and a valid ``egov_polling`` profile, as ``Targets``.

        Without ``names``, every such device (devices without a profile are simply not polled); a device whose
        profile is wrong goes to ``skipped`` with the reason, the others are returned. With ``names``, those
        devices only, and each named one that cannot be polled is in ``skipped`` saying why."""
        if names:
            devices = [device for chunk in chunks(sorted(set(names)), FILTER_CHUNK)
                       for device in self.rows(self.api.dcim.devices, name=chunk, fields=DEVICE_FIELDS)]
        else:
            devices = self.rows(self.api.dcim.devices, status="active", has_primary_ip=True, fields=DEVICE_FIELDS)
        result = Targets()
        for device in devices:
            try:
                target = device_target(device)
            except ProfileError as error:
                result.skipped.append(Skipped(device.get("name") or f"device {device['id']}", str(error)))
                log.warning("not polled: %s", error)
                continue
            if target is not None:
                result.append(target)
            elif names:
                result.skipped.append(Skipped(device["name"], f"{device['name']}: {not_polled_reason(device)}"))
        if names:
            found = {device["name"] for device in devices}
            result.skipped += [Skipped(name, f"{name}: no such device in NetBox") for name in names
                               if name not in found]
        return result

    def quotas(self):
        """Every bandwidth quota the token may view, with its enforcement point (``Quota``)."""
        quotas = self.rows(self.api.plugins.egov.bandwidth_quotas, fields=QUOTA_FIELDS)
        interface_devices = {quota["enforcement_interface"]["device"]["id"]
                             for quota in quotas if quota.get("enforcement_interface")}
        owners = self._device_tenants(interface_devices)
        return [quota_record(quota, owners) for quota in quotas]

    def stored_totals(self, period_starts, sources=None):
        """The quota-usage rows (plain dicts, as ``GET /api/plugins/egov/quota-usage/`` returns them: what
        ``accounting.Ledger.seed`` takes) of these period starts (dates), of every source or of ``sources`` only."""
        filters = {"period_start": [start.isoformat() for start in period_starts]}
        if sources is not None:
            filters["source"] = list(sources)
        if not filters["period_start"] or filters.get("source") == []:
            return []
        return self.rows(self.api.plugins.egov.quota_usage, **filters)

    # Writing.

    def upsert(self, items):
        """Write usage totals in one request: all are applied or none. ``items`` are the upsert's items
        (mappings shaped as docs/quota-usage-api.md says: what ``accounting.Ledger`` produces and the spool
        keeps). Returns the rows NetBox holds afterwards, as dicts (a write older than the stored row returns the
        stored row unchanged)."""
        payload = [dict(item) for item in items]
        if not payload:
            return []
        return self._post(UPSERT_PATH, payload)

    def report_findings(self, report):
        """One device's reconciliation report (docs/reconciliation.md), applied all or nothing by the plugin.
        Returns its counts: {"created", "updated", "reopened", "resolved", "unchanged"}."""
        return self._post(FINDINGS_REPORT_PATH, dict(report))

    # Plumbing.

    def _post(self, path, payload):
        url = self.api.base_url.rstrip("/") + "/" + path
        try:
            response = self.api.http_session.post(url, json=payload, headers=self._headers())
        except requests.RequestException as error:
            raise NetBoxUnavailable(f"{type(error).__name__} on POST {url}") from error
        if error := answer_error(response):
            raise error
        try:
            return response.json()
        except ValueError:
            raise NetBoxUnavailable(f"not a JSON answer from POST {url} (a proxy's page?)") from None

    def _headers(self):
        token = self.api.token
        scheme = "Bearer" if token.startswith("nbt_") else "Token"  # v2 tokens (NetBox 4.5+) or legacy v1
        return {"Authorization": f"{scheme} {token}", "Accept": "application/json"}

    def rows(self, endpoint, **filters):
        """Every row of a filtered list (plain dicts), page by page (``endpoint``: a pynetbox endpoint)."""
        try:
            return [dict(record) for record in endpoint.filter(limit=self.page_size, **filters)]
        except pynetbox.RequestError as error:  # raised for every answer of 400 and above
            raise answer_error(error.req) from error
        except pynetbox.ContentError as error:
            raise NetBoxUnavailable(f"not a JSON answer from {error.base} (a proxy's page?)") from error
        except requests.RequestException as error:
            raise NetBoxUnavailable(f"{type(error).__name__} on {endpoint.url}") from error

    def _device_tenants(self, device_ids):
        """Device id -> its tenant's slug ("" without one), in chunks of ids."""
        owners = {}
        for chunk in chunks(sorted(device_ids), FILTER_CHUNK):
            for device in self.rows(self.api.dcim.devices, id=chunk, fields="id,tenant"):
                owners[device["id"]] = (device.get("tenant") or {}).get("slug", "")
        return owners


def chunks(values, size):
    return [values[start:start + size] for start in range(0, len(values), size)]


def answer_error(response):
    """``NetBoxUnavailable`` for a 5xx answer, ``NetBoxRefused`` for 4xx, None for any other."""
    if response.status_code >= 500:
        return NetBoxUnavailable(f"{response.status_code} {response.reason} from {response.request.method} "
                                 f"{response.url}", status=response.status_code)
    if response.status_code >= 400:
        return NetBoxRefused(response.status_code, netbox_message(response))
    return None


def netbox_message(response):
    """NetBox's own words: {"detail": ...} or the validation errors, compact."""
    try:
        body = response.json()
    except ValueError:
        text = response.text
        if text.lstrip()[:15].lower().startswith(("<!doctype html", "<html")):
            # NetBox's own "Page Not Found" page: the endpoint is not there (a plugin missing or too old?).
            return f"{response.reason} (a web page, not an API answer: is {response.url} an endpoint of this NetBox?)"
    else:
        text = body["detail"] if isinstance(body, dict) and set(body) == {"detail"} else str(body)
    return text if len(text) <= MESSAGE_LIMIT else text[:MESSAGE_LIMIT] + "..."


# Devices and profiles.


def not_polled_reason(device):
    status = (device.get("status") or {}).get("value")
    if status != "active":
        return f"status is {status!r}, not 'active'"
    if not device.get("primary_ip"):
        return "has no primary IP"
    if POLLING_KEY not in (device.get("config_context") or {}):
        return f"has no {POLLING_KEY} in its config context"
    return f"its {POLLING_KEY} has no snmp part (read over SSH only: egov-collector reconcile)"


def device_target(device):
    """The ``Target`` of a device list row, None when it is not to be polled; ProfileError for a bad profile."""
    profile = (device.get("config_context") or {}).get(POLLING_KEY)
    if profile is None or (device.get("status") or {}).get("value") != "active" or not device.get("primary_ip"):
        return None
    name = device.get("name")
    if not name:
        raise ProfileError(f"device {device['id']} has a polling profile but no name")
    snmp, ssh = polling_profile(name, profile)
    if snmp is None:
        return None
    return Target(
        device=name,
        host=device["primary_ip"]["address"].split("/")[0],
        credential=snmp["credential"],
        version=snmp["version"],
        port=snmp["port"],
        timeout=snmp["timeout"],
        retries=snmp["retries"],
        platform=slug_of(device.get("platform")),
        tenant=slug_of(device.get("tenant")),
        site=slug_of(device.get("site")),
        role=slug_of(device.get("role")),
        device_id=device["id"],
        ssh_credential=ssh.get("credential", ""),
        ssh_port=ssh.get("port", SSH_DEFAULTS["port"]),
    )


def slug_of(nested):
    return (nested or {}).get("slug", "")


def polling_profile(device, profile):
    """The checked ``snmp`` and ``ssh`` parts of a profile, defaults filled in; ``snmp`` is None for a device only
    read over SSH (a profile with ``ssh`` and ``napalm`` only, for the reconciliation)."""
    check_profile(device, profile)
    ssh = ssh_section(device, profile)
    if "snmp" not in profile:
        if not ssh:
            raise ProfileError(f"{device}: {POLLING_KEY}.snmp is missing")
        return None, ssh
    snmp = {**SNMP_DEFAULTS, **section(device, profile, "snmp", (*SNMP_DEFAULTS, "credential"))}
    field = f"{POLLING_KEY}.snmp"
    snmp["version"] = snmp_version(device, snmp["version"])
    snmp["port"] = bounded_int(device, f"{field}.port", snmp["port"], 1, 65535)
    snmp["retries"] = bounded_int(device, f"{field}.retries", snmp["retries"], 0, MAX_RETRIES)
    snmp["timeout"] = timeout(device, f"{field}.timeout", snmp["timeout"])
    snmp["credential"] = credential_name(device, f"{field}.credential", snmp.get("credential"))
    return snmp, ssh


def check_profile(device, profile):
    if not isinstance(profile, dict):
        raise ProfileError(f"{device}: {POLLING_KEY} must be an object, not {type(profile).__name__}")
    unknown_keys(device, POLLING_KEY, profile, PROFILE_PARTS)


def ssh_section(device, profile):
    """The checked ``ssh`` part of a profile ({} without one), its port defaulted."""
    ssh = section(device, profile, "ssh", ("credential", *SSH_DEFAULTS)) if "ssh" in profile else {}
    if ssh:
        ssh["credential"] = credential_name(device, f"{POLLING_KEY}.ssh.credential", ssh.get("credential"))
        ssh["port"] = bounded_int(device, f"{POLLING_KEY}.ssh.port", ssh.get("port", 22), 1, 65535)
    return ssh


def section(device, profile, name, allowed):
    value = profile[name]
    if not isinstance(value, dict):
        raise ProfileError(f"{device}: {POLLING_KEY}.{name} must be an object, not {type(value).__name__}")
    unknown_keys(device, f"{POLLING_KEY}.{name}", value, allowed)
    return dict(value)


def unknown_keys(device, where, value, allowed):
    # Named without their value: a community typed into NetBox by mistake must not travel on into logs.
    unknown = sorted(set(value) - set(allowed))
    if unknown:
        raise ProfileError(f"{device}: {where} has unknown keys {', '.join(unknown)} (known: {', '.join(allowed)}; "
                           f"secrets never go in NetBox: name a credential)")


def snmp_version(device, value):
    if value in ("2c", "3", 3):
        return str(value)
    raise ProfileError(f"{device}: {POLLING_KEY}.snmp.version {value!r} is not '2c' or '3'")


def bounded_int(device, field, value, low, high):
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ProfileError(f"{device}: {field} {value!r} is not a whole number from {low} to {high}")
    return value


def timeout(device, field, value):
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= MAX_TIMEOUT:
        raise ProfileError(f"{device}: {field} {value!r} is not a number of seconds above 0, at most {MAX_TIMEOUT}")
    return float(value)


def credential_name(device, field, value):
    if value is None:
        raise ProfileError(f"{device}: {field} is missing")
    try:
        return check_name(value)
    except SecretsError as error:
        raise ProfileError(f"{device}: {field}: {error}") from None


def quota_record(quota, owners):
    device = quota.get("enforcement_device") or {}
    interface = quota.get("enforcement_interface") or {}
    interface_device = interface.get("device") or {}
    tenant = quota["tenant"]["slug"]
    return Quota(
        id=quota["id"],
        tenant=tenant,
        monthly_cap_gb=quota.get("monthly_cap_gb"),
        enforcement_device=device.get("name"),
        enforcement_device_id=device.get("id"),
        enforcement_interface=interface.get("name"),
        interface_device=interface_device.get("name"),
        interface_is_agency=bool(interface) and owners.get(interface_device.get("id")) == tenant,
    )
