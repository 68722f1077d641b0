"""The findings (reconcile.compare: pure) of facts NAPALM parsed from the recorded devices (napalm_peers.py, read
once over SSH for the module), against documentation as NetBox's list requests give it.

The documentation is the Dinas' data centre as NetBox has it in test_reconcile_netbox.py (napalm_peers.PORTS,
CABLES, DOCUMENTED): the devices agree with it except for exactly four things (gw-disdik's serial, core-1's cable
to gw-dinkes that nobody documented, core-1's documented cable to sw-lantai2 that LLDP never shows, leaf-1's
Ethernet3 that is cabled but down). The other tests change one thing at a time.
"""

import dataclasses
from concurrent.futures import ThreadPoolExecutor

import pytest
from tests.napalm_peers import CABLES, DOCUMENTED, NETWORK_DEVICES, PASSWORD, PORTS, USERNAME

from egov_collectors.model import SSHCredential
from egov_collectors.reconcile.compare import findings, mac_key, same_model, same_version
from egov_collectors.reconcile.facts import read_facts
from egov_collectors.reconcile.records import (
    DOCUMENTED_LINK_NOT_SEEN,
    INTERFACE_DOWN_BUT_ENABLED,
    INTERFACE_UP_BUT_DISABLED,
    MODEL_DIFFERS,
    OS_DIFFERS,
    SERIAL_DIFFERS,
    UNDOCUMENTED_LINK,
    UNKNOWN_NEIGHBOUR,
    WRONG_FAR_END,
    DocumentedInterface,
    FarEnd,
    Finding,
    ReconcileTarget,
)
from egov_collectors.reconcile.resolve import Directory, NetBoxDevice, NetBoxPort

# NetBox ids of the documented world.
DEVICES = {"core-1": 1, "gw-disdik": 2, "leaf-1": 3, "gw-dinkes": 4, "sw-lantai2": 5, "srv-backup": 6, "srv-db": 7,
           "srv-app": 8}
def port_id(device, name, ports=PORTS):
    return DEVICES.get(device, 9) * 1000 + ports[device].index(name)


def interfaces_of(device, cables=CABLES, disabled=(), mark_connected=(), unconnected=(), ports=PORTS):
    """The device's interfaces as NetBox documents them (as documentation.documented_interface makes them)."""
    far_ends = {}
    for a, a_port, b, b_port in cables:
        far_ends[(a, a_port)] = (b, b_port)
        far_ends[(b, b_port)] = (a, a_port)
    result = []
    for name in ports[device]:
        far = far_ends.get((device, name))
        far_end = (FarEnd(far[0], far[1], DEVICES[far[0]], port_id(*far, ports=ports), far[0] in NETWORK_DEVICES)
                   if far else None)
        result.append(DocumentedInterface(port_id(device, name, ports), name, enabled=name not in disabled,
                                          cabled=far is not None, mark_connected=name in mark_connected,
                                          far_end=far_end, connected=far is not None and name not in unconnected))
    return result


def directory(devices=DEVICES, ports=PORTS):
    return Directory([NetBoxDevice(id_, name) for name, id_ in devices.items()],
                     {DEVICES[name]: [NetBoxPort(port_id(name, port, ports), port) for port in ports[name]]
                      for name in devices})


def without(ports, device, name):
    """The ports with one interface of one device gone."""
    return {**ports, device: [port for port in ports[device] if port != name]}


def target(name, **changes):
    return ReconcileTarget(device=name, device_id=DEVICES[name], host="127.0.0.1", driver="ios", credential="lab",
                           **{**DOCUMENTED[name], **changes})


@pytest.fixture(scope="module")
def facts(recorded_network):
    """What each recorded device said, read once over SSH for the module."""
    credential = SSHCredential("lab", USERNAME, password=PASSWORD)

    def read(name):
        return name, read_facts(recorded_network.target(name), credential, known_hosts=recorded_network.known_hosts,
                                timeout=30)

    with ThreadPoolExecutor(4) as pool:
        return dict(pool.map(read, recorded_network.devices))


def compare(facts, name, documentation=None, devices=DEVICES, ports=PORTS, **changes):
    return findings(target(name, **changes), facts[name], documentation or interfaces_of(name, ports=ports),
                    directory(devices, ports))


