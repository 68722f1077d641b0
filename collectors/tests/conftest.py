"""Fixtures of the collectors' tests: real peers (snmpd and snmpsim in network namespaces, the stack's Redis
and NetBox), never mocks of SNMP or NetBox."""

pytest_plugins = [
    "tests.napalm_peers",
    "tests.netbox_peers",
    "tests.snmp_peers",
    "tests.ssh_peers",
    "tests.store_peers",
]
