"""NetBox core's English handed back to gettext (netbox_egov.core_gettext, core_templates): the rewrite of core
templates' literal attributes, and the same pages in English and in Indonesian. test_core_indonesian.py measures
the whole set of pages; these tests pin each mechanism so a regression names its cause."""

from pathlib import Path

from django.conf import settings
from django.template import engines
from django.template.loader import get_template
from django.test import Client, SimpleTestCase, TestCase
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from dcim.models import Site
from users.models import User

from netbox_egov.core_templates import (
    LITERAL_ATTRIBUTE,
    TEMPLATE_TAG,
    THIS_LOADER,
    core_template_roots,
    translate_literal_attributes,
)


class LiteralAttributesTest(SimpleTestCase):
    def test_literal_read_attributes_are_wrapped(self):
        source = '<input placeholder="Search…" aria-label="Search NetBox"><button title="Copy to clipboard">'
        self.assertEqual(
            translate_literal_attributes(source),
            '{% load i18n %}<input placeholder="{% trans "Search…" %}" aria-label="{% trans "Search NetBox" %}">'
            '<button title="{% trans "Copy to clipboard" %}">',
        )

    def test_the_load_follows_extends(self):
        source = '{% extends "base.html" %}{% block x %}<a title="Close">{% endblock %}'
        self.assertEqual(translate_literal_attributes(source),
                         '{% extends "base.html" %}{% load i18n %}{% block x %}<a title="{% trans "Close" %}">'
                         "{% endblock %}")

    def test_what_is_not_literal_text_is_left_as_written(self):
        for source in (
            '<a title="{{ object.name }}">',  # a variable
            '<a title="{% trans "Edit" %}">',  # already translated
            '{% include "x.html" with title="Debug" %}',  # a tag's argument, not HTML
            '<a class="btn" data-title="Close" href="#">',  # not an attribute a reader sees
            '<a title="42">',  # no word
        ):
            with self.subTest(source=source):
                self.assertEqual(translate_literal_attributes(source), source)

    def test_the_loader_sits_in_the_template_cache(self):
        engine = engines["django"].engine
        self.assertIn(THIS_LOADER, repr(engine.loaders))
        self.assertIn("cached.Loader", engine.loaders[0][0])
        self.assertIn('placeholder="{% trans "Search…" %}"', get_template("base/layout.html").template.source)

    def test_templates_outside_netbox_core_are_served_as_written(self):
        source = get_template("netbox_egov/backbone_map.html").template.source
        with open(get_template("netbox_egov/backbone_map.html").origin.name, encoding="utf-8") as written:
            self.assertEqual(source, written.read())


class BothLanguagesTest(TestCase):
    """The same page for an English and an Indonesian user: English stays as NetBox wrote it."""

    @classmethod
    def setUpTestData(cls):
        cls.user = User.objects.create_user(username="bilingual", is_superuser=True)
        Site.objects.create(name="Kantor Kecamatan Jogonalan", slug="jogonalan")

    def page(self, language, url):
        client = Client()
        client.force_login(self.user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        response = client.get(url)
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    def test_site_list(self):
        english, indonesian = (self.page(language, reverse("dcim:site_list")) for language in ("en", "id"))
        for english_text, indonesian_text in (
            ('placeholder="Search…"', 'placeholder="Cari…"'),  # a core template's literal
            ('title="Add"', 'title="Tambah"'),  # a menu button
            ('aria-label="Close"', 'aria-label="Tutup"'),  # the table configuration's dialog
            (">Selected Columns<", ">Kolom Terpilih<"),  # a form label evaluated on import
        ):
            with self.subTest(text=english_text):
                self.assertIn(english_text, " ".join(english.split()).replace("> ", ">").replace(" <", "<"))
                self.assertIn(indonesian_text, " ".join(indonesian.split()).replace("> ", ">").replace(" <", "<"))
                self.assertNotIn(english_text, indonesian)

    def test_a_filters_none_option_in_both_languages(self):
        # A dynamic field copies its "None" label into its widget when it is made (data-null-option).
        english, indonesian = (self.page(language, reverse("dcim:device_list")) for language in ("en", "id"))
        self.assertIn('data-null-option="None"', english)
        with translation.override("id"):
            self.assertIn(f'data-null-option="{gettext("None")}"', indonesian)
        self.assertNotIn('data-null-option="None"', indonesian)

    def test_translations_follow_the_request_not_the_first_one(self):
        """Lazy texts: an Indonesian page, then an English one, then Indonesian again, in one process."""
        with translation.override("en"):
            first = self.page("id", reverse("dcim:site_list"))
            second = self.page("en", reverse("dcim:site_list"))
            third = self.page("id", reverse("dcim:site_list"))
        self.assertIn('title="Tambah"', first)
        self.assertIn('title="Add"', second)
        self.assertIn('title="Tambah"', third)


class SafeInAttributesTest(SimpleTestCase):
    """{% trans %} of a literal and the row actions' titles go into HTML attributes unescaped (gettext's answer
    to a safe msgid is safe): their Indonesian must hold no character that would end or open markup."""

    UNSAFE = set('"<>&')

    def wrapped_literals(self):
        literals = set()
        for root in core_template_roots():
            for path in Path(root).rglob("*.html"):
                parts = TEMPLATE_TAG.split(path.read_text(encoding="utf-8"))
                for part in parts[::2]:
                    literals.update(match[2] for match in LITERAL_ATTRIBUTE.finditer(part))
        return literals

    def test_no_translation_put_in_an_attribute_carries_markup(self):
        from netbox.tables.columns import ActionsColumn

        texts = self.wrapped_literals() | {str(item.title) for item in ActionsColumn.actions.values()}
        self.assertIn("Search…", texts)
        with translation.override("id"):
            for text in sorted(texts):
                with self.subTest(text=text):
                    self.assertFalse(self.UNSAFE & set(gettext(text)), gettext(text))
