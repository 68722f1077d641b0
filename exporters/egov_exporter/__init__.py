"""egov-exporter: the collectors' data and NetBox's view of the regency as Prometheus metrics (docs/metrics.md).

Never imports the plugin (``netbox_egov``): NetBox is read over its REST API with a read-only token.
"""
