"""The reconciliation end to end: FakeNOS devices answering recorded outputs (napalm_peers.py), the stack's NetBox
served from the test (netbox_peers.live_netbox) with the Dinas' data centre made in the test, the session's Redis.

What it proves: the targets are exactly the devices NetBox says to reconcile (a bad profile skipped, named);
NetBox is read in a constant number of list requests; the run finds exactly the four disagreements of the
recorded network, reports one request per device, a second run changes nothing, an acknowledged finding stays
acknowledged, fixing the documentation resolves them, an unreachable device resolves nothing; a NetBox outage
loses no report; two RQ workers reconcile each device once.

The reports go to the plugin's ``POST /api/plugins/egov/findings/report/`` (issue 13's plugin side). Tests that
need it are skipped until ``netbox_egov.models.Finding`` exists; before that the reports NetBox refuses (404) are
checked to be dead letters of the spool, not lost.

Needs NetBox: ``NETBOX_ROOT=<worktree>/.state/netbox EGOV_TESTING=1 .venv/bin/pytest
collectors/tests/test_reconcile_netbox.py``. No root needed: FakeNOS listens on 127.0.0.11-14, loopback addresses
any user may bind.
"""

import itertools
import json
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from tests.checkout import checkout_environment
from tests.napalm_peers import CABLES, DOCUMENTED, PASSWORD, PORTS, SERVERS, USERNAME

import egov_collectors
from egov_collectors.reconcile.records import (
    DEVICE_UNREACHABLE,
    DOCUMENTED_LINK_NOT_SEEN,
    INTERFACE_DOWN_BUT_ENABLED,
    SERIAL_DIFFERS,
    UNDOCUMENTED_LINK,
)
from egov_collectors.reconcile.run import Batch, Reconciler
from egov_collectors.settings import Settings

django_settings = pytest.importorskip("django.conf").settings
if not django_settings.configured:
    pytest.skip("needs NetBox: the stack's venv with pytest-django, NETBOX_ROOT and EGOV_TESTING=1",
                allow_module_level=True)

COLLECTOR = str(Path(sys.executable).parent / "egov-collector")
PROCESS_DEADLINE = 180
SPOOL_FIRST_BACKOFF = 1.2  # seconds: a spooled report that failed once is tried again 1 s later
RECONCILED = ("core-1", "gw-disdik", "leaf-1")
PRIMARY_INTERFACE = {"core-1": "Vlan10", "gw-disdik": "GigabitEthernet0", "leaf-1": "Management1"}
PLATFORM = {"core-1": "cisco-ios", "gw-disdik": "cisco-ios", "gw-dinkes": "cisco-ios", "sw-lantai2": "cisco-ios",
            "leaf-1": "arista-eos"}
# (kind, subject, netbox_says, device_says) of each device: the four disagreements of the recorded network.
FOUND = {
    "core-1": {(DOCUMENTED_LINK_NOT_SEEN, "GigabitEthernet1/0/4", "sw-lantai2 GigabitEthernet0/1", "no LLDP neighbour"),
               (UNDOCUMENTED_LINK, "GigabitEthernet1/0/3", "no cable", "gw-dinkes GigabitEthernet0/0/1")},
    "gw-disdik": {(SERIAL_DIFFERS, "", "FDO2231M0AA", "FDO2231M0AB")},
    "leaf-1": {(INTERFACE_DOWN_BUT_ENABLED, "Ethernet3", "enabled, cabled to srv-app eth0", "down")},
}
runs = itertools.count()


def finding_model():
    """The plugin's Finding, once its side of issue 13 is there; None before."""
    from netbox_egov import models

    return getattr(models, "Finding", None)


needs_findings = pytest.mark.skipif("finding_model() is None",
                                    reason="needs the plugin's findings (netbox_egov.models.Finding and its report "
                                           "endpoint: issue 13's plugin side)")


