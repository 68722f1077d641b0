"""The plugin is registered, its menu renders, and Indonesian is on offer."""

from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from utilities.testing import APITestCase, TestCase


class PluginStatusTest(APITestCase):
    def test_status_lists_plugin(self):
        response = self.client.get("/api/status/", **self.header)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["plugins"].get("netbox_egov"), "0.1.0")


class MenuTest(TestCase):
    def test_menu_shows_plugin_to_user_who_may_view_tenants(self):
        self.add_permissions("tenancy.view_tenant")
        response = self.client.get(reverse("home"))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "e-Gov")
        self.assertContains(response, reverse("plugins:netbox_egov:agency_list"))

    def test_menu_hides_agencies_from_user_without_permission(self):
        response = self.client.get(reverse("home"))
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, reverse("plugins:netbox_egov:agency_list"))


class IndonesianTest(TestCase):
    def test_indonesian_is_a_language_choice(self):
        from django.conf import settings

        from netbox.preferences import PREFERENCES

        self.assertIn("id", dict(settings.LANGUAGES))
        self.assertIn("id", dict(PREFERENCES["locale.language"].choices))

    def test_plugin_strings_are_translated(self):
        with translation.override("id"):
            self.assertEqual(str(translation.gettext("Has ICT officer")), "Ada Pengelola TIK")

    @override_settings(LOGIN_REQUIRED=True)
    def test_browser_asking_for_indonesian_gets_the_translated_page(self):
        self.add_permissions("tenancy.view_tenant")
        response = self.client.get(reverse("plugins:netbox_egov:agency_list"), HTTP_ACCEPT_LANGUAGE="id")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Ada Pengelola TIK")
        self.assertNotContains(response, "Has ICT officer")
