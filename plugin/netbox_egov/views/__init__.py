"""The plugin's pages, one module per concern; importing a module registers its model views
(register_model_view), so every module is imported here for urls.py to find them."""

from . import (  # noqa: F401
    agencies,
    cable_labels,
    quotas,
    recommendations,
    reconciliation,
    registry,
    reports,
    site_filtering,
)
