"""egov-exporter installs with the `[exporters]` extra alone: its modules import neither the plugin nor Django
(ARCHITECTURE: the exporter reads NetBox over REST), and no third-party package outside that extra."""

import pkgutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import egov_exporter

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"
MODULES = sorted(module.name for module in pkgutil.walk_packages(egov_exporter.__path__, "egov_exporter."))
# What the extra's packages import of their own (requests' and redis' dependencies), and redis' optional TLS.
DEPENDENCIES_OF_THE_EXTRA = {"certifi", "charset_normalizer", "idna", "urllib3", "cryptography", "hiredis"}
# The project's own packages the exporter shares rules with (the collectors' store, the push's ceilings).
OWN = {"egov_exporter", "egov_collectors", "egov_push"}
IMPORT_ALONE = """
import importlib, sys
importlib.import_module(sys.argv[1])
print(" ".join(sorted({name.split(".")[0] for name in sys.modules} - set(sys.stdlib_module_names))))
"""


def extra_modules():
    """The import names of the `[exporters]` extra's distributions (prometheus-client -> prometheus_client)."""
    extra = tomllib.loads(PYPROJECT.read_text())["project"]["optional-dependencies"]["exporters"]
    return {requirement.split("==")[0].replace("-", "_") for requirement in extra}


@pytest.mark.parametrize("module", MODULES)
def test_imports_only_the_extra_and_never_the_plugin(module):
    result = subprocess.run([sys.executable, "-c", IMPORT_ALONE, module], capture_output=True, text=True,
                            timeout=60, check=True)
    imported = set(result.stdout.split())
    assert not imported & {"django", "netbox_egov", "netbox"}, imported
    # Interpreter start-up hooks of this venv (.pth files) are not the module's doing.
    startup = {name for name in imported if name.startswith("_") or name in {"jnpr", "cython_runtime"}}
    assert imported - startup - OWN - extra_modules() - DEPENDENCIES_OF_THE_EXTRA == set()
