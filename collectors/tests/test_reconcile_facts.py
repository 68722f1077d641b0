"""Facts over SSH with NAPALM from FakeNOS serving recorded outputs (napalm_peers.py), and every way a login fails:
a per-device error naming the device and the reason, never a traceback, never a secret.

What FakeNOS cannot serve: NETCONF (NAPALM's junos driver: PyEZ opens a NETCONF subsystem, which FakeNOS refuses
after the SSH handshake, so junos is tested here up to its host key check) and the RouterOS API (napalm-ros talks
the API on port 8728, not SSH). It serves every command of the four getters of ios and eos, as recorded text.
"""

from concurrent.futures import ThreadPoolExecutor

import pytest
from napalm.base import NetworkDriver
from tests.napalm_peers import PASSWORD, USERNAME

from egov_collectors.model import SSHCredential
from egov_collectors.reconcile.facts import (
    GETTERS,
    driver_class,
    driver_options,
    read_facts,
    read_target,
    run_getters,
)
from egov_collectors.reconcile.records import ArpEntry, InterfaceState, Neighbour, ReconcileError
from egov_collectors.secrets import SecretStore

WRONG_PASSWORD = "Wr0ng-Lab-77aa"
ENABLE = "En4ble-Lab-31bd"
TIMEOUT = 2  # seconds: the failing peers are local, a second is plenty; two leave room on a loaded machine
# FakeNOS's server thread dies with a traceback when a client leaves before its shell (a refused login, a host
# key the client rejects): the server's noise, not the client's.
SERVER_NOISE = pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")


def login(password=PASSWORD, **more):
    return SSHCredential("lab", USERNAME, password=password, **more)


def read(network, name, credential=None, known_hosts=None, **changes):
    return read_facts(network.target(name, **changes), credential or login(),
                      known_hosts=known_hosts or network.known_hosts, timeout=30)


def failure(network, name, credential=None, known_hosts=None, timeout=TIMEOUT, **changes):
    with pytest.raises(ReconcileError) as caught:
        read_facts(network.target(name, **changes), credential or login(), known_hosts=known_hosts or
                   network.known_hosts, timeout=timeout)
    error = caught.value
    assert str(error).startswith(f"{name}: ")
    for secret in (PASSWORD, WRONG_PASSWORD, ENABLE):
        assert secret not in f"{error!s} {error!r} {error.__cause__!r} {error.__context__!r}"
    return error


# What the devices say.


@pytest.fixture(scope="module")
def facts_of(recorded_network):
    """Each recorded device's facts, read at once (a FakeNOS session takes seconds: it types slowly)."""
    with ThreadPoolExecutor(4) as pool:
        return dict(zip(recorded_network.devices, pool.map(lambda name: read(recorded_network, name),
                                                           recorded_network.devices), strict=True))


def test_an_ios_switch_says_what_it_is_its_interfaces_neighbours_and_arp(facts_of):
    facts = facts_of["core-1"]

    assert (facts.hostname, facts.vendor, facts.model, facts.serial) == ("core-1", "Cisco", "WS-C3750X-24T",
                                                                         "FDO1732Q1AB")
    assert "Version 15.2(4)E10" in facts.os_version
    assert facts.complete and facts.notes == ()
    states = {state.name: state for state in facts.interfaces}
    assert len(states) == 33
    assert states["GigabitEthernet1/0/1"] == InterfaceState("GigabitEthernet1/0/1", enabled=True, up=True,
                                                            description="to gw-disdik Gi0/0/1",
                                                            mac="00:22:BD:F1:2E:01")
    assert (states["GigabitEthernet1/0/5"].enabled, states["GigabitEthernet1/0/5"].up) == (True, False)
    assert (states["GigabitEthernet1/0/24"].enabled, states["GigabitEthernet1/0/24"].up) == (False, False)
    # NAPALM writes the local interfaces out; the neighbours' ports come as they sent them.
    assert facts.neighbours == (
        Neighbour("GigabitEthernet1/0/1", "gw-disdik.klaten.go.id", "Gi0/0/1", "to core-1 Gi1/0/1",
                  "70:E4:22:31:5C:00"),
        Neighbour("GigabitEthernet1/0/3", "gw-dinkes", "Gi0/0/1", "uplink", "70:E4:22:31:8A:01"),
        Neighbour("TenGigabitEthernet1/1/1", "leaf-1.klaten.go.id", "Ethernet49", "to core-1 Te1/1/1",
                  "00:1C:73:11:AA:00"),
    )
    assert ArpEntry("10.10.0.6", "70:E4:22:31:8A:01", "Vlan10") in facts.arp and len(facts.arp) == 6


