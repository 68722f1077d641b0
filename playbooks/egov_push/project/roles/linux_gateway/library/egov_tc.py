"""Ansible module egov_tc: the agencies' HTB trees on the enforcement interfaces, validated, then swapped in."""

import json
import re

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.egov_linux import (
    CommandFailed,
    atomic_write,
    in_scratch_namespace,
    read_or_none,
    run,
    temporary_file,
)

DOCUMENTATION = r"""
module: egov_tc
short_description: Install the egov tc trees (HTB per agency, both directions) in one validated batch
description:
  - The batch builds every tree from empty. It is first applied in a scratch network namespace holding devices
    named like the gateway's; what tc then lists there is the wanted state, compared with what the gateway lists
    (changed, diff). When they differ, the old trees are removed and the batch applied in one C(tc -batch); if
    that fails the previous batch (kept in O(state_file)) is put back.
  - A batch the kernel refuses in the scratch namespace, or an enforcement interface the gateway does not have,
    changes nothing on the gateway; the task fails with the reason (tc's own message).
options:
  interfaces:
    description: Enforcement interfaces, each with the IFB device that carries its ingress (upload).
    type: list
    elements: dict
    required: true
  batch:
    description: The tc batch that builds all the trees from empty (qdiscs, classes, filters).
    type: str
    required: true
  state_file:
    description: Where the last installed batch and its devices are kept (rollback, and reapplying at boot).
    type: path
    required: true
"""

# One section per device: its qdiscs, classes, filters (root and ingress) and whether it is up, as tc prints
# them. The same script lists the gateway and the scratch namespace, so the two compare line by line.
LIST_DEVICES = r"""
for device in "$@"; do
    echo "## $device"
    if ! flags=$(ip -o link show dev "$device" 2>/dev/null); then
        echo "(no such device)"
        continue
    fi
    case "$flags" in *[\<,]UP[,\>]*) echo "(up)" ;; *) echo "(down)" ;; esac
    tc qdisc show dev "$device"
    tc class show dev "$device"
    tc filter show dev "$device"
    tc filter show dev "$device" ingress
done
"""
# Interfaces become veths (their peers get spare names), IFBs become IFBs; then the batch, then the listing.
SCRATCH = r"""
batch=$1 interfaces=$2 ifbs=$3
shift 3
peer=0
for name in $interfaces; do
    peer=$((peer + 1))
    ip link add "$name" type veth peer name "egovpeer$peer"
    ip link set "$name" up
done
for name in $ifbs; do
    ip link add "$name" type ifb
    ip link set "$name" up
done
tc -batch "$batch"
""" + LIST_DEVICES
# Counters, reference counts and per-device queue lengths differ between the gateway's NIC and a scratch veth
# and change with traffic: they are not policy.
VOLATILE = [
    (re.compile(r" refcnt \d+"), ""),
    (re.compile(r" direct_packets_stat \d+"), ""),
    (re.compile(r" direct_qlen \d+"), ""),
    (re.compile(r"^\s*index \d+ ref \d+ bind \d+$"), ""),
]
DEFAULT_QDISC = re.compile(r"^qdisc \S+ 0: ")  # the kernel's own (noqueue, mq, pfifo_fast): not a tree of ours


def sections(listing):
    """{device: [lines]} from LIST_DEVICES' output."""
    found, lines = {}, None
    for line in listing.splitlines():
        if line.startswith("## "):
            lines = found.setdefault(line[3:], [])
        elif lines is not None and line.strip():
            lines.append(line.rstrip())
    return found


def policy(lines, ifb):
    """The lines of one device that say what it enforces; a device without a tree of ours is one line."""
    kept = []
    for line in lines:
        for pattern, replacement in VOLATILE:
            line = pattern.sub(replacement, line)
        if not line or DEFAULT_QDISC.match(line) or (line in ("(up)", "(down)") and not ifb):
            continue
        kept.append(line)
    if not any(line.startswith("qdisc ") for line in kept):
        return ["(no egov tree)"] + [line for line in kept if line in ("(up)", "(down)")]
    return kept


def text(listing, devices, ifbs):
    """The comparable text of a listing: one block per device, in the order given."""
    found = sections(listing)
    return "".join(f"## {device}\n" + "".join(f"{line}\n" for line in policy(found.get(device, []), device in ifbs))
                   for device in devices)


def teardown(listing, devices):
    """tc batch lines removing the trees on ``devices`` (root and ingress qdiscs that are not the kernel's)."""
    lines = []
    for device, rows in sections(listing).items():
        if device not in devices:
            continue
        if any(re.match(r"qdisc \S+ [0-9a-f]+: root", row) and not DEFAULT_QDISC.match(row) for row in rows):
            lines.append(f"qdisc del dev {device} root")
        if any(row.startswith(("qdisc ingress ffff:", "qdisc clsact ffff:")) for row in rows):
            lines.append(f"qdisc del dev {device} ingress")
    return lines


