"""Draw the backbone as an SVG picture, server-side: plain SVG that works without JavaScript, prints and
downloads as it is (its style is inside it), with nothing from the internet.

Where sites and labels go is logic/map_layout.py's. Links are coloured by medium, down links red and dashed,
thicker the more capacity they have; a legend says so. Every link and site carries data attributes (data-a,
data-b, data-site, data-medium, data-state) for static/netbox_egov/backbone_map.js to highlight a site's links;
data-utilisation (0..1) is the collectors' hook: written when an edge has one, nothing provides it yet.
"""

import math
from dataclasses import dataclass
from html import escape

from . import map_layout

MEDIUM_COLORS = {
    "fiber": "#1e88e5",
    "wireless-ptp": "#8e24aa",
    "leased-line": "#fb8c00",
    "vpn": "#757575",
}
DOWN_COLOR = "#e53935"
OTHER_COLOR = "#424242"
ROOT_COLOR = "#2e7d32"
MARGIN = 30
LEGEND_ROW = 18
# Inside the SVG, so the downloaded file looks like the page; scoped to the map, since a <style> in an inline
# SVG applies to the whole page. The halo keeps labels legible over links.
STYLE = (
    ".egov-backbone-map text{font-family:'Liberation Sans',Arial,Helvetica,sans-serif;paint-order:stroke;stroke:#fff;"
    "stroke-width:3px;stroke-linejoin:round}"
    ".egov-leader{stroke:#9e9e9e;stroke-width:1}"
    ".egov-site{cursor:pointer}"
    ".egov-focus .egov-link:not(.egov-on),.egov-focus .egov-site:not(.egov-on),"
    ".egov-focus .egov-link-label:not(.egov-on),.egov-focus .egov-site-label:not(.egov-on),"
    ".egov-focus .egov-leader:not(.egov-on){opacity:.15}"
    ".egov-link.egov-on path{stroke-width:5}"
)


@dataclass(frozen=True)
class Node:
    key: object
    label: str  # "" for a site the user may not view: drawn, not named
    url: str = ""
    latitude: float | None = None
    longitude: float | None = None
    title: str = ""  # the tooltip, when the label is shortened


@dataclass(frozen=True)
class Edge:
    key: object
    a: object
    b: object
    medium: str
    capacity_mbps: int
    down: bool = False
    url: str = ""
    utilisation: float | None = None  # 0..1, when a collector measures it


def link_text(edge, down_word="down"):
    return f"{edge.capacity_mbps} Mbps" + (f" ({down_word})" if edge.down else "")


def render(root, nodes, edges, title="", legend=(), down_word="down"):
    """The SVG document for `nodes` and `edges` around `root`.

    `legend`: (medium, its name) pairs to explain the colours; with it, a last row for down links.
    """
    texts = {edge.key: link_text(edge, down_word) for edge in edges}
    node_by_key, edge_by_key = {node.key: node for node in nodes}, {edge.key: edge for edge in edges}
    plan = map_layout.layout(root, nodes, edges, texts)
    bounds = plan.bounds
    legend_rows = [*legend, ("down", down_word.capitalize())] if legend else []
    min_x, min_y = bounds.x - MARGIN, bounds.y - MARGIN
    width = max(bounds.width, 260) + 2 * MARGIN
    height = bounds.height + 2 * MARGIN + len(legend_rows) * LEGEND_ROW
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="egov-backbone-map" role="img" '
        f'viewBox="{min_x:.0f} {min_y:.0f} {width:.0f} {height:.0f}" width="{width:.0f}" height="{height:.0f}" '
        f'data-root="{escape(str(root))}" font-size="{map_layout.SITE_FONT}">',
        f"<title>{escape(title)}</title>",
        f"<style>{STYLE}</style>",
        '<g class="egov-layer-links">',
        *(_edge(edge, plan, texts[edge.key]) for edge in edges if {edge.a, edge.b} <= plan.positions.keys()),
        '</g><g class="egov-layer-sites">',
        *(_node(node, plan, node.key == root) for node in nodes),
        '</g><g class="egov-layer-labels">',
        *(_site_label(label, node_by_key[label.key]) for label in plan.site_labels),
        *(_link_label(label, edge_by_key[label.key]) for label in plan.link_labels),
        "</g>",
        _legend(legend_rows, min_x + MARGIN, bounds.y + bounds.height + MARGIN),
        "</svg>",
    ]
    return "\n".join(part for part in parts if part)


