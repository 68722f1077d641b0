"""Where the backbone map puts its sites and labels: plain geometry, no Django, so it is tested and timed alone.

Sites with a latitude and longitude are projected (equirectangular about their mean latitude: over a regency
the error is below a pixel), scaled so that a site's nearest neighbour is typically a label's width away, and
nudged apart where two would touch. The others are laid out in layers by hop distance from the root (the data
center): one row per hop, top down, each ordered by where the sites it hangs from are so links rarely cross,
folded so that the map keeps the shape of an A3 sheet. A map with both kinds has the layered sites to the
right of the located ones, and a site without coordinates that mostly links to located ones (the data center,
a regional hub) stands among them.

Labels are then placed greedily: a site's label at the first of its candidate places (right, left, above,
below, the corners, then further out on widening rings, with a leader line) whose box meets no other label and
no site, so every site label finds a place. Link labels follow, on their link, and are left out where none
fits (the link keeps its tooltip). Nothing measures fonts on the server: a box is the text's width in
Helvetica/Arial (whose metrics Liberation Sans shares) with a margin for a wider fallback font.

Nodes are read as `key`, `label`, `latitude`, `longitude`; edges as `key`, `a`, `b` (topology_svg's types).
"""

import itertools
import math
from collections import defaultdict
from dataclasses import dataclass

SITE_FONT, LINK_FONT = 11, 9  # px
LINE_HEIGHT = 1.25  # a label box's height, in font sizes
# Helvetica's advance widths (1/1000 em) of ASCII 32..126, from its AFM; other characters count as 600.
_HELVETICA = (
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556, 556, 556,
    556, 556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667,
    556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, 333, 556,
    556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722,
    500, 500, 500, 334, 260, 334, 584,
)
WIDTH_MARGIN = 1.12  # DejaVu Sans, the usual fallback on Linux, runs about 10% wider than Helvetica
LABEL_PAD = 2  # px around the text inside its box
LABEL_LENGTH = 30  # characters shown; the full name is the tooltip
SITE_RADIUS, ROOT_RADIUS = 7, 12
SITE_SPACING = 90  # px from a located site to its nearest neighbour, typically (the median)
MIN_GAP = 26  # px: located sites closer than this are pushed apart
ROW_GAP = 40  # px between the rows of the layered sites
COLUMN_GAP = 40  # px between a label and the next site in its row
PANEL_GAP = 160  # px between the located sites and the layered ones
PARALLEL_GAP = 16  # px between the apexes of parallel links
RING_STEP = 12  # px between the rings of far label candidates
RING_ANGLES = 16
GRID_CELL = 64  # px: the obstacle index's cell


@dataclass(frozen=True)
class Box:
    """An axis-aligned rectangle: top-left corner, width and height (SVG coordinates, y down)."""

    x: float
    y: float
    width: float
    height: float

    def intersects(self, other):
        """Overlap with positive area (boxes that only touch do not intersect)."""
        return (self.x < other.x + other.width and other.x < self.x + self.width
                and self.y < other.y + other.height and other.y < self.y + self.height)


@dataclass(frozen=True)
class Label:
    key: object  # the node's or edge's key
    text: str
    box: Box
    size: int  # font size, px
    leader: tuple | None = None  # (x1, y1, x2, y2): from the site to a box placed away from it


@dataclass
class Layout:
    positions: dict  # node key -> (x, y)
    radius: dict  # node key -> the radius of its circle
    site_labels: list
    link_labels: list
    bends: dict  # edge key -> sideways offset of its apex (parallel links fan out)
    located: set  # keys of the sites placed by their coordinates
    bounds: Box


def text_width(text, size):
    units = sum(_HELVETICA[ord(char) - 32] if 32 <= ord(char) < 127 else 600 for char in text)
    return units * size / 1000 * WIDTH_MARGIN


def short(label):
    return label if len(label) <= LABEL_LENGTH else label[: LABEL_LENGTH - 1] + "…"


def label_size(text, size):
    """Width and height of the box a label of `text` needs."""
    return text_width(text, size) + 2 * LABEL_PAD, size * LINE_HEIGHT


def layout(root, nodes, edges, link_texts=None):
    """Positions and label boxes for `nodes` and `edges`; `link_texts` maps an edge key to its label."""
    edges = [edge for edge in edges if edge.a != edge.b]
    positions, located = place_sites(root, nodes, edges)
    radius = {node.key: ROOT_RADIUS if node.key == root else SITE_RADIUS for node in nodes}
    bends = parallel_bends(edges)
    grid = _Grid()
    for key, (x, y) in positions.items():
        grid.add(_disc(x, y, radius[key]))
    site_labels = place_site_labels(root, nodes, positions, radius, grid)
    link_labels = place_link_labels(edges, positions, bends, link_texts or {}, grid)
    return Layout(positions, radius, site_labels, link_labels, bends, located,
                  _bounds(positions, radius, site_labels + link_labels))


