"""Fixtures of the enforcement tests: a real Linux gateway in network namespaces (gateway_peers), the stack's
NetBox served on the test database (collectors/tests/netbox_peers.py) and a regency in it (netbox_regency),
never mocks of either."""

pytest_plugins = [
    "tests.netbox_peers",
    "tests.gateway_peers",
    "tests.netbox_regency",
]
