"""The monitoring loop on real parts (issue 12, item 5): a real Prometheus finds the exporter and the devices through
the plugin's HTTP service discovery on the stack's NetBox, scrapes the real `egov-exporter` (reading the collectors'
Redis and NetBox with a read-only token), evaluates the shipped rules, and then:

- every query of every shipped dashboard returns series;
- the planted conditions (an agency over its monthly cap, a backbone link's interface down) fire their alerts,
  read from Prometheus' alerts API, and a condition that does not hold fires nothing.

What the collectors write to Redis is written here with their own store (``CollectorStore.write_device``), as a
poll cycle would; the collectors' own tests prove the polls. The alerts' ``for:`` durations (minutes) are proven by
``promtool test rules`` (test_alert_rules.py); here the shipped rules are loaded with ``for: 0s`` so that the
expressions are proven on scraped data within seconds.
"""

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import redis
import requests
import yaml
from grafana.queries import builtin_variables, instantiate, panel_queries, variable_queries
from tests.exporter_peers import agency, interface, poll
from tests.netbox_peers import free_port

from egov_collectors.store import CollectorStore

EXPORTERS = Path(__file__).resolve().parents[1]
RULES = EXPORTERS / "prometheus" / "rules" / "egov.rules.yml"
DASHBOARDS = EXPORTERS / "grafana" / "provisioning" / "dashboards"
EXPORTER = Path(sys.executable).with_name("egov-exporter")
PREFIX = "egov-loop"  # the collectors' key prefix in the session's Redis, the exporter's EGOV_EXPORTER_REDIS_PREFIX
SCRAPE_SECONDS = 1
# Prometheus' HTTP SD gives up on an answer after its refresh interval; NetBox here is one thread serving the
# exporter's reads too.
DISCOVERY_SECONDS = 10
NETBOX_READ_SECONDS = 5
WAIT_SECONDS = 90  # well within netbox_peers' CALL_DEADLINE (120 s)
# Prometheus' token: view on what service discovery names, nothing else (docs/monitoring.md).
SD_VIEWED = ("dcim.device", "dcim.site", "dcim.devicerole", "dcim.platform", "tenancy.tenant", "ipam.ipaddress")
ADDRESSES = {"core-1": "192.0.2.1", "gw-disdik": "192.0.2.2", "gw-dinkes": "192.0.2.3"}
# Planted: mon-dinkes is over its 10 GB cap (monitored_regency), and the fibre link's end gw-dinkes eth0 is down.
EXPECTED_ALERTS = {("EgovMonthlyCapExceeded", "mon-dinkes"), ("EgovBackboneLinkDown", "mon-BB-DC-DINKES")}


@pytest.fixture
def prometheus_token(db, api_token):
    from core.models import ObjectType
    from users.models import ObjectPermission, User

    user = User.objects.create(username="mon-prometheus")
    permission = ObjectPermission.objects.create(name="mon-prometheus discovers", actions=["view"])
    permission.users.add(user)
    permission.object_types.add(*(ObjectType.objects.get_by_natural_key(*label.split(".")) for label in SD_VIEWED))
    return api_token(user, write_enabled=False)


@pytest.fixture
def addressed_regency(monitored_regency):
    """The monitored regency's devices with primary addresses, active, one a RouterOS device."""
    from dcim.models import Platform
    from ipam.models import IPAddress

    routeros = Platform.objects.create(name="mon-routeros", slug="mon-routeros")
    for name, address in ADDRESSES.items():
        device = monitored_regency.devices[name]
        device.primary_ip4 = IPAddress.objects.create(
            address=f"{address}/24", assigned_object=monitored_regency.interfaces[name, "eth0"])
        device.platform = routeros if name == "gw-dinkes" else None
        device.save()
    return monitored_regency


class Collectors:
    """Writes a poll of every device every second, counters advancing, as the collectors' cycle would."""

    def __init__(self, redis_url):
        self.client = redis.Redis.from_url(redis_url)
        self.store = CollectorStore(self.client, prefix=PREFIX)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self):
        self.write(0)
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join(10)
        self.client.close()

    def _run(self):
        step = 1
        while not self.stop.wait(SCRAPE_SECONDS):
            self.write(step)
            step += 1

    def write(self, step):
        now = time.time()
        for device, ports in (("core-1", {}), ("gw-disdik", {}), ("gw-dinkes", {"eth0": 2})):
            interfaces = [interface(index, name=name, in_octets=10**9 + step * 10**6 * index,
                                    out_octets=2 * 10**9 + step * 10**6, oper_status=ports.get(name, 1))
                          for index, name in ((1, "eth0"), (2, "eth1"))]
            tenant = {"gw-disdik": "mon-disdik", "gw-dinkes": "mon-dinkes"}.get(device)
            agencies = [agency(tenant, device, down=10**9 + step * 10**6, up=10**8 + step * 10**5, at=now)] \
                if tenant else []
            self.store.write_device(poll(device, at=now, interfaces=interfaces), agencies=agencies)
        self.client.hset(f"{PREFIX}:cycle", mapping={"id": f"loop{step}", "started": now - 0.5, "finished": now,
                                                       "devices": 3, "left": 0, "overruns": 0})