# Sites


def hops(root, edges):
    """Hop count from root of every site connected to it, and every site's neighbours (in a stable order)."""
    adjacency = defaultdict(set)
    for edge in edges:
        adjacency[edge.a].add(edge.b)
        adjacency[edge.b].add(edge.a)
    adjacency = {key: sorted(neighbours, key=str) for key, neighbours in adjacency.items()}
    depth, frontier = {root: 0}, [root]
    while frontier:
        following = []
        for node in frontier:
            for neighbour in adjacency.get(node, ()):
                if neighbour not in depth:
                    depth[neighbour] = depth[node] + 1
                    following.append(neighbour)
        frontier = following
    return depth, adjacency


def place_sites(root, nodes, edges):
    """(x, y) of every node, and the keys of those placed by their coordinates."""
    depth, adjacency = hops(root, edges)
    coordinates = {node.key: (float(node.latitude), float(node.longitude)) for node in nodes
                   if node.latitude is not None and node.longitude is not None}
    positions = project(coordinates)
    located = set(positions)
    for node in nodes:
        if node.key not in located:
            _place_hub(node.key, adjacency.get(node.key, ()), located, positions)
    separate(positions)
    rest = [node for node in nodes if node.key not in positions]
    if rest:
        positions.update(layered(rest, depth, adjacency, positions))
    return positions, located


def _place_hub(key, neighbours, located, positions):
    """A site without coordinates that mostly links to located sites (a data center, a regional hub) stands
    among them, where the links it serves fan out; the others are left to the layered rows."""
    served = [positions[other] for other in neighbours if other in located]
    if served and 2 * len(served) >= len(neighbours):
        positions[key] = (sum(x for x, _y in served) / len(served), sum(y for _x, y in served) / len(served))