def test_an_ios_xe_router(facts_of):
    facts = facts_of["gw-disdik"]
    assert (facts.model, facts.serial) == ("ISR4331/K9", "FDO2231M0AB")
    assert "Version 16.9.5" in facts.os_version
    assert [n.system_name for n in facts.neighbours] == ["core-1.klaten.go.id"]


def test_an_eos_switch_over_ssh(facts_of):
    facts = facts_of["leaf-1"]

    assert (facts.vendor, facts.model, facts.serial, facts.os_version) == ("Arista", "DCS-7050TX-64", "JPE16281042",
                                                                           "4.28.3M-28837868.4283M")
    states = {state.name: state for state in facts.interfaces}
    assert (states["Ethernet3"].enabled, states["Ethernet3"].up) == (True, False)
    assert states["Ethernet49"].up and states["Ethernet49"].description == "to core-1 Te1/1/1"
    assert facts.neighbours[0] == Neighbour("Ethernet1", "srv-db.klaten.go.id", "52:54:00:a1:0b:10", "eth0",
                                            "52:54:00:A1:0B:10")
    assert len(facts.arp) == 3 and facts.complete


def test_a_getter_that_fails_leaves_its_part_out_with_a_note(facts_of):
    facts = facts_of["sw-old"]
    assert facts.neighbours is None and not facts.complete
    assert facts.notes == ("get_lldp_neighbors_detail failed: ValueError: LLDP neighbor count has changed between "
                           "commands. Interface: []",)
    assert facts.facts_read and len(facts.interfaces) == 4 and len(facts.arp) == 2


def test_getters_a_driver_does_not_have_are_noted():
    class Bare(NetworkDriver):  # NAPALM's base driver: every getter raises NotImplementedError
        def __init__(self):
            pass

    answers, notes = run_getters(Bare(), "bare", login())
    assert answers == {}
    assert notes == [f"{getter}: not supported by NAPALM's bare driver" for getter in GETTERS]


def test_a_target_logs_in_with_the_login_its_profile_names(recorded_network, tmp_path):
    secrets = tmp_path / "collector-secrets.toml"
    secrets.write_text(f'[ssh.lab-switches]\nusername = "{USERNAME}"\npassword = "{PASSWORD}"\n'
                       f'enable_secret = "{ENABLE}"\n')
    secrets.chmod(0o600)
    store = SecretStore.load(secrets, environ={})
    facts = read_target(recorded_network.target("gw-disdik", credential="lab-switches"), store,
                        known_hosts=recorded_network.known_hosts)
    assert facts.serial == "FDO2231M0AB"

    with pytest.raises(ReconcileError) as caught:
        read_target(recorded_network.target("gw-disdik", credential="lab-routers"), store)
    assert caught.value.kind == "credential"
    assert str(caught.value).startswith("gw-disdik: no SSH credential named 'lab-routers'")


# Every way in fails clearly.


@SERVER_NOISE
def test_a_wrong_password(recorded_network):
    error = failure(recorded_network, "core-1", credential=login(WRONG_PASSWORD, enable_secret=ENABLE))
    device = recorded_network.devices["core-1"]
    assert (error.kind, error.reason) == ("authentication", f"SSH login as {USERNAME} refused by "
                                                            f"{device.address}:{device.port} (wrong password or key)")


