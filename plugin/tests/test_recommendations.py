"""The recommendation workflow by permission (Pasal 11(2)), its rules, and the uncovered-devices report."""

import datetime

import registry_fixtures as fx
from django.core.exceptions import ValidationError
from django.urls import reverse
from helpers import grant, set_superuser

from dcim.models import Device
from tenancy.models import Tenant
from utilities.testing import APITestCase, TestCase

from netbox_egov.demo.loader import load_demo
from netbox_egov.logic.workflow import TransitionRefused, effective_status, next_status
from netbox_egov.models import Recommendation, RecommendationItem
from netbox_egov.recommendations import uncovered_devices

FUTURE = datetime.date.today() + datetime.timedelta(days=365)


class WorkflowLogicTest(TestCase):
    def test_transitions_follow_the_states(self):
        self.assertEqual(next_status("draft", "submit"), "submitted")
        self.assertEqual(next_status("submitted", "approve"), "approved")
        self.assertEqual(next_status("submitted", "reject"), "rejected")
        with self.assertRaises(TransitionRefused):
            next_status("draft", "approve")
        with self.assertRaises(TransitionRefused):
            next_status("approved", "submit")

    def test_an_approval_expires_after_its_date(self):
        day = datetime.date(2026, 11, 27)
        self.assertEqual(effective_status("approved", day, today=day), "approved")
        self.assertEqual(effective_status("approved", day, today=day + datetime.timedelta(days=1)), "expired")
        self.assertEqual(effective_status("rejected", day, today=day + datetime.timedelta(days=1)), "rejected")


class WorkflowPermissionTest(TestCase):
    """An agency's officer submits their own drafts and nothing else; only the Dinas approver decides."""

    @classmethod
    def setUpTestData(cls):
        cls.tenants = fx.agencies(2)
        cls.own, cls.other, _third = fx.recommendations(cls.tenants)  # agency-2, agency-1, agency-2

    def setUp(self):
        super().setUp()
        grant(self.user, "netbox_egov.recommendation", ("view", "change"),
              constraints={"tenant__slug": self.own.tenant.slug})

    def post(self, recommendation, transition, **data):
        url = reverse("plugins:netbox_egov:recommendation_transition",
                      kwargs={"pk": recommendation.pk, "transition": transition})
        return self.client.post(url, data)

    def test_officer_submits_own_draft(self):
        self.assertEqual(self.post(self.own, "submit").status_code, 302)
        self.own.refresh_from_db()
        self.assertEqual(self.own.status, "submitted")
        self.assertIsNotNone(self.own.submitted_on)

    def test_officer_cannot_submit_for_another_agency(self):
        self.assertEqual(self.post(self.other, "submit").status_code, 404)
        self.other.refresh_from_db()
        self.assertEqual(self.other.status, "draft")

    def test_officer_cannot_approve(self):
        self.post(self.own, "submit")
        self.assertEqual(self.post(self.own, "approve", valid_until=FUTURE.isoformat()).status_code, 404)
        self.own.refresh_from_db()
        self.assertEqual(self.own.status, "submitted")

    def test_officer_sees_only_own_agency_requests(self):
        response = self.client.get(reverse("plugins:netbox_egov:recommendation_list"))
        self.assertContains(response, self.own.title)
        self.assertNotContains(response, self.other.title)

    def test_approver_approves_with_a_validity_date(self):
        self.post(self.own, "submit")
        grant(self.user, "netbox_egov.recommendation", ("view", "approve"))
        self.post(self.own, "approve", valid_until="2020-01-01")  # in the past: refused
        self.own.refresh_from_db()
        self.assertEqual(self.own.status, "submitted")
        self.post(self.own, "approve", valid_until=FUTURE.isoformat())
        self.own.refresh_from_db()
        self.assertEqual((self.own.status, self.own.valid_until, self.own.decided_by), ("approved", FUTURE, self.user))

    def test_rejection_needs_a_reason(self):
        self.post(self.own, "submit")
        grant(self.user, "netbox_egov.recommendation", ("view", "approve"))
        self.post(self.own, "reject", reason="  ")
        self.own.refresh_from_db()
        self.assertEqual(self.own.status, "submitted")
        self.post(self.own, "reject", reason="Use the data center firewall")
        self.own.refresh_from_db()
        self.assertEqual((self.own.status, self.own.rejection_reason), ("rejected", "Use the data center firewall"))

    def test_the_detail_page_offers_only_the_allowed_steps(self):
        page = self.client.get(self.own.get_absolute_url()).content.decode()
        self.assertIn("/workflow/submit/", page)
        self.assertNotIn("/workflow/approve/", page)


