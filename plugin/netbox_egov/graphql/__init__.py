from .schema import schema  # the plugin loader reads netbox_egov.graphql.schema

__all__ = ("schema",)
