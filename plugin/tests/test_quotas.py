"""Bandwidth quotas and usage: the rules, the arithmetic, the collectors' idempotent upsert, the reports."""

import datetime
from unittest.mock import patch

import registry_fixtures as fx
from django.core.exceptions import ValidationError
from django.test import TestCase as DjangoTestCase
from django.urls import reverse
from helpers import grant

from dcim.models import Interface
from utilities.testing import APITestCase, TestCase

from netbox_egov import usage
from netbox_egov.demo.loader import load_demo
from netbox_egov.logic.quota import GIB, guaranteed_overcommit, oversubscription_ratio, period_cap_bytes, usage_state
from netbox_egov.models import BandwidthQuota, QuotaUsage, Schedule


class ArithmeticTest(DjangoTestCase):
    def test_state_thresholds(self):
        self.assertEqual(usage_state(89, 100), "within")
        self.assertEqual(usage_state(90, 100), "warning")
        self.assertEqual(usage_state(100, 100), "exceeded")
        self.assertEqual(usage_state(10**15, None), "no-cap")

    def test_a_day_gets_its_share_of_the_month(self):
        self.assertEqual(period_cap_bytes(30, "month", datetime.date(2026, 11, 1)), 30 * GIB)
        self.assertEqual(period_cap_bytes(30, "day", datetime.date(2026, 11, 5)), GIB)  # November: 30 days
        self.assertEqual(period_cap_bytes(31, "day", datetime.date(2026, 12, 5)), GIB)

    def test_overcommit_and_oversubscription(self):
        self.assertIsNone(guaranteed_overcommit(10, [40, 50], 100))
        overcommit = guaranteed_overcommit(11, [40, 50], 100)
        self.assertEqual((overcommit.total_mbps, overcommit.excess_mbps), (101, 1))
        self.assertEqual(oversubscription_ratio([100, 200], 100), 3.0)
        self.assertIsNone(oversubscription_ratio([100], 0))


