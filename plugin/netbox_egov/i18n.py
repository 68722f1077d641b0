"""Make Indonesian a language NetBox users can choose.

NetBox 4.7 lists a fixed set of UI languages and Indonesian is not among them,
so neither a browser asking for `id` nor the language preference would ever
reach this plugin's Indonesian catalogue. The catalogue carries NetBox core's
strings on the screens officers use too (locale/id/core.po), and core_gettext
hands back to gettext the English core renders without it.
"""

from django.conf import settings
from django.utils.translation import trans_real

from netbox.plugins.utils import get_plugin_config

from .core_gettext import make_core_english_translatable
from .core_templates import install_core_translating_loader

INDONESIAN = ("id", "Bahasa Indonesia")


def offer_indonesian():
    if not get_plugin_config("netbox_egov", "offer_indonesian"):
        return
    if INDONESIAN[0] not in dict(settings.LANGUAGES):
        settings.LANGUAGES = (*settings.LANGUAGES, INDONESIAN)
        _add_to_language_preference()
        # Django caches the supported languages; its own reset for a changed LANGUAGES.
        trans_real.reset_cache(setting="LANGUAGES")
    make_core_english_translatable()
    install_core_translating_loader()


def _add_to_language_preference():
    # The preference's choices were copied from LANGUAGES when NetBox loaded.
    from netbox.preferences import PREFERENCES

    preference = PREFERENCES["locale.language"]
    if INDONESIAN not in preference.choices:
        preference.choices = (*preference.choices, INDONESIAN)
