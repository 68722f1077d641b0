"""NetBox core templates that write English where a reader sees it without {% trans %}: the search box's
placeholder, the close buttons of dialogs, the copy buttons' tooltips. No catalogue reaches a literal, so this
loader serves core's templates with each literal title, placeholder and aria-label wrapped in {% trans %}: the
same English for English users, core.po's Indonesian for Indonesian ones. Only those three attributes, only
plain text (no template tags inside), only NetBox core's own templates; everything else is served as written.

Installed at start (i18n.offer_indonesian) inside Django's cached loader, so each template is rewritten once.
"""

import re
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.template import Origin, engines
from django.template.loaders.base import Loader

from .core_gettext import CORE_APPS

CACHED_LOADER = "django.template.loaders.cached.Loader"
THIS_LOADER = f"{__name__}.CoreTranslatingLoader"
LITERAL_ATTRIBUTE = re.compile(r'(?<![\w-])(title|placeholder|aria-label)="([^"{}%<>]*[A-Za-z][^"{}%<>]*)"')
TEMPLATE_TAG = re.compile(r"({%.*?%}|{{.*?}}|{#.*?#})", re.DOTALL)
EXTENDS = re.compile(r"{%\s*extends\s[^%]*%}")


def translate_literal_attributes(source):
    """The template source with its literal read attributes wrapped in {% trans %} (and i18n loaded)."""
    parts = TEMPLATE_TAG.split(source)  # HTML at even places, tags at odd: `title="..."` in a tag is its argument
    count = 0
    for index in range(0, len(parts), 2):
        parts[index], found = LITERAL_ATTRIBUTE.subn(lambda match: f'{match[1]}="{{% trans "{match[2]}" %}}"',
                                                     parts[index])
        count += found
    if not count:
        return source
    translated = "".join(parts)
    # {% load %} must follow {% extends %}, which has to come first.
    extends = EXTENDS.search(translated)
    at = extends.end() if extends else 0
    return f"{translated[:at]}{{% load i18n %}}{translated[at:]}"


def core_template_roots():
    roots = [Path(settings.TEMPLATES_DIR)]
    for app in CORE_APPS:
        if apps.is_installed(app):
            roots.append(Path(apps.get_app_config(app).path) / "templates")
    return tuple(str(root.resolve()) + "/" for root in roots)


class CoreTranslatingLoader(Loader):
    """Wraps the usual loaders; rewrites the sources of NetBox core's templates."""

    def __init__(self, engine, loaders):
        super().__init__(engine)
        self.loaders = engine.get_template_loaders(loaders)
        self.core_roots = core_template_roots()

    def get_template_sources(self, template_name):
        # Origins of this loader (the cached loader reads through an origin's loader), each keeping the one found.
        for loader in self.loaders:
            for found in loader.get_template_sources(template_name):
                origin = Origin(name=found.name, template_name=found.template_name, loader=self)
                origin.found = found
                yield origin

    def get_contents(self, origin):
        contents = origin.found.loader.get_contents(origin.found)
        if str(Path(origin.name).resolve()).startswith(self.core_roots):
            return translate_literal_attributes(contents)
        return contents

    def get_dirs(self):
        # runserver's autoreload watches the directories of the loaders that name theirs.
        for loader in self.loaders:
            if hasattr(loader, "get_dirs"):
                yield from loader.get_dirs()

    def reset(self):
        for loader in self.loaders:
            loader.reset()


def install_core_translating_loader():
    """Put the loader inside the cached loader (or around the loaders, when the engine has no cache)."""
    engine = engines["django"].engine
    if THIS_LOADER in repr(engine.loaders):  # nested lists of loader paths
        return
    if len(engine.loaders) == 1 and engine.loaders[0][0] == CACHED_LOADER:
        engine.loaders = [(CACHED_LOADER, [(THIS_LOADER, list(engine.loaders[0][1]))])]
    else:
        engine.loaders = [(THIS_LOADER, list(engine.loaders))]
    engine.__dict__.pop("template_loaders", None)  # a cached_property: built again from the new list

