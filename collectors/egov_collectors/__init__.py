"""egov-netops collectors: poll agency gateways and the backbone, account traffic per agency, write it to NetBox;
reconcile what devices say with what NetBox documents.

The collectors talk to the plugin only over its REST API (pynetbox) and never import ``netbox_egov``. Layout:

- ``model``: the records the parts hand each other (targets, credentials, what a device answered).
- ``counters``, ``periods``, ``accounting``: pure rules (no Django, no network), tested directly.
- ``snmp``: the SNMP client (asyncio: a lean codec for v2c, pysnmp 7 for v3), ``poll_many``, the backoff rule.
- ``nft``: an agency's nftables counters on a Linux gateway, over SSH (netmiko); ``ssh_errors``: why an SSH login
  failed, for every SSH client here.
- ``reconcile``: what devices say (NAPALM over SSH) against what NetBox documents, reported as findings.
- ``secrets``, ``settings``: credentials resolved by name at run time; the settings from the environment.
- ``netbox``: what to poll and the quotas, read from NetBox; usage written back through the upsert.
- ``spool``, ``store``: usage writes kept on disk until NetBox takes them; the latest data for the exporter.
- ``cycle``, ``runs``, ``jobs``, ``cli``: a poll cycle cut into RQ jobs; the record of a run of jobs in Redis; the
  jobs (polls, reconciliations); the ``egov-collector`` command.
- ``terminal``: the progress bar and table console of the command-line tools (egov-push's too).
"""