class Trees:
    """The gateway's trees now, the wanted trees and the previous batch, for the devices concerned."""

    def __init__(self, module):
        self.module = module
        self.interfaces = [item["name"] for item in module.params["interfaces"]]
        self.ifbs = [item["ifb"] for item in module.params["interfaces"]]
        self.previous = json.loads(read_or_none(module.params["state_file"]) or "{}")
        # Devices of the last push that are no longer wanted: their trees are removed, their IFBs deleted.
        self.left = [device for device in self.previous.get("interfaces", []) + self.previous.get("ifbs", [])
                     if device not in self.interfaces + self.ifbs]
        self.devices = self.interfaces + self.ifbs + self.left

    def listing(self):
        return run(self.module, ["sh", "-ec", LIST_DEVICES, "egov-list", *self.devices])

    def wanted(self, batch):
        """The listing of ``batch`` applied in a scratch namespace; CommandFailed carries tc's refusal."""
        for interface in self.interfaces:
            if not self.exists(interface):
                raise CommandFailed(f"interface {interface} does not exist on this gateway")
        for ifb in self.ifbs:
            # The upload trees go on the IFB: a name taken by another kind of device would shape that device.
            if self.exists(ifb) and " ifb " not in run(self.module, ["ip", "-d", "-o", "link", "show", "dev", ifb]):
                raise CommandFailed(f"{ifb} exists on this gateway and is not an IFB device")
        path = temporary_file(batch)
        try:
            return in_scratch_namespace(self.module, SCRATCH, path, " ".join(self.interfaces), " ".join(self.ifbs),
                                        *self.devices)
        finally:
            self.module.add_cleanup_file(path)

    def comparable(self, listing):
        return text(listing, self.devices, set(self.ifbs))

    def install(self, batch, ifbs, dropped=()):
        """Remove the current trees and apply ``batch`` (which redirects to ``ifbs``) in one tc batch; then delete
        the IFBs ``dropped``."""
        for ifb in ifbs:
            if not self.exists(ifb):
                run(self.module, ["ip", "link", "add", ifb, "type", "ifb"])
            run(self.module, ["ip", "link", "set", ifb, "up"])
        lines = teardown(self.listing(), self.devices) + batch.splitlines()
        path = temporary_file("\n".join(lines) + "\n")
        try:
            run(self.module, ["tc", "-batch", path])
        finally:
            self.module.add_cleanup_file(path)
        for ifb in dropped:
            if self.exists(ifb):
                run(self.module, ["ip", "link", "del", ifb])

    def exists(self, device):
        return self.module.run_command(["ip", "link", "show", "dev", device])[0] == 0

    def save(self, batch):
        state = {"interfaces": self.interfaces, "ifbs": self.ifbs, "batch": batch}
        atomic_write(self.module.params["state_file"], json.dumps(state))


def main():
    module = AnsibleModule(
        argument_spec={
            "interfaces": {"type": "list", "elements": "dict", "required": True},
            "batch": {"type": "str", "required": True},
            "state_file": {"type": "path", "required": True},
        },
        supports_check_mode=True,
    )
    trees = Trees(module)
    batch = module.params["batch"]
    try:
        wanted = trees.comparable(trees.wanted(batch))
    except CommandFailed as refusal:
        module.fail_json(msg=f"the tc batch does not validate; the previous trees stay in force: {refusal}")
    before = trees.comparable(trees.listing())
    result = {"changed": before != wanted, "diff": {"before": before, "after": wanted,
                                                    "before_header": "tc (installed)", "after_header": "tc (wanted)"}}
    if not result["changed"] or module.check_mode:
        module.exit_json(**result)
    try:
        trees.install(batch, trees.ifbs, [ifb for ifb in trees.previous.get("ifbs", []) if ifb in trees.left])
    except CommandFailed as failure:
        module.fail_json(msg=f"installing the tc batch failed ({failure}); {restore(trees)}", **result)
    installed = trees.comparable(trees.listing())
    if installed != wanted:
        module.fail_json(msg="the installed tc trees differ from the validated ones", installed=installed, **result)
    trees.save(batch)
    module.exit_json(**result)


def restore(trees):
    """Put the previous batch back after a failed install; says what happened."""
    previous = trees.previous.get("batch")
    if previous is None:
        return "there was no previous batch to restore"
    try:
        trees.install(previous, trees.previous.get("ifbs", []))
    except CommandFailed as failure:
        return f"restoring the previous batch failed too: {failure}"
    return "the previous trees were restored"


if __name__ == "__main__":
    main()
