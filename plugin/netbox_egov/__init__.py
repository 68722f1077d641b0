"""NetBox plugin of egov-netops: the e-Government network of Kabupaten Klaten.

Models what Perda Klaten 18/2018 asks of the Dinas Kominfo (Pasal 9-11) on
top of NetBox core: an agency (Perangkat Daerah) is a Tenant, an office a
Site, an ICT officer a Contact with the role "Pengelola TIK".
"""

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from netbox.plugins import PluginConfig

from .logic import prometheus_sd

__version__ = "0.1.0"


class EgovConfig(PluginConfig):
    name = "netbox_egov"
    verbose_name = _("e-Government Klaten")
    description = _("Network source of truth for the e-Government of Kabupaten Klaten (Perda 18/2018)")
    version = __version__
    author = "Dinas Komunikasi dan Informatika Kabupaten Klaten"
    base_url = "egov"
    min_version = "4.7.0"
    max_version = "4.7.99"
    default_settings = {
        # Tenants in this tenant group (and its children) are the regency's
        # agencies; other tenants (vendors, ISPs) are not.
        "agency_tenant_group": "perangkat-daerah",
        # Contact role of an agency's ICT officer (Pasal 19(2)).
        "ict_officer_role": "pengelola-tik",
        # Documentation ranges (RFC 5737/3849) are refused as public
        # allocations unless this is on; the demo turns it on.
        "allow_documentation_space": False,
        # NetBox 4.7 ships no Indonesian UI; offer it so the plugin's
        # translation can be chosen in the user preferences.
        "offer_indonesian": True,
        # Pushes to gateways (pushes.py, docs/enforcement.md): NetBox as the playbooks reach it, a file
        # holding a read-only token (owner-only), inventories with SSH users and keys.
        "push_netbox_url": None,
        "push_token_file": None,
        "push_inventories": [],
        "push_lock_wait_seconds": 900,
        # Queue a push when a quota, schedule or filter policy changes and at schedule boundaries.
        "auto_push": False,
        # The egov-exporter instances Prometheus scrapes, as "host:port" (docs/monitoring.md): served by
        # /api/plugins/egov/prometheus-sd/exporters/ so one Prometheus configuration finds everything.
        "prometheus_exporters": [],
    }

    @classmethod
    def validate(cls, user_config, netbox_version):
        """NetBox's checks and defaults, then the plugin's settings that are checked at startup."""
        super().validate(user_config, netbox_version)
        try:
            prometheus_sd.exporter_targets(user_config[prometheus_sd.SETTING])
        except ValueError as error:
            raise ImproperlyConfigured(f"PLUGINS_CONFIG['netbox_egov']: {error}") from None

    def ready(self):
        super().ready()
        from . import (
            jobs,  # noqa: F401 - registers the scheduled feed refresh as a system job
            signals,  # noqa: F401 - writes name only objects the writer may view; automatic pushes
        )
        from .i18n import offer_indonesian

        offer_indonesian()


config = EgovConfig
