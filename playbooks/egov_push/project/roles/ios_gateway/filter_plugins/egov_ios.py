"""Filters of the ios_gateway role: quotas as IOS objects, and what of a running configuration the role owns.

The role owns, and only owns: ACLs and class-maps named EGOV-<SLUG>, its policy-map, and the `service-policy
output <policy-map>` line of the interfaces carrying it. cisco.ios.ios_config only adds the lines it is given;
the removals (stale agencies, lines added by hand inside owned objects, the policy moved to another
interface) are computed here from the running configuration, so a push converges the owned objects whole.
"""

import ipaddress
import re
from dataclasses import dataclass, field
from operator import attrgetter

from ansible.errors import AnsibleFilterError

SLUG = re.compile(r"^[a-z0-9_-]+$")
OWNED_ACL = re.compile(r"^ip access-list (?:extended|standard) (EGOV-\S+)$")
OWNED_CLASS_MAP = re.compile(r"^class-map match-(?:any|all) EGOV-\S+$")
NOISE = re.compile(r"^(?:!.*|Building configuration.*|Current configuration.*|end)$")


def egov_ios_name(slug):
    """The IOS name of an agency's ACL and class-map (the collectors look for class-map EGOV-<SLUG>)."""
    return f"EGOV-{slug.upper()}"


def egov_ios_agencies(agencies):
    """The agencies checked, each with its IOS `name` and IPv4 `networks`: bad data stops the push here."""
    return [_checked(agency) for agency in agencies]


def _checked(agency):
    # The limits in force now (office hours, off hours, throttled over the cap) when NetBox's data gives them;
    # the quota as set otherwise (an inventory written by hand).
    agency = {**agency, **{key: agency[f"effective_{key}"] for key in ("rate_down_mbps", "ceil_down_mbps")
                           if f"effective_{key}" in agency}}
    slug = agency.get("slug", "")
    if not SLUG.match(slug):
        raise AnsibleFilterError(f"agency slug {slug!r} is not a NetBox slug (a-z, 0-9, - and _)")
    for key in ("rate_down_mbps", "ceil_down_mbps"):
        value = agency.get(key)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise AnsibleFilterError(f"agency {slug}: {key} {value!r} is not a whole number of Mbit/s")
    if agency["ceil_down_mbps"] < 1 or agency["rate_down_mbps"] > agency["ceil_down_mbps"]:
        raise AnsibleFilterError(f"agency {slug}: the download ceiling must be at least 1 and the guaranteed rate")
    if not agency.get("prefixes"):
        raise AnsibleFilterError(f"agency {slug} has no prefixes: nothing to shape")
    try:
        networks = [ipaddress.ip_network(prefix) for prefix in agency["prefixes"]]
    except ValueError as error:
        raise AnsibleFilterError(f"agency {slug}: {error}") from error
    if any(network.version != 4 for network in networks):
        # An IPv6 prefix would need an IPv6 ACL in the class-map; shaping part of an agency is worse than
        # refusing, so the push stops and says so.
        raise AnsibleFilterError(f"agency {slug}: IPv6 prefixes are not supported by the ios_gateway role yet")
    # Kept as text: Ansible stores only plain types in variables.
    return {**agency, "name": egov_ios_name(slug), "networks": [str(network) for network in networks]}


def egov_ios_acls(agencies):
    """cisco.ios.ios_acls config: per agency an extended ACL EGOV-<SLUG> permitting traffic to its prefixes
    (the policy shapes output towards the agencies, so the agency is the destination)."""
    acls = [{"name": agency["name"], "acl_type": "extended",
             "aces": [{"sequence": 10 * index, "grant": "permit", "protocol": "ip", "source": {"any": True},
                       "destination": _destination(network)}
                      for index, network in enumerate(_networks(agency), start=1)]}
            for agency in agencies]
    return [{"afi": "ipv4", "acls": acls}] if acls else []


def _networks(agency):
    return [ipaddress.ip_network(network) for network in agency["networks"]]


def _destination(network):
    if network.prefixlen == 32:
        return {"host": str(network.network_address)}
    return {"address": str(network.network_address), "wildcard_bits": str(network.hostmask)}


def egov_ios_acl_text(agencies):
    """The same ACLs as IOS XE prints them in its running configuration (for the preview's diff)."""
    lines = []
    for agency in agencies:
        lines.append(f"ip access-list extended {agency['name']}")
        for index, network in enumerate(_networks(agency), start=1):
            target = (f"host {network.network_address}" if network.prefixlen == 32
                      else f"{network.network_address} {network.hostmask}")
            lines.append(f" {10 * index} permit ip any {target}")
    return "\n".join(lines) + ("\n" if lines else "")


def egov_ios_stale_acls(running, agencies):
    """Names of EGOV-* ACLs on the device that no agency wants any more."""
    wanted = {agency["name"] for agency in agencies}
    return sorted(name for node in _parse(running) if (match := OWNED_ACL.match(node.line))
                  and (name := match.group(1)) not in wanted)