class DataCentre:
    """The Dinas' data centre in NetBox, as napalm_peers documents it, addressed where FakeNOS answers."""

    def __init__(self, network):
        from django.contrib.contenttypes.models import ContentType

        from dcim.models import Device, DeviceRole, DeviceType, Interface, Manufacturer, Platform, Site
        from extras.models import CustomField
        from ipam.models import IPAddress

        driver_field = CustomField.objects.create(name="napalm_driver", type="text", label="NAPALM driver")
        driver_field.object_types.set([ContentType.objects.get_for_model(Platform)])
        self.platforms = {slug: Platform.objects.create(name=slug, slug=slug, custom_field_data={"napalm_driver": d})
                          for slug, d in (("cisco-ios", "ios"), ("arista-eos", "eos"), ("linux", None))}
        makers = {name: Manufacturer.objects.create(name=name, slug=name.lower()) for name in ("Cisco", "Arista",
                                                                                               "Generic")}
        types = {name: DeviceType.objects.create(manufacturer=makers[maker], model=model, slug=name,
                                                 part_number=part)
                 for name, maker, model, part in (
                     ("c3750x", "Cisco", "Catalyst 3750X-24T", "WS-C3750X-24T-S"),
                     ("isr4331", "Cisco", "ISR4331/K9", "ISR4331/K9"),
                     ("c2960", "Cisco", "Catalyst 2960-24TT-L", "WS-C2960-24TT-L"),
                     ("dcs7050tx", "Arista", "DCS-7050TX-64", ""),
                     ("server", "Generic", "Server", ""))}
        type_of = {"core-1": "c3750x", "gw-disdik": "isr4331", "gw-dinkes": "isr4331", "sw-lantai2": "c2960",
                   "leaf-1": "dcs7050tx"}
        roles = {slug: DeviceRole.objects.create(name=slug, slug=slug) for slug in ("network", "server")}
        site = Site.objects.create(name="DC Diskominfo", slug="dc-diskominfo")
        self.devices, self.interfaces = {}, {}
        for name, ports in PORTS.items():
            context = None
            if name in RECONCILED:
                recorded = network.devices[name]
                context = {"egov_polling": {"ssh": {"credential": "lab", "port": recorded.port}},
                           "egov_os_version": DOCUMENTED[name]["os_version"]}
            device = Device.objects.create(
                name=name, device_type=types[type_of.get(name, "server")], site=site,
                role=roles["server" if name in SERVERS else "network"],
                platform=self.platforms.get(PLATFORM.get(name, "linux")), serial=DOCUMENTED.get(name, {}).get(
                    "serial", ""), status="active", local_context_data=context)
            self.devices[name] = device
            for port in dict.fromkeys([*ports, PRIMARY_INTERFACE.get(name, ports[0])]):
                self.interfaces[(name, port)] = Interface.objects.create(
                    device=device, name=port, type="virtual" if port.startswith("Vlan") else "1000base-t")
            if name in RECONCILED:
                address = IPAddress.objects.create(address=f"{network.devices[name].address}/32",
                                                   assigned_object=self.interfaces[(name, PRIMARY_INTERFACE[name])])
                device.primary_ip4 = address
                device.save()
        self.cables = {}
        for a, a_port, b, b_port in CABLES:
            self.cable(a, a_port, b, b_port)

    def cable(self, a, a_port, b, b_port):
        from dcim.models import Cable

        cable = Cable(a_terminations=[self.interfaces[(a, a_port)]], b_terminations=[self.interfaces[(b, b_port)]])
        cable.save()
        self.cables[(a, a_port)] = cable
        return cable


@pytest.fixture
def datacentre(db, recorded_network):
    return DataCentre(recorded_network)


@pytest.fixture
def token(db, api_token):
    """A token with exactly what the reconciliation needs: view what it reads, add and change findings."""
    from core.models import ObjectType
    from users.models import ObjectPermission, User

    user = User.objects.create(username="reconciler")
    reads = ObjectPermission.objects.create(name="reconciler reads", actions=["view"])
    reads.object_types.set([ObjectType.objects.get_by_natural_key("dcim", model)
                            for model in ("device", "interface", "platform", "devicetype")])
    reads.users.add(user)
    if finding_model() is not None:
        writes = ObjectPermission.objects.create(name="reconciler writes findings", actions=["add", "change", "view"])
        writes.object_types.set([ObjectType.objects.get_by_natural_key("netbox_egov", "finding")])
        writes.users.add(user)
    return api_token(user)


