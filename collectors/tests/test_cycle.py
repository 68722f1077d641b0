"""The collector end to end, as operators run it: ``egov-collector poll``, ``run`` and ``worker`` processes inside
the poller's network namespace, polling real snmpd agents over a veth that carries real iperf3 traffic, with a
real Redis and the real NetBox (served from the test, on the test's database).

What it proves: usage rows in NetBox equal the kernel's counters; a NetBox outage loses nothing (the totals are
spooled and replayed); two workers share a cycle of 20 agents without polling a device twice; an overrunning
cycle is reported, not stacked.
"""

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from tests.checkout import checkout_environment
from tests.namespaces import in_namespace
from tests.netbox_peers import LiveNetBox, QuietRequestHandler
from tests.snmp_peers import _TOOL_ENV, AGENT_IP, SNMPD_CACHE_SECONDS

import egov_collectors

django_settings = pytest.importorskip("django.conf").settings
if not django_settings.configured:
    pytest.skip("needs NetBox: the stack's venv with pytest-django, NETBOX_ROOT and EGOV_TESTING=1",
                allow_module_level=True)

AGENTS = 20
FIRST_PORT = 17001  # agent n answers on FIRST_PORT + n
REDIS_PORT = 6391  # inside the poller's namespace: nothing else listens there
COMMUNITY = "lab-cycle"
COLLECTOR = str(Path(sys.executable).parent / "egov-collector")
PROCESS_DEADLINE = 180
SPOOL_BACKOFF_AFTER_TWO_FAILURES = 2.5  # seconds: the spool retries 1 s, then 2 s after a failed flush


@pytest.fixture(scope="module")
def agents(snmp_lab, tmp_path_factory):
    """One snmpd answering on AGENTS ports: each port is one agent to the collector."""
    folder = tmp_path_factory.mktemp("agents")
    addresses = ",".join(f"udp:{AGENT_IP}:{FIRST_PORT + n}" for n in range(AGENTS))
    (folder / "snmpd.conf").write_text(f"agentAddress {addresses}\nrocommunity {COMMUNITY}\n")
    snmp_lab.start(snmp_lab.in_agent("snmpd", "-f", "-C", "-c", str(folder / "snmpd.conf"), "-Lf",
                                     str(folder / "snmpd.log")),
                   folder / "snmpd.out", env={**_TOOL_ENV, "SNMP_PERSISTENT_DIR": str(folder)})
    time.sleep(1)
    return [FIRST_PORT + n for n in range(AGENTS)]


@pytest.fixture(scope="module")
def poller_redis(snmp_lab, tmp_path_factory):
    folder = tmp_path_factory.mktemp("redis")
    snmp_lab.start(snmp_lab.in_poller("redis-server", "--port", str(REDIS_PORT), "--bind", "127.0.0.1", "--save", "",
                                      "--dir", str(folder)), folder / "redis.out")
    time.sleep(0.5)
    return f"redis://127.0.0.1:{REDIS_PORT}/0"


@pytest.fixture(scope="module")
def poller_netbox(snmp_lab):
    """NetBox listening inside the poller's namespace (served by the test's thread)."""
    server = in_namespace(snmp_lab.poller_ns, LiveNetBox)
    yield server
    server.close()


@pytest.fixture
def redis_in_poller(snmp_lab, poller_redis):
    """run(function(client)): a Redis client used from inside the poller's namespace; the database starts empty."""
    import redis

    def run(function):
        return in_namespace(snmp_lab.poller_ns, lambda: function(redis.Redis.from_url(poller_redis)))

    run(lambda client: client.flushdb())
    return run


@pytest.fixture
def collector_env(db, poller_netbox, poller_redis, api_token, tmp_path):
    from users.models import User

    secrets_file = tmp_path / "secrets.toml"
    secrets_file.write_text(f'[snmp.lab]\ncommunity = "{COMMUNITY}"\n')
    secrets_file.chmod(0o600)
    token = api_token(User.objects.create(username="collector-e2e", is_superuser=True))
    return checkout_environment(
        egov_collectors, EGOV_COLLECTOR_NETBOX_URL=poller_netbox.url, EGOV_COLLECTOR_NETBOX_TOKEN=token,
        EGOV_COLLECTOR_REDIS_URL=poller_redis, EGOV_COLLECTOR_SPOOL_DIR=str(tmp_path / "spool"),
        EGOV_COLLECTOR_SECRETS=str(secrets_file), EGOV_COLLECTOR_INTERVAL="60", EGOV_COLLECTOR_NETBOX_TIMEOUT="60",
        EGOV_COLLECTOR_DEADLINE="10", EGOV_COLLECTOR_BATCH_SIZE="1")