def test_prometheus_finds_scrapes_and_alerts_on_the_regency(live_netbox, addressed_regency, viewer_token,
                                                             prometheus_token, redis_url, tmp_path, settings):
    from netbox_egov.models import InformationSystem

    InformationSystem.objects.create(name="mon-SIMPEG", tenant=addressed_regency.tenants["mon-dinkes"],
                                     site=addressed_regency.sites["mon-dc-kominfo"])
    exporter_port = free_port()
    settings.PLUGINS_CONFIG = {**settings.PLUGINS_CONFIG, "netbox_egov": {
        **settings.PLUGINS_CONFIG.get("netbox_egov", {}), "prometheus_exporters": [f"127.0.0.1:{exporter_port}"]}}
    token_file = tmp_path / "netbox-token"
    token_file.write_text(viewer_token())
    token_file.chmod(0o600)
    sd_token_file = tmp_path / "prometheus-token"
    sd_token_file.write_text(prometheus_token)
    sd_token_file.chmod(0o600)

    with Collectors(redis_url), running_exporter(exporter_port, live_netbox.url, redis_url, token_file) as exporter:
        # Started from the client thread: NetBox answers only while live_netbox.call serves it.
        seen = live_netbox.call(run_the_loop, tmp_path, live_netbox.url, sd_token_file, exporter)

    assert seen.exporter_health == ["up"], (seen.exporter_health, live_netbox.served[-20:], seen.log)
    assert seen.devices == {
        "core-1": {"address": "192.0.2.1", "agency": "", "site": "mon-dc-kominfo", "role": "mon-gateway",
                   "platform": ""},
        "gw-disdik": {"address": "192.0.2.2", "agency": "mon-disdik", "site": "mon-dc-kominfo",
                      "role": "mon-gateway", "platform": ""},
        "gw-dinkes": {"address": "192.0.2.3", "agency": "mon-dinkes", "site": "mon-kantor-dinkes",
                      "role": "mon-gateway", "platform": "mon-routeros"},
    }
    assert seen.empty_queries == [], "dashboard queries without data:\n" + "\n".join(seen.empty_queries)
    assert seen.firing >= EXPECTED_ALERTS, seen.firing
    # Conditions that do not hold: mon-disdik is at 95 % of its cap (warning, not exceeded), the wireless link has
    # no cable to be down on (NetBox marks it down: a separate alert), gw-disdik answers.
    assert not {("EgovMonthlyCapExceeded", "mon-disdik"), ("EgovBackboneLinkDown", "mon-BB-DC-DR")} & seen.firing
    assert not {alert for alert in seen.firing if alert[0] == "EgovDeviceUnreachable"}, seen.firing


class running_exporter:
    """`egov-exporter serve` as an operator runs it: settings from the environment, the token from a file."""

    def __init__(self, port, netbox_url, redis_url, token_file):
        self.url = f"http://127.0.0.1:{port}"
        self.environment = {**os.environ, "EGOV_EXPORTER_LISTEN": f"127.0.0.1:{port}",
                            "EGOV_EXPORTER_REDIS_URL": redis_url, "EGOV_EXPORTER_REDIS_PREFIX": PREFIX,
                            "EGOV_EXPORTER_NETBOX_URL": netbox_url, "EGOV_EXPORTER_NETBOX_TOKEN_FILE": str(token_file),
                            "EGOV_EXPORTER_NETBOX_INTERVAL": str(NETBOX_READ_SECONDS)}
        self.log = token_file.with_name("exporter.log")

    def __enter__(self):
        with self.log.open("wb") as output:
            self.process = subprocess.Popen([str(EXPORTER), "serve"], env=self.environment, stdout=output,
                                            stderr=subprocess.STDOUT)
        return self

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(20)

    def output(self):
        return self.log.read_text(errors="replace")


