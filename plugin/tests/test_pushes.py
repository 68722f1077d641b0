"""Pushes to gateways (issue 11 item 6) in NetBox: who may ask for a preview or an apply, what an officer sees
of them, the gateway's lock, and the automatic pushes. The playbooks' real runs against a gateway are in
playbooks/tests/test_push_jobs.py; here nothing reaches a device."""

import datetime
import os
import tempfile
from zoneinfo import ZoneInfo

import psycopg
import registry_fixtures as fx
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import timezone
from helpers import DemoClients

from core.models import Job
from dcim.models import Device, Site
from tenancy.models import Tenant
from users.models import Group, User

from netbox_egov import pushes
from netbox_egov.models import BandwidthQuota, FilterPolicy, Push, QuotaUsage, Schedule

JAKARTA = ZoneInfo("Asia/Jakarta")


def plugin_settings(**overrides):
    return {**settings.PLUGINS_CONFIG, "netbox_egov": {**settings.PLUGINS_CONFIG["netbox_egov"], **overrides}}


class Logger:
    """What a JobRunner's logger receives, kept for the assertions."""

    def __init__(self):
        self.lines = []

    def info(self, message):
        self.lines.append(message)


PUSHES_API = "/api/plugins/egov/pushes/"


class PushRequestTest(DemoClients, TestCase):
    """Asking for a push through the API (token auth) and the UI, as the Dinas and as an agency's officer."""

    def test_the_dinas_asks_for_a_preview_and_a_job_is_queued_for_it(self):
        response = self.api("post", PUSHES_API, self.dinas, {"gateway": self.own_gateway.pk, "mode": "preview"})
        self.assertEqual(response.status_code, 201, response.content)
        body = response.json()
        values = [body[name]["value"] for name in ("status", "mode", "trigger")]
        self.assertEqual(values, ["queued", "preview", "manual"])
        self.assertEqual(body["requested_by"]["username"], "approver.kominfo")
        self.assertEqual([tenant["slug"] for tenant in body["tenants"]], ["disdik"])
        push = Push.objects.get(pk=body["id"])
        self.assertEqual((push.job.object_id, push.job.name, push.job.user), (push.pk, "Push to gateway", self.dinas))
        self.assertEqual(body["job"], push.job.pk)
        self.assertEqual(push.gateway_name, "gw-disdik")

    def test_apply_needs_the_apply_action_on_pushes(self):
        engineer = User.objects.create(username="engineer")
        engineer.groups.add(Group.objects.get(name="Dinas Kominfo"))
        applying = engineer.groups.get().object_permissions.get(actions=["apply"])
        applying.groups.remove(engineer.groups.get())
        before = Push.objects.count()
        refused = self.api("post", PUSHES_API, engineer, {"gateway": self.own_gateway.pk, "mode": "apply"})
        self.assertEqual(refused.status_code, 403, refused.content)
        self.assertIn("apply", refused.json()["detail"])
        self.assertEqual((Push.objects.count(), Job.objects.filter(name="Push to gateway").count()), (before, 0))
        preview = self.api("post", PUSHES_API, engineer, {"gateway": self.own_gateway.pk, "mode": "preview"})
        self.assertEqual(preview.status_code, 201, preview.content)

    def test_an_officer_may_not_ask_for_a_push(self):
        response = self.api("post", PUSHES_API, self.officer, {"gateway": self.own_gateway.pk, "mode": "preview"})
        self.assertEqual(response.status_code, 403)
        self.assertFalse(Push.objects.exists())

    def test_a_device_enforcing_nothing_is_refused_by_name(self):
        printer = Device.objects.exclude(pk__in=pushes.gateways()).order_by("name").first()
        response = self.api("post", PUSHES_API, self.dinas, {"gateway": printer.pk, "mode": "preview"})
        self.assertEqual(response.status_code, 400)
        self.assertIn(printer.name, response.json()["gateway"][0])

    def test_a_bad_mode_is_refused_by_name(self):
        response = self.api("post", PUSHES_API, self.dinas, {"gateway": self.own_gateway.pk, "mode": "force"})
        self.assertEqual(response.status_code, 400)
        self.assertIn("mode", response.json())

    def test_several_gateways_in_one_request_all_or_none(self):
        printer = Device.objects.exclude(pk__in=pushes.gateways()).first()
        mixed = [{"gateway": self.own_gateway.pk}, {"gateway": printer.pk}]
        self.assertEqual(self.api("post", PUSHES_API, self.dinas, mixed).status_code, 400)
        self.assertFalse(Push.objects.exists())
        both = [{"gateway": self.own_gateway.pk}, {"gateway": self.other_gateway.pk}]
        response = self.api("post", PUSHES_API, self.dinas, both)
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual(sorted(item["gateway_name"] for item in response.json()), ["gw-dinkes", "gw-disdik"])

    def test_null_in_a_choice_filter_is_refused_by_name_not_a_server_error(self):
        for path, parameter in ((PUSHES_API, "trigger__niew"), (PUSHES_API, "status__n"), (PUSHES_API, "mode__ie"),
                                ("/api/plugins/egov/backbone-links/", "medium__niew")):
            with self.subTest(parameter=parameter):
                response = self.api("get", f"{path}?{parameter}=null", self.dinas)
                self.assertEqual(response.status_code, 400, response.content)
                self.assertIn("null", response.json()[parameter][0])

    def test_a_record_is_never_edited(self):
        push = pushes.request_push(self.own_gateway, "preview", self.dinas)
        response = self.api("patch", f"{PUSHES_API}{push.pk}/", self.dinas, {"mode": "apply"})
        self.assertEqual(response.status_code, 405)

    def test_an_officer_reads_only_the_pushes_to_their_agencys_gateways(self):
        own = pushes.request_push(self.own_gateway, "apply")
        other = pushes.request_push(self.other_gateway, "apply")
        listed = self.api("get", PUSHES_API, self.officer).json()
        self.assertEqual([row["id"] for row in listed["results"]], [own.pk])
        self.assertEqual(self.api("get", f"{PUSHES_API}{other.pk}/", self.officer).status_code, 404)
        query = {"query": "{ push_list { id gateway_name tenants { slug } } }"}
        graphql = self.api("post", "/graphql/", self.officer, query).json()
        self.assertEqual(graphql["data"]["push_list"], [{"id": str(own.pk), "gateway_name": "gw-disdik",
                                                         "tenants": [{"slug": "disdik"}]}])
        self.assertEqual(self.ui(self.officer).get(other.get_absolute_url()).status_code, 404)
        page = self.ui(self.officer).get(reverse("plugins:netbox_egov:push_list"))
        self.assertContains(page, own.get_absolute_url())
        self.assertNotContains(page, other.get_absolute_url())

    def test_on_a_shared_gateway_an_officer_reads_that_a_push_ran_but_not_the_other_agencies_settings(self):
        dinkes = Tenant.objects.get(slug="dinkes")
        BandwidthQuota.objects.filter(tenant=dinkes).update(enforcement_device=self.own_gateway)
        push = pushes.request_push(self.own_gateway, "apply", reason="Quota of Dinas Kesehatan changed")
        Push.objects.filter(pk=push.pk).update(status="changed", diff="+class htb dinkes", log="dinkes log",
                                               hosts={"gw-disdik": {"status": "changed"}})
        officer = self.api("get", f"{PUSHES_API}{push.pk}/", self.officer).json()
        self.assertEqual([tenant["slug"] for tenant in officer["tenants"]], ["disdik"])
        self.assertEqual((officer["status"]["value"], officer["reason"], officer["diff"], officer["log"],
                          officer["hosts"]), ("changed", "", "", "", {}))
        dinas = self.api("get", f"{PUSHES_API}{push.pk}/", self.dinas).json()
        self.assertEqual((dinas["diff"], dinas["reason"]), ("+class htb dinkes", "Quota of Dinas Kesehatan changed"))
        query = {"query": f"{{ push(id: {push.pk}) {{ reason diff log hosts }} }}"}
        graphql = self.api("post", "/graphql/", self.officer, query).json()["data"]["push"]
        self.assertEqual(graphql, {"reason": "", "diff": "", "log": "", "hosts": {}})
        listed = self.ui(self.officer).get(reverse("plugins:netbox_egov:push_list"), {"export": "table"})
        self.assertEqual(listed.status_code, 200)
        self.assertNotIn(b"Dinas Kesehatan", listed.content)  # the reason column, exported
        self.assertNotContains(self.ui(self.officer).get(reverse("plugins:netbox_egov:push_list")), "Dinas Kesehatan")
        self.assertContains(self.ui(self.dinas).get(reverse("plugins:netbox_egov:push_list")),
                            "Quota of Dinas Kesehatan changed")
        page = self.ui(self.officer).get(push.get_absolute_url())
        self.assertContains(page, "Hidden: this gateway also enforces quotas of agencies you may not view.")
        self.assertNotContains(page, "dinkes log")
        self.assertNotContains(page, "Dinas Kesehatan")
        self.assertContains(self.ui(self.dinas).get(push.get_absolute_url()), "dinkes log")

    def test_a_request_naming_no_gateway_id_is_a_404_not_a_server_error(self):
        response = self.ui(self.dinas).post(reverse("plugins:netbox_egov:push_request"),
                                            {"gateway": "abc", "mode": "preview"})
        self.assertEqual(response.status_code, 404)

    def test_the_gateway_page_offers_preview_and_apply_to_the_dinas_only(self):
        request_url = reverse("plugins:netbox_egov:push_request")
        dinas_page = self.ui(self.dinas).get(self.own_gateway.get_absolute_url())
        self.assertContains(dinas_page, request_url)
        self.assertContains(dinas_page, 'value="apply"')
        officer_page = self.ui(self.officer).get(self.own_gateway.get_absolute_url())
        self.assertEqual(officer_page.status_code, 200)
        self.assertNotContains(officer_page, request_url)
        quota_page = self.ui(self.dinas).get(self.own_gateway.bandwidth_quotas.get().get_absolute_url())
        self.assertContains(quota_page, 'value="preview"')

    def test_apply_from_the_gateway_page_records_the_push_and_shows_it(self):
        client = self.ui(self.dinas)
        response = client.post(reverse("plugins:netbox_egov:push_request"),
                               {"gateway": self.own_gateway.pk, "mode": "apply"})
        push = Push.objects.get()
        self.assertRedirects(response, push.get_absolute_url(), fetch_redirect_response=False)
        self.assertEqual((push.mode, push.requested_by, push.gateway), ("apply", self.dinas, self.own_gateway))
        page = client.get(push.get_absolute_url())
        self.assertContains(page, "gw-disdik")
        self.assertNotContains(page, reverse("plugins:netbox_egov:push_list") + f"{push.pk}/edit/")
        agency_page = client.get(Tenant.objects.get(slug="disdik").get_absolute_url())
        self.assertContains(agency_page, "/plugins/egov/pushes/?embedded=True&tenant_id=")  # the pushes table

    def test_an_officer_posting_a_request_gets_a_refusal_and_nothing_is_queued(self):
        response = self.ui(self.officer).post(reverse("plugins:netbox_egov:push_request"),
                                              {"gateway": self.own_gateway.pk, "mode": "preview"}, follow=True)
        self.assertContains(response, "You may not add a push to gw-disdik")
        self.assertFalse(Push.objects.exists())

    def test_all_gateways_get_one_push_each(self):
        self.ui(self.dinas).post(reverse("plugins:netbox_egov:push_request"), {"all": "1", "mode": "preview"})
        self.assertEqual(sorted(Push.objects.values_list("gateway_name", flat=True)),
                         sorted(pushes.gateways().values_list("name", flat=True)))


