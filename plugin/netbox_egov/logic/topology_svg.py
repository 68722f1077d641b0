"""Draw the backbone as an SVG picture, server-side (no JavaScript, no CDN).

Layout is radial: the centre site in the middle, every other site on a ring
by its hop count from the centre, ordered under its parent so links rarely
cross. Sites with no path to the centre sit in a row below, where nobody can
miss them. Links are coloured by medium; down links are red and dashed.
"""

import math
from collections import defaultdict
from dataclasses import dataclass
from html import escape

MEDIUM_COLORS = {
    "fiber": "#1e88e5",
    "wireless-ptp": "#8e24aa",
    "leased-line": "#fb8c00",
    "vpn": "#757575",
}
DOWN_COLOR = "#e53935"
RING_GAP = 110
NODE_SPACING = 34  # along the first ring, per site behind it
LABEL_LENGTH = 26
PARALLEL_GAP = 16
MARGIN = 120
UNREACHABLE_ROW_GAP = 90


@dataclass(frozen=True)
class Node:
    key: object
    label: str
    url: str = ""


@dataclass(frozen=True)
class Edge:
    key: object
    a: object
    b: object
    medium: str
    capacity_mbps: int
    down: bool = False
    url: str = ""


def _bfs_tree(root, edges):
    """Hop count and tree parent of every site reachable from root (through links that are up or down)."""
    adjacency = defaultdict(set)
    for edge in edges:
        adjacency[edge.a].add(edge.b)
        adjacency[edge.b].add(edge.a)
    depth, parent, order = {root: 0}, {root: None}, [root]
    for node in order:
        for neighbour in sorted(adjacency[node], key=str):
            if neighbour not in depth:
                depth[neighbour] = depth[node] + 1
                parent[neighbour] = node
                order.append(neighbour)
    return depth, parent, order


def layout(root, nodes, edges):
    """Position (x, y) of every node key: a radial tree.

    Each site gets a wedge of the circle in proportion to the number of sites
    behind it, and sits in the middle of its wedge; a chain of sites (a fiber
    ring seen from the data center) therefore runs straight outwards. The
    first ring is wide enough to give every site room for its label.
    """
    depth, parent, order = _bfs_tree(root, edges)
    children = defaultdict(list)
    for key in order[1:]:
        children[parent[key]].append(key)
    size = {}
    for key in reversed(order):
        size[key] = 1 + sum(size[child] for child in children[key])
    wedge, angle = {root: (0.0, 2 * math.pi)}, {root: 0.0}
    for key in order:
        start, span = wedge[key]
        for child in children[key]:
            share = span * size[child] / (size[key] - 1)
            wedge[child] = (start, share)
            angle[child] = start + share / 2
            start += share
    first_ring = max(RING_GAP, (size[root] - 1) * NODE_SPACING / (2 * math.pi))
    positions = {root: (0.0, 0.0)}
    for key in order[1:]:
        radius = first_ring + (depth[key] - 1) * RING_GAP
        positions[key] = (radius * math.cos(angle[key]), radius * math.sin(angle[key]))
    outer = first_ring + (max(depth.values()) - 1) * RING_GAP if len(order) > 1 else 0
    stranded = [node.key for node in nodes if node.key not in positions]
    columns = max(1, int(2 * outer // 160) + 1)
    for index, key in enumerate(stranded):
        positions[key] = (-outer + (index % columns) * 160, outer + UNREACHABLE_ROW_GAP * (1 + index // columns))
    return positions


def render(root, nodes, edges, title=""):
    """The SVG document for `nodes` and `edges`, centred on `root`."""
    positions = layout(root, nodes, edges)
    xs = [x for x, _ in positions.values()] or [0]
    ys = [y for _, y in positions.values()] or [0]
    min_x, min_y = min(xs) - MARGIN, min(ys) - MARGIN
    width, height = max(xs) - min(xs) + 2 * MARGIN, max(ys) - min(ys) + 2 * MARGIN
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="egov-backbone-map" role="img" '
        f'viewBox="{min_x:.0f} {min_y:.0f} {width:.0f} {height:.0f}" '
        f'style="max-width:100%;height:auto;font-family:sans-serif;font-size:11px">',
        f"<title>{escape(title)}</title>",
    ]
    for edge, bend in _bends(edges):
        parts.append(_edge(edge, positions, bend))
    for node in nodes:
        parts.append(_node(node, positions[node.key], node.key == root))
    parts.append("</svg>")
    return "\n".join(parts)


def _bends(edges):
    """Each edge with its sideways bend: parallel links between two sites fan out instead of hiding each other."""
    groups = defaultdict(list)
    for edge in edges:
        groups[frozenset((edge.a, edge.b))].append(edge)
    for group in groups.values():
        for index, edge in enumerate(group):
            yield edge, (index - (len(group) - 1) / 2) * PARALLEL_GAP


def _edge(edge, positions, bend=0.0):
    (x1, y1), (x2, y2) = positions[edge.a], positions[edge.b]
    color = DOWN_COLOR if edge.down else MEDIUM_COLORS.get(edge.medium, "#424242")
    dash = ' stroke-dasharray="6 4"' if edge.down else ""
    label = f"{edge.capacity_mbps} Mbps" + (" (down)" if edge.down else "")
    length = math.hypot(x2 - x1, y2 - y1) or 1.0
    # The curve's control point sits off the midpoint, along the normal; its apex is half as far out.
    mid_x, mid_y = (x1 + x2) / 2 - (y2 - y1) / length * bend, (y1 + y2) / 2 + (x2 - x1) / length * bend
    control_x, control_y = 2 * mid_x - (x1 + x2) / 2, 2 * mid_y - (y1 + y2) / 2
    path = (
        f'<path d="M {x1:.1f} {y1:.1f} Q {control_x:.1f} {control_y:.1f} {x2:.1f} {y2:.1f}" fill="none" '
        f'stroke="{color}" stroke-width="2"{dash}><title>{escape(label)}</title></path>'
        f'<text x="{mid_x:.1f}" y="{mid_y - 3:.1f}" fill="{color}" text-anchor="middle" '
        f'class="egov-link-label" data-medium="{escape(edge.medium)}">{escape(label)}</text>'
    )
    if edge.url:
        path = f'<a href="{escape(edge.url)}">{path}</a>'
    return f'<g class="egov-link{" egov-link-down" if edge.down else ""}">{path}</g>'


def _node(node, position, is_root):
    x, y = position
    radius = 14 if is_root else 8
    fill = "#2e7d32" if is_root else "#ffffff"
    shape = (
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{radius}" fill="{fill}" stroke="#2e7d32" stroke-width="2"/>'
        f'<text x="{x:.1f}" y="{y + radius + 12:.1f}" text-anchor="middle">{escape(_short(node.label))}'
        f"<title>{escape(node.label)}</title></text>"
    )
    if node.url:
        shape = f'<a href="{escape(node.url)}">{shape}</a>'
    return f'<g class="egov-site">{shape}</g>'


def _short(label):
    return label if len(label) <= LABEL_LENGTH else label[: LABEL_LENGTH - 1] + "…"