def test_the_recorded_network_gives_exactly_the_four_disagreements(facts):
    assert compare(facts, "core-1") == [
        Finding(DOCUMENTED_LINK_NOT_SEEN, "GigabitEthernet1/0/4", port_id("core-1", "GigabitEthernet1/0/4"),
                netbox_says="sw-lantai2 GigabitEthernet0/1", device_says="no LLDP neighbour"),
        Finding(UNDOCUMENTED_LINK, "GigabitEthernet1/0/3", port_id("core-1", "GigabitEthernet1/0/3"),
                netbox_says="no cable", device_says="gw-dinkes GigabitEthernet0/0/1",
                far_interface=port_id("gw-dinkes", "GigabitEthernet0/0/1")),
    ]
    assert compare(facts, "gw-disdik") == [
        Finding(SERIAL_DIFFERS, netbox_says="FDO2231M0AA", device_says="FDO2231M0AB")]
    assert compare(facts, "leaf-1") == [
        Finding(INTERFACE_DOWN_BUT_ENABLED, "Ethernet3", port_id("leaf-1", "Ethernet3"),
                netbox_says="enabled, cabled to srv-app eth0", device_says="down")]


def test_a_second_look_says_the_same(facts):
    assert compare(facts, "core-1") == compare(facts, "core-1")


# The device itself.


@pytest.mark.parametrize(("documented", "found"), [
    ("fdo2231m0ab ", []),  # case and blanks do not differ
    ("FDO2231M0AA", [Finding(SERIAL_DIFFERS, netbox_says="FDO2231M0AA", device_says="FDO2231M0AB")]),
    ("", [Finding(SERIAL_DIFFERS, netbox_says="", device_says="FDO2231M0AB")]),  # NetBox lacks it: "set this serial"
])
def test_serial(facts, documented, found):
    assert compare(facts, "gw-disdik", serial=documented) == found


def test_a_serial_or_model_the_device_does_not_tell_is_no_finding(facts):
    quiet = dataclasses.replace(facts["gw-disdik"], serial="Unknown", model="Unknown")
    assert findings(target("gw-disdik", serial="X", model="Y", part_number=""), quiet, interfaces_of("gw-disdik"),
                    directory()) == []


@pytest.mark.parametrize(("model", "part_number", "differs"), [
    ("Catalyst 3750X-24T", "WS-C3750X-24T-S", False),  # IOS drops the licence suffix of the part number
    ("WS-C3750X-24T", "", False),
    ("ws-c3750x-24t", "", False),
    ("Catalyst 3750X-48T", "WS-C3750X-48T-S", True),
    ("Catalyst 3750X", "WS-C3750X", True),  # a shorter documented name is another model, not a suffix
])
def test_model(facts, model, part_number, differs):
    found = compare(facts, "core-1", model=model, part_number=part_number)
    assert [f for f in found if f.kind == MODEL_DIFFERS] == ([Finding(
        MODEL_DIFFERS, netbox_says=" / ".join(filter(None, (model, part_number))), device_says="WS-C3750X-24T")]
        if differs else [])


@pytest.mark.parametrize(("device", "expected", "differs"), [
    ("core-1", "15.2(4)E10", False),
    ("core-1", "15.2(4)E1", True),
    ("core-1", "15.2(7)E8", True),
    ("core-1", None, False),  # no egov_os_version: the OS is not compared
    ("gw-disdik", "16.9.5", False),
    ("gw-disdik", "16.9", True),
    ("leaf-1", "4.28.3M", False),
    ("leaf-1", "4.28", True),
    ("leaf-1", "4.28.3m", False),
])
def test_os_version(facts, device, expected, differs):
    found = [f for f in compare(facts, device, os_version=expected) if f.kind == OS_DIFFERS]
    assert found == ([Finding(OS_DIFFERS, netbox_says=expected, device_says=facts[device].os_version)]
                     if differs else [])


