"""Hand NetBox core's English back to gettext where core itself skips it, so locale/id/core.po reaches it.

NetBox 4.7 renders some of its own msgids without a lazy translation, so no catalogue can ever translate them:
- labels, help texts and fieldset names of forms in modules that import `gettext as _` (utilities.forms.forms,
  netbox.forms.mixins...): evaluated once, in English, when the module is imported;
- table column headers given as plain strings, and the row actions (Edit, Delete, Changelog) of every table;
- the menu's Add and Import buttons, and a few menu items, given as plain strings;
- the choices, placeholders and "None" options of form fields, the labels Django makes from a field's name, the
  labels of object panels' attributes and the titles of the panels object views lay out, the help
  texts of the user preferences (built once from their lazy descriptions), and the titles of the default
  dashboard's widgets (stored with a user's dashboard in the language of the day it is made: the user's), and the
  Yes and No of the check mark's tooltip.
Each of those texts is an English msgid of core's own catalogue: it is replaced, where it sits, by the lazy
translation of the same msgid. Nothing else changes (a text that is no msgid, such as a choice's technical name,
stays as it is, and English users see what they saw). The core templates that hard-code English are handled by
core_templates.

Applied once at start (EgovConfig.ready) when the plugin offers Indonesian; test_core_indonesian.py fails on any
English left on the pages officers and Dinas engineers read.
"""

import importlib

from django import forms
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.utils.functional import Promise, lazy
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext, gettext_lazy

# The core apps whose forms and tables officers and Dinas engineers meet.
CORE_APPS = ("account", "circuits", "core", "dcim", "extras", "ipam", "netbox", "tenancy", "users", "utilities",
             "virtualization", "vpn", "wireless")


def make_core_english_translatable():
    """Every core form, table and menu text that is a frozen English string becomes its lazy translation;
    returns how many."""
    _translate_default_dashboards()  # first: core modules imported next take the function by name
    _import_core_modules()
    # The preferences first: _forms would take their joined help texts for msgids.
    return sum((_settings(), _preferences(), _forms(), _tables(), _panels(), _layouts(), _menus(), _checkmark()))


def _lazy(text):
    """The lazy translation of a frozen English text; anything else (already lazy, empty, not text) as it is."""
    if isinstance(text, str) and text and not isinstance(text, Promise):
        return gettext_lazy(text)
    return text


def _import_core_modules():
    # Forms and tables are imported with the URLconf, after the apps are ready: import them now, so every class
    # exists when it is walked.
    for app in CORE_APPS:
        for module in ("forms", "tables", "ui.panels", "views"):
            path = f"{app}.{module}"
            try:
                importlib.import_module(path)
            except ModuleNotFoundError as error:
                if not path.startswith(error.name or "?"):  # the module exists but fails: that is a real error
                    raise


def _subclasses(cls):
    seen, pending = set(), [cls]
    while pending:
        for subclass in pending.pop().__subclasses__():
            if subclass not in seen:
                seen.add(subclass)
                pending.append(subclass)
    return [subclass for subclass in seen if subclass.__module__.split(".")[0] in CORE_APPS]


def _set_lazy(owner, attribute):
    text = getattr(owner, attribute, None)
    translated = _lazy(text)
    if translated is text:
        return 0
    setattr(owner, attribute, translated)
    return 1


def _settings():
    # The label of the "None" choice of every filter (a setting NetBox does not let operators change).
    return _set_lazy(settings, "FILTERS_NULL_CHOICE_LABEL")


def _lazy_choices(choices):
    """(the choices with every label lazy, the names of groups included; how many changed)."""
    translated, changed = [], 0
    for value, label in choices:
        if isinstance(label, (list, tuple)):  # a group: (its name, its choices)
            label, changed_inside = _lazy_choices(label)
            named = _lazy(value)
            changed, value = changed + changed_inside + (named is not value), named
        else:
            lazy_label = _lazy(label)
            changed, label = changed + (lazy_label is not label), lazy_label
        translated.append((value, label))
    return translated, changed


def _field(field):
    changed = _set_lazy(field, "label") + _set_lazy(field, "help_text") + _set_lazy(field, "null_option")
    # A dynamic field copied its "None" option's label into its widget when it was made.
    if "data-null-option" in field.widget.attrs:
        field.widget.attrs["data-null-option"] = _lazy(field.widget.attrs["data-null-option"])
    placeholder = field.widget.attrs.get("placeholder")
    if _lazy(placeholder) is not placeholder:
        field.widget.attrs["placeholder"] = _lazy(placeholder)
        changed += 1
    for owner in (field, field.widget):  # a boolean filter's Yes and No are its widget's choices only
        choices = getattr(owner, "choices", None)
        if isinstance(choices, (list, tuple)):
            translated, changed_choices = _lazy_choices(choices)
            if changed_choices:
                owner.choices = translated
                changed += changed_choices
    return changed


