"""Which tenants are the regency's agencies, and their overview figures.

Every count is taken over the objects the user may view, so the overview
never reveals more than the user could list in core NetBox.
"""

from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce

from core.models import ObjectType
from dcim.models import Device, Site
from netbox.plugins.utils import get_plugin_config
from tenancy.models import ContactAssignment, Tenant, TenantGroup


def agency_group_slug():
    return get_plugin_config("netbox_egov", "agency_tenant_group")


def ict_officer_role_slug():
    return get_plugin_config("netbox_egov", "ict_officer_role")


def agency_tenants():
    """Tenants in the agency tenant group or any of its children (one lazy query)."""
    root_path = TenantGroup.objects.filter(slug=agency_group_slug()).values("path")[:1]
    return Tenant.objects.filter(group__path__descendant_or_equal=Subquery(root_path))


def _count_per_tenant(queryset, tenant_field="tenant"):
    counts = (
        queryset.filter(**{tenant_field: OuterRef("pk")})
        .order_by()
        .values(tenant_field)
        .annotate(count=Count("*"))
        .values("count")
    )
    return Coalesce(Subquery(counts), 0)


def agency_overview(user):
    """Agencies the user may view, each with its visible sites, devices and ICT officers."""
    officers = ContactAssignment.objects.restrict(user, "view").filter(
        object_type=ObjectType.objects.get_for_model(Tenant),
        role__slug=ict_officer_role_slug(),
    )
    return (
        agency_tenants()
        .restrict(user, "view")
        .select_related("group")
        .annotate(
            site_count=_count_per_tenant(Site.objects.restrict(user, "view")),
            device_count=_count_per_tenant(Device.objects.restrict(user, "view")),
            ict_officer_count=_count_per_tenant(officers, "object_id"),
        )
    )
