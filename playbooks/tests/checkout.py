"""This checkout's packages for child Pythons (egov-push, a fresh interpreter): pytest puts collectors/ and
playbooks/ on its own sys.path only, so a child is given them on PYTHONPATH, before any installed copy."""

import os
from pathlib import Path

import egov_collectors
import egov_push

SOURCES = [Path(package.__file__).resolve().parents[1] for package in (egov_push, egov_collectors)]


def checkout_environment(**variables):
    """os.environ with the checkout's packages first on PYTHONPATH, and ``variables``."""
    path = [*map(str, SOURCES), *filter(None, [os.environ.get("PYTHONPATH")])]
    return {**os.environ, "PYTHONPATH": os.pathsep.join(path), **variables}
