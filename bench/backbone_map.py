"""The backbone map's render time (layout, labels and SVG: logic/topology_svg.render) at Klaten's size and 5x,
next to the fan the plugin drew before (issue 14) as the reference, with the overlapping labels of each.

Topologies: plugin/tests/map_topologies.py, the same as the tests' (57 sites and 84 links per copy of Klaten),
with the kecamatan at their coordinates ("coordinates", five regencies side by side at 5x; "crowded": 5x in
Klaten's area alone) or none of them located ("layered"). The reference is topology_svg.py as it was at
REFERENCE_COMMIT, read from git. Overlaps are pairs of label boxes that intersect, the boxes estimated with
map_layout's font metrics for both maps (the reference's link and site labels as it placed them).

Plain Python: no Django, no database. Run: .venv/bin/python bench/backbone_map.py [repetitions]
"""

import itertools
import statistics
import subprocess
import sys
import time
import types
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REFERENCE_COMMIT = "677c157"  # main before issue 14: the radial fan
SVG = "{http://www.w3.org/2000/svg}"


def import_logic():
    """netbox_egov.logic without the plugin's __init__ (which needs Django), as tests/test_logic_imports does."""
    package = types.ModuleType("netbox_egov")
    package.__path__ = [str(ROOT / "plugin" / "netbox_egov")]
    sys.modules["netbox_egov"] = package
    sys.path.insert(0, str(ROOT / "plugin" / "tests"))


def reference_module():
    path = "plugin/netbox_egov/logic/topology_svg.py"
    source = subprocess.run(["git", "-C", str(ROOT), "show", f"{REFERENCE_COMMIT}:{path}"],
                            capture_output=True, text=True, check=True).stdout
    module = types.ModuleType("reference_topology_svg")
    exec(compile(source, "reference_topology_svg.py", "exec"), module.__dict__)  # noqa: S102 - our own history
    return module


def seconds(render, repetitions):
    times = []
    for _ in range(repetitions):
        start = time.perf_counter()
        render()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def reference_overlaps(svg, map_layout):
    """Intersecting pairs among the reference's text boxes (its labels are centred on their x)."""
    boxes = []
    for text in ET.fromstring(svg).iter(f"{SVG}text"):
        label = text.text or ""
        if not label:
            continue
        size = 11
        width, height = map_layout.label_size(label, size)
        boxes.append(map_layout.Box(float(text.get("x")) - width / 2, float(text.get("y")) - size, width, height))
    return _pairs(boxes)


def _pairs(boxes):
    return sum(1 for a, b in itertools.combinations(boxes, 2) if a.intersects(b))


def main(repetitions):
    import_logic()
    from map_topologies import klaten

    from netbox_egov.logic import map_layout, topology_svg

    reference = reference_module()
    print(f"backbone map render, median of {repetitions} (python {sys.version.split()[0]}); reference: the fan "
          f"at {REFERENCE_COMMIT}")
    print(f"{'case':<22} {'sites':>5} {'links':>5} {'map ms':>8} {'fan ms':>8} {'ratio':>6} "
          f"{'overlaps':>8} {'fan overlaps':>12} {'link labels':>11} {'SVG kB':>7}")
    cases = [(1, True, False, "coordinates"), (1, False, False, "layered"), (5, True, False, "coordinates"),
             (5, True, True, "crowded"), (5, False, False, "layered")]
    for scale, located, crowded, name in cases:
        nodes, edges = klaten(scale, located, crowded)
        old_nodes = [reference.Node(node.key, node.label) for node in nodes]
        old_edges = [reference.Edge(edge.key, edge.a, edge.b, edge.medium, edge.capacity_mbps, edge.down)
                     for edge in edges]
        ours = seconds(lambda: topology_svg.render("dc", nodes, edges), repetitions)  # noqa: B023
        theirs = seconds(lambda: reference.render("dc", old_nodes, old_edges), repetitions)  # noqa: B023
        texts = {edge.key: topology_svg.link_text(edge) for edge in edges}
        plan = map_layout.layout("dc", nodes, edges, texts)
        overlaps = _pairs([label.box for label in plan.site_labels + plan.link_labels])
        fan = reference_overlaps(reference.render("dc", old_nodes, old_edges), map_layout)
        size = len(topology_svg.render("dc", nodes, edges).encode()) / 1024
        print(f"{f'{scale}x {name}':<22} {len(nodes):>5} {len(edges):>5} {ours * 1000:>8.1f} {theirs * 1000:>8.1f} "
              f"{ours / theirs:>6.1f} {overlaps:>8} {fan:>12} {f'{len(plan.link_labels)}/{len(edges)}':>11} "
              f"{size:>7.0f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