class EngineSettings:
    """A read-only token in a file only its owner reads, as push_token_file asks."""

    def token_file(self, mode=0o600):
        folder = tempfile.mkdtemp()
        path = os.path.join(folder, "token")
        with open(path, "w") as file:
            file.write("nbt_secret.push-token\n")
        os.chmod(path, mode)
        return path


class PushRunTest(EngineSettings, TestCase):
    """Running a recorded push, up to the point where Ansible would reach the gateway."""

    @classmethod
    def setUpTestData(cls):
        cls.tenants = fx.agencies(2)
        cls.gateways = fx.devices(fx.sites(1)[0], count=2)
        for tenant, gateway in zip(cls.tenants, cls.gateways, strict=True):
            BandwidthQuota.objects.create(tenant=tenant, enforcement_device=gateway, guaranteed_down_mbps=1,
                                          guaranteed_up_mbps=1, ceiling_down_mbps=2, ceiling_up_mbps=2)

    def run_one(self, gateway=None):
        push = pushes.request_push(gateway or self.gateways[0], "preview")
        logger = Logger()
        pushes.run_push(push, logger)
        push.refresh_from_db()
        return push, logger

    @override_settings(PLUGINS_CONFIG=plugin_settings(push_netbox_url=None, push_token_file=None))
    def test_without_the_engine_settings_the_push_errors_naming_them(self):
        push, _logger = self.run_one()
        self.assertEqual(push.status, "errored")
        self.assertIn("push_netbox_url", push.log)
        self.assertIsNotNone(push.completed)

    def test_a_token_file_others_may_read_is_refused(self):
        path = self.token_file(mode=0o644)
        with override_settings(PLUGINS_CONFIG=plugin_settings(push_netbox_url="http://127.0.0.1:9",
                                                              push_token_file=path)):
            push, _logger = self.run_one()
        self.assertEqual(push.status, "errored")
        self.assertIn(path, push.log)
        self.assertIn("0644", push.log)

    def test_a_push_waits_for_the_gateways_lock_then_gives_up_and_other_gateways_go_on(self):
        holder = psycopg.connect(**connection.get_connection_params())  # another worker's push, in its session
        try:
            holder.execute("SELECT pg_advisory_lock(%s, %s)", (pushes.LOCK_NAMESPACE, self.gateways[0].pk))
            path = self.token_file()
            with override_settings(PLUGINS_CONFIG=plugin_settings(
                    push_netbox_url="http://127.0.0.1:9", push_token_file=path, push_lock_wait_seconds=1)):
                push, logger = self.run_one()
            self.assertEqual(push.status, "errored")
            self.assertIn("Another push to dev-1 was still running", push.log)
            self.assertIn("waiting for another push to dev-1", logger.lines)
            self.assertTrue(pushes.try_advisory_lock(self.gateways[1].pk))  # the lock is per gateway
            connection.cursor().execute("SELECT pg_advisory_unlock(%s, %s)",
                                        [pushes.LOCK_NAMESPACE, self.gateways[1].pk])
        finally:
            holder.close()

    def test_a_push_that_breaks_off_is_recorded_as_errored_not_left_running(self):
        def broken_runner(*args, **kwargs):
            raise RuntimeError("connection reset by nbt_secret.push-token")

        push = pushes.request_push(self.gateways[0], "apply")
        engine = plugin_settings(push_netbox_url="http://127.0.0.1:9", push_token_file=self.token_file())
        with override_settings(PLUGINS_CONFIG=engine), self.assertRaises(pushes.PushBrokeOff) as raised:
            pushes.run_push(push, Logger(), call=broken_runner)
        push.refresh_from_db()
        self.assertEqual(push.status, "errored")
        self.assertIn("RuntimeError: connection reset by ********", push.log)
        # Neither the record nor what the job records (the exception, its chain) holds the token.
        self.assertNotIn("push-token", push.log + str(raised.exception))
        self.assertIsNone(raised.exception.__cause__)
        self.assertTrue(raised.exception.__suppress_context__)
        self.assertIsNotNone(push.completed)

    def test_a_gateway_whose_name_is_an_ansible_pattern_or_not_unique_is_not_pushed(self):
        engine = plugin_settings(push_netbox_url="http://127.0.0.1:9", push_token_file=self.token_file())
        twin = self.gateways[1]
        other_office = Site.objects.create(name="Other office", slug="other-office")
        Device.objects.create(name=twin.name, site=other_office, device_type=twin.device_type, role=twin.role)
        renamed = dict.fromkeys(("gw-*", "all", "platforms_linux", "a,b"), self.gateways[0])
        for name, gateway in [*renamed.items(), (twin.name, twin)]:
            with self.subTest(name=name):
                Device.objects.filter(pk=gateway.pk).update(name=name)
                with override_settings(PLUGINS_CONFIG=engine):
                    push, _logger = self.run_one(Device.objects.get(pk=gateway.pk))
                self.assertEqual(push.status, "errored")
                self.assertIn(name, push.log)
                self.assertEqual(push.hosts, {})

    def test_the_job_runs_the_push_and_records_its_outcome(self):
        from netbox_egov.jobs import PushJob

        push = pushes.request_push(self.gateways[0], "preview")
        job = PushJob(push.job)
        with override_settings(PLUGINS_CONFIG=plugin_settings(push_netbox_url=None)):
            job.run(push_id=push.pk)
        push.refresh_from_db()
        self.assertEqual(job.job.data, {"push": push.pk, "status": "errored", "hosts": {}})
        self.assertEqual(push.status, "errored")

    def test_once_the_lock_is_free_the_push_runs_and_says_why_no_host_was_found(self):
        path = self.token_file()
        with override_settings(PLUGINS_CONFIG=plugin_settings(push_netbox_url="http://127.0.0.1:9",
                                                              push_token_file=path)):
            push, _logger = self.run_one()
        self.assertEqual(push.status, "errored")
        self.assertIn("Ansible ran on no host instead of dev-1", push.log)
        self.assertNotIn("nbt_secret.push-token", push.log)  # the token is masked in the recorded log
        self.assertTrue(pushes.try_advisory_lock(self.gateways[0].pk))  # released after the run
        connection.cursor().execute("SELECT pg_advisory_unlock(%s, %s)", [pushes.LOCK_NAMESPACE,
                                                                         self.gateways[0].pk])


