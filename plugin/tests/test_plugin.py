"""The plugin is registered, its menu renders, and Indonesian is on offer."""

from gettext import GNUTranslations
from pathlib import Path

from babel.messages.pofile import read_po
from django.apps import apps
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from netbox.models import PrimaryModel
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


def gettext_keys(po_path):
    """{key as gettext looks it up: "context\x04msgid", or (msgid, form) for plurals: translation} of a .po file."""
    with Path(po_path).open("rb") as po:
        messages = [message for message in read_po(po) if message.id]
    keys = {}
    for message in messages:
        singular = message.id[0] if isinstance(message.id, tuple) else message.id
        key = f"{message.context}\x04{singular}" if message.context else singular
        if isinstance(message.id, tuple):
            keys.update({(key, form): text for form, text in enumerate(message.string) if text})
        elif message.string:
            keys[key] = message.string
    return keys


class TranslationCatalogTest(TestCase):
    """Every label the plugin shows has an Indonesian translation."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.folder = Path(apps.get_app_config("netbox_egov").path) / "locale" / "id" / "LC_MESSAGES"
        with (cls.folder / "django.po").open("rb") as po:
            cls.catalog = {message.id: message.string for message in read_po(po) if message.id}

    def test_the_compiled_catalogue_says_what_the_po_files_say(self):
        """Django reads only the compiled .mo, which ships committed in the wheel: `make messages` rebuilds it from
        the plugin's django.po and core.po (NetBox's strings), the plugin's wording first where both have a msgid."""
        with (self.folder / "django.mo").open("rb") as mo:
            compiled = {msgid: text for msgid, text in GNUTranslations(mo)._catalog.items() if msgid}
        expected = {**gettext_keys(self.folder.parent / "core.po"), **gettext_keys(self.folder / "django.po")}
        self.assertEqual(compiled, expected)

    def test_no_message_is_left_untranslated(self):
        untranslated = [msgid for msgid, translation in self.catalog.items() if not translation]
        self.assertEqual(untranslated, [])

    def test_every_model_and_field_label_is_in_the_catalog(self):
        inherited = {field.name for field in PrimaryModel._meta.fields + PrimaryModel._meta.many_to_many}
        for model in apps.get_app_config("netbox_egov").get_models():
            own_fields = [field for field in model._meta.fields + model._meta.many_to_many
                          if field.name not in inherited and not field.auto_created]
            with translation.override("en"):  # the English source text is the msgid
                labels = [str(model._meta.verbose_name), str(model._meta.verbose_name_plural)]
                labels += [str(field.verbose_name) for field in own_fields]
            for label in labels:
                with self.subTest(model=model.__name__, label=label):
                    self.assertIn(label, self.catalog)
