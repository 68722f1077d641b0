"""Reconciliation: what devices say about themselves and their neighbours (NAPALM over SSH) against what NetBox
documents, as findings people review in NetBox (issue 13; docs/reconciliation.md). Nothing in NetBox is changed.

One concern per module:

- ``names``: interface abbreviations (one table) and system names reduced to comparable keys;
- ``records``: what the parts hand each other (targets, documented interfaces, facts, findings);
- ``documentation``: the targets and what NetBox documents for them, in a constant number of list requests;
- ``facts``: one NAPALM session per device (get_facts, get_interfaces, get_lldp_neighbors_detail,
  get_arp_table), every login failure a per-device error;
- ``resolve``, ``compare``: LLDP neighbours to NetBox objects, and the findings (pure, no I/O);
- ``report``: one device's report to the plugin's endpoint (pure);
- ``run``: a run cut into RQ jobs (``egov_collectors.jobs.reconcile_batch``), and a job's work.
"""
