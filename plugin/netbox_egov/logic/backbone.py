"""Backbone reachability: which sites reach the data center, and which links are single points of failure.

Sites are graph nodes, active backbone links are edges (parallel links
count: two fibres between the same sites are redundancy, not one link).
A link whose loss disconnects the graph is a bridge; every site on the far
side of a bridge from the data center is cut off when it fails.
"""

from collections import defaultdict
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Link:
    key: object  # the caller's identifier, e.g. a BackboneLink pk
    a: object
    b: object


@dataclass
class Reachability:
    unreachable: set = field(default_factory=set)  # sites with no path to the data center
    # bridge link key -> the sites cut off from the data center when it fails
    single_points_of_failure: dict = field(default_factory=dict)


def _adjacency(links):
    adjacency = defaultdict(list)
    for link in links:
        if link.a == link.b:
            continue
        adjacency[link.a].append((link.b, link.key))
        adjacency[link.b].append((link.a, link.key))
    return adjacency


def reachable_from(root, links):
    """Every site connected to root (root included)."""
    adjacency = _adjacency(links)
    seen, stack = {root}, [root]
    while stack:
        for neighbour, _key in adjacency[stack.pop()]:
            if neighbour not in seen:
                seen.add(neighbour)
                stack.append(neighbour)
    return seen


def routes_to(root, links):
    """For every site connected to root, the link keys of a shortest route from it to root (breadth-first)."""
    adjacency = _adjacency(links)
    routes, frontier = {root: []}, [root]
    while frontier:
        following = []
        for node in frontier:
            for neighbour, key in adjacency[node]:
                if neighbour not in routes:
                    routes[neighbour] = [key, *routes[node]]
                    following.append(neighbour)
        frontier = following
    return routes


def bridges_below(root, links):
    """Bridges of root's component, each with the sites it separates from root.

    Iterative Tarjan (no recursion limit on long chains of kecamatan). An
    edge is identified by its link key, so parallel links are never bridges.
    """
    adjacency = _adjacency(links)
    order, low = {root: 0}, {root: 0}
    parent_node, parent_key = {root: None}, {root: None}
    children = defaultdict(list)
    counter = 1
    stack = [(root, iter(adjacency[root]))]
    while stack:
        node, neighbours = stack[-1]
        advanced = False
        for neighbour, key in neighbours:
            if key == parent_key[node]:
                continue
            if neighbour in order:
                low[node] = min(low[node], order[neighbour])
                continue
            order[neighbour] = low[neighbour] = counter
            counter += 1
            parent_node[neighbour], parent_key[neighbour] = node, key
            children[node].append(neighbour)
            stack.append((neighbour, iter(adjacency[neighbour])))
            advanced = True
            break
        if advanced:
            continue
        stack.pop()
        if stack:
            parent = stack[-1][0]
            low[parent] = min(low[parent], low[node])
    result = {}
    for node in order:
        if node != root and low[node] > order[parent_node[node]]:
            result[parent_key[node]] = _subtree(node, children)
    return result


def _subtree(node, children):
    sites, stack = set(), [node]
    while stack:
        current = stack.pop()
        sites.add(current)
        stack.extend(children[current])
    return sites


def reachability(data_center, sites, links):
    """Sites that cannot reach the data center, and the links whose loss cuts sites off."""
    connected = reachable_from(data_center, links)
    return Reachability(
        unreachable=set(sites) - connected,
        single_points_of_failure=bridges_below(data_center, links),
    )