@pytest.mark.parametrize(("expected", "reported", "same"), [
    ("15.2(4)E10", "C3750E Software (C3750E-UNIVERSALK9-M), Version 15.2(4)E10, RELEASE SOFTWARE (fc2)", True),
    ("15.2(4)E1", "C3750E Software (C3750E-UNIVERSALK9-M), Version 15.2(4)E10, RELEASE SOFTWARE (fc2)", False),
    ("4.28.3M", "4.28.3M-28837868.4283M", True),
    ("4.28.3", "4.28.3M-28837868.4283M", False),
    ("22.4R3-S2", "22.4R3-S2.4", False),
    ("22.4R3-S2.4", "22.4R3-S2.4", True),
])
def test_version_words(expected, reported, same):
    assert same_version(expected, reported) is same


def test_model_rule():
    assert same_model("ISR4331/K9", "ISR4331/K9", "")
    assert not same_model("ISR4331", "ISR4331/K9", "")  # "/" is no suffix separator


# Interfaces.


def test_only_interfaces_documented_in_use_are_expected_up(facts):
    # core-1 has 18 enabled ports that are down and cabled to nothing in NetBox: no finding for any of them.
    assert [f for f in compare(facts, "core-1") if f.kind == INTERFACE_DOWN_BUT_ENABLED] == []
    # Marked connected (a link NetBox has no cable for) counts as in use.
    found = compare(facts, "core-1", documentation=interfaces_of("core-1", mark_connected={"GigabitEthernet1/0/5"}))
    assert Finding(INTERFACE_DOWN_BUT_ENABLED, "GigabitEthernet1/0/5", port_id("core-1", "GigabitEthernet1/0/5"),
                   netbox_says="enabled, marked connected", device_says="down") in found


def test_an_interface_in_use_that_the_device_shut_or_lacks(facts):
    ports = {**PORTS, "core-1": [*PORTS["core-1"], "GigabitEthernet1/0/25"]}  # a port the device does not have
    cables = [*CABLES, ("core-1", "GigabitEthernet1/0/24", "srv-db", "eth0"),
              ("core-1", "GigabitEthernet1/0/25", "srv-backup", "eth0")]
    found = compare(facts, "core-1", documentation=interfaces_of("core-1", cables=cables, ports=ports), ports=ports)
    down = [f for f in found if f.kind == INTERFACE_DOWN_BUT_ENABLED]
    assert down == [
        Finding(INTERFACE_DOWN_BUT_ENABLED, "GigabitEthernet1/0/24", port_id("core-1", "GigabitEthernet1/0/24"),
                netbox_says="enabled, cabled to srv-db eth0", device_says="administratively down"),
        Finding(INTERFACE_DOWN_BUT_ENABLED, "GigabitEthernet1/0/25", port_id("core-1", "GigabitEthernet1/0/25", ports),
                netbox_says="enabled, cabled to srv-backup eth0", device_says="no such interface"),
    ]


def test_an_interface_up_that_netbox_says_is_disabled(facts):
    found = compare(facts, "core-1", documentation=interfaces_of("core-1", disabled={"GigabitEthernet1/0/10",
                                                                                  "GigabitEthernet1/0/5"}))
    disabled = [f for f in found if f.kind in (INTERFACE_UP_BUT_DISABLED, INTERFACE_DOWN_BUT_ENABLED)]
    # Gi1/0/10 is up (and cabled); Gi1/0/5 is down: disabled and down agree.
    assert disabled == [Finding(INTERFACE_UP_BUT_DISABLED, "GigabitEthernet1/0/10",
                                port_id("core-1", "GigabitEthernet1/0/10"), netbox_says="disabled", device_says="up")]


# Links.


def test_a_neighbour_on_another_device_than_documented_is_a_wrong_far_end(facts):
    cables = [*CABLES, ("core-1", "GigabitEthernet1/0/3", "sw-lantai2", "GigabitEthernet0/2")]
    found = compare(facts, "core-1", documentation=interfaces_of("core-1", cables=cables))
    assert Finding(WRONG_FAR_END, "GigabitEthernet1/0/3", port_id("core-1", "GigabitEthernet1/0/3"),
                   netbox_says="sw-lantai2 GigabitEthernet0/2", device_says="gw-dinkes GigabitEthernet0/0/1",
                   far_interface=port_id("gw-dinkes", "GigabitEthernet0/0/1")) in found
    assert UNDOCUMENTED_LINK not in {f.kind for f in found}