@dataclass
class Node:
    """A configuration line and the lines indented under it."""

    line: str
    children: list = field(default_factory=list)

    def child(self, line):
        return next((node for node in self.children if node.line == line), None)

    def text(self, depth=0):
        return "".join([" " * depth + self.line + "\n"] + [c.text(depth + 1) for c in self.children])


def _parse(text):
    """Top-level nodes of an IOS configuration (one space of indentation per level, as IOS prints it)."""
    roots, stack = [], []
    for raw in text.splitlines():
        line = raw.rstrip()
        if not line.strip() or NOISE.match(line.strip()):
            continue
        depth = len(line) - len(line.lstrip(" "))
        node = Node(line.strip())
        while stack and stack[-1][0] >= depth:
            stack.pop()
        (stack[-1][1].children if stack else roots).append(node)
        stack.append((depth, node))
    return roots


def _owned(text, policy_map):
    """The owned objects of a configuration in a fixed order: ACLs, class-maps, the policy-map (each by
    name), then the interfaces carrying the policy, each with only that line."""
    service_policy = f"service-policy output {policy_map}"
    acls, class_maps, policies, interfaces = [], [], [], []
    for node in _parse(text):
        if OWNED_ACL.match(node.line):
            acls.append(node)
        elif OWNED_CLASS_MAP.match(node.line):
            class_maps.append(node)
        elif node.line == f"policy-map {policy_map}":
            # Classes by name, class-default last as IOS keeps it: new classes are appended on the device
            # whatever the data's order, and the agencies' prefixes are disjoint, so their order is no change.
            classes = sorted(node.children, key=lambda c: (c.line == "class class-default", c.line))
            policies.append(Node(node.line, classes))
        elif node.line.startswith("interface ") and node.child(service_policy):
            interfaces.append(Node(node.line, [Node(service_policy)]))
    by_line = attrgetter("line")
    return sorted(acls, key=by_line) + sorted(class_maps, key=by_line) + policies + sorted(interfaces, key=by_line)


def egov_ios_owned(text, policy_map):
    """What the role owns in a configuration, as text in a fixed order: before and after of the preview."""
    return "".join(node.text() for node in _owned(text, policy_map))


def egov_ios_removals(running, intended, policy_map, interface):
    """ios_config calls ({parents, lines}) that remove what is owned on the device but not intended, in an
    order IOS accepts: the policy off interfaces, classes out of the policy-map, then class-maps.

    A different output policy already on the enforcement interface is refused: IOS allows one per direction
    and it is not the role's to remove."""
    running_nodes, intended_nodes = _parse(running), {node.line: node for node in _parse(intended)}
    service_policy = f"service-policy output {policy_map}"
    calls = []
    for node in running_nodes:
        if not node.line.startswith("interface "):
            continue
        if node.line == f"interface {interface}" and intended_nodes.get(node.line):
            foreign = [c.line for c in node.children
                       if c.line.startswith("service-policy output ") and c.line != service_policy]
            if foreign:
                raise AnsibleFilterError(f"{interface} already has {foreign[0]!r}: IOS allows one output "
                                         "policy; remove it or enforce on another interface")
        if node.child(service_policy) and node.line not in intended_nodes:
            calls.append({"parents": [node.line], "lines": [f"no {service_policy}"]})
    owned = [node for node in _owned(running, policy_map) if not node.line.startswith(("interface ", "ip "))]
    for node in owned:  # the policy-map comes after the class-maps in _owned: removal goes the other way
        if node.line.startswith("policy-map "):
            calls.extend(_node_removals(node, intended_nodes.get(node.line)))
    for node in owned:
        if node.line.startswith("class-map "):
            calls.extend(_node_removals(node, intended_nodes.get(node.line)))
    return calls


def _node_removals(have, want):
    """Remove `have` whole when not wanted, else its children that are not wanted (one level down for the
    classes of a policy-map)."""
    if want is None:
        return [{"parents": [], "lines": [f"no {have.line}"]}]
    calls, stray = [], []
    for child in have.children:
        wanted = want.child(child.line)
        if wanted is None:
            stray.append(f"no {child.line}")
        elif child.children:
            lines = [f"no {grandchild.line}" for grandchild in child.children if not _replaced(grandchild, wanted)]
            if lines:
                calls.append({"parents": [have.line, child.line], "lines": lines})
    if stray:
        calls.insert(0, {"parents": [have.line], "lines": stray})
    return calls


def _replaced(line_node, wanted):
    """Whether a policy class's line is wanted, or replaced by a wanted line of the same command with another
    value (`shape average 30000000` by `shape average 50000000`): IOS overwrites these actions, and removing
    the old one first would leave the class unshaped until the new one is sent."""
    command = line_node.line.rsplit(" ", 1)[0]
    return any(node.line == line_node.line or node.line.rsplit(" ", 1)[0] == command for node in wanted.children)


class FilterModule:
    def filters(self):
        return {
            "egov_ios_agencies": egov_ios_agencies,
            "egov_ios_acls": egov_ios_acls,
            "egov_ios_acl_text": egov_ios_acl_text,
            "egov_ios_stale_acls": egov_ios_stale_acls,
            "egov_ios_owned": egov_ios_owned,
            "egov_ios_removals": egov_ios_removals,
        }
