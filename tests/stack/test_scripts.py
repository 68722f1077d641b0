"""The stack scripts' error paths print one clear line; a re-run starts nothing twice."""

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
STACK = ROOT / "stack"


def run(script, *args, env=None):
    environment = {**os.environ, **(env or {})}
    return subprocess.run(
        ["/bin/bash", str(STACK / script), *args], capture_output=True, text=True, env=environment, timeout=120
    )


@pytest.fixture
def busy_port():
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        yield listener.getsockname()[1]


@pytest.fixture
def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_no_python_312_names_what_to_install(tmp_path):
    result = run("find-python.sh", env={"PATH": str(tmp_path), "PYENV_ROOT": str(tmp_path), "EGOV_PYTHON": ""})
    assert result.returncode == 1
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "no Python >= 3.12 found" in lines[0]
    assert "apt-get install python3.12" in lines[0]


def test_too_old_python_on_path_is_passed_over(tmp_path):
    old = tmp_path / "python3.12"
    old.write_text("#!/bin/sh\nexit 1\n")  # answers like a Python older than 3.12
    old.chmod(0o755)
    result = run("find-python.sh", env={"PATH": str(tmp_path), "PYENV_ROOT": str(tmp_path), "EGOV_PYTHON": ""})
    assert result.returncode == 1
    assert "no Python >= 3.12 found" in result.stderr


def test_pyenv_build_is_found_when_not_on_path(tmp_path):
    build = tmp_path / "versions" / "3.12.9" / "bin"
    build.mkdir(parents=True)
    (build / "python").symlink_to(sys.executable)
    result = run("find-python.sh", env={"PATH": "/nonexistent", "PYENV_ROOT": str(tmp_path), "EGOV_PYTHON": ""})
    assert result.returncode == 0, result.stderr
    assert Path(result.stdout.strip()).resolve() == Path(sys.executable).resolve()


def test_redis_port_in_use_names_port_and_variable(tmp_path, busy_port):
    result = run("services.sh", "start", "redis",
                 env={"EGOV_STATE_DIR": str(tmp_path), "EGOV_REDIS_PORT": str(busy_port)})
    assert result.returncode == 1
    assert f"port {busy_port}" in result.stderr
    assert "EGOV_REDIS_PORT" in result.stderr


def test_web_port_in_use_names_port_and_variable(tmp_path, busy_port):
    result = run("netbox.sh", "serve", env={"EGOV_STATE_DIR": str(tmp_path), "EGOV_HTTP_PORT": str(busy_port)})
    assert result.returncode == 1
    assert f"port {busy_port}" in result.stderr
    assert "EGOV_HTTP_PORT" in result.stderr


@pytest.fixture
def scratch_postgres(tmp_path, free_port):
    env = {"EGOV_STATE_DIR": str(tmp_path / "state"), "EGOV_PG_PORT": str(free_port)}
    yield env
    run("services.sh", "stop", "postgres", env=env)
    run("clean.sh", env=env)


def test_postgres_port_in_use_names_port_and_variable(scratch_postgres, busy_port):
    result = run("services.sh", "start", "postgres", env={**scratch_postgres, "EGOV_PG_PORT": str(busy_port)})
    assert result.returncode == 1
    assert f"port {busy_port}" in result.stderr
    assert "EGOV_PG_PORT" in result.stderr


def test_second_start_reuses_the_running_postgres(scratch_postgres):
    first = run("services.sh", "start", "postgres", env=scratch_postgres)
    assert first.returncode == 0, first.stderr
    pid = postmaster_pid(scratch_postgres)
    second = run("services.sh", "start", "postgres", env=scratch_postgres)
    assert second.returncode == 0, second.stderr
    assert "starting PostgreSQL" not in second.stdout
    assert postmaster_pid(scratch_postgres) == pid

    moved = run("services.sh", "start", "postgres", env={**scratch_postgres, "EGOV_PG_PORT": "1"})
    assert moved.returncode == 1
    assert "make down" in moved.stderr
    assert postmaster_pid(scratch_postgres) == pid

    stopped = run("services.sh", "stop", "postgres", env=scratch_postgres)
    assert stopped.returncode == 0, stopped.stderr
    assert not process_running(pid)


def process_running(pid):
    """True for a live process; a zombie (exited, not yet reaped by its parent) has stopped."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def postmaster_pid(env):
    data = Path(env["EGOV_STATE_DIR"]) / "postgres" / "data" / "postmaster.pid"
    return int(data.read_text().splitlines()[0])