def stroke_width(capacity_mbps):
    """1.5 px for the slowest links, about 1 px more per tenfold capacity: 100 Mbps 2.5, 1 Gbps 3.5."""
    return min(5.0, max(1.5, 1.5 + math.log10(max(capacity_mbps, 1) / 10)))


def color(edge):
    return DOWN_COLOR if edge.down else MEDIUM_COLORS.get(edge.medium, OTHER_COLOR)


def _key(value):
    return escape(str(value))


def _edge(edge, plan, text):
    (x1, y1), (x2, y2) = plan.positions[edge.a], plan.positions[edge.b]
    control_x, control_y = map_layout.curve((x1, y1), (x2, y2), plan.bends[edge.key])
    dash = ' stroke-dasharray="6 4"' if edge.down else ""
    path = (
        f'<path d="M {x1:.1f} {y1:.1f} Q {control_x:.1f} {control_y:.1f} {x2:.1f} {y2:.1f}" fill="none" '
        f'stroke="{color(edge)}" stroke-width="{stroke_width(edge.capacity_mbps):.1f}"{dash}>'
        f"<title>{escape(text)}</title></path>"
    )
    if edge.url:
        path = f'<a href="{escape(edge.url)}">{path}</a>'
    utilisation = f' data-utilisation="{edge.utilisation:.3f}"' if edge.utilisation is not None else ""
    return (
        f'<g class="egov-link{" egov-link-down" if edge.down else ""}" data-link="{_key(edge.key)}" '
        f'data-a="{_key(edge.a)}" data-b="{_key(edge.b)}" data-medium="{escape(edge.medium)}" '
        f'data-state="{"down" if edge.down else "active"}"{utilisation}>{path}</g>'
    )


def _node(node, plan, is_root):
    x, y = plan.positions[node.key]
    fill = ROOT_COLOR if is_root else "#ffffff"
    located = " egov-located" if node.key in plan.located else ""
    return (
        f'<g class="egov-site{located}" data-site="{_key(node.key)}" tabindex="0">'
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{plan.radius[node.key]}" fill="{fill}" stroke="{ROOT_COLOR}" '
        f'stroke-width="2"/><title>{escape(node.title or node.label)}</title></g>'
    )


def _site_label(label, node):
    box = label.box
    leader = ""
    if label.leader:
        x1, y1, x2, y2 = label.leader
        leader = (f'<line class="egov-leader" data-site="{_key(label.key)}" x1="{x1:.1f}" y1="{y1:.1f}" '
                  f'x2="{x2:.1f}" y2="{y2:.1f}"/>')
    text = (
        f'<text class="egov-site-label" data-site="{_key(label.key)}" x="{box.x + map_layout.LABEL_PAD:.1f}" '
        f'y="{box.y + label.size:.1f}" font-size="{label.size}">{escape(label.text)}'
        f"<title>{escape(node.title or node.label)}</title></text>"
    )
    if node.url:
        text = f'<a href="{escape(node.url)}">{text}</a>'
    return leader + text


def _link_label(label, edge):
    box = label.box
    return (
        f'<text class="egov-link-label" data-link="{_key(label.key)}" data-a="{_key(edge.a)}" '
        f'data-b="{_key(edge.b)}" x="{box.x + map_layout.LABEL_PAD:.1f}" y="{box.y + label.size:.1f}" '
        f'font-size="{label.size}" fill="{color(edge)}">{escape(label.text)}</text>'
    )


def _legend(rows, left, top):
    """One row per medium, then down links: a short stroke in the link's style and its name."""
    if not rows:
        return ""
    parts = ['<g class="egov-legend">']
    for index, (medium, name) in enumerate(rows):
        y = top + index * LEGEND_ROW + LEGEND_ROW / 2
        stroke = DOWN_COLOR if medium == "down" else MEDIUM_COLORS.get(medium, OTHER_COLOR)
        dash = ' stroke-dasharray="6 4"' if medium == "down" else ""
        parts.append(
            f'<line x1="{left:.1f}" y1="{y:.1f}" x2="{left + 28:.1f}" y2="{y:.1f}" stroke="{stroke}" '
            f'stroke-width="3"{dash}/><text x="{left + 36:.1f}" y="{y + 4:.1f}">{escape(str(name))}</text>'
        )
    parts.append("</g>")
    return "".join(parts)
