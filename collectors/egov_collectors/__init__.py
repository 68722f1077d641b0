"""egov-netops collectors: poll agency gateways and the backbone, account traffic per agency, write it to NetBox.

The collectors talk to the plugin only over its REST API (pynetbox) and never import ``netbox_egov``. Layout:

- ``model``: the records the parts hand each other (targets, credentials, what a device answered).
- ``counters``, ``periods``, ``accounting``: pure rules (no Django, no network), tested directly.
- ``snmp``: the SNMP client (pysnmp 7, asyncio).
- ``secrets``: credentials resolved by name at run time.
- ``netbox``: what to poll and the quotas, read from NetBox; usage written back through the upsert.
- ``spool``, ``store``: usage writes kept on disk until NetBox takes them; the latest data for the exporter.
- ``cycle``, ``cli``: a poll cycle cut into RQ jobs; the ``egov-collector`` command.
"""
