"""Credentials by name: the secrets file (refused when others may read it), the environment over it, and
never a secret in a message, a repr or the log."""

import logging
import os
import traceback

import pytest

from egov_collectors.secrets import (
    DEFAULT_PATH,
    CredentialNotFound,
    SecretsError,
    SecretStore,
    check_name,
    resolve,
    resolve_ssh,
)

COMMUNITY = "kl4ten-c0mmunity-7f3e"
AUTH_KEY = "auth-9b2c41d8e0"
PRIV_KEY = "priv-5a7e93f1c2"
PASSWORD = "ssh-pa55-0d1e8b"
SECRETS = (COMMUNITY, AUTH_KEY, PRIV_KEY, PASSWORD)
GOOD_FILE = f"""
[snmp.gateways-v2c]
community = "{COMMUNITY}"

[snmp.backbone-v3]
user = "egov-poller"
auth_protocol = "SHA-256"
auth_key = "{AUTH_KEY}"
priv_protocol = "aes128"
priv_key = "{PRIV_KEY}"

[ssh.gw-linux]
username = "root"
password = "{PASSWORD}"
"""


def write_secrets(folder, text, mode=0o600):
    path = folder / "collector-secrets.toml"
    path.write_text(text)
    os.chmod(path, mode)
    return path


@pytest.fixture
def secrets_file(tmp_path):
    return write_secrets(tmp_path, GOOD_FILE)


def assert_no_secret(text):
    for secret in SECRETS:
        assert secret not in text


def error_of(call, *args):
    with pytest.raises(SecretsError) as caught:
        call(*args)
    # The whole traceback, chained exceptions included, as a log handler would print it.
    assert_no_secret("".join(traceback.format_exception(caught.value)))
    return str(caught.value)


def test_v2c_v3_and_ssh_credentials_from_the_file(secrets_file):
    store = SecretStore.load(secrets_file, environ={})
    assert store.snmp("gateways-v2c").community == COMMUNITY
    v3 = store.snmp("backbone-v3")
    assert (v3.user, v3.auth_protocol, v3.auth_key, v3.priv_protocol, v3.priv_key) == (
        "egov-poller", "SHA256", AUTH_KEY, "AES", PRIV_KEY)
    login = store.ssh("gw-linux")
    assert (login.username, login.password, login.key_file) == ("root", PASSWORD, None)


def test_the_file_is_named_by_the_environment_and_resolve_loads_it(secrets_file, monkeypatch):
    monkeypatch.setenv("EGOV_COLLECTOR_SECRETS", str(secrets_file))
    assert resolve("gateways-v2c").community == COMMUNITY
    assert resolve_ssh("gw-linux").password == PASSWORD


def test_credentials_from_the_environment_alone(tmp_path):
    key_file = tmp_path / "id_ed25519"
    key_file.write_text("not read here, only its path")
    environ = {
        "EGOV_SNMP_GATEWAYS_V2C_COMMUNITY": COMMUNITY,
        "EGOV_SNMP_CORE_USER": "egov-poller", "EGOV_SNMP_CORE_AUTH_PROTOCOL": "sha",
        "EGOV_SNMP_CORE_AUTH_KEY": AUTH_KEY, "EGOV_SNMP_CORE_PRIV_PROTOCOL": "AES256",
        "EGOV_SNMP_CORE_PRIV_KEY": PRIV_KEY,
        "EGOV_SSH_GW_LINUX_USERNAME": "egov", "EGOV_SSH_GW_LINUX_KEY_FILE": str(key_file),
        "EGOV_SSH_SWITCHES_USERNAME": "netops", "EGOV_SSH_SWITCHES_PASSWORD": AUTH_KEY,
        "EGOV_SSH_SWITCHES_ENABLE_SECRET": PRIV_KEY,
    }
    # No file at the default path on a test machine: the environment alone serves.
    assert not DEFAULT_PATH.exists()
    store = SecretStore.load(environ=environ)
    assert store.snmp("gateways-v2c").community == COMMUNITY
    core = store.snmp("core")
    assert (core.auth_protocol, core.auth_key, core.priv_protocol, core.priv_key) == (
        "SHA", AUTH_KEY, "AES256", PRIV_KEY)
    assert store.ssh("gw-linux").key_file == str(key_file)
    switches = store.ssh("switches")
    assert (switches.password, switches.enable_secret) == (AUTH_KEY, PRIV_KEY)
    assert PRIV_KEY not in repr(switches) and AUTH_KEY not in repr(switches)


