"""Tables of the plugin's list views."""

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from netbox.tables import NetBoxTable, columns
from tenancy.models import Tenant


class AgencyTable(NetBoxTable):
    """Agencies (tenants) with what the Dinas checks first: offices, devices, ICT officer."""

    name = tables.Column(verbose_name=_("Agency"), linkify=True)
    group = tables.Column(verbose_name=_("Kind"), linkify=True)
    site_count = columns.LinkedCountColumn(
        viewname="dcim:site_list", url_params={"tenant_id": "pk"}, verbose_name=_("Sites")
    )
    device_count = columns.LinkedCountColumn(
        viewname="dcim:device_list", url_params={"tenant_id": "pk"}, verbose_name=_("Devices")
    )
    ict_officer_count = tables.Column(verbose_name=_("ICT officers"))
    has_ict_officer = columns.BooleanColumn(
        accessor="ict_officer_count", verbose_name=_("Has ICT officer"), orderable=False
    )

    class Meta(NetBoxTable.Meta):
        model = Tenant
        fields = (
            "pk", "id", "name", "slug", "group", "site_count", "device_count", "ict_officer_count",
            "has_ict_officer", "description",
        )
        default_columns = ("name", "group", "site_count", "device_count", "ict_officer_count", "has_ict_officer")

    def value_has_ict_officer(self, value):
        # Exports say True/False, not the officer count behind the mark.
        return str(bool(value))