class QuotaRulesTest(DjangoTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.tenants = fx.agencies(4)
        cls.uplink = fx.uplinks(fx.circuits())[0]  # 100 Mbps

    def quota(self, tenant, **fields):
        return BandwidthQuota(**{"tenant": tenant, "guaranteed_down_mbps": 10, "guaranteed_up_mbps": 5,
                                 "ceiling_down_mbps": 20, "ceiling_up_mbps": 10, **fields})

    def refusal(self, obj, field):
        with self.assertRaises(ValidationError) as refusal:
            obj.full_clean()
        return " ".join(refusal.exception.message_dict[field])

    def test_ceiling_not_below_guaranteed(self):
        message = self.refusal(self.quota(self.tenants[0], ceiling_up_mbps=4), "ceiling_up_mbps")
        self.assertIn("4 Mbps", message)
        self.assertIn("5 Mbps", message)

    def test_guaranteed_rates_behind_an_uplink_fit_its_capacity(self):
        self.quota(self.tenants[0], uplink=self.uplink, guaranteed_down_mbps=60, ceiling_down_mbps=60).save()
        message = self.refusal(self.quota(self.tenants[1], uplink=self.uplink, guaranteed_down_mbps=50,
                                          ceiling_down_mbps=50), "guaranteed_down_mbps")
        for figure in ("Uplink 1", "110 Mbps", "50 Mbps", "100 Mbps", "by 10 Mbps"):
            self.assertIn(figure, message)

    def test_guaranteed_rates_on_an_interface_fit_its_speed(self):
        device = fx.devices(fx.sites(1)[0], count=1)[0]
        interface = Interface.objects.create(device=device, name="ether1", type="1000base-t", speed=100_000)
        self.quota(self.tenants[0], enforcement_device=device, enforcement_interface=interface,
                   guaranteed_down_mbps=90, ceiling_down_mbps=90).save()
        message = self.refusal(self.quota(self.tenants[1], enforcement_device=device, enforcement_interface=interface,
                                          guaranteed_down_mbps=20, ceiling_down_mbps=20), "guaranteed_down_mbps")
        self.assertIn("ether1", message)
        self.assertIn("100 Mbps", message)

    def test_the_interface_belongs_to_the_enforcement_device(self):
        device, other = fx.devices(fx.sites(1)[0], count=2)
        interface = Interface.objects.create(device=other, name="eth0", type="1000base-t")
        message = self.refusal(self.quota(self.tenants[0], enforcement_device=device,
                                          enforcement_interface=interface), "enforcement_interface")
        self.assertIn("eth0", message)
        self.assertIn("dev-1", message)

    def test_throttling_needs_the_reduced_ceiling(self):
        message = self.refusal(self.quota(self.tenants[0], monthly_cap_gb=10, cap_action="throttle"),
                               "throttled_ceiling_mbps")
        self.assertIn("reduced ceiling", message)

    def test_schedule_ends_after_it_starts(self):
        schedule = Schedule(name="Bad", weekdays=[0], start_time=datetime.time(16), end_time=datetime.time(8))
        self.assertIn("16:00", self.refusal(schedule, "end_time"))

    def test_monthly_usage_starts_on_the_first(self):
        usage = QuotaUsage(tenant=self.tenants[0], period="month", period_start=datetime.date(2026, 11, 2),
                           observed_at=fx.NOW)
        self.assertIn("2026-11-02", self.refusal(usage, "period_start"))

    def test_usage_state_follows_the_agency_cap(self):
        self.quota(self.tenants[0], monthly_cap_gb=30).save()
        usage = QuotaUsage(tenant=self.tenants[0], period="day", period_start=datetime.date(2026, 11, 3),
                           bytes_in=GIB - 1, bytes_out=1, observed_at=fx.NOW)
        self.assertEqual(usage.state, "exceeded")  # a day's share of 30 GB in November is 1 GiB
        usage.bytes_in = GIB // 2
        self.assertEqual(usage.state, "within")
        self.assertEqual(QuotaUsage(tenant=self.tenants[1], period="day", period_start=fx.TODAY,
                                    observed_at=fx.NOW).state, "no-cap")


class UsageUpsertTest(APITestCase):
    """The collectors' write path: a retried write never counts twice, a late one never overwrites."""

    @classmethod
    def setUpTestData(cls):
        cls.tenants = fx.agencies(2)

    def setUp(self):
        super().setUp()
        self.url = reverse("plugins-api:netbox_egov-api:quotausage-upsert")

    def item(self, **fields):
        return {"tenant": "agency-1", "period": "day", "period_start": "2026-11-27", "source": "gw-1",
                "bytes_in": 1000, "bytes_out": 100, "samples": 10, "observed_at": "2026-11-27T10:00:00Z", **fields}

    def post(self, body):
        return self.client.post(self.url, body, format="json", **self.header)

    def grant_usage(self, *actions, constraints=None):
        grant(self.user, "netbox_egov.quotausage", actions, constraints)
        self.add_permissions("tenancy.view_tenant")  # a collector names agencies it may view

    def test_a_retried_write_does_not_count_twice(self):
        self.grant_usage("add", "change", "view")
        first = self.post(self.item())
        self.assertEqual(first.status_code, 200, first.content)
        self.assertEqual(self.post(self.item()).json()["bytes_in"], 1000)
        row = QuotaUsage.objects.get()
        self.assertEqual((row.bytes_in, row.bytes_out, row.samples), (1000, 100, 10))

    def test_newer_totals_replace_and_older_ones_are_ignored(self):
        self.grant_usage("add", "change", "view")
        self.post(self.item())
        self.post(self.item(bytes_in=5000, samples=50, observed_at="2026-11-27T11:00:00Z"))
        self.post(self.item(bytes_in=3000, samples=30, observed_at="2026-11-27T10:30:00Z"))  # arrived late
        row = QuotaUsage.objects.get()
        self.assertEqual((row.bytes_in, row.samples), (5000, 50))

    def test_a_concurrent_first_write_becomes_an_update(self):
        """Two collectors' first writes of one key: the loser's insert meets the unique key and becomes an
        update. The race is set up by letting this write's lookup miss the row the other write just made."""
        self.grant_usage("add", "change", "view")
        self.post(self.item())  # the other collector's row
        real_lookup, lookups = usage._locked_row, []

        def lookup_that_lost_the_race(key):
            lookups.append(key)
            return None if len(lookups) == 1 else real_lookup(key)

        with patch.object(usage, "_locked_row", lookup_that_lost_the_race):
            response = self.post([self.item(bytes_in=7000, observed_at="2026-11-27T12:00:00Z"),
                                  self.item(source="gw-2")])
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(QuotaUsage.objects.get(source="gw-1").bytes_in, 7000)
        self.assertTrue(QuotaUsage.objects.filter(source="gw-2").exists())  # the rest of the list went on

    def test_sources_and_periods_are_separate_rows(self):
        self.grant_usage("add", "change", "view")
        response = self.post([self.item(), self.item(source="gw-2"),
                              self.item(period="month", period_start="2026-11-01")])
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(QuotaUsage.objects.count(), 3)

    def test_a_bad_item_writes_nothing_and_is_named(self):
        self.grant_usage("add", "change", "view")
        response = self.post([self.item(), self.item(period="month", period_start="2026-11-02")])
        self.assertEqual(response.status_code, 400)
        self.assertIn("2026-11-02", response.content.decode())
        self.assertEqual(QuotaUsage.objects.count(), 0)

    def test_an_officer_writes_only_for_their_agency(self):
        self.grant_usage("add", "change", "view", constraints={"tenant__slug": "agency-1"})
        self.assertEqual(self.post(self.item()).status_code, 200)
        refused = self.post([self.item(source="gw-9"), self.item(tenant="agency-2")])
        self.assertEqual(refused.status_code, 403)
        self.assertEqual(QuotaUsage.objects.count(), 1)  # the whole list was rolled back

    def test_an_agency_the_token_may_not_view_is_answered_as_one_that_does_not_exist(self):
        grant(self.user, "netbox_egov.quotausage", ["add", "change", "view"])
        grant(self.user, "tenancy.tenant", ["view"], {"slug": "agency-1"})
        hidden, missing = self.post(self.item(tenant="agency-2")), self.post(self.item(tenant="agency-9"))
        self.assertEqual(hidden.status_code, 400, hidden.content)
        self.assertEqual(hidden.content.decode(), missing.content.decode().replace("agency-9", "agency-2"))
        self.assertEqual(QuotaUsage.objects.count(), 0)

    def test_a_stale_write_does_not_read_another_agency_row(self):
        QuotaUsage.objects.create(tenant=self.tenants[1], period="day", period_start=datetime.date(2026, 11, 27),
                                  source="gw-1", bytes_in=777, observed_at=fx.NOW)
        self.grant_usage("add", "change", "view", constraints={"tenant__slug": "agency-1"})
        response = self.post(self.item(tenant="agency-2", observed_at="2026-11-27T00:00:00Z"))
        self.assertEqual(response.status_code, 403)
        self.assertNotIn("777", response.content.decode())

    def test_needs_permission(self):
        self.assertEqual(self.post(self.item()).status_code, 403)


class DemoQuotaTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        _created, cls.refused = load_demo()

    def test_every_agency_but_the_over_asking_one_has_a_quota(self):
        self.assertEqual(len(self.refused), 1)
        self.assertIn("RSUD Bagas Waras", self.refused[0])
        self.assertIn("over its capacity", self.refused[0])
        self.assertFalse(BandwidthQuota.objects.filter(tenant__slug="rsud-bagaswaras").exists())
        self.assertEqual(BandwidthQuota.objects.count(), 54)

    def test_two_agencies_exceeded_their_month(self):
        months = QuotaUsage.objects.filter(period="month").select_related("tenant__bandwidth_quota")
        exceeded = sorted(row.tenant.slug for row in months if row.state == "exceeded")
        self.assertEqual(exceeded, ["disdik", "kec-klaten-tengah"])
        self.assertIn("bappeda", [row.tenant.slug for row in months if row.state == "warning"])

    def test_oversubscription_report(self):
        self.add_permissions("netbox_egov.view_bandwidthquota", "netbox_egov.view_uplink")
        response = self.client.get(reverse("plugins:netbox_egov:oversubscription"))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Internet Telkom")
        self.assertContains(response, "2.80×")  # 28 offices x 100 Mbps ceilings on 1000 Mbps
        self.assertContains(response, "2.60×")  # 26 kecamatan x 50 Mbps on 500 Mbps
