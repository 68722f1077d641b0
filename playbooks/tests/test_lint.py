"""ansible-lint's production profile passes on the playbooks and roles (configuration: playbooks/.ansible-lint)."""

import os
import subprocess
import sys
from pathlib import Path

PLAYBOOKS = Path(__file__).resolve().parent.parent


def test_ansible_lint_production_profile_is_clean():
    venv_bin = Path(sys.executable).parent
    done = subprocess.run([str(venv_bin / "ansible-lint"), "--profile", "production", "--nocolor", "."],
                          cwd=PLAYBOOKS, capture_output=True, text=True,
                          env={**os.environ, "PATH": f"{venv_bin}{os.pathsep}{os.environ['PATH']}"})
    assert done.returncode == 0, done.stdout + done.stderr