@pytest.fixture
def secrets_file(tmp_path):
    path = tmp_path / "collector-secrets.toml"
    path.write_text(f'[ssh.lab]\nusername = "{USERNAME}"\npassword = "{PASSWORD}"\n')
    path.chmod(0o600)
    return path


@pytest.fixture
def settings_of(tmp_path, redis_url, secrets_file, recorded_network):
    def make(url, token, **changes):
        return Settings(netbox_url=url, netbox_token=token, redis_url=redis_url, spool_dir=tmp_path / "spool",
                        secrets_path=secrets_file, known_hosts=recorded_network.known_hosts, netbox_timeout=60,
                        reconcile_timeout=30, **changes)
    return make


@pytest.fixture
def reconciler(datacentre, token, live_netbox, settings_of, redis_client):
    return Reconciler(settings_of(live_netbox.url, token), client=redis_client)


def reconcile(live, reconciler, names=None):
    """One run over every target, as `egov-collector reconcile` does it: {device: result}, and NetBox's requests."""
    plan = live.call(reconciler.plan, names)
    batch = Batch(tuple(t for b in plan.batches for t in b.targets), plan.batches[0].network_platforms)
    results = live.call(reconciler.run_batch, f"test-{next(runs)}", batch)
    return {result.device: result for result in results}, live.served


def said(result):
    return {(f.kind, f.subject, f.netbox_says, f.device_says) for f in result.findings}


def stored():
    """The findings NetBox holds, by device: {(kind, subject): finding}."""
    found = {}
    for finding in finding_model().objects.select_related("device", "interface"):
        found.setdefault(finding.device.name, {})[(finding.kind, finding.subject)] = finding
    return found


# Which devices, and what NetBox is asked.


def test_the_targets_are_the_devices_netbox_says_to_reconcile(datacentre, reconciler, live_netbox, recorded_network):
    plan = live_netbox.call(reconciler.plan)

    targets = {t.device: t for batch in plan.batches for t in batch.targets}
    assert sorted(targets) == list(RECONCILED) and plan.skipped == ()
    core = targets["core-1"]
    assert (core.device_id, core.host, core.port, core.driver, core.credential) == (
        datacentre.devices["core-1"].pk, "127.0.0.11", recorded_network.devices["core-1"].port, "ios", "lab")
    assert (core.serial, core.model, core.part_number, core.os_version, core.platform) == (
        "FDO1732Q1AB", "Catalyst 3750X-24T", "WS-C3750X-24T-S", "15.2(4)E10", "cisco-ios")
    assert targets["leaf-1"].driver == "eos"
    # Platforms, devices, device types: three lists, whatever the number of devices.
    assert [urlsplit(request.split()[1]).path for request in live_netbox.served] == [
        "/api/dcim/platforms/", "/api/dcim/devices/", "/api/dcim/device-types/"]


def test_named_devices_that_are_not_reconciled_say_why(datacentre, reconciler, live_netbox):
    from ipam.models import IPAddress

    leaf = datacentre.devices["leaf-1"]
    leaf.local_context_data["egov_polling"]["napalm"] = {"optional_args": {"secret": "En4ble-typed-in-NetBox"}}
    leaf.save()
    gw = datacentre.devices["gw-disdik"]
    gw.local_context_data["egov_os_version"] = 16.9
    gw.save()
    server = datacentre.devices["srv-db"]
    server.primary_ip4 = IPAddress.objects.create(address="10.10.0.20/24",
                                                  assigned_object=datacentre.interfaces[("srv-db", "eth0")])
    server.local_context_data = {"egov_polling": {"ssh": {"credential": "servers"}}}
    server.save()

    plan = live_netbox.call(reconciler.plan, ["core-1", "leaf-1", "gw-disdik", "sw-lantai2", "srv-db", "nowhere"])

    assert [t.device for batch in plan.batches for t in batch.targets] == ["core-1"]
    assert sorted(plan.skipped) == [
        "gw-disdik: egov_os_version 16.9 is not a version (a non-empty string)",
        "leaf-1: egov_polling.napalm.optional_args may not set secret (logins and host keys are the collector's: "
        "name a credential; the SSH port is egov_polling.ssh.port)",
        "nowhere: no such device in NetBox",
        "srv-db: platform linux has no napalm_driver",
        "sw-lantai2: has no primary IP",
    ]
    assert "En4ble" not in " ".join(plan.skipped)


