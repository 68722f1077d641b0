"""ansible-lint's production profile passes on the plays and roles (configuration: the project's .ansible-lint)."""

import os
import subprocess
import sys
from pathlib import Path

from egov_push.runner import PLAYBOOKS


def test_ansible_lint_production_profile_is_clean():
    venv_bin = Path(sys.executable).parent
    done = subprocess.run([str(venv_bin / "ansible-lint"), "--profile", "production", "--nocolor", "."],
                          cwd=PLAYBOOKS, capture_output=True, text=True,
                          env={**os.environ, "PATH": f"{venv_bin}{os.pathsep}{os.environ['PATH']}"})
    assert done.returncode == 0, done.stdout + done.stderr
