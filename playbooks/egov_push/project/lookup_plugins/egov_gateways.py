"""Lookup egov_gateways: ids of the devices that enforce a quota (inventory/netbox.yml groups them)."""

import sys
from pathlib import Path

from ansible.errors import AnsibleError
from ansible.plugins.lookup import LookupBase

# This folder is egov_push/project/lookup_plugins: the folder holding egov_push, for a checkout (installed, it
# is importable anyway).
sys.path.append(str(Path(__file__).resolve().parents[3]))

from egov_push.netbox import NetBox, NetBoxError  # noqa: E402 (after the path above)

DOCUMENTATION = r"""
name: egov_gateways
short_description: Ids of the NetBox devices that are the enforcement device of at least one quota
description:
  - Read from NETBOX_API with the token NETBOX_TOKEN, like nb_inventory, once per process (the inventory asks
    for every device it lists).
"""

_ids = {}  # NETBOX_API -> ids: one request per inventory, not one per device


class LookupModule(LookupBase):
    def run(self, terms, variables=None, **kwargs):
        try:
            netbox = NetBox.from_environment()
            key = netbox.api.base_url
            if key not in _ids:
                _ids[key] = netbox.gateway_ids()
        except NetBoxError as error:
            raise AnsibleError(str(error)) from error
        return _ids[key]
