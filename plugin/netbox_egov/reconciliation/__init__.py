"""Reconciliation in NetBox (docs/reconciliation.md): the collectors' reports applied to the findings
(report.py), their change log written in bulk (changes.py), and what a person may accept of a finding
(accept.py)."""