def test_a_neighbour_on_another_port_of_the_documented_device_is_a_wrong_far_end(facts):
    cables = [c if c[1] != "GigabitEthernet1/0/1" else ("core-1", "GigabitEthernet1/0/1", "gw-disdik",
                                                         "GigabitEthernet0/0/2") for c in CABLES]
    found = compare(facts, "core-1", documentation=interfaces_of("core-1", cables=cables))
    assert Finding(WRONG_FAR_END, "GigabitEthernet1/0/1", port_id("core-1", "GigabitEthernet1/0/1"),
                   netbox_says="gw-disdik GigabitEthernet0/0/2", device_says="gw-disdik GigabitEthernet0/0/1",
                   far_interface=port_id("gw-disdik", "GigabitEthernet0/0/1")) in found


def test_a_neighbour_netbox_does_not_know_is_an_unknown_neighbour_with_its_address(facts):
    without_dinkes = {name: id_ for name, id_ in DEVICES.items() if name != "gw-dinkes"}
    found = compare(facts, "core-1", devices=without_dinkes)
    # Its chassis MAC (70e4.2231.8a01) is in core-1's ARP table as 10.10.0.6.
    assert Finding(UNKNOWN_NEIGHBOUR, "GigabitEthernet1/0/3", port_id("core-1", "GigabitEthernet1/0/3"),
                   netbox_says="no cable; no single NetBox device is named gw-dinkes",
                   device_says="gw-dinkes Gi0/0/1 (10.10.0.6)") in found
    assert UNDOCUMENTED_LINK not in {f.kind for f in found}


def test_a_port_netbox_does_not_know_is_an_unknown_neighbour(facts):
    ports = without(PORTS, "gw-disdik", "GigabitEthernet0/0/1")  # gone, and its cable with it
    cables = [c for c in CABLES if c[1] != "GigabitEthernet1/0/1"]
    found = compare(facts, "core-1", documentation=interfaces_of("core-1", cables=cables, ports=ports), ports=ports)
    # gw-disdik's chassis MAC is not in core-1's ARP table (its interface's is), and Gi1/0/1 learnt no address.
    assert [f for f in found if f.subject == "GigabitEthernet1/0/1"] == [Finding(
        UNKNOWN_NEIGHBOUR, "GigabitEthernet1/0/1", port_id("core-1", "GigabitEthernet1/0/1"),
        netbox_says="no cable; gw-disdik has no interface Gi0/0/1 in NetBox",
        device_says="gw-disdik.klaten.go.id Gi0/0/1")]


def test_lldp_on_a_port_netbox_does_not_have_names_the_devices_port(facts):
    ports = without(PORTS, "core-1", "GigabitEthernet1/0/3")
    found = compare(facts, "core-1", ports=ports)
    assert Finding(UNDOCUMENTED_LINK, "GigabitEthernet1/0/3", None, netbox_says="no such interface",
                   device_says="gw-dinkes GigabitEthernet0/0/1",
                   far_interface=port_id("gw-dinkes", "GigabitEthernet0/0/1")) in found


def test_a_documented_link_is_expected_in_lldp_only_to_a_network_device_over_a_connected_path(facts):
    found = compare(facts, "core-1")
    # srv-backup (Gi1/0/10) is a server: no LLDP expected; sw-lantai2 (Gi1/0/4) is a switch: expected.
    assert [f.subject for f in found if f.kind == DOCUMENTED_LINK_NOT_SEEN] == ["GigabitEthernet1/0/4"]
    planned = compare(facts, "core-1", documentation=interfaces_of("core-1", unconnected={"GigabitEthernet1/0/4"}))
    assert DOCUMENTED_LINK_NOT_SEEN not in {f.kind for f in planned}


def test_a_documented_link_not_seen_says_when_its_interface_is_down(facts):
    cables = [*CABLES, ("core-1", "GigabitEthernet1/0/5", "sw-lantai2", "GigabitEthernet0/2")]
    found = compare(facts, "core-1", documentation=interfaces_of("core-1", cables=cables))
    assert Finding(DOCUMENTED_LINK_NOT_SEEN, "GigabitEthernet1/0/5", port_id("core-1", "GigabitEthernet1/0/5"),
                   netbox_says="sw-lantai2 GigabitEthernet0/2",
                   device_says="no LLDP neighbour (interface down)") in found


