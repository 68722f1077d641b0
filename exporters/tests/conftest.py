"""Fixtures of the exporters' tests: the stack's Redis and NetBox (collectors/tests), a real Prometheus and
promtool, never mocks."""

pytest_plugins = [
    "tests.exporter_peers",
    "tests.netbox_peers",
    "tests.netbox_monitoring_peers",
    "tests.store_peers",
    "tests.prometheus_peers",
]
