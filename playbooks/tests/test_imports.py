"""egov_push talks to the plugin over REST only: no module imports netbox_egov or Django (NetBox would have to be
installed and configured where pushes run). The rule of the limits in force imports nothing of the network."""

import pkgutil
import subprocess
import sys

import pytest
from tests.checkout import checkout_environment

import egov_collectors
import egov_push

MODULES = sorted(module.name for module in pkgutil.walk_packages(egov_push.__path__, "egov_push."))
NETWORK = {"socket", "requests", "pynetbox", "ansible_runner", "ansible"}

# A fresh interpreter: what the module pulls in, and nothing the test runner loaded before.
IMPORT_ALONE = """
import importlib, sys
importlib.import_module(sys.argv[1])
print(" ".join(sorted({name.split(".")[0] for name in sys.modules})))
"""


def imported_by(module):
    result = subprocess.run([sys.executable, "-c", IMPORT_ALONE, module], capture_output=True, text=True,
                            timeout=60, check=False, env=checkout_environment(egov_push, egov_collectors))
    assert result.returncode == 0, result.stderr
    return set(result.stdout.split())


def test_every_module_is_checked():
    assert {"egov_push.netbox", "egov_push.runner", "egov_push.effective", "egov_push.cli"} <= set(MODULES)


@pytest.mark.parametrize("module", MODULES)
def test_no_module_imports_the_plugin_or_django(module):
    assert not imported_by(module) & {"netbox_egov", "django", "netbox"}, module


def test_the_limits_in_force_are_plain_python():
    assert not imported_by("egov_push.effective") & NETWORK