def _unlabelled_model_fields(form):
    """The form's fields without a label that stand for a field of its model: Django would label them with the
    English form of their name ("Type"); their model field's verbose name (lazy, or its name) translates."""
    model = getattr(getattr(form, "_meta", None), "model", None)
    if model is None:
        return 0
    changed = 0
    for name, field in form.base_fields.items():
        if field.label is None:
            try:
                field.label = _lazy(capfirst(model._meta.get_field(name).verbose_name))
            except FieldDoesNotExist:
                continue
            changed += 1
    return changed


def _forms():
    changed = 0
    for form in _subclasses(forms.BaseForm):
        for field in getattr(form, "base_fields", {}).values():
            changed += _field(field)
        changed += _unlabelled_model_fields(form)
        fieldsets = getattr(form, "fieldsets", ())
        for fieldset in fieldsets if isinstance(fieldsets, (list, tuple)) else ():  # some forms compute them
            changed += _set_lazy(fieldset, "name")
    return changed


def _preferences():
    """The preferences form's help texts were joined once from the preferences' lazy descriptions: join them
    again at each rendering, as NetBox does (description, then the preference's name)."""
    from netbox.preferences import PREFERENCES
    from users.forms import UserConfigForm

    changed = 0
    for name, preference in PREFERENCES.items():
        field = UserConfigForm.base_fields.get(name)
        if field is None or not preference.description or preference.warning or isinstance(field.help_text, Promise):
            continue
        field.help_text = _safe_lazy(preference.description, name)
        changed += 1
    return changed


def _help_text(description, name):
    return mark_safe(f"{description}<br /><code>{name}</code>")  # noqa: S308 - NetBox's own texts, as it does


_safe_lazy = lazy(_help_text, SafeString)


def _panels():
    from netbox.ui.panels import ObjectAttributesPanel

    changed = 0
    for panel in _subclasses(ObjectAttributesPanel):
        for attribute in panel._attrs.values():
            changed += _set_lazy(attribute, "label")
    return changed


def _layouts():
    """The titles of the panels object views lay out (a cable's "Termination A"), given when the view was made."""
    from django.views import View

    from netbox.ui.layout import Layout

    changed = 0
    for view in _subclasses(View):
        layout = view.__dict__.get("layout")
        if isinstance(layout, Layout):
            for row in layout.rows:
                for column in row.columns:
                    changed += sum(_set_lazy(panel, "title") for panel in column.panels)
    return changed


def _checkmark():
    """The check mark's tooltip ("Yes", "No") is the default of the template tag's own arguments."""
    from utilities.templatetags.builtins import tags

    defaults = tags.checkmark.__defaults__
    translated = tuple(_lazy(value) for value in defaults)
    tags.checkmark.__defaults__ = translated  # read at each call: the tag passes only the arguments it was given
    return sum(new is not old for new, old in zip(translated, defaults, strict=True))


def _translate_default_dashboards():
    """A new user's dashboard is made from NetBox's default layout, titles included, and stored: made in the
    user's language, its titles are in that language (gettext at that moment, not a lazy text: it is saved)."""
    from extras.dashboard import utils

    make_default = utils.get_default_dashboard
    if getattr(make_default, "translated", False):
        return

    def get_default_dashboard(config=None):
        dashboard = make_default(config)
        for widget in dashboard.config.values():
            if isinstance(widget.get("title"), str) and widget["title"]:
                widget["title"] = gettext(widget["title"])
        return dashboard

    get_default_dashboard.translated = True
    utils.get_default_dashboard = get_default_dashboard


def _tables():
    from netbox.tables import BaseTable
    from netbox.tables.columns import ActionsColumn

    changed = sum(_set_lazy(item, "title") for item in ActionsColumn.actions.values())
    for table in _subclasses(BaseTable):
        for column in table.base_columns.values():
            changed += _set_lazy(column, "verbose_name")
    return changed


def _menus():
    from netbox.navigation import Menu
    from netbox.navigation import menu as core_menu

    changed = 0
    for menu in (value for value in vars(core_menu).values() if isinstance(value, Menu)):
        changed += _set_lazy(menu, "label")
        for group in menu.groups:
            changed += _set_lazy(group, "label")
            for item in group.items:
                changed += _set_lazy(item, "link_text")
                changed += sum(_set_lazy(button, "title") for button in item.buttons or ())
    return changed

