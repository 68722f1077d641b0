"""Fixtures of the collectors' tests: real peers (snmpd and snmpsim in network namespaces, the stack's Redis
and NetBox), never mocks of SNMP or NetBox."""

pytest_plugins = ["tests.snmp_peers"]
