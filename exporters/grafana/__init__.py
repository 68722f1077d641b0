"""Grafana dashboards of egov-netops as code (dashboards.py) and the tools that prove them against a real Prometheus
(queries.py). Not shipped in the wheel: the generated JSON in provisioning/ is what Grafana loads."""
