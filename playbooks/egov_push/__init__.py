"""egov-push: enforcement of the agencies' bandwidth quotas and site filter on their gateways.

netbox reads what to enforce from the plugin's REST API, effective computes the ceilings in force now, runner
runs the playbooks (site.yml beside this package) through ansible-runner.
"""
