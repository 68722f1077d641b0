"""The backbone map's layout (logic/map_layout.py), as plain functions: no two labels overlap at Klaten's size
and at five times it, located sites keep their geography, the others stand in columns by hop count."""

import itertools
import xml.etree.ElementTree as ET

import pytest
from map_topologies import demo_data, klaten

from netbox_egov.logic.map_layout import Box, layout
from netbox_egov.logic.topology_svg import Edge, Node, link_text, render

SVG = "{http://www.w3.org/2000/svg}"


def overlaps(boxes):
    return [(a, b) for a, b in itertools.combinations(boxes, 2) if a[1].intersects(b[1])]


@pytest.mark.parametrize(("located", "crowded"), [(True, False), (True, True), (False, False)],
                         ids=["coordinates", "crowded", "layered"])
@pytest.mark.parametrize("scale", [1, 5])
def test_no_two_labels_overlap_nor_cover_a_site(scale, located, crowded):
    nodes, edges = klaten(scale, located, crowded)
    assert (len(nodes), len(edges)) == (57 * scale, 84 * scale)
    plan = layout("dc", nodes, edges, {edge.key: link_text(edge) for edge in edges})
    labels = [(label.key, label.box) for label in plan.site_labels + plan.link_labels]
    assert overlaps(labels) == []
    discs = [(key, Box(x - plan.radius[key], y - plan.radius[key], 2 * plan.radius[key], 2 * plan.radius[key]))
             for key, (x, y) in plan.positions.items()]
    assert [(label, disc) for label, disc in itertools.product(labels, discs) if label[1].intersects(disc[1])] == []
    assert {label.key for label in plan.site_labels} == {node.key for node in nodes}  # every site is named
    # Many links keep their capacity on the map (the rest in their tooltip): 40-60% of them at these sizes.
    assert len(plan.link_labels) >= len(edges) // 3


def test_the_boxes_overlap_test_can_fail():
    assert Box(0, 0, 10, 10).intersects(Box(9, 9, 10, 10))
    assert not Box(0, 0, 10, 10).intersects(Box(10, 0, 10, 10))  # touching is not overlapping


def test_kecamatan_are_where_they_are_and_the_data_center_among_them():
    nodes, edges = klaten()
    plan = layout("dc", nodes, edges)
    x = {key: point[0] for key, point in plan.positions.items()}
    y = {key: point[1] for key, point in plan.positions.items()}
    assert x["0:kec-prambanan"] < x["0:kec-klaten-tengah"] < x["0:kec-karangdowo"]  # west to east
    assert y["0:kec-tulung"] < y["0:kec-klaten-tengah"] < y["0:kec-bayat"]  # north to south
    kecamatan = [key for key in plan.positions if key.startswith("0:kec-")]
    assert set(kecamatan) == plan.located
    assert min(x[key] for key in kecamatan) < x["dc"] < max(x[key] for key in kecamatan)
    # The offices without coordinates stand to the right of the map, in rows by hop count.
    assert min(x["0:setda"], x["0:drc"]) > max(x[key] for key in kecamatan)
    assert y["0:diskominfo"] < y["0:setda"] < y["0:setwan"]
    # Each fiber ring is a block of its own: the two do not interleave.
    first, second = ([y[f"0:{code}"] for code in ring[1:]] for ring in demo_data()[1]["fiber_rings"])
    assert max(first) < min(second) or max(second) < min(first)


def test_without_coordinates_rows_follow_the_hop_count():
    nodes, edges = klaten(located=False)
    plan = layout("dc", nodes, edges)
    y = {key: point[1] for key, point in plan.positions.items()}
    assert plan.located == set()
    first_hop = (y["0:drc"], y["0:kec-manisrenggo"], y["0:diskominfo"])
    assert y["dc"] < min(first_hop) and max(first_hop) < y["0:kec-kemalang"]  # relayed: one hop further
    assert y["0:diskominfo"] < y["0:setda"]
    width = max(x for x, _y in plan.positions.values()) - min(x for x, _y in plan.positions.values())
    assert 1 < width / (max(y.values()) - min(y.values())) < 2  # folded rows: about an A3 sheet's shape


def test_the_demo_coordinates_are_inside_klaten():
    demo, _registry = demo_data()
    places = {kecamatan["name"]: (kecamatan["latitude"], kecamatan["longitude"]) for kecamatan in demo["kecamatan"]}
    assert len(places) == 26 and len(set(places.values())) == 26
    for name, (latitude, longitude) in places.items():
        assert -7.85 < latitude < -7.55 and 110.45 < longitude < 110.76, name
    assert places["Klaten Tengah"] == pytest.approx((-7.706, 110.601), abs=0.02)


def test_a_site_stranded_from_the_root_is_drawn_and_named():
    nodes = [Node("dc", "DC"), Node("a", "A"), Node("x", "Island")]
    edges = [Edge(1, "dc", "a", "fiber", 1000), Edge(2, "x", "x", "fiber", 10)]  # a self-loop is no path
    plan = layout("dc", nodes, edges)
    assert plan.positions["x"][1] > plan.positions["a"][1]  # a last row
    assert {label.key for label in plan.site_labels} == {"dc", "a", "x"}


def test_svg_carries_the_hooks_the_page_script_and_collectors_use():
    nodes = [Node("dc", "DC"), Node(2, "Kantor A", latitude=-7.7, longitude=110.6), Node(3, "")]
    edges = [Edge(7, "dc", 2, "fiber", 1000, utilisation=0.25), Edge(8, 2, 3, "vpn", 20, down=True)]
    svg = ET.fromstring(render("dc", nodes, edges, title="Peta", legend=[("fiber", "Serat optik")],
                               down_word="putus"))
    links = svg.findall(f".//{SVG}g[@class='egov-link']") + svg.findall(f".//{SVG}g[@class='egov-link egov-link-down']")
    assert {(link.get("data-a"), link.get("data-b"), link.get("data-state")) for link in links} == {
        ("dc", "2", "active"), ("2", "3", "down")}
    assert [link.get("data-utilisation") for link in links] == ["0.250", None]
    assert len(svg.findall(f".//{SVG}circle")) == 3
    texts = [text.text for text in svg.iter(f"{SVG}text")]
    assert "" not in texts and None not in texts  # the site the user may not view has no label
    assert {"Serat optik", "Putus"} <= set(texts)  # the legend
    assert [path.find(f"{SVG}title").text for path in svg.iter(f"{SVG}path")] == ["1000 Mbps", "20 Mbps (putus)"]
