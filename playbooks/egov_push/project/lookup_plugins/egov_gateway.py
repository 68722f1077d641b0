"""Lookup egov_gateway: what a gateway enforces, from NetBox (egov_push.netbox.gateway_vars)."""

import sys
from pathlib import Path

from ansible.errors import AnsibleError
from ansible.plugins.lookup import LookupBase

# This folder is egov_push/project/lookup_plugins: the folder holding egov_push, for a checkout (installed, it
# is importable anyway).
sys.path.append(str(Path(__file__).resolve().parents[3]))

from egov_push.netbox import NetBox, NetBoxError, gateway_vars  # noqa: E402 (after the path above)

DOCUMENTATION = r"""
name: egov_gateway
short_description: The host variables of gateways (interfaces, agencies with the limits in force, site filter)
description:
  - For each NetBox device id given, the data contract of the enforcement roles (docs/enforcement.md), read
    from NETBOX_API with the read-only token NETBOX_TOKEN; the compiled filter is fetched with If-None-Match.
options:
  _terms:
    description: NetBox device ids.
    required: true
  syntax:
    description: The compiled filter's syntax (unbound, routeros).
    type: str
    default: unbound
"""


class LookupModule(LookupBase):
    def run(self, terms, variables=None, **kwargs):
        self.set_options(var_options=variables, direct=kwargs)
        try:
            netbox = NetBox.from_environment()
            return [gateway_vars(netbox, int(term), syntax=self.get_option("syntax")) for term in terms]
        except NetBoxError as error:
            raise AnsibleError(str(error)) from error
