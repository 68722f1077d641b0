"""The exporter's settings from the environment: defaults, wrong values named with the variable, the token never
shown."""

import pytest

from egov_collectors.settings import Settings as CollectorSettings
from egov_collectors.store import PREFIX as STORE_PREFIX
from egov_exporter.settings import Settings, SettingsError

NETBOX = {"EGOV_EXPORTER_NETBOX_URL": "https://netbox.example", "EGOV_EXPORTER_NETBOX_TOKEN": "nbt_abc.s3cret-token"}


def test_defaults_are_the_collectors_redis_and_no_netbox():
    settings = Settings.from_env({})
    assert (settings.host, settings.port, settings.listen) == ("127.0.0.1", 9877, "127.0.0.1:9877")
    assert (settings.redis_url, settings.redis_prefix) == (CollectorSettings.redis_url, STORE_PREFIX)
    assert (settings.netbox_url, settings.netbox_token) == (None, None)
    assert (settings.netbox_interval, settings.netbox_timeout) == (60.0, 10.0)


def test_the_redis_url_is_the_collectors_unless_the_exporter_has_its_own():
    collectors = {"EGOV_COLLECTOR_REDIS_URL": "redis://10.0.0.5:6379/2"}
    assert Settings.from_env(collectors).redis_url == "redis://10.0.0.5:6379/2"
    own = collectors | {"EGOV_EXPORTER_REDIS_URL": "redis://127.0.0.1:6380/0", "EGOV_EXPORTER_REDIS_PREFIX": "x:y"}
    assert (Settings.from_env(own).redis_url, Settings.from_env(own).redis_prefix) == ("redis://127.0.0.1:6380/0",
                                                                                       "x:y")


@pytest.mark.parametrize(("listen", "host", "port"), [
    ("0.0.0.0:9100", "0.0.0.0", 9100),
    (":9877", "0.0.0.0", 9877),
    ("[::1]:9877", "::1", 9877),
    ("localhost:0", "localhost", 0),
])
def test_listen_addresses(listen, host, port):
    settings = Settings.from_env({"EGOV_EXPORTER_LISTEN": listen})
    assert (settings.host, settings.port) == (host, port)


@pytest.mark.parametrize("listen", ["9877", "127.0.0.1", "127.0.0.1:http", "127.0.0.1:70000", "::1:9877"])
def test_a_wrong_listen_address_is_named(listen):
    with pytest.raises(SettingsError) as raised:
        Settings.from_env({"EGOV_EXPORTER_LISTEN": listen})
    assert str(raised.value).startswith("EGOV_EXPORTER_LISTEN must be host:port")
    assert str(raised.value).endswith(f"got {listen!r}")


def test_netbox_settings_and_the_token_kept_out_of_repr():
    settings = Settings.from_env(NETBOX | {"EGOV_EXPORTER_NETBOX_INTERVAL": "120", "EGOV_EXPORTER_NETBOX_TIMEOUT":
                                           "2.5"})
    assert (settings.netbox_url, settings.netbox_token) == ("https://netbox.example", "nbt_abc.s3cret-token")
    assert (settings.netbox_interval, settings.netbox_timeout) == (120.0, 2.5)
    assert "s3cret" not in repr(settings)


@pytest.mark.parametrize(("environ", "message"), [
    ({"EGOV_EXPORTER_NETBOX_INTERVAL": "soon"}, "EGOV_EXPORTER_NETBOX_INTERVAL must be a number, got 'soon'"),
    ({"EGOV_EXPORTER_NETBOX_INTERVAL": "0.5"}, "EGOV_EXPORTER_NETBOX_INTERVAL must be at least 1, got '0.5'"),
    ({"EGOV_EXPORTER_NETBOX_TIMEOUT": "-3"}, "EGOV_EXPORTER_NETBOX_TIMEOUT must be at least 1, got '-3'"),
    ({"EGOV_EXPORTER_NETBOX_URL": "netbox.example"},
     "EGOV_EXPORTER_NETBOX_URL must be an http:// or https:// URL, got 'netbox.example'"),
])
def test_a_wrong_value_names_the_variable_and_the_value(environ, message):
    with pytest.raises(SettingsError) as raised:
        Settings.from_env(NETBOX | environ)
    assert str(raised.value) == message


def test_a_url_needs_a_token_and_a_token_needs_a_url():
    with pytest.raises(SettingsError, match="^EGOV_EXPORTER_NETBOX_TOKEN is not set$"):
        Settings.from_env({"EGOV_EXPORTER_NETBOX_URL": "https://netbox.example"})
    with pytest.raises(SettingsError) as raised:
        Settings.from_env({"EGOV_EXPORTER_NETBOX_TOKEN": "nbt_abc.s3cret-token"})
    assert str(raised.value).startswith("EGOV_EXPORTER_NETBOX_TOKEN is set but EGOV_EXPORTER_NETBOX_URL is not")
    assert "s3cret" not in str(raised.value)


def test_the_token_comes_from_a_file_only_its_owner_reads(tmp_path):
    token_file = tmp_path / "exporter-token"
    token_file.write_text("nbt_xyz.from-the-file\n")
    token_file.chmod(0o600)
    environ = {"EGOV_EXPORTER_NETBOX_URL": "https://netbox.example", "EGOV_EXPORTER_NETBOX_TOKEN_FILE": str(token_file),
               "EGOV_EXPORTER_NETBOX_TOKEN": "nbt_ignored.when-a-file-is-named"}
    assert Settings.from_env(environ).netbox_token == "nbt_xyz.from-the-file"

    token_file.chmod(0o640)
    with pytest.raises(SettingsError) as raised:
        Settings.from_env(environ)
    assert str(raised.value).startswith(
        f"EGOV_EXPORTER_NETBOX_TOKEN_FILE: token file {token_file} is open to group or others (mode 0640)")
    assert "from-the-file" not in str(raised.value)