def test_a_run_finds_exactly_the_four_disagreements_in_constant_requests(datacentre, reconciler, live_netbox):
    results, served = reconcile(live_netbox, reconciler)

    assert {device: said(result) for device, result in results.items()} == FOUND
    assert all(result.reached and result.complete and not result.error for result in results.values())
    reads = Counter(urlsplit(request.split()[1]).path for request in served if request.startswith("GET"))
    # The batch's interfaces, its far ends' devices, the neighbours' devices (two lookups), their interfaces.
    assert reads == {"/api/dcim/interfaces/": 2, "/api/dcim/devices/": 3}
    posts = [request for request in served if request.startswith("POST")]
    assert posts == ["POST /api/plugins/egov/findings/report/"] * 3  # one report per device
    if finding_model() is None:  # the endpoint is not there yet: refused, kept as dead letters, not lost
        assert {result.delivery for result in results.values()} == {
            f"refused: NetBox refused the request (404): Not Found (a web page, not an API answer: is "
            f"{live_netbox.url}api/plugins/egov/findings/report/ an endpoint of this NetBox?)"}
        assert sorted(letter.items[0]["device"] for letter in reconciler.spool.dead_letters()) == sorted(
            datacentre.devices[name].pk for name in RECONCILED)


def test_the_neighbours_are_looked_up_by_full_and_short_name(datacentre, reconciler, live_netbox):
    _results, served = reconcile(live_netbox, reconciler)
    lookups = [parse_qs(urlsplit(request.split()[1]).query) for request in served
               if request.startswith("GET /api/dcim/devices/?")]
    exact = next(query for query in lookups if "name__ie" in query)["name__ie"]
    starting = next(query for query in lookups if "name__isw" in query)["name__isw"]
    assert sorted(exact) == ["core-1", "core-1.klaten.go.id", "gw-dinkes", "gw-disdik", "gw-disdik.klaten.go.id",
                             "leaf-1", "leaf-1.klaten.go.id", "srv-db", "srv-db.klaten.go.id"]
    assert sorted(starting) == ["core-1.", "gw-dinkes.", "gw-disdik.", "leaf-1.", "srv-db."]


# Findings in NetBox (the plugin's side).


@needs_findings
def test_findings_are_created_kept_acknowledged_and_resolved(datacentre, reconciler, live_netbox):
    first, _ = reconcile(live_netbox, reconciler)
    assert {name: r.counts["created"] for name, r in first.items()} == {"core-1": 2, "gw-disdik": 1, "leaf-1": 1}
    found = stored()
    assert {name: {(f.kind, f.subject, f.netbox_says, f.device_says) for f in by_key.values()}
            for name, by_key in found.items()} == FOUND
    assert {f.status for by_key in found.values() for f in by_key.values()} == {"open"}
    assert found["leaf-1"][(INTERFACE_DOWN_BUT_ENABLED, "Ethernet3")].interface == \
        datacentre.interfaces[("leaf-1", "Ethernet3")]
    assert found["gw-disdik"][(SERIAL_DIFFERS, "")].interface is None

    # The second run changes nothing; an acknowledged finding stays acknowledged.
    serial = found["gw-disdik"][(SERIAL_DIFFERS, "")]
    serial.status, serial.note = "acknowledged", "RMA swap, NetBox updated after the audit"
    serial.save()
    second, _ = reconcile(live_netbox, reconciler)
    assert all(r.counts["created"] == r.counts["resolved"] == r.counts["reopened"] == 0 for r in second.values())
    again = stored()
    assert again["gw-disdik"][(SERIAL_DIFFERS, "")].status == "acknowledged"
    assert {key: f.first_seen for key, f in again["core-1"].items()} == {
        key: f.first_seen for key, f in found["core-1"].items()}

    # Fixing the documentation resolves them on the next run.
    gw = datacentre.devices["gw-disdik"]
    gw.serial = "FDO2231M0AB"
    gw.save()
    datacentre.cable("core-1", "GigabitEthernet1/0/3", "gw-dinkes", "GigabitEthernet0/0/1")
    datacentre.cables[("core-1", "GigabitEthernet1/0/4")].delete()
    datacentre.cables[("leaf-1", "Ethernet3")].delete()
    third, _ = reconcile(live_netbox, reconciler)
    assert {name: r.findings for name, r in third.items()} == {name: [] for name in RECONCILED}
    assert {name: r.counts["resolved"] for name, r in third.items()} == {"core-1": 2, "gw-disdik": 1, "leaf-1": 1}
    assert {f.status for by_key in stored().values() for f in by_key.values()} == {"resolved"}


