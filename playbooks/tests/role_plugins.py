"""The roles' filter plugins loaded as plain modules, so their input checks are tested without running a play."""

import importlib.util

from egov_push.runner import PLAYBOOKS

ROLES = PLAYBOOKS / "roles"
# An agency as the roles take it (egov_agencies in docs/enforcement.md).
AGENCY = {"slug": "disdik", "rate_down_mbps": 10, "ceil_down_mbps": 50, "rate_up_mbps": 5, "ceil_up_mbps": 20,
          "prio": 2, "prefixes": ["10.20.0.0/24"]}


def load_filter_plugin(role, name):
    """roles/<role>/filter_plugins/<name>.py as a module."""
    spec = importlib.util.spec_from_file_location(name, ROLES / role / "filter_plugins" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
