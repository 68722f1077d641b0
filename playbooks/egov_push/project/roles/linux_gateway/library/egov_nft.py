"""Ansible module egov_nft: table inet egov (the agencies' named counters), validated, then swapped in."""

import json
import re

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.egov_linux import (
    CommandFailed,
    atomic_write,
    in_scratch_namespace,
    run,
    temporary_file,
)

DOCUMENTATION = r"""
module: egov_nft
short_description: Install table inet egov in one nftables transaction, keeping the counters' values
description:
  - O(table) is the whole table (C(table inet egov { ... })). It is checked with C(nft -c) and loaded into a
    scratch network namespace; what nft lists there is the wanted state, compared with what the gateway lists
    (counter values aside), giving changed and the diff.
  - The swap is one C(nft -f) transaction that flushes the table's rules, deletes the objects no longer wanted
    and declares the rest. The counters that stay keep their values (the collectors read them as running
    totals), and a refused file leaves the table as it was. Nothing outside table inet egov is touched.
options:
  table:
    description: The full definition of table inet egov.
    type: str
    required: true
  state_file:
    description: Where the installed table is kept (for reloading at boot).
    type: path
    required: true
"""

FAMILY, NAME = "inet", "egov"
# The table as text (compared, shown as the diff) and as JSON (its objects' names), from one scratch load.
SCRATCH = f'nft -f "$1"\nnft list table {FAMILY} {NAME}\necho "#json"\nnft -j list table {FAMILY} {NAME}\n'
COUNTER_VALUES = re.compile(r"packets \d+ bytes \d+")
# Objects a table holds, as nft's JSON names them (and as a delete statement does).
KINDS = ("chain", "set", "map", "counter", "quota", "limit", "flowtable", "ct helper", "ct timeout",
         "ct expectation", "secmark", "synproxy")


def installed(module):
    """The table as the gateway lists it, or None when there is none."""
    rc, out, err = module.run_command(["nft", "list", "table", FAMILY, NAME])
    if rc == 0:
        return out
    if "No such file or directory" in err:
        return None
    raise CommandFailed(f"nft list table {FAMILY} {NAME} exited {rc}: {err.strip()}")


def names(listing_json):
    """{(kind, name)} of the objects in a `nft -j list table` answer."""
    return {(kind, item[kind]["name"]) for item in json.loads(listing_json)["nftables"] for kind in KINDS
            if kind in item}


def comparable(listing):
    """A listing without the counters' values (traffic, not policy); "" for no table."""
    return COUNTER_VALUES.sub("packets 0 bytes 0", listing) if listing is not None else ""


def swap_file(table, keep, present):
    """One transaction: make sure the table exists, flush its rules, delete what is not in ``keep``, load."""
    deletions = [f"delete {kind} {FAMILY} {NAME} {name}\n" for kind, name in sorted(present - keep)]
    return f"table {FAMILY} {NAME} {{}}\nflush table {FAMILY} {NAME}\n" + "".join(deletions) + table


def main():
    module = AnsibleModule(
        argument_spec={"table": {"type": "str", "required": True}, "state_file": {"type": "path", "required": True}},
        supports_check_mode=True,
    )
    table = module.params["table"]
    path = temporary_file(table)
    module.add_cleanup_file(path)
    try:
        run(module, ["nft", "-c", "-f", path])
        wanted, listed = in_scratch_namespace(module, SCRATCH, path).split("#json\n")
    except CommandFailed as refusal:
        module.fail_json(msg=f"table {FAMILY} {NAME} does not validate; the installed one stays in force: {refusal}")
    before = installed(module)
    result = {"changed": comparable(before) != comparable(wanted),
              "diff": {"before": comparable(before), "after": comparable(wanted),
                       "before_header": f"table {FAMILY} {NAME} (installed)",
                       "after_header": f"table {FAMILY} {NAME} (wanted)"}}
    if not result["changed"] or module.check_mode:
        module.exit_json(**result)
    present = names(run(module, ["nft", "-j", "list", "table", FAMILY, NAME])) if before is not None else set()
    swap = temporary_file(swap_file(table, names(listed), present))
    module.add_cleanup_file(swap)
    try:
        run(module, ["nft", "-f", swap])
    except CommandFailed as failure:
        module.fail_json(msg=f"loading table {FAMILY} {NAME} failed; the installed one stays in force: {failure}",
                         **result)
    atomic_write(module.params["state_file"], table)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