@needs_findings
def test_an_unreachable_device_resolves_nothing(datacentre, reconciler, live_netbox, closed_port):
    reconcile(live_netbox, reconciler)
    leaf = datacentre.devices["leaf-1"]
    leaf.local_context_data["egov_polling"]["ssh"]["port"] = closed_port
    leaf.save()

    results, _ = reconcile(live_netbox, reconciler)

    assert (results["leaf-1"].reached, results["leaf-1"].error_kind) == (False, "unreachable")
    leaf_findings = stored()["leaf-1"]
    assert {key: f.status for key, f in leaf_findings.items()} == {
        (INTERFACE_DOWN_BUT_ENABLED, "Ethernet3"): "open", (DEVICE_UNREACHABLE, ""): "open"}
    assert leaf_findings[(DEVICE_UNREACHABLE, "")].device_says == (f"127.0.0.13:{closed_port} refused the "
                                                                    f"connection (no sshd on that port?)")


def test_reports_wait_in_the_spool_while_netbox_is_down(datacentre, token, live_netbox, settings_of, redis_client,
                                                        netbox_behind_down_proxy, closed_port):
    leaf = datacentre.devices["leaf-1"]
    leaf.local_context_data["egov_polling"]["ssh"]["port"] = closed_port
    leaf.save()
    up = Reconciler(settings_of(live_netbox.url, token), client=redis_client)
    plan = live_netbox.call(up.plan)
    batch = Batch(tuple(t for b in plan.batches for t in b.targets), plan.batches[0].network_platforms)
    # The same spool, and NetBox down behind its proxy (502) by the time the batch runs.
    down = Reconciler(settings_of(netbox_behind_down_proxy, token), client=redis_client)

    results = {r.device: r for r in down.run_batch("test-outage", batch)}

    # Read, but nothing to compare them with: no report. The unreachable device's report needs no documentation.
    for name in ("core-1", "gw-disdik"):
        assert results[name].reached and results[name].error.startswith(
            f"{name}: read, but not compared: NetBox is unavailable: 502 Bad Gateway from GET")
        assert results[name].delivery == ""
    assert results["leaf-1"].delivery.startswith("spooled: batch 1: NetBoxUnavailable: NetBox is unavailable: 502")
    assert down.spool.pending() == 1

    time.sleep(SPOOL_FIRST_BACKOFF)
    flushed = live_netbox.call(up.flush)  # NetBox is back: the next job's flush sends it

    if finding_model() is None:
        assert (flushed.sent, flushed.dead) == (0, 1)
    else:
        assert (flushed.sent, flushed.pending) == (1, 0)
        assert list(stored()["leaf-1"]) == [(DEVICE_UNREACHABLE, "")]


# The command line.


def test_reconcile_now_from_the_command_line(datacentre, token, live_netbox, redis_url, secrets_file,
                                             recorded_network, tmp_path):
    environment = checkout_environment(
        egov_collectors, EGOV_COLLECTOR_NETBOX_URL=live_netbox.url, EGOV_COLLECTOR_NETBOX_TOKEN=token,
        EGOV_COLLECTOR_REDIS_URL=redis_url, EGOV_COLLECTOR_SPOOL_DIR=str(tmp_path / "spool"),
        EGOV_COLLECTOR_SECRETS=str(secrets_file), EGOV_COLLECTOR_KNOWN_HOSTS=str(recorded_network.known_hosts),
        EGOV_COLLECTOR_NETBOX_TIMEOUT="60")

    def command(*arguments):
        return subprocess.run([COLLECTOR, "reconcile", *arguments], env=environment, capture_output=True, text=True,
                              timeout=PROCESS_DEADLINE)

    as_json = live_netbox.call(command, "--device", "leaf-1", "--device", "sw-lantai2", "--json")
    table = live_netbox.call(command, "--device", "gw-disdik")

    answer = json.loads(as_json.stdout)
    assert [(d["device"], d["reached"], d["complete"]) for d in answer["devices"]] == [("leaf-1", True, True)]
    assert {(f["kind"], f["subject"], f["netbox_says"], f["device_says"]) for f in answer["devices"][0]["findings"]} \
        == FOUND["leaf-1"]
    assert answer["skipped"] == ["sw-lantai2: has no primary IP"]
    assert as_json.returncode == (0 if finding_model() else 1)  # a report NetBox refuses is a failure
    assert "egov-collector reconcile" in table.stdout and "serial_differs" in table.stdout, table.stdout
    assert "gw-disdik" in table.stdout and PASSWORD not in table.stdout + table.stderr


