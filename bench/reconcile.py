"""Reconciliation of 200 devices on two RQ workers: devices per minute, and NetBox's HTTP requests and SQL queries
per device.

The lab, all on this machine:

- devices: one FakeNOS process serving 200 IOS devices, each on its own loopback address (127.1.0.1-200) and
  port, each answering the recorded core-1 (collectors/tests/recordings/napalm/core-1: a 3750-X with 33
  interfaces, 3 LLDP neighbours, 6 ARP entries);
- NetBox: its WSGI application served from this process on the stack's database (one request at a time, as in
  the collectors' tests), every object made here in one transaction rolled back at the end: 200 devices of a
  platform whose `napalm_driver` is `ios`, 27 interfaces each, a ring of 200 cables (each device's Gi1/0/1 to
  the next one's Gi1/0/4), a superuser's token. Each request's SQL queries are counted;
- a private redis-server; the scheduler's reconciliation run (8 jobs of 25 devices) and two
  `egov-collector worker --burst` processes, 8 SSH sessions at a time each.

The neighbours the recording names are not in this NetBox, so each device reports unknown neighbours and links
not seen: 5 findings each, the same on every run. The reports go to the plugin's findings endpoint when it is
installed (issue 13's plugin side); without it NetBox answers 404 and the reports become dead letters of the
spool, and the POST figures are those of a 404.

Run: ``make bench-reconcile`` (the stack's database, nothing kept);
BENCH_RECONCILE_DEVICES=50 for a quicker run. Results: docs/benchmarks.md.
"""

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "collectors"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "netbox.settings")

import django  # noqa: E402

django.setup()

import paramiko  # noqa: E402
import redis  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from tests.napalm_peers import PASSWORD, PORTS, USERNAME  # noqa: E402
from tests.netbox_peers import LiveNetBox, SavepointApplication  # noqa: E402

from egov_collectors.settings import Settings  # noqa: E402
from tests import netbox_peers  # noqa: E402

DEVICES = int(os.environ.get("BENCH_RECONCILE_DEVICES", "200"))
WORKERS = 2
COLLECTOR = str(Path(sys.executable).parent / "egov-collector")
DEADLINE = 1800
SERVE_FAKENOS = """
import json, sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from tests.napalm_peers import serve
devices = [(f"bench-{n:03}", "ios", f"127.1.0.{n}", "core-1") for n in range(1, int(sys.argv[2]) + 1)]
fakenos, recorded = serve(devices, Path(sys.argv[3]))
print(json.dumps({name: device.port for name, device in recorded.items()}), flush=True)
sys.stdin.read()  # until the bench ends this process
"""


class Rollback(Exception):
    pass


class CountingApplication(SavepointApplication):
    """NetBox's application, counting each request's SQL queries by method and path."""

    def __init__(self):
        super().__init__()
        self.requests, self.queries = Counter(), Counter()

    def __call__(self, environ, start_response):
        key = f"{environ['REQUEST_METHOD']} {environ['PATH_INFO']}"
        with CaptureQueriesContext(connection) as captured:
            body = super().__call__(environ, start_response)
        self.requests[key] += 1
        self.queries[key] += len(captured)
        return body


def start_fakenos(folder):
    key = paramiko.RSAKey.generate(2048)
    key.write_private_key_file(str(folder / "host_key"))
    process = subprocess.Popen([sys.executable, "-c", SERVE_FAKENOS, str(ROOT / "collectors"), str(DEVICES),
                                str(folder / "host_key")], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True)
    ports = json.loads(process.stdout.readline())
    known_hosts = folder / "known_hosts"
    known_hosts.write_text("".join(f"[127.1.0.{n}]:{ports[f'bench-{n:03}']} {key.get_name()} {key.get_base64()}\n"
                                   for n in range(1, DEVICES + 1)))
    return process, ports, known_hosts


