"""The regency's agencies (Perangkat Daerah): the plugin menu's landing page."""

from django.utils.translation import gettext_lazy as _

from netbox.object_actions import BulkExport
from tenancy.filtersets import TenantFilterSet
from tenancy.forms import TenantFilterForm
from tenancy.models import Tenant

from .. import tables
from ..agencies import agency_overview
from ..filtersets import EgovFilterSetMixin
from .base import EgovListView


class AgencyFilterSet(EgovFilterSetMixin, TenantFilterSet):
    """Core's tenant filters with the plugin's date-time check: a UTC offset PostgreSQL refuses is a 400 naming
    the parameter, here as on the plugin's own lists. Not registered: core's tenant pages keep core's filters."""


class AgencyListView(EgovListView):
    """The regency's agencies at a glance; the plugin menu's landing page."""

    # The model decides the permission (tenancy.view_tenant); the rows come from get_queryset().
    queryset = Tenant.objects.all()
    filterset = AgencyFilterSet
    filterset_form = TenantFilterForm
    table = tables.AgencyTable
    actions = (BulkExport,)
    template_name = "netbox_egov/agency_list.html"

    def get_queryset(self, request):
        return agency_overview(request.user)

    def get_extra_context(self, request):
        return {**super().get_extra_context(request), "title": _("Agencies (Perangkat Daerah)")}