def test_the_environment_wins_whole_over_the_file(secrets_file):
    store = SecretStore.load(secrets_file, environ={"EGOV_SNMP_BACKBONE_V3_COMMUNITY": "from-env-only"})
    credential = store.snmp("backbone-v3")
    # Not a mix: the file's v3 user and keys are not merged into the environment's community.
    assert (credential.community, credential.user, credential.auth_key) == ("from-env-only", None, None)
    assert store.snmp("gateways-v2c").community == COMMUNITY


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o620, 0o602, 0o660, 0o666], ids=oct)
def test_a_file_others_may_read_or_write_is_refused_naming_it_and_its_mode(tmp_path, mode):
    path = write_secrets(tmp_path, GOOD_FILE, mode)
    message = error_of(SecretStore.load, path, {})
    assert str(path) in message
    assert f"mode {mode:04o}" in message
    assert "chmod 600" in message


@pytest.mark.parametrize("mode", [0o600, 0o400], ids=oct)
def test_an_owner_only_file_is_read(tmp_path, mode):
    path = write_secrets(tmp_path, GOOD_FILE, mode)
    assert SecretStore.load(path, environ={}).snmp("gateways-v2c").community == COMMUNITY


def test_a_file_of_another_user_is_refused(secrets_file):
    os.chown(secrets_file, 65534, 65534)  # nobody: neither root nor the user running the tests
    if os.geteuid() == 65534:
        pytest.skip("the tests run as nobody")
    message = error_of(SecretStore.load, secrets_file, {})
    assert "uid 65534" in message and str(secrets_file) in message


def test_a_named_file_that_is_missing_is_an_error(tmp_path):
    missing = tmp_path / "nowhere.toml"
    message = error_of(SecretStore.load, None, {"EGOV_COLLECTOR_SECRETS": str(missing)})
    assert str(missing) in message


def test_a_missing_credential_is_named_not_valued(secrets_file):
    store = SecretStore.load(secrets_file, environ={})
    with pytest.raises(CredentialNotFound) as caught:
        store.snmp("kecamatan-v2c")
    message = str(caught.value)
    assert "'kecamatan-v2c'" in message and "EGOV_SNMP_KECAMATAN_V2C_*" in message and str(secrets_file) in message
    assert_no_secret(message)
    # An SSH name is not an SNMP one.
    assert "no SNMP credential named 'gw-linux'" in error_of(store.snmp, "gw-linux")


@pytest.mark.parametrize(("text", "position"), [
    (f"[snmp.gateways-v2c]\ncommunity = {COMMUNITY}\n", "line 2, column 13"),  # a secret left unquoted
    # tomllib's own message quotes the character it stops at ("Illegal character '\\x01'"): a piece of the secret.
    (f"[snmp.gateways-v2c]\ncommunity = \"{COMMUNITY[:4]}\x01{COMMUNITY[4:]}\"\n", "line 2, column 18"),
])
def test_a_file_that_is_not_toml_is_refused_with_the_position_only(tmp_path, text, position):
    path = write_secrets(tmp_path, text)
    assert error_of(SecretStore.load, path, {}) == f"secrets file {path} is not valid TOML at {position}"


def test_a_file_that_is_not_utf8_is_refused(tmp_path):
    path = tmp_path / "collector-secrets.toml"
    path.write_bytes(f'[snmp.a]\ncommunity = "{COMMUNITY}\xff"\n'.encode("latin-1"))
    os.chmod(path, 0o600)
    assert "is not UTF-8 text" in error_of(SecretStore.load, path, {})


