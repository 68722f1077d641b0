"""The backbone as NetBox sees it: graph, reachability report and map.

The backbone is one network shared by every agency (Pasal 9(2)b), so routes
are computed over all of it: an officer's sites reach the data center
through links and offices of other agencies. What a page names is only what
the user may view (a hidden link or site shows as a dash), and the report
covers the agency sites of the agencies the user may view. The graph rules
live in logic/backbone.py and logic/topology_svg.py.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from dcim.models import Site

from .agencies import agency_tenants
from .choices import DRPlanStatusChoices, LinkMediumChoices, LinkStatusChoices
from .logic import backbone as graph
from .logic import topology_svg
from .models import BackboneLink, DRPlan
from .visibility import is_visible

# A stand-in node joined to every data-center site, so several data centers act as one root.
DATA_CENTER = "data-center"


@dataclass
class Route:
    """How one agency site reaches the data center: the sites along the way, and the links on it whose
    failure alone would cut the site off. A site or link the user may not view is None."""

    site: Site
    hops: list = field(default_factory=list)  # sites after `site`, ending at a data center
    single_points_of_failure: list = field(default_factory=list)


@dataclass
class ReachabilityReport:
    data_centers: list
    unreachable: list  # agency Sites with no path to a data center
    single_points_of_failure: list  # (BackboneLink, [agency Sites cut off when it fails])
    routes: list  # Route of every reachable agency site in the report


def _shown(user, obj):
    return obj if obj is not None and is_visible(user, obj) else None


def backbone_links(statuses=(LinkStatusChoices.ACTIVE,)):
    return BackboneLink.objects.filter(status__in=statuses).select_related("site_a", "site_b")


def primary_data_centers():
    """The data center(s): primary sites of active DR plans, whoever asks (the DR plans may be hidden)."""
    active = DRPlan.objects.filter(status=DRPlanStatusChoices.ACTIVE)
    return list(Site.objects.filter(pk__in=active.values("primary_site")).order_by("name"))


def _graph_links(links, data_centers):
    edges = [graph.Link(link.pk, link.site_a_id, link.site_b_id) for link in links]
    edges += [graph.Link((DATA_CENTER, site.pk), DATA_CENTER, site.pk) for site in data_centers]
    return edges


def report_sites(user):
    """Agency sites of the agencies the user may view: an officer's own offices, every office for the Dinas."""
    agencies = agency_tenants().restrict(user, "view")
    return {site.pk: site for site in Site.objects.restrict(user, "view").filter(tenant__in=agencies)}


def reachability_report(user):
    data_centers = primary_data_centers()
    links = list(backbone_links())
    agency_sites = report_sites(user)
    edges = _graph_links(links, data_centers)
    result = graph.reachability(DATA_CENTER, agency_sites, edges)
    links_by_pk = {link.pk: link for link in links}
    failures = [
        (_shown(user, links_by_pk[key]), sorted((agency_sites[pk] for pk in cut_off if pk in agency_sites), key=str))
        for key, cut_off in result.single_points_of_failure.items()
        if key in links_by_pk
    ]
    return ReachabilityReport(
        data_centers=[site for site in data_centers if is_visible(user, site)],
        unreachable=sorted((agency_sites[pk] for pk in result.unreachable), key=str) if data_centers else [],
        single_points_of_failure=sorted(
            (failure for failure in failures if failure[1]), key=lambda failure: str(failure[0] or "")
        ),
        routes=_routes(user, agency_sites, edges, links_by_pk, result.single_points_of_failure),
    )


def _routes(user, agency_sites, edges, links_by_pk, bridges):
    """Each reachable agency site's shortest route to the data center, as sites, with its weak links."""
    routes = graph.routes_to(DATA_CENTER, edges)
    sites = {site.pk: site for site in Site.objects.filter(
        pk__in={end for link in links_by_pk.values() for end in (link.site_a_id, link.site_b_id)}
    )}
    result = []
    for pk, site in sorted(agency_sites.items(), key=lambda item: str(item[1])):
        if pk not in routes:
            continue
        keys = [key for key in routes[pk] if key in links_by_pk]  # the stand-in links to the root are not links
        here, hops = pk, []
        for key in keys:
            link = links_by_pk[key]
            here = link.site_b_id if link.site_a_id == here else link.site_a_id
            hops.append(_shown(user, sites.get(here)))
        weak = [_shown(user, links_by_pk[key]) for key in keys if pk in bridges.get(key, ())]
        result.append(Route(site=site, hops=hops, single_points_of_failure=weak))
    return result


def map_svg(user, centre=None, hops=None):
    """The backbone map: whole (centred on the data center), or `hops` around the site `centre`.

    Drawn from the links the user may view; a site the user may not view is a node without a name.
    """
    links = list(backbone_links((LinkStatusChoices.ACTIVE, LinkStatusChoices.DOWN)).restrict(user, "view"))
    if centre is None:
        data_centers = [site for site in primary_data_centers() if is_visible(user, site)]
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
    nodes = [_node(user, pk, site) for pk, site in sites.items()]
    edges = [
        topology_svg.Edge(link.pk, link.site_a_id, link.site_b_id, link.medium, link.capacity_mbps,
                          down=link.status == LinkStatusChoices.DOWN, url=link.get_absolute_url())
        for link in links
    ]
    statuses = {value: label for value, label, *_color in LinkStatusChoices.CHOICES}
    return topology_svg.render(
        centre.pk, nodes, edges, title=_("Backbone around {site}").format(site=centre),
        legend=[(value, str(label)) for value, label, *_color in LinkMediumChoices.CHOICES],
        down_word=str(statuses[LinkStatusChoices.DOWN]).lower(),
    )


def _node(user, pk, site):
    """A site the user may view: named, linked, and where it is if NetBox knows. Any other: a nameless dot
    among the layered ones (its coordinates would tell where it is)."""
    if not is_visible(user, site):
        return topology_svg.Node(pk, "")
    located = site.latitude is not None and site.longitude is not None
    return topology_svg.Node(pk, map_name(site.name), site.get_absolute_url(),
                             latitude=float(site.latitude) if located else None,
                             longitude=float(site.longitude) if located else None, title=site.name)


def map_name(name):
    """The site's name on the map: without the "Kantor " (office) nearly every site's name starts with, which
    says nothing on a map of offices and would cost every label its end. The tooltip keeps it all."""
    return name.removeprefix("Kantor ")


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