class Lab:
    """Devices in NetBox for the agents, one agency whose quota is enforced on the first agent's veth."""

    def __init__(self, snmp_lab, ports, monthly_cap_gb=None):
        from dcim.models import Device, DeviceRole, DeviceType, Interface, Manufacturer, Site
        from ipam.models import IPAddress
        from tenancy.models import Tenant

        from netbox_egov.models import BandwidthQuota

        self.agency = Tenant.objects.create(name="Dinas Pendidikan", slug="disdik")
        site = Site.objects.create(name="Kantor Disdik", slug="kantor-disdik", tenant=self.agency)
        kind = DeviceType.objects.create(manufacturer=Manufacturer.objects.create(name="Lab", slug="lab"),
                                         model="snmpd", slug="snmpd")
        role = DeviceRole.objects.create(name="gateway", slug="gateway")
        self.devices = []
        for n, port in enumerate(ports):
            device = Device.objects.create(
                name=f"gw-{n:02}", device_type=kind, role=role, site=site, tenant=self.agency, status="active",
                local_context_data={"egov_polling": {"snmp": {"port": port, "timeout": 2, "retries": 1,
                                                              "credential": "lab"}}})
            interface = Interface.objects.create(device=device, name=snmp_lab.agent_link, type="virtual")
            # Every agent is the same host: NetBox's uniqueness rule is for people's edits, not this lab.
            device.primary_ip4 = IPAddress.objects.create(address=f"{AGENT_IP}/24", assigned_object=interface)
            device.save()
            self.devices.append(device)
        gateway = self.devices[0]
        quota = BandwidthQuota(tenant=self.agency, enforcement_device=gateway,
                               enforcement_interface=gateway.interfaces.get(), guaranteed_down_mbps=10,
                               guaranteed_up_mbps=10, ceiling_down_mbps=10000, ceiling_up_mbps=10000,
                               monthly_cap_gb=monthly_cap_gb)
        quota.full_clean()
        quota.save()

    def usage(self):
        from netbox_egov.models import QuotaUsage

        return {row.period: (row.bytes_in, row.bytes_out) for row in QuotaUsage.objects.filter(tenant=self.agency)}

    def states(self):
        from netbox_egov.models import QuotaUsage

        return {row.period: row.state for row in QuotaUsage.objects.filter(tenant=self.agency)}


def collector(netbox, env, *args, serve=True):
    """Run ``egov-collector ARGS`` in the poller's namespace, NetBox served meanwhile (unless ``serve`` is False)."""
    command = ["ip", "netns", "exec", env["EGOV_TEST_POLLER_NS"], COLLECTOR, *args]

    def run():
        return subprocess.run(command, env=env, capture_output=True, text=True, timeout=PROCESS_DEADLINE)

    done = netbox.call(run) if serve else run()
    return done


def kernel_bytes(snmp_lab):
    """(sent, received) by the agent's veth: what the agency received and sent through its gateway."""
    stats = snmp_lab.link_stats()["stats64"]
    return stats["tx"]["bytes"], stats["rx"]["bytes"]


def traffic(snmp_lab):
    snmp_lab.iperf3(30, reverse=True)  # agent -> poller: the agency's download
    snmp_lab.iperf3(10)
    time.sleep(SNMPD_CACHE_SECONDS)


def assert_close(measured, expected, what):
    assert expected > 0 and abs(measured - expected) <= 0.01 * expected, f"{what}: {measured} vs kernel {expected}"


@pytest.fixture
def lab(db, snmp_lab, agents, collector_env, redis_in_poller):
    collector_env["EGOV_TEST_POLLER_NS"] = snmp_lab.poller_ns
    # 1 GiB a month: a day's share is at most 38.4 MB (28-day month), less than one traffic() (about 42 MB).
    return Lab(snmp_lab, agents[:1], monthly_cap_gb=1)


def test_usage_in_netbox_is_what_the_kernel_counted(lab, snmp_lab, poller_netbox, collector_env):
    first = collector(poller_netbox, collector_env, "poll", "--json")
    assert first.returncode == 0, first.stderr
    answer = json.loads(first.stdout)
    assert [d["device"] for d in answer["devices"]] == ["gw-00"]
    assert answer["devices"][0]["measured"] == {"disdik": "interface"}
    start = kernel_bytes(snmp_lab)

    traffic(snmp_lab)
    second = collector(poller_netbox, collector_env, "poll", "--device", "gw-00")
    end = kernel_bytes(snmp_lab)

    assert second.returncode == 0, second.stdout + second.stderr
    assert "gw-00" in second.stdout and "disdik (interface)" in second.stdout
    usage = lab.usage()
    assert set(usage) == {"day", "month"}
    for period in ("day", "month"):
        assert_close(usage[period][0], end[0] - start[0], f"{period} bytes_in")
        assert_close(usage[period][1], end[1] - start[1], f"{period} bytes_out")
    # The quota's state follows what was collected: the day's share of the cap is crossed, the month's is not.
    assert lab.states() == {"day": "exceeded", "month": "within"}


