"""The plugin's top-level menu; each later model adds its items here."""

from django.utils.translation import gettext_lazy as _

from netbox.plugins import PluginMenu, PluginMenuItem

agency_items = (
    PluginMenuItem(
        link="plugins:netbox_egov:agency_list",
        link_text=_("Agencies"),
        permissions=["tenancy.view_tenant"],
    ),
)

menu = PluginMenu(
    label=_("e-Gov"),
    groups=((_("Agencies"), agency_items),),
    icon_class="mdi mdi-bank-outline",
)
