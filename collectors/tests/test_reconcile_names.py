"""Interface and system names in every spelling devices and NetBox use, and LLDP neighbours resolved to NetBox
objects by them (reconcile.names, reconcile.resolve: pure)."""

import pytest

from egov_collectors.reconcile.names import INTERFACE_TYPES, device_keys, full_interface_name, interface_key
from egov_collectors.reconcile.records import Neighbour
from egov_collectors.reconcile.resolve import Directory, NetBoxDevice, NetBoxPort, Resolved, Unresolved


@pytest.mark.parametrize(("spelling", "full"), [
    ("Gi1/0/1", "GigabitEthernet1/0/1"),
    ("gi1/0/1", "GigabitEthernet1/0/1"),
    ("Gig 1/0/1", "GigabitEthernet1/0/1"),
    ("GigabitEthernet1/0/1", "GigabitEthernet1/0/1"),
    ("GE0/0/1", "GigabitEthernet0/0/1"),
    ("Te1/1/1", "TenGigabitEthernet1/1/1"),
    ("Tw1/0/1", "TwoGigabitEthernet1/0/1"),
    ("Twe1/0/1", "TwentyFiveGigE1/0/1"),
    ("Fo1/1/1", "FortyGigabitEthernet1/1/1"),
    ("Hu0/0/0/0", "HundredGigE0/0/0/0"),
    ("Fa0/1", "FastEthernet0/1"),
    ("Et49", "Ethernet49"),
    ("Eth1/1", "Ethernet1/1"),
    ("Ethernet1/1", "Ethernet1/1"),
    ("Po10", "Port-channel10"),
    ("Port-Channel10", "Port-channel10"),
    ("port-channel10", "Port-channel10"),
    ("Ma1", "Management1"),
    ("mgmt0", "Management0"),
    ("Vl10", "Vlan10"),
    ("Lo0", "Loopback0"),
    ("Gi0/0/1.100", "GigabitEthernet0/0/1.100"),
    ("Ap1/0/1", "AppGigabitEthernet1/0/1"),
    ("BE1", "Bundle-Ether1"),
])
def test_every_abbreviation_is_written_out(spelling, full):
    assert full_interface_name(spelling) == full
    assert interface_key(spelling) == interface_key(full) == full.lower()


@pytest.mark.parametrize("name", ["ge-0/0/0", "xe-0/0/1.0", "et-0/0/48", "ether1", "sfp-sfpplus1", "bridge",
                                  "52:54:00:a1:0b:10", ""])
def test_names_of_unknown_types_are_compared_as_written(name):
    assert full_interface_name(name) == name


def test_the_table_gives_each_abbreviation_one_meaning():
    aliases = [alias for full, spelled in INTERFACE_TYPES.items() for alias in (full.lower(), *spelled)]
    assert len(aliases) == len(set(aliases))


@pytest.mark.parametrize(("name", "keys"), [
    ("core-1", ("core-1", "core-1")),
    ("CORE-1.Klaten.go.id.", ("core-1.klaten.go.id", "core-1")),
    (" leaf-1.klaten.go.id ", ("leaf-1.klaten.go.id", "leaf-1")),
    ("10.10.0.3", ("10.10.0.3", "10.10.0.3")),
    ("2001:db8::1", ("2001:db8::1", "2001:db8::1")),
])
def test_system_names_by_full_and_short_name(name, keys):
    assert device_keys(name) == keys


CORE = NetBoxDevice(1, "core-1")
LEAF = NetBoxDevice(2, "leaf-1.klaten.go.id")  # NetBox names this one by its FQDN
SRV = NetBoxDevice(3, "srv-db")
DIRECTORY = Directory([CORE, LEAF, SRV, NetBoxDevice(4, "gw-a.klaten.go.id"), NetBoxDevice(5, "gw-a.kominfo.id")], {
    1: [NetBoxPort(11, "GigabitEthernet1/0/1", "to gw-disdik"), NetBoxPort(12, "TenGigabitEthernet1/1/1")],
    2: [NetBoxPort(21, "Ethernet49", "uplink core-1"), NetBoxPort(22, "Ethernet50", "uplink core-2"),
        NetBoxPort(23, "Ethernet51", "spare"), NetBoxPort(24, "Ethernet52", "spare")],
    3: [NetBoxPort(31, "eth0"), NetBoxPort(32, "eth1")],
})


@pytest.mark.parametrize(("neighbour", "device", "port"), [
    (Neighbour("Et49", "CORE-1.klaten.go.id", "Te1/1/1"), CORE, 12),  # FQDN and case against a short name
    (Neighbour("Gi1/0/1", "leaf-1", "Et49"), LEAF, 21),  # short name against an FQDN, EOS abbreviation
    (Neighbour("Gi1/0/1", "leaf-1.klaten.go.id", "ethernet50"), LEAF, 22),
    # lldpd sends the MAC as port id and the interface's name as its description.
    (Neighbour("Ethernet1", "srv-db.klaten.go.id", "52:54:00:a1:0b:10", "eth0"), SRV, 31),
    # A port id NetBox does not know, and a description that is a NetBox interface's description.
    (Neighbour("Gi1/0/2", "leaf-1", "xcvr-49", "uplink core-1"), LEAF, 21),
])
def test_neighbours_resolve_in_any_spelling(neighbour, device, port):
    resolved = DIRECTORY.resolve(neighbour)
    assert isinstance(resolved, Resolved)
    assert (resolved.device, resolved.port.id) == (device, port)


@pytest.mark.parametrize(("neighbour", "reason"), [
    (Neighbour("Gi1/0/5", "", "Gi0/1", chassis_id="00:11:22:33:44:55"), "it sends no system name"),
    (Neighbour("Gi1/0/5", "phone-ruang-rapat", "port 1"), "no single NetBox device is named phone-ruang-rapat"),
    # Two NetBox devices are gw-a in two domains: the short name is not guessed.
    (Neighbour("Gi1/0/5", "gw-a", "Gi0/1"), "no single NetBox device is named gw-a"),
    (Neighbour("Gi1/0/5", "leaf-1", "Ethernet7"), "leaf-1.klaten.go.id has no interface Ethernet7 in NetBox"),
    # A description shared by two interfaces names neither.
    (Neighbour("Gi1/0/5", "leaf-1", "xcvr-51", "spare"), "leaf-1.klaten.go.id has no interface xcvr-51 in NetBox"),
])
def test_neighbours_netbox_cannot_name_stay_unresolved(neighbour, reason):
    assert DIRECTORY.resolve(neighbour) == Unresolved(reason)


def test_a_full_name_known_once_wins_over_a_short_name_known_twice():
    assert DIRECTORY.device("gw-a.kominfo.id") == NetBoxDevice(5, "gw-a.kominfo.id")
    assert DIRECTORY.device("gw-a") is None