class WorkflowAPITest(APITestCase):
    @classmethod
    def setUpTestData(cls):
        cls.recommendation = fx.recommendations(fx.agencies(1))[0]

    def call(self, transition, **body):
        url = reverse(f"plugins-api:netbox_egov-api:recommendation-{transition}", kwargs={"pk": self.recommendation.pk})
        return self.client.post(url, body, format="json", **self.header)

    def test_status_is_not_writable_directly(self):
        grant(self.user, "netbox_egov.recommendation", ("view", "change"))
        url = reverse("plugins-api:netbox_egov-api:recommendation-detail", kwargs={"pk": self.recommendation.pk})
        self.client.patch(url, {"status": "approved"}, format="json", **self.header)
        self.recommendation.refresh_from_db()
        self.assertEqual(self.recommendation.status, "draft")

    def test_submit_then_approve_through_the_api(self):
        grant(self.user, "netbox_egov.recommendation", ("view", "change"))
        self.assertEqual(self.call("submit").status_code, 200)
        self.assertEqual(self.call("approve", valid_until=FUTURE.isoformat()).status_code, 404)  # no approve action
        grant(self.user, "netbox_egov.recommendation", ("approve",))
        self.assertEqual(self.call("approve").status_code, 400)  # needs valid_until, and says so
        response = self.call("approve", valid_until=FUTURE.isoformat())
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["status"]["value"], "approved")
        self.assertEqual(self.call("reject", reason="late").status_code, 400)  # approved is final


class RecommendationRulesTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.recommendation = fx.recommendations(fx.agencies(1))[0]

    def test_only_a_draft_can_be_edited(self):
        self.recommendation.transition("submit", None)
        self.recommendation.title = "Something else"
        with self.assertRaises(ValidationError) as refusal:
            self.recommendation.full_clean()
        self.assertIn("submitted", " ".join(refusal.exception.message_dict["title"]))

    def test_items_only_on_drafts_and_for_the_agency_own_devices(self):
        site = fx.sites(1)[0]
        device = fx.devices(site, count=1)[0]
        device.tenant = Tenant.objects.create(name="Other", slug="other")
        device.save()
        item = RecommendationItem(recommendation=self.recommendation, device=device)
        with self.assertRaises(ValidationError) as refusal:
            item.full_clean()
        refused = " ".join(refusal.exception.message_dict["device"])
        self.assertIn(device.name, refused)
        self.assertNotIn("Other", refused)  # the owner is not named: the writer may not see it
        elsewhere = RecommendationItem(recommendation=self.recommendation, site=site, description="AP")
        with self.assertRaises(ValidationError) as refusal:
            elsewhere.full_clean()
        self.assertIn(site.name, " ".join(refusal.exception.message_dict["site"]))
        self.recommendation.transition("submit", None)
        late = RecommendationItem(recommendation=self.recommendation, description="AP")
        with self.assertRaises(ValidationError) as refusal:
            late.full_clean()
        self.assertIn("draft", " ".join(refusal.exception.message_dict["recommendation"]))


class UncoveredDevicesTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_demo()

    def test_only_valid_approvals_cover_devices(self):
        set_superuser(self.user)
        uncovered = {device.name for device in uncovered_devices(Device.objects.all())}
        self.assertNotIn("gw-disdik", uncovered)  # approved, its device type at its site
        self.assertIn("gw-setda", uncovered)  # the approval has expired
        self.assertIn("gw-dinkes", uncovered)  # submitted, not yet approved
        self.assertEqual(Recommendation.objects.get(tenant__slug="setda").current_status, "expired")

    def test_report_page_respects_device_permissions(self):
        grant(self.user, "dcim.device", ("view",), constraints={"tenant__slug": "dinkes"})
        response = self.client.get(reverse("plugins:netbox_egov:uncovered_devices"))
        self.assertContains(response, "gw-dinkes")
        self.assertNotContains(response, "gw-setda")
        self.assertEqual(Device.objects.filter(tenant__slug="dinkes").count(), 1)