# The scheduler and two workers.


def test_the_scheduler_enqueues_reconciliation_jobs_and_two_workers_read_each_device_once(
        datacentre, token, live_netbox, redis_url, redis_client, secrets_file, recorded_network, tmp_path):
    from core.models import ObjectType
    from users.models import ObjectPermission, User

    # `run` starts a poll cycle too, which reads the quotas.
    quotas = ObjectPermission.objects.create(name="reconciler reads quotas", actions=["view"])
    quotas.object_types.set([ObjectType.objects.get_by_natural_key("netbox_egov", "bandwidthquota")])
    quotas.users.add(User.objects.get(username="reconciler"))
    environment = checkout_environment(
        egov_collectors, EGOV_COLLECTOR_NETBOX_URL=live_netbox.url, EGOV_COLLECTOR_NETBOX_TOKEN=token,
        EGOV_COLLECTOR_REDIS_URL=redis_url, EGOV_COLLECTOR_SPOOL_DIR=str(tmp_path / "spool"),
        EGOV_COLLECTOR_SECRETS=str(secrets_file), EGOV_COLLECTOR_KNOWN_HOSTS=str(recorded_network.known_hosts),
        EGOV_COLLECTOR_BATCH_SIZE="2", EGOV_COLLECTOR_RECONCILE_INTERVAL="600", EGOV_COLLECTOR_NETBOX_TIMEOUT="60")

    def scheduler_then_workers():
        started = subprocess.run([COLLECTOR, "run", "--once"], env=environment, capture_output=True, text=True,
                                 timeout=PROCESS_DEADLINE)
        _enqueue_first_reconcile_job_again(redis_client)
        workers = [subprocess.Popen([COLLECTOR, "worker", "--burst"], env=environment, stdout=subprocess.PIPE,
                                    stderr=subprocess.STDOUT, text=True) for _ in range(2)]
        return started, [worker.communicate(timeout=PROCESS_DEADLINE)[0] for worker in workers]

    started, outputs = live_netbox.call(scheduler_then_workers)

    assert started.returncode == 0, started.stderr
    assert "reconciliation run reconcile-" in started.stdout and ": 2 jobs, 3 devices" in started.stdout, started
    results = _job_results(redis_client)
    read = [d for result in results for d in result["devices"] if not d["skipped"]]
    assert sorted(d["device"] for d in read) == list(RECONCILED), outputs
    assert {d["device"]: {(f["kind"], f["subject"], f["netbox_says"], f["device_says"]) for f in d["findings"]}
            for d in read} == FOUND
    assert [d["skipped"] for result in results for d in result["devices"] if d["skipped"]] in (
        [], ["reconciled by another job of this run"], ["reconciled by another job of this run"] * 2)
    assert int(redis_client.hget("egov:collector:reconcile:run", "left")) == 0


def _enqueue_first_reconcile_job_again(client):
    """The same job twice (an RQ retry, a scheduler started twice): its devices are claimed already."""
    from rq import Queue

    queue = Queue("egov-collector", connection=client)
    first = next(job for job in queue.jobs if job.func_name.endswith("reconcile_batch"))
    queue.enqueue(first.func_name, *first.args)


def _job_results(client):
    from rq import Queue
    from rq.job import Job

    registry = Queue("egov-collector", connection=client).finished_job_registry
    jobs = [Job.fetch(job_id, connection=client) for job_id in registry.get_job_ids()]
    return [json.loads(json.dumps(job.return_value())) for job in jobs if job.func_name.endswith("reconcile_batch")]
