"""nftables counters of a Linux gateway over SSH: a real sshd in a network namespace, real traffic counted by
the kernel, and every way a login or the command can fail (ssh_peers.py builds the namespaces)."""

import os

import pytest

from egov_collectors.model import SSHCredential, Target
from egov_collectors.nft import COMMAND, NftError, parse_answer, read_counters, read_target
from egov_collectors.secrets import SecretStore

DATAGRAMS = 5
PAYLOAD = 1000
PACKET = PAYLOAD + 8 + 20  # UDP and IPv4 headers: nft counts the whole IP packet
WRONG_PASSWORD = "wr0ng-pa55-3c1f"


def root_by_key(world):
    return SSHCredential(name="gw-linux", username="root", key_file=str(world.client_key))


def read(world, address, credential=None, known_hosts=None, timeout=30.0):  # generous: a loaded machine
    host, port = address
    return world.call(read_counters, host, credential or root_by_key(world), device="gw-test", port=port,
                      known_hosts=known_hosts or world.known_hosts, timeout=timeout)


def failure(world, address, **options):
    with pytest.raises(NftError) as caught:
        read(world, address, **options)
    assert str(caught.value).startswith("gw-test: ")
    return caught.value


def test_counters_read_over_ssh_are_the_kernels(ssh_world):
    ssh_world.echo_from_lan(DATAGRAMS, PAYLOAD)
    counters = read(ssh_world, ssh_world.gateway)

    assert counters == ssh_world.kernel_counters()
    assert counters["agency_disdik_up"] == (DATAGRAMS, DATAGRAMS * PACKET)
    assert counters["agency_disdik_down"] == (DATAGRAMS, DATAGRAMS * PACKET)
    assert counters["agency_dinkes_up"] == counters["agency_dinkes_down"] == (0, 0)

    # More traffic, more counted: the counters are the kernel's, live.
    ssh_world.echo_from_lan(DATAGRAMS, PAYLOAD)
    assert read(ssh_world, ssh_world.gateway)["agency_disdik_up"] == (2 * DATAGRAMS, 2 * DATAGRAMS * PACKET)


def test_a_target_reads_with_the_login_its_profile_names(ssh_world, tmp_path):
    secrets = tmp_path / "collector-secrets.toml"
    secrets.write_text(f'[ssh.gw-linux]\nusername = "root"\nkey_file = "{ssh_world.client_key}"\n')
    os.chmod(secrets, 0o600)
    store = SecretStore.load(secrets, environ={})
    host, port = ssh_world.gateway
    target = Target(device="gw-rsud-bagaswaras", host=host, credential="gateways-v2c", platform="linux",
                    ssh_credential="gw-linux", ssh_port=port)

    counters = ssh_world.call(read_target, target, store, known_hosts=ssh_world.known_hosts)

    assert set(counters) == {"agency_disdik_down", "agency_disdik_up", "agency_dinkes_down", "agency_dinkes_up"}
    with pytest.raises(NftError, match="gw-rsud-bagaswaras: no SSH credential named 'gw-other'") as caught:
        read_target(Target(device="gw-rsud-bagaswaras", host=host, credential="x", ssh_credential="gw-other"), store)
    assert caught.value.kind == "credential"
    with pytest.raises(NftError, match="names no SSH credential") as caught:
        read_target(Target(device="gw-setda", host=host, credential="x"), store)


def test_a_wrong_password_is_an_authentication_error_without_the_password(ssh_world):
    error = failure(ssh_world, ssh_world.gateway, credential=SSHCredential("gw", "root", password=WRONG_PASSWORD))
    assert error.kind == "authentication"
    assert "SSH login as root refused by 10.77.2.1:22" in str(error)
    assert WRONG_PASSWORD not in f"{error!s} {error!r} {error.__cause__!r} {error.__context__!r}"


def test_a_key_nobody_authorized_is_an_authentication_error(ssh_world):
    error = failure(ssh_world, ssh_world.gateway,
                    credential=SSHCredential("gw", "root", key_file=str(ssh_world.other_key)))
    assert error.kind == "authentication"


def test_a_changed_host_key_is_refused(ssh_world):
    impostor = " ".join((ssh_world.other_key.with_suffix(".pub")).read_text().split()[:2])
    known_hosts = ssh_world.known_hosts_with(impostor, "known_hosts_of_before")
    error = failure(ssh_world, ssh_world.gateway, known_hosts=known_hosts)
    assert error.kind == "host-key-changed"
    assert f"the SSH host key of 10.77.2.1:22 is not the one in {known_hosts}" in str(error)


def test_an_unknown_host_key_is_refused_not_added(ssh_world):
    empty = ssh_world.folder / "known_hosts_empty"
    empty.write_text("")
    error = failure(ssh_world, ssh_world.gateway, known_hosts=empty)
    assert error.kind == "host-key-unknown"
    assert "ssh-keyscan -p 22 10.77.2.1" in str(error)
    assert empty.read_text() == ""


def test_a_peer_that_never_answers_times_out(ssh_world):
    error = failure(ssh_world, ssh_world.dropped, timeout=2)
    assert error.kind == "timeout"
    assert str(error) == "gw-test: no SSH answer from 10.77.3.1:2299 within 2 s"


def test_a_closed_port_is_unreachable(ssh_world):
    error = failure(ssh_world, ssh_world.refused)
    assert (error.kind, str(error)) == ("unreachable", "gw-test: 10.77.3.1:2300 refused the connection (no sshd on "
                                                       "that port?)")


def test_a_gateway_without_the_table(ssh_world):
    error = failure(ssh_world, ssh_world.bare)
    assert (error.kind, str(error)) == ("table-missing", "gw-test: there is no table inet egov (the enforcement "
                                                         "playbook has not run there)")


def test_a_gateway_without_nft(ssh_world):
    error = failure(ssh_world, ssh_world.bare_without_nft)
    assert (error.kind, str(error)) == ("nft-missing", "gw-test: nft is not installed, or not on the PATH of root")


# The JSON itself is accounting.parse_nft_counters' (test_accounting.py): here, what its refusal becomes.
@pytest.mark.parametrize(("answer", "kind", "message"), [
    ('{"nftables": {"counter": 1}}', "bad-output", f"unusable answer to `{COMMAND}`: nft output has no 'nftables' "
                                                   f"list"),
    ('{"nftables": [', "bad-output", f"unusable answer to `{COMMAND}`: nft output is not JSON"),
    ("Error: Could not process rule: Operation not permitted", "permission", "root may not read nftables"),
    ("Segmentation fault", "bad-output", f"unexpected answer to `{COMMAND}`: 'Segmentation fault'"),
])
def test_answers_that_are_not_counters(answer, kind, message):
    with pytest.raises(NftError) as caught:
        parse_answer("gw-test", "root", answer)
    assert caught.value.kind == kind
    assert str(caught.value).startswith("gw-test: ")
    assert message in str(caught.value)
