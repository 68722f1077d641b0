"""How much of a rendered page is still English: the text a user reads (text nodes and the title, placeholder and
aria-label attributes) that equals an English msgid of NetBox core or of the plugin whose Indonesian translation is
missing. Only msgid matches count, so data (object names, numbers, addresses) never does; a msgid with placeholders
("Showing {start}-{end} of {total}") matches the text it renders with any values in them.

Used by test_core_indonesian.py, which renders the pages and prints the count per page."""

import re
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path

from babel.messages.pofile import read_po
from django.apps import apps
from django.utils.translation import trans_real

import netbox

# NetBox ships no template catalogue (no .pot); the German one lists every core msgid, with its context.
CORE_MSGIDS_PO = Path(netbox.__file__).parent / "_data" / "translations" / "de" / "LC_MESSAGES" / "django.po"
READ_ATTRIBUTES = ("title", "placeholder", "aria-label")
# Where no reader sees the text: code, and the page's invisible parts.
SKIPPED_ELEMENTS = {"script", "style", "noscript", "code", "pre", "svg"}
VOID_ELEMENTS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\w*\}")


class ReadableText(HTMLParser):
    """Collects what a reader sees: each text node and each read attribute, whitespace collapsed."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts = []
        self._skipping = []

    def handle_starttag(self, tag, attrs):
        if tag in SKIPPED_ELEMENTS:
            self._skipping.append(tag)
        for name, value in attrs:
            if name in READ_ATTRIBUTES and value:
                self._add(value)

    def handle_startendtag(self, tag, attrs):
        for name, value in attrs:
            if name in READ_ATTRIBUTES and value:
                self._add(value)

    def handle_endtag(self, tag):
        if self._skipping and self._skipping[-1] == tag:
            self._skipping.pop()

    def handle_data(self, data):
        if not self._skipping:
            self._add(data)

    def _add(self, text):
        text = " ".join(text.split())
        if text:
            self.texts.append(text)


def readable_texts(html):
    parser = ReadableText()
    parser.feed(html)
    parser.close()
    return parser.texts


def _msgids(po_path):
    with Path(po_path).open("rb") as po:
        for message in read_po(po):
            if not message.id:
                continue
            yield from (message.id if isinstance(message.id, tuple) else (message.id,))


def plugin_po():
    return Path(apps.get_app_config("netbox_egov").path) / "locale" / "id" / "LC_MESSAGES" / "django.po"


@lru_cache(maxsize=1)
def english_msgids():
    """The English source texts: {exact text: msgid}, and (pattern, msgid) for those with placeholders."""
    exact, patterns = {}, []
    for msgid in {*_msgids(CORE_MSGIDS_PO), *_msgids(plugin_po())}:
        text = " ".join(msgid.split())
        if not PLACEHOLDER.search(text):
            exact[text] = msgid
        elif sum(character.isalpha() for character in PLACEHOLDER.sub("", text)) >= 4:  # "{a}: {b}" is any data
            pieces = PLACEHOLDER.split(text)
            pattern = "".join(re.escape(piece) + ".+?" for piece in pieces[:-1]) + re.escape(pieces[-1])
            patterns.append((re.compile(pattern), msgid))
    anything = re.compile("|".join(f"(?:{pattern.pattern})" for pattern, _ in patterns))
    return exact, patterns, anything


def translated_msgids():
    """The msgids the Indonesian catalogues (Django's, the plugin's with core.po) translate, and the texts they
    translate to: a translation that is the same word in both languages ("Status", "VLAN") is not English."""
    msgids, texts = set(), set()
    for part in trans_real.translation("id")._catalog._catalogs:
        for key, value in part.items():
            key = key[0] if isinstance(key, tuple) else key
            if value:
                msgids.add(key.split("\x04")[-1])  # gettext's key for a msgid with context: "context\x04msgid"
                texts.add(" ".join(value.split()))
    return msgids, texts


def source_msgids(text):
    """The English msgids `text` may be rendered from: itself, or lower-cased (NetBox title-cases verbose names:
    "Aggregates" on a page is the untranslated "aggregates"), or one with placeholders it fills."""
    exact, patterns, anything = english_msgids()
    variants = (text, text[:1].lower() + text[1:], text.lower())
    found = [exact[variant] for variant in variants if variant in exact]
    if not found and anything.fullmatch(text):
        found = [msgid for pattern, msgid in patterns if pattern.fullmatch(text)]
    return found


def english_texts(texts, ignored=frozenset()):
    """(missing, unreachable) for the texts of a page. missing: English because a msgid they come from has no
    Indonesian translation, what a catalogue fixes. unreachable: English although the msgid is translated, because
    NetBox renders it without gettext (a literal in a template or table, an f-string built when NetBox starts,
    a dashboard title stored in English): netbox_egov.core_gettext and core_templates hand those back to gettext,
    or the text comes from a msgid built at runtime ("Termination" + " A"). `ignored`: data equal to a msgid."""
    translated, indonesian = translated_msgids()
    missing, unreachable = [], []
    for text in texts:
        if text in indonesian or text in ignored or not any(character.isalpha() for character in text):
            continue
        sources = source_msgids(text)
        if any(msgid not in translated for msgid in sources):
            missing.append(text)
        elif sources:
            unreachable.append(text)
    return missing, unreachable