@override_settings(PLUGINS_CONFIG=plugin_settings(auto_push=True))
class AutomaticPushTest(TestCase):
    """A change of what a gateway enforces queues an apply to that gateway only; edits in a row make one."""

    @classmethod
    def setUpTestData(cls):
        cls.tenants = fx.agencies(3)
        cls.gateways = fx.devices(fx.sites(1)[0], count=3)
        cls.hours = Schedule.objects.create(name="Office", weekdays=[0, 1, 2, 3, 4], start_time=datetime.time(8),
                                            end_time=datetime.time(16))
        cls.quotas = [
            BandwidthQuota.objects.create(tenant=tenant, enforcement_device=gateway, guaranteed_down_mbps=1,
                                          guaranteed_up_mbps=1, ceiling_down_mbps=2, ceiling_up_mbps=2,
                                          schedule=cls.hours if n == 0 else None)
            for n, (tenant, gateway) in enumerate(zip(cls.tenants, cls.gateways, strict=True))
        ]

    def committed(self, change):
        """Run `change` and then what it left for after its commit (the automatic pushes wait for it): the
        test's transaction never commits."""
        with self.captureOnCommitCallbacks() as callbacks:
            change()
        for callback in callbacks:
            callback()

    def save(self, obj, **values):
        for name, value in values.items():
            setattr(obj, name, value)
        self.committed(obj.save)

    def queued(self):
        return sorted(Push.objects.values_list("gateway_name", "trigger", "mode"))

    def test_a_change_queues_nothing_before_it_is_committed(self):
        with self.captureOnCommitCallbacks():
            self.quotas[1].ceiling_down_mbps = 3
            self.quotas[1].save()
        self.assertEqual(self.queued(), [])

    def test_a_quota_change_queues_one_apply_to_its_gateway(self):
        for ceiling in (3, 4):  # two edits in a row: one push (the first still waits in the queue)
            self.save(self.quotas[1], ceiling_down_mbps=ceiling)
        self.assertEqual(self.queued(), [("dev-2", "quota", "apply")])
        self.assertIn("Agency 2", Push.objects.get().reason)

    def test_a_push_queued_for_an_hour_is_taken_for_lost_and_a_change_queues_another(self):
        self.save(self.quotas[1], ceiling_down_mbps=3)
        Push.objects.update(created=timezone.now() - datetime.timedelta(hours=2))
        self.save(self.quotas[1], ceiling_down_mbps=4)
        self.assertEqual(self.queued(), [("dev-2", "quota", "apply")] * 2)

    def test_a_quota_moved_to_another_gateway_leaves_the_old_one_too(self):
        BandwidthQuota.objects.filter(pk=self.quotas[0].pk).update(enforcement_device=self.gateways[1])
        self.save(self.quotas[1], enforcement_device=self.gateways[2])  # dev-2 keeps agency 1's quota
        self.assertEqual(self.queued(), [("dev-2", "quota", "apply"), ("dev-3", "quota", "apply")])

    def test_a_gateway_left_with_no_quota_gets_no_push(self):
        # Nothing to push to: the playbooks have no host to run on there (docs/enforcement.md, Limits).
        self.save(self.quotas[1], enforcement_device=self.gateways[2])
        self.assertEqual(self.queued(), [("dev-3", "quota", "apply")])

    def test_a_schedule_change_queues_the_gateways_it_times(self):
        self.save(self.hours, end_time=datetime.time(17))
        self.assertEqual(self.queued(), [("dev-1", "schedule", "apply")])

    def test_a_policy_change_queues_the_gateways_of_the_agencies_it_covers(self):
        policy = FilterPolicy(name="Gambling")
        self.committed(policy.save)  # naming no agency: every agency
        self.committed(lambda: policy.tenants.set([self.tenants[2]]))  # from every agency to one: every gateway
        self.assertEqual({gateway for gateway, *_rest in self.queued()}, {"dev-1", "dev-2", "dev-3"})
        Push.objects.all().delete()
        self.committed(lambda: policy.tenants.add(self.tenants[1]))  # dev-2 gains it
        self.committed(lambda: policy.tenants.remove(self.tenants[2]))  # dev-3 loses it
        self.assertEqual(self.queued(), [("dev-2", "policy", "apply"), ("dev-3", "policy", "apply")])
        Push.objects.all().delete()
        self.committed(lambda: policy.blocked_lists.add(fx.domain_lists()[0]))
        self.assertEqual(self.queued(), [("dev-2", "policy", "apply")])
        Push.objects.all().delete()
        self.committed(policy.tenants.clear)  # naming none again: every agency
        self.assertEqual({gateway for gateway, *_rest in self.queued()}, {"dev-1", "dev-2", "dev-3"})

    def measure(self, gigabytes, observed_at):
        from netbox_egov import usage

        item = {"tenant": self.tenants[2], "period": "month", "period_start": observed_at.date().replace(day=1),
                "source": "gw", "bytes_in": gigabytes * 1024**3, "bytes_out": 0, "samples": 1,
                "observed_at": observed_at}
        self.committed(lambda: usage.upsert(item, {"add": QuotaUsage.objects.all(),
                                                   "change": QuotaUsage.objects.all()}))

    def test_usage_crossing_a_throttling_cap_queues_a_push_either_way(self):
        BandwidthQuota.objects.filter(pk=self.quotas[2].pk).update(monthly_cap_gb=1, cap_action="throttle",
                                                                   throttled_ceiling_mbps=1)
        start = timezone.now().replace(day=1, hour=1)
        self.measure(0, start)  # within its cap: nothing changes on the gateway
        self.assertEqual(self.queued(), [])
        self.measure(2, start + datetime.timedelta(hours=1))  # over it: throttle
        self.assertEqual(self.queued(), [("dev-3", "cap", "apply")])
        Push.objects.all().delete()
        self.measure(3, start + datetime.timedelta(hours=2))  # still over: nothing new to enforce
        self.assertEqual(self.queued(), [])
        BandwidthQuota.objects.filter(pk=self.quotas[2].pk).update(cap_action="notify")
        QuotaUsage.objects.all().delete()
        self.measure(2, start + datetime.timedelta(hours=3))  # over a cap that only notifies: no push
        self.assertEqual(self.queued(), [])

    def test_without_auto_push_nothing_is_queued(self):
        with override_settings(PLUGINS_CONFIG=plugin_settings(auto_push=False)):
            self.save(self.quotas[0], ceiling_down_mbps=5)
        self.assertEqual(self.queued(), [])

    def test_a_schedule_boundary_queues_the_gateways_it_times_once(self):
        monday_morning = datetime.datetime(2026, 11, 30, 7, 59, tzinfo=JAKARTA)
        cache.set(pushes.BOUNDARY_CHECKED, monday_morning)
        queued = pushes.push_at_schedule_boundaries(monday_morning + datetime.timedelta(minutes=1))
        self.assertEqual([(push.gateway_name, push.trigger) for push in queued], [("dev-1", "boundary")])
        Push.objects.all().delete()
        self.assertEqual(pushes.push_at_schedule_boundaries(monday_morning + datetime.timedelta(minutes=2)), [])
        # Checked again only after both boundaries of the day passed: out of hours then and now, nothing to do.
        cache.set(pushes.BOUNDARY_CHECKED, monday_morning)
        self.assertEqual(pushes.push_at_schedule_boundaries(monday_morning + datetime.timedelta(hours=8, minutes=31)),
                         [])

    def tearDown(self):
        cache.delete(pushes.BOUNDARY_CHECKED)
        super().tearDown()