def test_a_neighbour_sending_its_mac_as_port_matches_by_the_port_description(facts):
    # leaf-1 Ethernet1: srv-db's lldpd sends 52:54:00:a1:0b:10 as port id and "eth0" as its description.
    assert [f for f in compare(facts, "leaf-1") if f.subject == "Ethernet1"] == []


def test_two_neighbours_on_one_port_make_one_finding(facts):
    phone = dataclasses.replace(facts["core-1"].neighbours[1], system_name="phone-rr1", port="port 1",
                                chassis_id="00:04:f2:aa:bb:01")
    doubled = dataclasses.replace(facts["core-1"], neighbours=(*facts["core-1"].neighbours, phone))
    found = findings(target("core-1"), doubled, interfaces_of("core-1"),
                     directory({n: i for n, i in DEVICES.items() if n != "gw-dinkes"}))
    unknown = [f for f in found if f.kind == UNKNOWN_NEIGHBOUR]
    assert unknown == [Finding(UNKNOWN_NEIGHBOUR, "GigabitEthernet1/0/3", port_id("core-1", "GigabitEthernet1/0/3"),
                               netbox_says="no cable; no single NetBox device is named gw-dinkes; no cable; no single "
                                           "NetBox device is named phone-rr1",
                               device_says="gw-dinkes Gi0/0/1 (10.10.0.6); phone-rr1 port 1")]


# What was not read gives no finding.


def test_a_device_read_in_part_is_compared_on_what_was_read(facts):
    assert facts["sw-old"].neighbours is None and not facts["sw-old"].complete
    ports = {**PORTS, "sw-old": ["FastEthernet0/1", "FastEthernet0/2", "GigabitEthernet0/1"]}
    cables = [("sw-old", "GigabitEthernet0/1", "core-1", "GigabitEthernet1/0/7"),
              ("sw-old", "FastEthernet0/2", "srv-app", "eth0")]
    found = findings(ReconcileTarget("sw-old", 9, "127.0.0.1", "ios", "lab", serial="FOC1449W2KZ",
                                     model="WS-C2960-24TT-L"), facts["sw-old"],
                     interfaces_of("sw-old", cables=cables, ports=ports), directory(ports=ports))
    # No LLDP read: Gi0/1's documented link is not reported as not seen. The interfaces were read: Fa0/2 is down.
    assert [(f.kind, f.subject) for f in found] == [(INTERFACE_DOWN_BUT_ENABLED, "FastEthernet0/2")]


def test_no_interfaces_read_no_interface_findings(facts):
    blind = dataclasses.replace(facts["leaf-1"], interfaces=None)
    assert findings(target("leaf-1"), blind, interfaces_of("leaf-1"), directory()) == []


# Helpers.


@pytest.mark.parametrize(("value", "key"), [
    ("00:1C:73:11:AA:00", "001c7311aa00"), ("001c.7311.aa00", "001c7311aa00"), ("00-1c-73-11-aa-00", "001c7311aa00"),
    ("core-1", ""), ("10.10.0.1", ""), ("", ""), ("00:1C:73:11:AA", ""),
])
def test_mac_keys(value, key):
    assert mac_key(value) == key


def test_a_finding_is_cut_to_the_models_lengths_and_its_kind_checked():
    item = Finding(UNKNOWN_NEIGHBOUR, "x" * 150, None, "n" * 300, "d" * 300).item()
    assert (len(item["subject"]), len(item["netbox_says"]), len(item["device_says"])) == (100, 255, 255)
    assert "far_interface" not in item  # only link findings name one
    assert Finding(UNDOCUMENTED_LINK, "Gi1", 1, far_interface=7).item()["far_interface"] == 7
    assert item["device_says"].endswith("...")
    with pytest.raises(ValueError, match="kind 'serial_mismatch' is not one of undocumented_link"):
        Finding("serial_mismatch")
