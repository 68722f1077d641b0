"""This checkout's packages for child Pythons (a console script, a fresh interpreter): pytest puts collectors/ and
playbooks/ on its own sys.path only, so a child is given them on PYTHONPATH, before any installed copy (an
editable install may point at another checkout)."""

import os
from pathlib import Path


def checkout_environment(*packages, **variables):
    """os.environ with the folders holding ``packages`` (imported modules) first on PYTHONPATH, and
    ``variables``."""
    path = [str(Path(package.__file__).resolve().parents[1]) for package in packages]
    path += filter(None, [os.environ.get("PYTHONPATH")])
    return {**os.environ, "PYTHONPATH": os.pathsep.join(path), **variables}
