"""Backbone reachability and the SVG map, as plain functions (no Django)."""

import xml.etree.ElementTree as ET

from netbox_egov.logic.backbone import Link, bridges_below, reachability
from netbox_egov.logic.topology_svg import Edge, Node, render

# dc - a - b - dc is a ring; b - c is a bridge; c = d twice (parallel links); x - y is an island.
LINKS = [
    Link(1, "dc", "a"), Link(2, "a", "b"), Link(3, "b", "dc"),
    Link(4, "b", "c"),
    Link(5, "c", "d"), Link(6, "c", "d"),
    Link(7, "x", "y"),
]
SITES = ["dc", "a", "b", "c", "d", "x", "y", "z"]


def test_sites_without_a_path_are_unreachable():
    assert reachability("dc", SITES, LINKS).unreachable == {"x", "y", "z"}


def test_the_bridge_and_what_it_cuts_off():
    assert reachability("dc", SITES, LINKS).single_points_of_failure == {4: {"c", "d"}}


def test_parallel_links_are_redundancy_not_a_bridge():
    assert 5 not in bridges_below("dc", LINKS) and 6 not in bridges_below("dc", LINKS)


def test_a_chain_is_all_bridges_each_cutting_off_the_rest():
    chain = [Link(n, n - 1, n) for n in range(1, 2001)]  # long: no recursion limit
    spof = bridges_below(0, chain)
    assert len(spof) == 2000
    assert spof[1] == set(range(1, 2001))
    assert spof[2000] == {2000}


def test_self_loops_are_ignored():
    assert reachability("dc", ["dc", "a"], [Link(1, "a", "a")]).unreachable == {"a"}


def test_map_draws_every_site_and_link_and_marks_down_links():
    nodes = [Node(key, f"Kantor <{key}>", f"/dcim/sites/{key}/") for key in SITES]
    edges = [Edge(link.key, link.a, link.b, "fiber", 100 * link.key, down=link.key == 4) for link in LINKS]
    svg = render("dc", nodes, edges, title="Backbone")
    root = ET.fromstring(svg)  # well-formed XML: labels are escaped
    ns = {"svg": "http://www.w3.org/2000/svg"}
    assert len(root.findall(".//svg:circle", ns)) == len(SITES)
    assert len(root.findall(".//svg:path", ns)) == len(LINKS)
    texts = [text.text for text in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "Kantor <x>" in texts  # unreachable sites are drawn too (labels escaped, then parsed back)
    assert "400 Mbps (down)" in texts
    dashed = [path for path in root.findall(".//svg:path", ns) if path.get("stroke-dasharray")]
    assert len(dashed) == 1
    # the two parallel c-d links bend apart instead of drawing one over the other
    c_d = [path.get("d") for path in root.findall(".//svg:path", ns)][4:6]
    assert c_d[0] != c_d[1]