def start_redis(folder):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([shutil.which("redis-server") or "/usr/bin/redis-server", "--port", str(port), "--bind",
                               "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", str(folder)],
                              stdout=subprocess.DEVNULL)
    client = redis.Redis(port=port)
    for _ in range(100):
        try:
            client.ping()
            return server, f"redis://127.0.0.1:{port}/0", client
        except redis.ConnectionError:
            time.sleep(0.05)
    raise RuntimeError("redis-server did not start")


def make_rows(ports):
    """The devices, their interfaces and the ring of cables; a superuser's token."""
    from django.contrib.contenttypes.models import ContentType

    from dcim.models import Cable, Device, DeviceRole, DeviceType, Interface, Manufacturer, Platform, Site
    from extras.models import CustomField
    from ipam.models import IPAddress
    from users.constants import TOKEN_PREFIX
    from users.models import Token, User

    field, _ = CustomField.objects.get_or_create(name="napalm_driver", defaults={"type": "text"})
    field.object_types.add(ContentType.objects.get_for_model(Platform))
    platform = Platform.objects.create(name="Bench IOS", slug="bench-ios", custom_field_data={"napalm_driver": "ios"})
    maker = Manufacturer.objects.create(name="Bench Cisco", slug="bench-cisco")
    device_type = DeviceType.objects.create(manufacturer=maker, model="Bench 3750X-24T", slug="bench-3750x",
                                            part_number="WS-C3750X-24T-S")
    role = DeviceRole.objects.create(name="Bench switch", slug="bench-switch")
    site = Site.objects.create(name="Bench DC", slug="bench-dc")
    devices = Device.objects.bulk_create(
        Device(name=name, device_type=device_type, role=role, site=site, platform=platform, status="active",
               serial="FDO1732Q1AB", local_context_data={"egov_polling": {"ssh": {"credential": "lab",
                                                                                    "port": ports[name]}},
                                                         "egov_os_version": "15.2(4)E10"})
        for name in sorted(ports))
    interfaces = Interface.objects.bulk_create(
        Interface(device=device, name=name, type="virtual" if name == "Vlan10" else "1000base-t")
        for device in devices for name in [*PORTS["core-1"], "Vlan10"])
    by_key = {(i.device_id, i.name): i for i in interfaces}
    for number, device in enumerate(devices, start=1):
        address = IPAddress.objects.create(address=f"127.1.0.{number}/32", assigned_object=by_key[(device.pk,
                                                                                                  "Vlan10")])
        device.primary_ip4 = address
    Device.objects.bulk_update(devices, ["primary_ip4"])
    for device, following in zip(devices, devices[1:] + devices[:1], strict=True):
        Cable(a_terminations=[by_key[(device.pk, "GigabitEthernet1/0/1")]],
              b_terminations=[by_key[(following.pk, "GigabitEthernet1/0/4")]]).save()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # statistics as a NetBox in service has them
    token = Token.objects.create(user=User.objects.create(username="bench-reconciler", is_superuser=True))
    return f"{TOKEN_PREFIX}{token.key}.{token.token}"


def run_lab(live, environment, settings, client):
    """The scheduler's side (a reconciliation run's jobs on the queue; not `egov-collector run --once`, which would
    also start a poll cycle of the stack's demo devices), then the workers until the queue is empty: seconds each
    took."""
    from rq import Queue

    from egov_collectors.reconcile.run import Reconciler

    queue = Queue(settings.queue, connection=client)

    def enqueue(run, batch):
        queue.enqueue("egov_collectors.jobs.reconcile_batch", run, batch, job_timeout=DEADLINE)

    started = time.monotonic()
    _run, scheduled = Reconciler(settings, client=client).start_run(enqueue)
    planned = time.monotonic()
    workers = [subprocess.Popen([COLLECTOR, "worker", "--burst"], env=environment, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL) for _ in range(WORKERS)]
    for worker in workers:
        worker.wait(timeout=DEADLINE)
    return planned - started, time.monotonic() - planned, scheduled