@pytest.mark.parametrize(("text", "expected"), [
    (f"community = '{COMMUNITY}'", "unknown top-level key 'community'"),
    (f"snmp = '{COMMUNITY}'", "'snmp' must be a table of credentials"),
    (f"[snmp]\n'bad name' = {{community = '{COMMUNITY}'}}", "[snmp.bad name] must be a table named with"),
])
def test_a_file_of_the_wrong_shape_is_refused(tmp_path, text, expected):
    path = write_secrets(tmp_path, text)
    assert expected in error_of(SecretStore.load, path, {})


@pytest.mark.parametrize(("fields", "expected"), [
    ("comunity = 'x'", "unknown field comunity"),
    ("community = 1234567", "community must be a string"),
    ("", "give a community (v2c) or a user (v3), exactly one"),
    (f"community = '{COMMUNITY}'\nuser = 'u'", "exactly one of them"),
    (f"community = '{COMMUNITY}'\nauth_key = '{AUTH_KEY}'", "auth_key belong to a v3 user"),
    (f"user = 'u'\nauth_protocol = 'SHA1024'\nauth_key = '{AUTH_KEY}'", "auth_protocol 'SHA1024' is not one of"),
    ("user = 'u'\nauth_protocol = 'SHA'", "auth_protocol is set but auth_key is missing"),
    (f"user = 'u'\nauth_key = '{AUTH_KEY}'", "auth_key is set but auth_protocol is missing"),
    ("user = 'u'\nauth_protocol = 'SHA'\nauth_key = 'short'", "auth_key is shorter than 8 characters"),
    (f"user = 'u'\npriv_protocol = 'AES'\npriv_key = '{PRIV_KEY}'", "privacy (priv_protocol) needs authentication"),
    (f"user = 'u'\nauth_protocol = 'SHA'\nauth_key = '{AUTH_KEY}'\npriv_protocol = 'ROT13'\npriv_key = '{PRIV_KEY}'",
     "priv_protocol 'ROT13' is not one of DES, AES, AES192, AES256"),
])
def test_a_bad_snmp_credential_names_the_field_never_the_secret(tmp_path, fields, expected):
    path = write_secrets(tmp_path, f"[snmp.bad]\n{fields}\n")
    store = SecretStore.load(path, environ={})
    message = error_of(store.snmp, "bad")
    assert expected in message
    assert f"{path} [snmp.bad]" in message


@pytest.mark.parametrize(("fields", "expected"), [
    (f"password = '{PASSWORD}'", "username is missing"),
    ("username = 'root'", "give a password or a key_file"),
    (f"username = 'root'\npassword = '{PASSWORD}'\npassphrase = '{PASSWORD}'", "a passphrase needs a key_file"),
    ("username = 'root'\nkey_file = '/nonexistent/id_ed25519'", "key_file /nonexistent/id_ed25519 cannot be read"),
])
def test_a_bad_ssh_credential_names_the_field(tmp_path, fields, expected):
    store = SecretStore.load(write_secrets(tmp_path, f"[ssh.bad]\n{fields}\n"), environ={})
    assert expected in error_of(store.ssh, "bad")


def test_a_bad_credential_from_the_environment_names_its_variables():
    store = SecretStore.load(environ={"EGOV_SNMP_CORE_USER": "u", "EGOV_SNMP_CORE_AUTH_KEY": AUTH_KEY})
    message = error_of(store.snmp, "core")
    assert "environment EGOV_SNMP_CORE_*" in message and "auth_protocol is missing" in message


@pytest.mark.parametrize("name", ["", "gw linux", "../etc", "a" * 64, 7, None, "-leading-dash"])
def test_names_that_cannot_name_a_credential_are_refused(name):
    with pytest.raises(SecretsError, match="is not valid"):
        check_name(name)


def test_no_secret_in_repr_str_or_the_log(secrets_file, caplog):
    caplog.set_level(logging.DEBUG)
    store = SecretStore.load(secrets_file, environ={})
    records = [store.snmp("gateways-v2c"), store.snmp("backbone-v3"), store.ssh("gw-linux")]
    shown = " ".join([repr(store), str(store), *map(repr, records), *map(str, records), caplog.text])
    assert_no_secret(shown)
    assert "gateways-v2c" in repr(store) and "backbone-v3" in repr(records[1]) and "root" in repr(records[2])
