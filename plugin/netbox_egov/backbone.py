"""The backbone as NetBox sees it: graph, reachability report and map, built from restricted querysets.

The graph rules live in logic/backbone.py and logic/topology_svg.py; this
module only feeds them what the user may view.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from dcim.models import Site

from .agencies import agency_tenants
from .choices import DRPlanStatusChoices, LinkStatusChoices
from .logic import backbone as graph
from .logic import topology_svg
from .models import BackboneLink, DRPlan

# A stand-in node joined to every data-center site, so several data centers act as one root.
DATA_CENTER = "data-center"


@dataclass
class ReachabilityReport:
    data_centers: list
    unreachable: list  # agency Sites with no path to a data center
    single_points_of_failure: list  # (BackboneLink, [agency Sites cut off when it fails])


def visible_links(user, statuses=(LinkStatusChoices.ACTIVE,)):
    return (
        BackboneLink.objects.restrict(user, "view")
        .filter(status__in=statuses)
        .select_related("site_a", "site_b")
    )


def primary_data_centers(user):
    active = DRPlan.objects.restrict(user, "view").filter(status=DRPlanStatusChoices.ACTIVE)
    return list(Site.objects.restrict(user, "view").filter(pk__in=active.values("primary_site")))


def _graph_links(links, data_centers):
    edges = [graph.Link(link.pk, link.site_a_id, link.site_b_id) for link in links]
    edges += [graph.Link((DATA_CENTER, site.pk), DATA_CENTER, site.pk) for site in data_centers]
    return edges


def reachability_report(user):
    data_centers = primary_data_centers(user)
    links = list(visible_links(user))
    agency_sites = {site.pk: site for site in Site.objects.restrict(user, "view").filter(tenant__in=agency_tenants())}
    result = graph.reachability(DATA_CENTER, agency_sites, _graph_links(links, data_centers))
    links_by_pk = {link.pk: link for link in links}
    failures = [
        (links_by_pk[key], sorted((agency_sites[pk] for pk in cut_off if pk in agency_sites), key=str))
        for key, cut_off in result.single_points_of_failure.items()
        if key in links_by_pk
    ]
    return ReachabilityReport(
        data_centers=data_centers,
        unreachable=sorted((agency_sites[pk] for pk in result.unreachable), key=str) if data_centers else [],
        single_points_of_failure=sorted(
            (failure for failure in failures if failure[1]), key=lambda failure: str(failure[0])
        ),
    )


def map_svg(user, centre=None, hops=None):
    """The backbone map: whole (centred on the data center), or `hops` around the site `centre`."""
    links = list(visible_links(user, (LinkStatusChoices.ACTIVE, LinkStatusChoices.DOWN)))
    if centre is None:
        data_centers = primary_data_centers(user)
        centre = data_centers[0] if data_centers else None
    sites = {}
    for link in links:
        sites[link.site_a_id], sites[link.site_b_id] = link.site_a, link.site_b
    if centre is None:
        return ""
    sites.setdefault(centre.pk, centre)
    if hops is not None:
        near = _within_hops(centre.pk, links, hops)
        links = [link for link in links if link.site_a_id in near and link.site_b_id in near]
        sites = {pk: site for pk, site in sites.items() if pk in near}
    nodes = [topology_svg.Node(pk, site.name, site.get_absolute_url()) for pk, site in sites.items()]
    edges = [
        topology_svg.Edge(link.pk, link.site_a_id, link.site_b_id, link.medium, link.capacity_mbps,
                          down=link.status == LinkStatusChoices.DOWN, url=link.get_absolute_url())
        for link in links
    ]
    return topology_svg.render(centre.pk, nodes, edges, title=_("Backbone around {site}").format(site=centre))


def _within_hops(start, links, hops):
    near, frontier = {start}, {start}
    for _hop in range(hops):
        frontier = {
            other
            for link in links
            for end, other in ((link.site_a_id, link.site_b_id), (link.site_b_id, link.site_a_id))
            if end in frontier and other not in near
        }
        near |= frontier
    return near
