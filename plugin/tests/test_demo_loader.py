"""The Klaten demo loader: the data set the issue names, and a second run changes nothing."""

import datetime
import ipaddress

from circuits.models import Circuit, Provider
from dcim.models import Cable, Device, Interface, Site
from ipam.models import IPAddress, Prefix
from tenancy.models import Contact, ContactAssignment, Tenant, TenantGroup
from users.models import User
from utilities.testing import TestCase

from netbox_egov.agencies import agency_tenants
from netbox_egov.demo.loader import load_demo
from netbox_egov.models import DomainList, FilterPolicy
from netbox_egov.site_filter.compiling import compile_for

KECAMATAN = {
    "Bayat", "Cawas", "Ceper", "Delanggu", "Gantiwarno", "Jatinom", "Jogonalan", "Juwiring", "Kalikotes",
    "Karanganom", "Karangdowo", "Karangnongko", "Kebonarum", "Kemalang", "Klaten Selatan", "Klaten Tengah",
    "Klaten Utara", "Manisrenggo", "Ngawen", "Pedan", "Polanharjo", "Prambanan", "Trucuk", "Tulung", "Wedi",
    "Wonosari",
}
COUNTED = (Tenant, TenantGroup, Site, Device, Interface, Cable, Circuit, Provider, Prefix, IPAddress, Contact,
           ContactAssignment)
DOCUMENTATION = [ipaddress.ip_network(n) for n in ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24")]


def counts():
    return {model.__name__: model.objects.count() for model in COUNTED}


class DemoLoaderTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.first_run, cls.refused = load_demo()

    def test_second_run_changes_nothing(self):
        before = counts()
        self.assertEqual(load_demo()[0], {})
        self.assertEqual(counts(), before)

    def test_all_26_kecamatan_are_agencies(self):
        names = set(agency_tenants().filter(group__slug="kecamatan").values_list("name", flat=True))
        self.assertEqual(names, {f"Kecamatan {name}" for name in KECAMATAN})

    def test_kominfo_and_at_least_20_other_dinas_and_badan(self):
        others = agency_tenants().exclude(group__slug="kecamatan").exclude(slug="diskominfo")
        self.assertTrue(Tenant.objects.filter(slug="diskominfo", name="Dinas Komunikasi dan Informatika").exists())
        self.assertGreaterEqual(others.count(), 20)
        self.assertEqual(
            set(TenantGroup.objects.filter(parent__slug="perangkat-daerah").values_list("name", flat=True)),
            {"Sekretariat", "Dinas", "Badan", "Inspektorat", "RSUD", "Kecamatan"},
        )

    def test_every_agency_has_an_office_with_a_gateway(self):
        for tenant in agency_tenants():
            self.assertTrue(Device.objects.filter(tenant=tenant, role__slug="gateway").exists(), tenant.name)
        self.assertTrue(Site.objects.filter(slug="pusat-data-diskominfo").exists())
        self.assertTrue(Site.objects.filter(slug="drc-klaten").exists())

    def test_most_but_not_all_agencies_have_an_ict_officer(self):
        with_officer = agency_tenants().filter(
            pk__in=ContactAssignment.objects.filter(role__slug="pengelola-tik").values("object_id")
        )
        total = agency_tenants().count()
        self.assertGreater(with_officer.count(), total * 0.8)
        self.assertLess(with_officer.count(), total)

    def test_cables_labelled_some_not(self):
        labels = list(Cable.objects.values_list("label", flat=True))
        self.assertTrue(any(labels))
        self.assertIn("", labels)

    def test_public_space_is_documentation_space_only(self):
        public = Prefix.objects.filter(role__slug="publik")
        self.assertEqual(public.count(), 2)
        for prefix in public:
            network = ipaddress.ip_network(str(prefix.prefix))
            self.assertTrue(any(network.subnet_of(doc) for doc in DOCUMENTATION), network)

    def test_two_providers_with_uplink_circuits_on_the_firewall(self):
        self.assertEqual(Provider.objects.count(), 2)
        self.assertEqual(Circuit.objects.filter(type__slug="internet-dedicated").count(), 2)
        for circuit in Circuit.objects.filter(type__slug="internet-dedicated"):
            self.assertEqual(circuit.termination_a.link_peers[0].device.name, "fw-01")

    def test_site_filtering_blocklist_and_a_policy_with_one_agency_exception(self):
        national = DomainList.objects.get(name="TrustPositif (contoh)")
        # The shipped file has two bad lines (a URL and an empty label), reported by number, not imported.
        self.assertEqual((national.domain_count, national.bad_line_count), (19, 2))
        self.assertEqual([line for line, _text, _why in national.bad_lines], [13, 24])
        social = FilterPolicy.objects.get(schedule__name="Jam kerja")
        self.assertEqual([t.slug for t in social.exempt_tenants.all()], ["diskominfo"])
        admin = User.objects.create(username="filter-admin", is_superuser=True)
        office_hours = datetime.datetime(2026, 11, 26, 9, tzinfo=datetime.timezone(datetime.timedelta(hours=7)))
        compiled = {
            slug: compile_for(admin, [Tenant.objects.get(slug=slug)], "unbound", office_hours, slug).text
            for slug in ("disdik", "diskominfo")
        }
        self.assertIn('"tiktok.com."', compiled["disdik"])
        self.assertNotIn("tiktok.com", compiled["diskominfo"])
        for text in compiled.values():
            self.assertIn('"slot-gacor-88.example."', text)
            self.assertNotIn("klaten-layanan.example", text)  # on the allow-list
