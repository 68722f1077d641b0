"""The agency overview: which tenants are agencies, and counts the user may see."""

from django.urls import reverse
from helpers import grant

from core.models import ObjectType
from dcim.models import Device, DeviceRole, DeviceType, Manufacturer, Site
from tenancy.models import Contact, ContactAssignment, ContactRole, Tenant, TenantGroup
from utilities.testing import TestCase

from netbox_egov.agencies import agency_overview


class AgencyOverviewTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        root = TenantGroup.objects.create(name="Perangkat Daerah", slug="perangkat-daerah")
        dinas = TenantGroup.objects.create(name="Dinas", slug="dinas", parent=root)
        vendors = TenantGroup.objects.create(name="Vendors", slug="vendors")
        cls.dinkes = Tenant.objects.create(name="Dinas Kesehatan", slug="dinkes", group=dinas)
        cls.bappeda = Tenant.objects.create(name="Bappeda", slug="bappeda", group=root)
        Tenant.objects.create(name="Vendor", slug="vendor", group=vendors)
        Tenant.objects.create(name="Ungrouped", slug="ungrouped")

        site = Site.objects.create(name="Kantor Dinkes", slug="kantor-dinkes", tenant=cls.dinkes)
        device_type = DeviceType.objects.create(
            manufacturer=Manufacturer.objects.create(name="MikroTik", slug="mikrotik"), model="RB4011", slug="rb4011"
        )
        role = DeviceRole.objects.create(name="Gateway", slug="gateway")
        for name in ("gw-dinkes", "sw-dinkes"):
            Device.objects.create(name=name, site=site, tenant=cls.dinkes, device_type=device_type, role=role)

        officer_role = ContactRole.objects.create(name="Pengelola TIK", slug="pengelola-tik")
        other_role = ContactRole.objects.create(name="Billing", slug="billing")
        tenant_type = ObjectType.objects.get_for_model(Tenant)
        for contact_name, role_ in (("Hendra", officer_role), ("Keuangan", other_role)):
            ContactAssignment.objects.create(
                object_type=tenant_type, object_id=cls.dinkes.pk, role=role_,
                contact=Contact.objects.create(name=contact_name),
            )

    def test_only_tenants_in_the_agency_group_tree_are_agencies(self):
        grant(self.user, "tenancy.tenant", ["view"])
        names = set(agency_overview(self.user).values_list("slug", flat=True))
        self.assertEqual(names, {"dinkes", "bappeda"})

    def test_counts_only_what_the_user_may_view(self):
        grant(self.user, "tenancy.tenant", ["view"])
        grant(self.user, "tenancy.contactassignment", ["view"])
        grant(self.user, "dcim.device", ["view"], constraints={"name": "gw-dinkes"})
        dinkes = agency_overview(self.user).get(slug="dinkes")
        self.assertEqual(dinkes.device_count, 1)  # sw-dinkes is hidden from this user
        self.assertEqual(dinkes.site_count, 0)  # no site permission at all
        self.assertEqual(dinkes.ict_officer_count, 1)  # the billing contact is not an ICT officer

    def test_constrained_user_sees_only_own_agency_in_the_list_view(self):
        grant(self.user, "tenancy.tenant", ["view"], constraints={"slug": "dinkes"})
        response = self.client.get(reverse("plugins:netbox_egov:agency_list"))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Dinas Kesehatan")
        self.assertNotContains(response, "Bappeda")

    def test_list_view_requires_tenant_permission(self):
        response = self.client.get(reverse("plugins:netbox_egov:agency_list"))
        self.assertEqual(response.status_code, 403)

    def test_csv_export_lists_agencies(self):
        grant(self.user, "tenancy.tenant", ["view"])
        response = self.client.get(reverse("plugins:netbox_egov:agency_list"), {"export": "table"})
        self.assertEqual(response.status_code, 200)
        body = response.content.decode()
        self.assertIn("Dinas Kesehatan", body)
        self.assertNotIn("Vendor", body)
