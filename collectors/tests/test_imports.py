"""The collectors talk to the plugin over REST only: no module of egov_collectors imports netbox_egov or Django
(which would need NetBox installed and configured). The pure rules import neither the network stack nor a
database client, so they are tested and benchmarked as plain Python."""

import pkgutil
import subprocess
import sys

import pytest
from tests.checkout import checkout_environment

import egov_collectors

MODULES = sorted(module.name for module in pkgutil.walk_packages(egov_collectors.__path__, "egov_collectors."))
PURE = ["egov_collectors.counters", "egov_collectors.periods", "egov_collectors.accounting",
        "egov_collectors.model", "egov_collectors.snmp.backoff", "egov_collectors.reconcile.names",
        "egov_collectors.reconcile.records", "egov_collectors.reconcile.resolve", "egov_collectors.reconcile.compare",
        "egov_collectors.reconcile.report"]
# Not pure: what talks to devices, NetBox, Redis or the disk's database.
NETWORK_AND_STORAGE = {"asyncio", "socket", "pysnmp", "pyasn1", "requests", "pynetbox", "redis", "rq", "netmiko",
                       "paramiko", "sqlite3", "napalm"}

# A fresh interpreter: what the module pulls in, and nothing the test runner loaded before.
IMPORT_ALONE = """
import importlib, sys
importlib.import_module(sys.argv[1])
print(" ".join(sorted({name.split(".")[0] for name in sys.modules})))
"""


def imported_by(module):
    result = subprocess.run([sys.executable, "-c", IMPORT_ALONE, module], capture_output=True, text=True,
                            timeout=60, check=False, env=checkout_environment(egov_collectors))
    assert result.returncode == 0, result.stderr
    return set(result.stdout.split())


def test_every_module_is_checked():
    assert {"egov_collectors.cycle", "egov_collectors.cli", "egov_collectors.snmp.client"} <= set(MODULES)


@pytest.mark.parametrize("module", MODULES)
def test_no_module_imports_the_plugin_or_django(module):
    assert not imported_by(module) & {"netbox_egov", "django", "netbox"}, module


@pytest.mark.parametrize("module", PURE)
def test_the_pure_rules_import_no_network_or_storage(module):
    assert not imported_by(module) & NETWORK_AND_STORAGE, module
