"""Ansible module egov_unbound_filter: the compiled site filter in its own unbound file, checked, then reloaded."""

import os

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.egov_linux import CommandFailed, atomic_write, read_or_none, run

DOCUMENTATION = r"""
module: egov_unbound_filter
short_description: Write the site filter file unbound includes, check unbound's whole configuration, reload
description:
  - When O(content) differs from O(path), the new file replaces the old one in one rename and
    C(unbound-checkconf) checks unbound's main configuration, which includes it. A configuration it refuses
    puts the old file back (unbound, not reloaded, never saw the new one) and the task fails with its message.
  - Then O(reload_command) makes unbound load it. If that fails, the old file is put back too, so the next run
    tries again instead of finding the file already in place.
options:
  content:
    description: The whole filter file (a C(server:) clause with the compiled local-zone lines).
    type: str
    required: true
  path:
    description: The filter file, included by unbound's configuration.
    type: path
    required: true
  config:
    description: Absolute path of unbound's main configuration.
    type: path
    required: true
  reload_command:
    description: The command that makes the running unbound load the configuration again.
    type: list
    elements: str
    required: true
"""


def put_back(path, old):
    """Restore the file as it was before this run (or remove it if there was none)."""
    if old is None:
        os.unlink(path)
    else:
        atomic_write(path, old, mode=0o644)


def main():
    module = AnsibleModule(
        argument_spec={
            "content": {"type": "str", "required": True},
            "path": {"type": "path", "required": True},
            "config": {"type": "path", "required": True},
            "reload_command": {"type": "list", "elements": "str", "required": True},
        },
        supports_check_mode=True,
    )
    path, content = module.params["path"], module.params["content"]
    if not os.path.isabs(module.params["config"]):
        module.fail_json(msg=f"unbound needs an absolute configuration path, not {module.params['config']!r}")
    old = read_or_none(path)
    result = {"changed": old != content, "diff": {"before": old or "", "after": content,
                                                   "before_header": path, "after_header": f"{path} (wanted)"}}
    if not result["changed"] or module.check_mode:
        module.exit_json(**result)
    atomic_write(path, content, mode=0o644)
    for step, command in (("unbound-checkconf refused it", ["unbound-checkconf", module.params["config"]]),
                          ("reloading unbound failed", module.params["reload_command"])):
        try:
            run(module, command)
        except CommandFailed as failure:
            put_back(path, old)
            module.fail_json(msg=f"{step}; the previous filter stays in force: {failure}", **result)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