def test_a_netbox_outage_loses_nothing(lab, snmp_lab, poller_netbox, collector_env):
    assert collector(poller_netbox, collector_env, "poll").returncode == 0
    start = kernel_bytes(snmp_lab)

    # NetBox's web server is away: the socket is closed, every request is refused.
    port = int(poller_netbox.url.rsplit(":", 1)[1].strip("/"))
    poller_netbox.server.server_close()
    try:
        for _ in range(2):
            traffic(snmp_lab)
            during = collector(poller_netbox, collector_env, "poll", serve=False)
            assert during.returncode == 0, during.stdout + during.stderr  # polling goes on from the kept plan
            assert "usage batches spooled, NetBox did not take them yet" in during.stderr
        assert lab.usage() == {}
    finally:
        poller_netbox.server = in_namespace(collector_env["EGOV_TEST_POLLER_NS"], _server_on, port,
                                            poller_netbox.application)

    time.sleep(SPOOL_BACKOFF_AFTER_TWO_FAILURES)
    after = collector(poller_netbox, collector_env, "poll")
    end = kernel_bytes(snmp_lab)
    assert after.returncode == 0, after.stdout + after.stderr
    usage = lab.usage()
    assert_close(usage["month"][0], end[0] - start[0], "bytes_in after the outage")
    assert_close(usage["month"][1], end[1] - start[1], "bytes_out after the outage")


def _server_on(port, application):
    from wsgiref.simple_server import make_server

    server = make_server("127.0.0.1", port, application, handler_class=QuietRequestHandler)
    server.timeout = 0.05
    return server


def test_two_workers_share_a_cycle_and_poll_each_device_once(db, snmp_lab, agents, collector_env, poller_netbox,
                                                            redis_in_poller):
    collector_env["EGOV_TEST_POLLER_NS"] = snmp_lab.poller_ns
    Lab(snmp_lab, agents)

    started = collector(poller_netbox, collector_env, "run", "--once")
    assert started.returncode == 0, started.stderr
    assert f"{AGENTS} jobs, {AGENTS} devices" in started.stdout
    # The same job twice (an RQ retry, a scheduler started twice): its device is claimed already.
    redis_in_poller(_enqueue_first_job_again)

    def two_workers():
        command = ["ip", "netns", "exec", snmp_lab.poller_ns, COLLECTOR, "worker", "--burst"]
        workers = [subprocess.Popen(command, env=collector_env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                    text=True) for _ in range(2)]
        return [worker.communicate(timeout=PROCESS_DEADLINE)[0] for worker in workers]

    poller_netbox.call(two_workers)
    results = redis_in_poller(_job_results)

    polled = [d for result in results for d in result["devices"] if not d["skipped"]]
    assert sorted(d["device"] for d in polled) == [f"gw-{n:02}" for n in range(AGENTS)]
    assert all(d["ok"] for d in polled), [d["error"] for d in polled if not d["ok"]]
    assert [d["skipped"] for result in results for d in result["devices"] if d["skipped"]] == [
        "polled by another job of this cycle"]
    workers = redis_in_poller(lambda client: {client.get(key) for key in client.keys("egov:collector:claim:*")})
    assert len(workers) == 2, "both workers took part in the cycle"


def _enqueue_first_job_again(client):
    from rq import Queue

    queue = Queue("egov-collector", connection=client)
    first = queue.jobs[0]
    queue.enqueue(first.func_name, *first.args)


def _job_results(client):
    from rq import Queue
    from rq.job import Job

    registry = Queue("egov-collector", connection=client).finished_job_registry
    return [Job.fetch(job_id, connection=client).return_value() for job_id in registry.get_job_ids()]


def test_a_cycle_that_overruns_is_reported_not_stacked(lab, snmp_lab, poller_netbox, collector_env, redis_in_poller):
    first = collector(poller_netbox, collector_env, "run", "--once")
    second = collector(poller_netbox, collector_env, "run", "--once")

    assert "1 jobs, 1 devices" in first.stdout
    assert "overran its interval of 60 s: 1 batches still running" in second.stdout
    assert redis_in_poller(lambda client: (client.llen("rq:queue:egov-collector"),
                                           int(client.hget("egov:collector:cycle", "overruns")))) == (1, 1)
