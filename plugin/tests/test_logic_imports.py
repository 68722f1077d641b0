"""The pure rules stay pure: each module of netbox_egov.logic imports without Django, NetBox or the rest of
the plugin, so it can be tested and benchmarked as plain Python. Not importing choices.py, they write choice
values as plain strings: those must be the choices' own values."""

import datetime
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import netbox_egov.logic
from netbox_egov.choices import LinkMediumChoices, QuotaStateChoices, RecommendationStatusChoices
from netbox_egov.logic.quota import usage_state
from netbox_egov.logic.topology_svg import MEDIUM_COLORS
from netbox_egov.logic.workflow import TRANSITIONS, effective_status

PLUGIN_ROOT = Path(netbox_egov.logic.__file__).parents[1]
MODULES = sorted(module.name for module in pkgutil.iter_modules(netbox_egov.logic.__path__))

# Run in a fresh interpreter: the plugin package stands in as an empty package, so its __init__ (the NetBox
# plugin's registration, which imports Django) does not run; anything else the module pulls in is reported.
IMPORT_ALONE = """
import importlib, sys, types
package = types.ModuleType("netbox_egov")
package.__path__ = [sys.argv[1]]
sys.modules["netbox_egov"] = package
importlib.import_module("netbox_egov.logic." + sys.argv[2])
tops = {name.split(".")[0] for name in sys.modules}
plugin = {name for name in sys.modules if name.startswith("netbox_egov.") and not name.startswith("netbox_egov.logic")}
print(" ".join(sorted((tops & {"django", "netbox", "rest_framework"}) | plugin)))
"""


def test_every_logic_module_is_checked():
    assert "domains" in MODULES and "quota" in MODULES


@pytest.mark.parametrize("module", MODULES)
def test_a_logic_module_imports_no_django(module):
    result = subprocess.run([sys.executable, "-c", IMPORT_ALONE, str(PLUGIN_ROOT), module],
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "", f"netbox_egov.logic.{module} imports {result.stdout.strip()}"


def test_the_plain_strings_of_logic_are_choice_values():
    yesterday = datetime.date.today() - datetime.timedelta(days=1)
    statuses = {state for pair in TRANSITIONS.values() for state in pair} | {effective_status("approved", yesterday)}
    assert statuses == set(RecommendationStatusChoices.values())
    states = {usage_state(used, 100) for used in (0, 90, 100)} | {usage_state(1, None)}
    assert states == set(QuotaStateChoices.values())
    assert set(MEDIUM_COLORS) == set(LinkMediumChoices.values())