def job_results(client):
    from rq import Queue
    from rq.job import Job

    registry = Queue("egov-collector", connection=client).finished_job_registry
    jobs = [Job.fetch(job_id, connection=client) for job_id in registry.get_job_ids()]
    return [d for job in jobs if job.func_name.endswith("reconcile_batch") for d in job.return_value()["devices"]]


def report(live, results, planning, working, scheduled):
    application = live.application
    read = [d for d in results if not d["skipped"]]
    print(f"{DEVICES} devices, {WORKERS} workers: planned in {planning:.1f} s ({scheduled}), "
          f"reconciled in {working:.1f} s: {len(read) / working * 60:.0f} devices per minute")
    durations = sorted(d["duration"] for d in read)
    deliveries = Counter(d["delivery"].split(":")[0] for d in read)
    for delivery in sorted({d["delivery"] for d in read if d["delivery"] != "sent"})[:3]:
        print(f"  not sent: {delivery}")
    print(f"  devices read completely: {sum(d['complete'] for d in read)} of {len(read)}; SSH session median "
          f"{durations[len(durations) // 2]:.1f} s, max {durations[-1]:.1f} s; findings per device "
          f"{sum(len(d['findings']) for d in read) / len(read):.1f}; reports: {dict(deliveries)}")
    total_requests = sum(application.requests.values())
    total_queries = sum(application.queries.values())
    print(f"  NetBox: {total_requests} requests, {total_queries} SQL queries: {total_requests / DEVICES:.2f} requests "
          f"and {total_queries / DEVICES:.1f} queries per device")
    for key in sorted(application.requests):
        count = application.requests[key]
        print(f"    {key:48} {count:4} requests  {application.queries[key] / count:6.1f} queries each")


def main():
    netbox_peers.CALL_DEADLINE = DEADLINE  # 200 devices take longer than a test's call
    folder = Path(tempfile.mkdtemp(prefix="egov-bench-reconcile-"))
    fakenos, ports, known_hosts = start_fakenos(folder)
    redis_server, redis_url, client = start_redis(folder)
    secrets = folder / "collector-secrets.toml"
    secrets.write_text(f'[ssh.lab]\nusername = "{USERNAME}"\npassword = "{PASSWORD}"\n')
    secrets.chmod(0o600)
    try:
        with transaction.atomic():
            # Migrations of this checkout the stack's database lacks (the plugin's findings, while issue 13 is on
            # a branch) are applied inside the transaction: PostgreSQL rolls them back with everything else.
            call_command("migrate", verbosity=0)
            made = time.monotonic()
            token = make_rows(ports)
            print(f"NetBox rows made in {time.monotonic() - made:.1f} s")
            live = LiveNetBox()
            live.application = CountingApplication()
            live.server.set_app(live.application)
            environment = {**os.environ, "PYTHONPATH": str(ROOT / "collectors"),
                           "EGOV_COLLECTOR_NETBOX_URL": live.url, "EGOV_COLLECTOR_NETBOX_TOKEN": token,
                           "EGOV_COLLECTOR_REDIS_URL": redis_url, "EGOV_COLLECTOR_SPOOL_DIR": str(folder / "spool"),
                           "EGOV_COLLECTOR_SECRETS": str(secrets), "EGOV_COLLECTOR_KNOWN_HOSTS": str(known_hosts),
                           "EGOV_COLLECTOR_NETBOX_TIMEOUT": "120"}
            settings = Settings.from_env(environment)
            planning, working, scheduled = live.call(run_lab, live, environment, settings, client)
            report(live, job_results(client), planning, working, scheduled)
            live.close()
            raise Rollback
    except Rollback:
        pass
    finally:
        fakenos.terminate()  # 200 servers stopping one by one take minutes; the process ending ends them all
        fakenos.wait(timeout=30)
        redis_server.terminate()
        redis_server.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
