"""egov-push: enforcement of the agencies' bandwidth quotas and site filter on their gateways.

netbox reads what to enforce from the plugin's REST API, effective computes the ceilings in force now, runner
runs the Ansible project (``project/``: site.yml, the roles, the NetBox inventory; shipped inside this package)
through ansible-runner, cli is ``egov-push``.
"""