def start_loop_prometheus(tmp_path, netbox_url, token_file):
    from tests.prometheus_peers import start_prometheus

    rules = yaml.safe_load(RULES.read_text())
    for group in rules["groups"]:
        for rule in group["rules"]:
            if "for" in rule:
                rule["for"] = "0s"
    rule_file = tmp_path / "egov.rules.yml"
    rule_file.write_text(yaml.safe_dump(rules))
    # `type` spelled out: read from JSON, Prometheus 2.42 would send the bare token without its Bearer default.
    authorization = {"type": "Bearer", "credentials_file": str(token_file)}
    discovery = {"refresh_interval": f"{DISCOVERY_SECONDS}s", "authorization": authorization}
    config = {
        "global": {"scrape_interval": f"{SCRAPE_SECONDS}s", "evaluation_interval": f"{SCRAPE_SECONDS}s"},
        "rule_files": [str(rule_file)],
        "scrape_configs": [
            {"job_name": "egov-exporter", "http_sd_configs": [
                {"url": f"{netbox_url}api/plugins/egov/prometheus-sd/exporters/", **discovery}]},
            # The devices are only discovered here (no probe runs): their targets carry NetBox's labels.
            {"job_name": "egov-devices", "http_sd_configs": [
                {"url": f"{netbox_url}api/plugins/egov/prometheus-sd/devices/", **discovery}],
             "relabel_configs": [{"source_labels": ["__meta_egov_primary_ip"], "target_label": "address"},
                                 {"target_label": "__address__", "replacement": f"127.0.0.1:{free_port()}"}]},
        ],
    }
    return start_prometheus(tmp_path / "prometheus", json.dumps(config))


class Seen:
    def __init__(self):
        self.exporter_health, self.devices, self.empty_queries, self.firing = [], {}, ["(not yet queried)"], set()
        self.log = ""


def run_the_loop(tmp_path, netbox_url, token_file, exporter):
    prometheus = start_loop_prometheus(tmp_path, netbox_url, token_file)
    try:
        seen = wait_for_the_loop(prometheus, exporter)
    finally:
        prometheus.stop()
    seen.log = prometheus.log.read_text(errors="replace")[-3000:]
    return seen


def wait_for_the_loop(prometheus, exporter):
    """Polls Prometheus until the loop is complete or WAIT_SECONDS pass; returns what it saw last."""
    seen = Seen()
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        if exporter.process.poll() is not None:
            raise AssertionError(f"egov-exporter exited:\n{exporter.output()[-3000:]}")
        targets = requests.get(f"{prometheus.url}/api/v1/targets", timeout=10).json()["data"]["activeTargets"]
        seen.exporter_health = [target["health"] for target in targets if target["labels"]["job"] == "egov-exporter"]
        seen.devices = {target["labels"]["device"]: {name: target["labels"].get(name, "") for name in
                                                     ("address", "agency", "site", "role", "platform")}
                        for target in targets if target["labels"]["job"] == "egov-devices"}
        if seen.exporter_health == ["up"]:
            seen.empty_queries = empty_dashboard_queries(prometheus)
            seen.firing = firing_alerts(prometheus)
            if not seen.empty_queries and seen.firing >= EXPECTED_ALERTS and len(seen.devices) == len(ADDRESSES):
                return seen
        time.sleep(SCRAPE_SECONDS)
    return seen


def empty_dashboard_queries(prometheus):
    """'dashboard / panel / refId: expr' of every dashboard query (and template variable) Prometheus answers with
    no series, the variable agency set to the one over its cap."""
    variables = {**builtin_variables(range_seconds=300, interval_seconds=SCRAPE_SECONDS,
                                     scrape_interval_seconds=SCRAPE_SECONDS), "agency": "mon-dinkes"}
    empty = []
    for path in sorted(DASHBOARDS.glob("*.json")):
        dashboard = json.loads(path.read_text())
        queries = [(query.panel, query.ref_id, query.expr) for query in panel_queries(dashboard)]
        queries += [(f"${query.name}", "var", query.expr) for query in variable_queries(dashboard)]
        for panel, ref_id, expr in queries:
            answer = prometheus.query(instantiate(expr, variables))
            if answer.get("status") != "success" or not answer["data"]["result"]:
                empty.append(f"{path.stem} / {panel} / {ref_id}: {expr} -> {answer.get('error', 'no series')}")
    return empty


def firing_alerts(prometheus):
    alerts = requests.get(f"{prometheus.url}/api/v1/alerts", timeout=10).json()["data"]["alerts"]
    return {(alert["labels"]["alertname"], alert["labels"].get("agency") or alert["labels"].get("link", ""))
            for alert in alerts if alert["state"] == "firing"}

