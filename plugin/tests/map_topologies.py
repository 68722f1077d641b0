"""Backbones for the map's tests and bench/backbone_map.py: Klaten's as the demo loads it (registry.yaml's fiber
rings, klaten.yaml's kecamatan with their coordinates and links), and Klaten `scale` times over.

Each copy after the first has a hub of its own (linked to the data center) in place of the data center, its
own DR site and its kecamatan: side by side, the next regency along with the demo's places jittered, or
`crowded` at random places inside Klaten, 130 kecamatan in one regency's area (harder for the labels). Copy
sizes are the demo's: 57 sites and 84 links each.
"""

import random
from pathlib import Path

import yaml

from netbox_egov.logic.topology_svg import Edge, Node

DEMO = Path(__file__).resolve().parents[1] / "netbox_egov" / "demo"
# Kabupaten Klaten, roughly: where generated kecamatan fall.
LATITUDES, LONGITUDES = (-7.80, -7.58), (110.49, 110.76)


def demo_data():
    return (yaml.safe_load((DEMO / "klaten.yaml").read_text(encoding="utf-8")),
            yaml.safe_load((DEMO / "registry.yaml").read_text(encoding="utf-8")))


def klaten(scale=1, located=True, crowded=False, seed=14):
    """(nodes, edges) rooted at "dc"; `located=False` leaves every site without coordinates."""
    demo, registry = demo_data()
    names = {spec["code"]: spec["name"] for spec in [demo["dinas_kominfo"], *demo["agencies"]]}
    rng = random.Random(seed)
    nodes, edges = [Node("dc", demo["data_center"]["name"])], []

    def link(a, b, medium, capacity, down=False):
        edges.append(Edge(len(edges) + 1, a, b, medium, capacity, down=down))

    for copy in range(scale):
        hub, tag = ("dc", "") if copy == 0 else (f"{copy}:hub", f" {copy + 1}")
        if copy:
            nodes.append(Node(hub, f"Pusat Data Wilayah{tag}"))
        nodes.append(Node(f"{copy}:drc", demo["dr_site"]["name"] + tag))
        link(hub, f"{copy}:drc", "fiber", 1000)
        if copy:
            link(hub, "dc", "fiber", 1000)
        else:
            link(hub, f"{copy}:drc", "leased-line", 200)
        for ring in registry["fiber_rings"]:
            stops = [hub if code == "dc" else f"{copy}:{code}" for code in [*ring, ring[0]]]
            nodes.extend(Node(f"{copy}:{code}", f"Kantor {names[code]}{tag}") for code in ring[1:])
            for a, b in zip(stops, stops[1:], strict=False):
                link(a, b, "fiber", registry["ring_capacity_mbps"])
        relayed = registry["relayed_kecamatan"]
        for kecamatan in demo["kecamatan"]:
            code = kecamatan["name"].lower().replace(" ", "-")
            key = f"{copy}:kec-{code}"
            if copy == 0:
                where = (kecamatan["latitude"], kecamatan["longitude"])
            elif crowded:
                where = (rng.uniform(*LATITUDES), rng.uniform(*LONGITUDES))
            else:  # regencies in rows of three, each about 0.3 degrees across
                where = (kecamatan["latitude"] - 0.3 * (copy // 3) + rng.uniform(-0.01, 0.01),
                         kecamatan["longitude"] + 0.3 * (copy % 3) + rng.uniform(-0.01, 0.01))
            latitude, longitude = where if located else (None, None)
            nodes.append(Node(key, f"Kantor Kecamatan {kecamatan['name']}{tag}", latitude=latitude,
                              longitude=longitude))
            link(key, f"{copy}:kec-{relayed[code]}" if code in relayed else hub, "wireless-ptp",
                 registry["kecamatan_wireless_mbps"])
            if code not in relayed:
                link(key, hub, "vpn", registry["kecamatan_vpn_mbps"], down=code in registry["kecamatan_vpn_down"])
    return nodes, edges
