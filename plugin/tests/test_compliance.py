"""The agency compliance scorecard on the demo data: the checks, the views, the API, and who sees what."""

import csv
import io

from django.test import Client
from django.urls import reverse
from helpers import set_superuser

from tenancy.models import Tenant
from users.models import User
from utilities.testing import APITestCase, TestCase

from netbox_egov.compliance import scorecard
from netbox_egov.demo.loader import load_demo


class ComplianceTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_demo()

    def setUp(self):
        super().setUp()
        set_superuser(self.user)
        self.rows = {row.agency.slug: row for row in scorecard(self.user)}

    def test_every_agency_has_a_row(self):
        self.assertEqual(len(self.rows), 55)

    def test_checks_follow_the_data(self):
        self.assertFalse(self.rows["kesbangpol"].has_ict_officer)  # left without one in the demo
        self.assertTrue(self.rows["disdik"].has_ict_officer)
        self.assertFalse(self.rows["rsud-bagaswaras"].quota_assigned)  # its over-ask was refused
        self.assertFalse(self.rows["rsud-bagaswaras"].systems_in_data_center)  # SIMRS runs at the hospital
        self.assertFalse(self.rows["rsud-bagaswaras"].assessments_current)  # failed, due 2026-03
        self.assertIsNone(self.rows["kec-bayat"].systems_in_data_center)  # no systems: does not apply
        self.assertEqual(self.rows["disdik"].devices_covered_percent, 100)  # its approval covers its gateway
        self.assertEqual(self.rows["setda"].devices_covered_percent, 0)  # expired approval

    def test_score_is_the_share_of_applicable_checks(self):
        row = self.rows["kec-bayat"]
        applicable = [value for value in row.checks.values() if value is not None]
        self.assertEqual(row.score, round(100 * sum(applicable) / len(applicable)))

    def test_table_csv_export_and_filter(self):
        url = reverse("plugins:netbox_egov:compliance")
        self.assertContains(self.client.get(url), "Kecamatan Bayat")
        exported = self.client.get(url, {"export": "csv", "group": "kecamatan"})
        rows = list(csv.reader(io.StringIO(exported.content.decode())))
        self.assertEqual(len(rows), 1 + 26)  # header and the 26 kecamatan
        self.assertIn("Score", rows[0])

    def test_agency_page_shows_its_compliance(self):
        tenant = Tenant.objects.get(slug="kesbangpol")
        self.assertContains(self.client.get(tenant.get_absolute_url()), 'id="agency-compliance"')

    def test_an_officer_sees_only_their_agency(self):
        officer = Client()
        officer.force_login(User.objects.get(username="tik.disdik"))
        body = officer.get(reverse("plugins:netbox_egov:compliance")).content.decode()
        self.assertIn("Dinas Pendidikan", body)
        self.assertNotIn("Dinas Kesehatan", body)


class ComplianceAPITest(APITestCase):
    @classmethod
    def setUpTestData(cls):
        load_demo()

    def test_read_only_endpoint_lists_visible_agencies(self):
        url = reverse("plugins-api:netbox_egov-api:compliance")
        self.add_permissions("tenancy.view_tenant")
        rows = self.client.get(url, {"agency": "kesbangpol"}, **self.header).json()
        self.assertEqual([row["agency"]["slug"] for row in rows], ["kesbangpol"])
        self.assertFalse(rows[0]["has_ict_officer"])
        # Figures count all of the agency's objects, whoever asks: no permission on quotas changes nothing.
        kesbangpol = Tenant.objects.filter(slug="kesbangpol")
        admin = User.objects.create_user(username="compliance-admin", is_superuser=True)
        self.assertEqual(rows[0], scorecard(admin, kesbangpol)[0].as_dict())
        self.assertEqual(self.client.post(url, {}, format="json", **self.header).status_code, 405)
