"""Indonesian throughout what officers and Dinas engineers see: the listed pages, rendered in Indonesian for an
administrator and for the agency officer tik.disdik, show no English text that a catalogue could have translated.

Run with -s to see the count of English strings per page (docs/glossary.md has the numbers); with
EGOV_I18N_REPORT=<file> every English string found is also written there, one a line, to be translated in
plugin/netbox_egov/locale/id/core.po (tools/core_catalogue.py add)."""

import os

from django.conf import settings
from django.test import Client, TestCase
from django.urls import reverse
from helpers import DemoClients
from i18n_coverage import english_texts, readable_texts

from circuits.models import Circuit
from dcim.models import Cable, Device, Interface, Site
from ipam.models import IPAddress, Prefix
from tenancy.models import Contact, Tenant
from users.models import User

from netbox_egov.navigation import menu

# The core models an officer works in, as (URL name prefix, model).
CORE_MODELS = (
    ("dcim:site", Site), ("dcim:device", Device), ("dcim:interface", Interface), ("dcim:cable", Cable),
    ("ipam:prefix", Prefix), ("ipam:ipaddress", IPAddress), ("tenancy:tenant", Tenant),
    ("tenancy:contact", Contact), ("circuits:circuit", Circuit),
)


def plugin_pages():
    """The plugin's main pages: every link of its menu."""
    return [(f"plugin {item.link.split(':')[-1]}", reverse(item.link)) for group in menu.groups for item in group.items]


def core_pages(user):
    """List, object and add pages of the core models; the object is one `user` may see."""
    pages = [("home and menu", reverse("home")), ("user preferences", reverse("account:preferences"))]
    for name, model in CORE_MODELS:
        pages.append((f"{name} list", reverse(f"{name}_list")))
        shown = model.objects.restrict(user, "view").order_by("pk").first()
        if shown is not None:
            pages.append((f"{name} object", shown.get_absolute_url()))
        pages.append((f"{name} add", reverse(f"{name}_add")))
    return pages


def data_texts():
    """Names of the demo's objects: data, even when one happens to equal a msgid (a role called "Router")."""
    from dcim.models import DeviceRole, DeviceType, Manufacturer, Platform
    from tenancy.models import TenantGroup

    from netbox_egov.models import Finding, RecommendationItem

    names = {settings.RELEASE.edition}  # "Community", NetBox's edition under its logo
    for model in (Site, Device, Tenant, TenantGroup, DeviceRole, DeviceType, Manufacturer, Platform, Contact):
        field = "model" if model is DeviceType else "name"
        names.update(model.objects.values_list(field, flat=True))
    # What people and devices wrote: an item "Access point", a finding where NetBox says "enabled".
    names.update(RecommendationItem.objects.values_list("description", flat=True))
    for field in ("netbox_says", "device_says"):
        names.update(Finding.objects.values_list(field, flat=True))
    return frozenset(names)


class CoreIndonesianTest(DemoClients, TestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.admin = User.objects.create_user(username="i18n.admin", is_superuser=True)
        for user in (cls.admin, cls.officer):
            user.config.set("locale.language", "id", commit=True)

    def indonesian_client(self, user=None):
        """A client as NetBox leaves it after an Indonesian user logs in: the preference's language cookie."""
        client = Client()
        if user is not None:
            client.force_login(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "id"
        return client

    def english_on(self, client, pages, method="get", data=None):
        """{page: the English strings on it}: msgids the catalogue lacks, and msgids NetBox renders without gettext
        (core_gettext and core_templates hand those back), printed per page (i18n_coverage.english_texts)."""
        ignored = data_texts()
        found = {}
        for page, url in pages:
            response = getattr(client, method)(url, data) if data is not None else getattr(client, method)(url)
            if response.status_code != 200:  # a page this user may not open is not one they read
                print(f"  {page}: HTTP {response.status_code}, skipped")
                continue
            missing, unreachable = english_texts(readable_texts(response.content.decode()), ignored)
            print(f"  {page}: {len(missing)} untranslated {sorted(set(missing))[:12]};"
                  f" {len(unreachable)} English NetBox renders without gettext {sorted(set(unreachable))}")
            found[page] = missing + unreachable
        self.report(found)
        return found

    @staticmethod
    def report(found):
        if os.environ.get("EGOV_I18N_REPORT"):
            with open(os.environ["EGOV_I18N_REPORT"], "a", encoding="utf-8") as report:
                report.writelines(f"{text}\n" for strings in found.values() for text in sorted(set(strings)))

    def assert_indonesian(self, found):
        for page, strings in found.items():
            with self.subTest(page=page):
                self.assertEqual(strings, [], f"still English on {page}")

    def bulk_pages(self, client):
        """The bulk edit form and the bulk delete confirmation for two sites."""
        pks = list(Site.objects.order_by("pk").values_list("pk", flat=True)[:2])
        found = {}
        for page in ("dcim:site_bulk_edit", "dcim:site_bulk_delete"):
            found.update(self.english_on(client, [(page, reverse(page))], method="post", data={"pk": pks}))
        return found

    def test_administrator_reads_indonesian(self):
        print("\nadministrator:")
        client = self.indonesian_client(self.admin)
        found = self.english_on(client, core_pages(self.admin) + plugin_pages())
        found.update(self.bulk_pages(client))
        self.assert_indonesian(found)

    def test_agency_officer_reads_indonesian(self):
        print("\nofficer tik.disdik:")
        found = self.english_on(self.indonesian_client(self.officer), core_pages(self.officer) + plugin_pages())
        self.assert_indonesian(found)

    def test_login_page_is_indonesian(self):
        print("\nnot logged in:")
        self.assert_indonesian(self.english_on(self.indonesian_client(), [("login", reverse("login"))]))
