"""The collector's settings from the environment: wrong values named, the token never shown."""

import pytest

from egov_collectors.settings import Settings, SettingsError

BASE = {"EGOV_COLLECTOR_NETBOX_URL": "https://netbox.example", "EGOV_COLLECTOR_NETBOX_TOKEN": "nbt_abc.s3cret-token"}


def test_defaults_and_overrides():
    settings = Settings.from_env({**BASE, "EGOV_COLLECTOR_INTERVAL": "60", "EGOV_COLLECTOR_DEADLINE": "2.5"})
    assert (settings.interval, settings.deadline, settings.batch_size) == (60, 2.5, 25)
    assert (settings.reconcile_interval, settings.reconcile_concurrency, settings.reconcile_timeout) == (3600, 8, 30)
    assert Settings.from_env({**BASE, "EGOV_COLLECTOR_RECONCILE_INTERVAL": "900"}).reconcile_interval == 900
    assert settings.netbox_token == "nbt_abc.s3cret-token"
    assert "s3cret" not in repr(settings)


@pytest.mark.parametrize("missing", ["EGOV_COLLECTOR_NETBOX_URL", "EGOV_COLLECTOR_NETBOX_TOKEN"])
def test_a_missing_setting_is_named(missing):
    with pytest.raises(SettingsError, match=f"{missing} is not set"):
        Settings.from_env({k: v for k, v in BASE.items() if k != missing})


@pytest.mark.parametrize(("name", "value", "message"), [
    ("INTERVAL", "five", "EGOV_COLLECTOR_INTERVAL must be a number, got 'five'"),
    ("INTERVAL", "3", "EGOV_COLLECTOR_INTERVAL must be at least 10, got '3'"),
    ("BATCH_SIZE", "0", "EGOV_COLLECTOR_BATCH_SIZE must be at least 1, got '0'"),
    ("RECONCILE_INTERVAL", "59", "EGOV_COLLECTOR_RECONCILE_INTERVAL must be at least 60, got '59'"),
    ("RECONCILE_INTERVAL", "1h", "EGOV_COLLECTOR_RECONCILE_INTERVAL must be a number, got '1h'"),
    ("RECONCILE_CONCURRENCY", "0", "EGOV_COLLECTOR_RECONCILE_CONCURRENCY must be at least 1, got '0'"),
    ("RECONCILE_TIMEOUT", "0.5", "EGOV_COLLECTOR_RECONCILE_TIMEOUT must be at least 1, got '0.5'"),
])
def test_a_wrong_number_names_the_variable_and_the_value(name, value, message):
    with pytest.raises(SettingsError) as raised:
        Settings.from_env({**BASE, f"EGOV_COLLECTOR_{name}": value})
    assert str(raised.value) == message


def test_the_token_comes_from_a_file_only_its_owner_reads(tmp_path):
    token_file = tmp_path / "netbox-token"
    token_file.write_text("nbt_xyz.from-the-file\n")
    token_file.chmod(0o600)
    environ = {"EGOV_COLLECTOR_NETBOX_URL": "https://netbox.example", "EGOV_COLLECTOR_NETBOX_TOKEN_FILE":
               str(token_file)}
    assert Settings.from_env(environ).netbox_token == "nbt_xyz.from-the-file"

    token_file.chmod(0o644)
    with pytest.raises(SettingsError) as raised:
        Settings.from_env(environ)
    assert f"token file {token_file} is open to group or others (mode 0644)" in str(raised.value)
    assert "from-the-file" not in str(raised.value)


def test_the_command_names_what_is_unavailable(tmp_path):
    """egov-collector without a reachable Redis or NetBox: one line saying which, no traceback, status 1."""
    import socket
    import subprocess
    import sys
    from pathlib import Path

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    command = str(Path(sys.executable).parent / "egov-collector")
    environ = {"PATH": "/usr/bin:/bin", "EGOV_COLLECTOR_NETBOX_URL": f"http://127.0.0.1:{closed}/",
               "EGOV_COLLECTOR_NETBOX_TOKEN": "nbt_abc.s3cret-token", "EGOV_COLLECTOR_REDIS_URL":
               f"redis://127.0.0.1:{closed}/0", "EGOV_COLLECTOR_SPOOL_DIR": str(tmp_path)}

    # Devices named: the plan must come from NetBox (a kept plan in Redis is only for whole cycles).
    netbox_down = subprocess.run([command, "poll", "--device", "gw-disdik"], env=environ, capture_output=True,
                                 text=True, timeout=60)
    assert netbox_down.returncode == 1
    assert netbox_down.stderr.startswith("Error: NetBox is unavailable: ConnectionError"), netbox_down.stderr
    redis_down = subprocess.run([command, "run", "--once"], env=environ, capture_output=True, text=True, timeout=60)
    assert redis_down.returncode == 1
    assert redis_down.stderr.startswith("Error: Redis (EGOV_COLLECTOR_REDIS_URL) is unavailable"), redis_down.stderr
    assert "s3cret" not in netbox_down.stderr + redis_down.stderr
    assert "Traceback" not in netbox_down.stderr + redis_down.stderr