@SERVER_NOISE
@pytest.mark.parametrize("driver", ["ios", "eos", "junos"])
def test_a_changed_host_key_is_refused(recorded_network, driver):
    error = failure(recorded_network, "leaf-1", known_hosts=recorded_network.known_hosts_of_before, driver=driver)
    device = recorded_network.devices["leaf-1"]
    assert error.kind == "host-key-changed"
    assert error.reason.startswith(f"the SSH host key of {device.address}:{device.port} is not the one in "
                                   f"{recorded_network.known_hosts_of_before}: it changed")


@SERVER_NOISE
def test_an_unknown_host_key_is_refused_not_added(recorded_network):
    empty = recorded_network.folder / "known_hosts_empty"
    empty.write_text("")
    error = failure(recorded_network, "gw-disdik", known_hosts=empty)
    device = recorded_network.devices["gw-disdik"]
    assert error.kind == "host-key-unknown"
    assert f"ssh-keyscan -p {device.port} {device.address}" in error.reason
    assert empty.read_text() == ""


@SERVER_NOISE
def test_junos_checks_the_host_key_then_fails_on_netconf(recorded_network):
    # The right key: PyEZ gets past the check, and FakeNOS has no NETCONF subsystem to give it.
    error = failure(recorded_network, "core-1", driver="junos")
    assert error.kind == "unreachable" and "host key" not in error.reason


def test_an_ssh_server_that_never_speaks_times_out(recorded_network, silent_port):
    address, port = silent_port
    error = failure(recorded_network, "core-1", host=address, port=port)
    assert (error.kind, error.reason) == ("timeout", f"no SSH answer from {address}:{port} within {TIMEOUT} s")


def test_a_port_that_drops_connections_times_out(recorded_network, dropping_port):
    address, port = dropping_port
    error = failure(recorded_network, "core-1", host=address, port=port)
    assert (error.kind, error.reason) == ("timeout", f"no SSH answer from {address}:{port} within {TIMEOUT} s")


def test_a_closed_port_is_unreachable(recorded_network, closed_port):
    error = failure(recorded_network, "core-1", host="127.0.0.1", port=closed_port)
    assert (error.kind, error.reason) == ("unreachable", f"127.0.0.1:{closed_port} refused the connection (no sshd "
                                                         f"on that port?)")


def test_drivers_outside_the_four_and_a_missing_napalm_ros():
    with pytest.raises(ReconcileError, match="NAPALM driver 'nxos' is not one of ios, eos, junos, ros") as caught:
        driver_class("sw-9k", "nxos")
    assert caught.value.kind == "driver-missing"
    try:
        import napalm_ros  # noqa: F401
    except ImportError:
        with pytest.raises(ReconcileError, match=r"gw-x: NAPALM driver 'ros' is not installed \(pip install "
                                                 r"napalm-ros==1\.6\.1\)"):
            driver_class("gw-x", "ros")
    else:
        assert driver_class("gw-x", "ros").__name__ == "ROSDriver"


def test_login_options_keep_the_host_key_check_and_the_secrets_where_they_belong(recorded_network):
    target = recorded_network.target("leaf-1", optional_args={"global_delay_factor": 2})
    options = driver_options(target, login(enable_secret=ENABLE), recorded_network.known_hosts, 9)
    assert options["transport"] == "ssh" and options["ssh_strict"] is True
    assert options["alt_key_file"] == str(recorded_network.known_hosts) and options["allow_agent"] is False
    assert (options["port"], options["secret"], options["global_delay_factor"]) == (target.port, ENABLE, 2)
    ros = driver_options(recorded_network.target("leaf-1", driver="ros", optional_args={"port": 8729}), login(),
                         None, 9)
    assert ros == {"port": 8729, "ssh_port": target.port}  # the API port is the profile's; SSH is only for configs