def project(coordinates):
    """Equirectangular projection of {key: (latitude, longitude)}, north up, scaled to SITE_SPACING."""
    if not coordinates:
        return {}
    lat0 = sum(lat for lat, _lon in coordinates.values()) / len(coordinates)
    lon0 = sum(lon for _lat, lon in coordinates.values()) / len(coordinates)
    shrink = math.cos(math.radians(lat0))  # a degree of longitude is shorter than one of latitude
    raw = {key: ((lon - lon0) * shrink, lat0 - lat) for key, (lat, lon) in coordinates.items()}
    nearest = sorted(d for d in _nearest_distances(raw) if d > 0)
    scale = SITE_SPACING / nearest[len(nearest) // 2] if nearest else 1.0
    return {key: (x * scale, y * scale) for key, (x, y) in raw.items()}


def _nearest_distances(points):
    items = sorted(points.values())
    result = []
    for index, (x, y) in enumerate(items):
        best = math.inf
        for step in (1, -1):  # outwards along x, stopping once x alone is farther than the best
            other = index + step
            while 0 <= other < len(items) and abs(items[other][0] - x) < best:
                best = min(best, math.hypot(items[other][0] - x, items[other][1] - y))
                other += step
        if best < math.inf:
            result.append(best)
    return result


def separate(positions, gap=MIN_GAP, rounds=50):
    """Push apart (in place) sites closer than `gap`: two offices in one town must not hide each other."""
    for _round in range(rounds):
        moved = False
        keys = sorted(positions, key=lambda key: (positions[key], str(key)))
        for index, key in enumerate(keys):
            for other in keys[index + 1:]:
                (x1, y1), (x2, y2) = positions[key], positions[other]
                if x2 - x1 >= gap:
                    break
                distance = math.hypot(x2 - x1, y2 - y1)
                if distance >= gap:
                    continue
                # Same place: apart along a direction of their own, so the result does not depend on luck.
                dx, dy = ((x2 - x1) / distance, (y2 - y1) / distance) if distance else (0.6, 0.8)
                push = (gap - distance) / 2 + 0.5
                positions[key] = (x1 - dx * push, y1 - dy * push)
                positions[other] = (x2 + dx * push, y2 + dy * push)
                moved = True
        if not moved:
            return


def layered(nodes, depth, adjacency, placed):
    """Rows by hop count, top down (sites with no path to the root last), each ordered by where the sites
    it hangs from are (the barycentre rule) and folded into rows of at most `per_row` sites, chosen so the
    whole map is closest to A3 landscape. Beside the located sites `placed`, if any, else alone; there, each
    group of sites linked among themselves (a fiber ring behind a hub) is a block of its own, the blocks in
    the order of the heights of the located sites they hang from (so two rings do not interleave), stacked
    in as many columns as fit the sheet's shape best."""
    last = max(depth.values(), default=0) + 1
    blocks = []
    for group in _groups(nodes, adjacency, placed):
        layers = defaultdict(list)
        for node in group:
            layers[depth.get(node.key, last)].append(node)
        blocks.append([layers[number] for number in sorted(layers)])
    column = SITE_RADIUS + max(label_size(short(node.label), SITE_FONT)[0] for node in nodes) + COLUMN_GAP
    if placed:
        xs, ys = [x for x, _y in placed.values()], [y for _x, y in placed.values()]
        left, top, beside = max(xs) + PANEL_GAP, min(ys), (max(xs) - min(xs) + PANEL_GAP, max(ys) - min(ys))
    else:
        left, top, beside = 0.0, 0.0, (0.0, 0.0)
    widest = max(len(layer) for layers in blocks for layer in layers)
    shapes = [(per_row, stacks) for per_row in range(1, widest + 1) for stacks in range(1, len(blocks) + 1)]
    per_row, stacks = min(shapes, key=lambda shape: _misfit(blocks, *shape, column, beside))
    positions, result = dict(placed), {}
    for number, stack in enumerate(_stack(blocks, per_row, stacks)):
        y, stack_left = top, left + number * per_row * column
        for layers in stack:
            for layer in layers:
                ordered = sorted(layer, key=lambda node: (_barycentre(node.key, adjacency, positions, 0),
                                                          node.label, str(node.key)))
                for start in range(0, len(ordered), per_row):
                    chunk = ordered[start:start + per_row]
                    offset = stack_left + (per_row - len(chunk)) * column / 2
                    for index, node in enumerate(chunk):
                        positions[node.key] = result[node.key] = (offset + index * column, y)
                    y += ROW_GAP
            y += ROW_GAP / 2
    return result


def _height(layers, per_row):
    return (sum(math.ceil(len(layer) / per_row) for layer in layers) + 0.5) * ROW_GAP


def _stack(blocks, per_row, stacks):
    """The blocks in order, cut into at most `stacks` side-by-side stacks of about equal height."""
    target = sum(_height(layers, per_row) for layers in blocks) / stacks
    result, height = [[]], 0.0
    for layers in blocks:
        if result[-1] and height + _height(layers, per_row) > target and len(result) < stacks:
            result.append([])
            height = 0.0
        result[-1].append(layers)
        height += _height(layers, per_row)
    return result


def _groups(nodes, adjacency, placed):
    """The nodes as one group with no located sites; else split where they are linked only through located
    ones (or the hubs among them), in the order of those sites' heights."""
    if not placed:
        return [nodes]
    by_key = {node.key: node for node in nodes}
    seen, groups = set(), []
    for node in nodes:
        if node.key in seen:
            continue
        group, stack = [], [node.key]
        seen.add(node.key)
        while stack:
            key = stack.pop()
            group.append(by_key[key])
            for other in adjacency.get(key, ()):
                if other in by_key and other not in seen:
                    seen.add(other)
                    stack.append(other)
        groups.append(group)
    return sorted(groups, key=lambda group: (min(_barycentre(node.key, adjacency, placed, 1) for node in group),
                                             min(str(node.key) for node in group)))


def _misfit(blocks, per_row, stacks, column, beside):
    """How far from A3 landscape (width = height x 1.41) the map is with rows of `per_row` sites in `stacks`."""
    piles = _stack(blocks, per_row, stacks)
    width = beside[0] + len(piles) * per_row * column
    height = max(beside[1], *(sum(_height(layers, per_row) for layers in pile) for pile in piles), 1.0)
    return abs(math.log(width / height / math.sqrt(2)))


def _barycentre(key, adjacency, positions, axis):
    """The mean x (axis 0) or y (1) of the placed neighbours of `key`; infinity when none is placed."""
    along = [positions[other][axis] for other in adjacency.get(key, ()) if other in positions]
    return sum(along) / len(along) if along else math.inf


# Labels


class _Grid:
    """The boxes placed so far, bucketed by cell, so a candidate is checked against its neighbours only."""

    def __init__(self):
        self.cells = defaultdict(list)

    def _cells(self, box):
        for column in range(math.floor(box.x / GRID_CELL), math.floor((box.x + box.width) / GRID_CELL) + 1):
            for row in range(math.floor(box.y / GRID_CELL), math.floor((box.y + box.height) / GRID_CELL) + 1):
                yield column, row

    def free(self, box):
        return not any(box.intersects(other) for cell in self._cells(box) for other in self.cells[cell])

    def add(self, box):
        for cell in self._cells(box):
            self.cells[cell].append(box)


def _disc(x, y, radius):
    return Box(x - radius - 1, y - radius - 1, 2 * radius + 2, 2 * radius + 2)


def place_site_labels(root, nodes, positions, radius, grid):
    """A box for every named site: the root's first, then the located and crowded ones before the rest."""
    result = []
    named = sorted((node for node in nodes if node.label), key=lambda node: (node.key != root, str(node.label)))
    for node in named:
        text = short(node.label)
        width, height = label_size(text, SITE_FONT)
        x, y = positions[node.key]
        box, leader = _site_label_box(x, y, radius[node.key], width, height, grid)
        grid.add(box)
        result.append(Label(node.key, text, box, SITE_FONT, leader))
    return result


def _site_label_box(x, y, radius, width, height, grid):
    gap = radius + 3
    near = ((x + gap, y - height / 2), (x - gap - width, y - height / 2),
            (x - width / 2, y - gap - height), (x - width / 2, y + gap),
            (x + gap * 0.7, y - gap * 0.7 - height), (x + gap * 0.7, y + gap * 0.7),
            (x - gap * 0.7 - width, y - gap * 0.7 - height), (x - gap * 0.7 - width, y + gap * 0.7))
    for left, top in near:
        box = Box(left, top, width, height)
        if grid.free(box):
            return box, None
    # Farther out, on rings: always ends, since the boxes placed are finitely many.
    for ring in itertools.count(1):
        distance = gap + ring * RING_STEP
        for step in range(RING_ANGLES):
            angle = 2 * math.pi * step / RING_ANGLES
            centre_x = x + math.cos(angle) * (distance + width / 2)
            centre_y = y + math.sin(angle) * (distance + height / 2)
            box = Box(centre_x - width / 2, centre_y - height / 2, width, height)
            if grid.free(box):
                end_x, end_y = min(max(x, box.x), box.x + width), min(max(y, box.y), box.y + height)
                return box, (x + math.cos(angle) * radius, y + math.sin(angle) * radius, end_x, end_y)
    raise AssertionError("unreachable")


def parallel_bends(edges):
    """Each edge's sideways bend: parallel links between two sites fan out instead of hiding each other."""
    groups = defaultdict(list)
    for edge in edges:
        groups[frozenset((edge.a, edge.b))].append(edge)
    return {edge.key: (index - (len(group) - 1) / 2) * PARALLEL_GAP
            for group in groups.values() for index, edge in enumerate(group)}


def curve(start, end, bend):
    """The quadratic curve of a link: its apex `bend` px off the midpoint, along the normal."""
    (x1, y1), (x2, y2) = start, end
    length = math.hypot(x2 - x1, y2 - y1) or 1.0
    apex_x, apex_y = (x1 + x2) / 2 - (y2 - y1) / length * bend, (y1 + y2) / 2 + (x2 - x1) / length * bend
    return 2 * apex_x - (x1 + x2) / 2, 2 * apex_y - (y1 + y2) / 2  # the control point


def place_link_labels(edges, positions, bends, texts, grid):
    """A box on its link for every link label that fits there; the others are left out."""
    result = []
    for edge in edges:
        text = texts.get(edge.key)
        if not text or edge.a not in positions or edge.b not in positions:
            continue
        width, height = label_size(text, LINK_FONT)
        start, end = positions[edge.a], positions[edge.b]
        control = curve(start, end, bends[edge.key])
        for t in (0.5, 0.4, 0.6, 0.3, 0.7):
            x = (1 - t) ** 2 * start[0] + 2 * (1 - t) * t * control[0] + t * t * end[0]
            y = (1 - t) ** 2 * start[1] + 2 * (1 - t) * t * control[1] + t * t * end[1]
            box = Box(x - width / 2, y - height / 2, width, height)
            if grid.free(box):
                grid.add(box)
                result.append(Label(edge.key, text, box, LINK_FONT))
                break
    return result


def _bounds(positions, radius, labels):
    boxes = [_disc(x, y, radius[key]) for key, (x, y) in positions.items()] + [label.box for label in labels]
    if not boxes:
        return Box(0, 0, 0, 0)
    left, top = min(box.x for box in boxes), min(box.y for box in boxes)
    right, bottom = max(box.x + box.width for box in boxes), max(box.y + box.height for box in boxes)
    return Box(left, top, right - left, bottom - top)
